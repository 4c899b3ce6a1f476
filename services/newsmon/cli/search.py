"""``newsmon search``: articles matching a query of the one query language, one row per story.

The query is the alert rules' language (docs/queries.md), compiled to Elasticsearch by
:mod:`newsmon.index.dsl`, so a search shows what a rule with the same text would alert on.
"""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from newsmon.config import get_settings
from newsmon.index.client import make_client
from newsmon.index.dsl import ARTICLES, DslError, to_dsl
from newsmon.index.search import (
    HIGHLIGHT_TAGS, count_stories, encode_cursor, search_articles, search_stories, story_copies, story_key,
)

from .common import fail, out_console, query_elasticsearch
from .queries import read_request, refused_as_sentence
from .results import check_dates, check_paging, emit, next_page_hint, result_options
from .terminal import escape, neutralise

CSV_COLUMNS = ["id", "score", "published_at", "title", "source", "url", "story_id", "actors", "events", "topics",
               "snippet", "more_copies", "copy_sources", "copy_ids", "cursor"]


def filter_options(command):
    """The filters ``newsmon search`` and ``newsmon events`` share: each is a clause of the query language."""
    for option in reversed([
        click.option("--actor", help="Actor by name or alias, words in order (e.g. \"Vladimir Putin\", Putin): actor:..."),
        click.option("--country", help="Country code (SYR, IGO) or name (Syria): country:..."),
        click.option("--type", "event_type", help="PLOVER event type (e.g. CONSULT, ASSAULT): event:..."),
        click.option("--topic", help="A configured topic id (e.g. syria-ceasefire-talks): topic:..."),
        click.option("--source", help="Publisher, as in the article's source (e.g. reuters): source:..."),
    ]):
        command = option(command)
    return command


def compile_search(settings, query: str, filters: dict[str, str | None], target, date_field: str,
                   since: str | None, until: str | None) -> dict[str, Any]:
    """The checked query DSL of a command line: query, filter options and dates (fails with a sentence)."""
    since, until = check_dates(since, until)
    request = read_request(settings, query, filters)
    try:
        return to_dsl(request.query, target, filters=request.filters, date_field=date_field, since=since, until=until)
    except DslError as exc:
        fail(f"{exc}.")


def _snippet(hit: dict[str, Any], field: str) -> str | None:
    found = (hit.get("highlight") or {}).get(field)
    return found[0] if found else None


def marked(text: str, base: str = "") -> Text:
    """Highlighted text for the terminal: the parts ES marked in bold, control characters neutralised."""
    out = Text(style=base)
    start, end = HIGHLIGHT_TAGS
    for i, chunk in enumerate(text.split(start)):
        if i == 0:
            out.append(neutralise(chunk))
            continue
        inside, _, rest = chunk.partition(end)
        out.append(neutralise(inside), style="bold yellow")
        out.append(neutralise(rest))
    return out


def article_row(hit: dict[str, Any], copies: dict[str, Any] | None) -> dict[str, Any]:
    """One result as every format carries it (the table shows the same fields)."""
    src = hit["_source"]
    row = {
        "id": src.get("id") or hit["_id"], "score": hit.get("_score"), "published_at": src.get("published_at"),
        "title": src.get("title"), "source": src.get("source"), "url": src.get("url"), "story_id": src.get("story_id"),
        "language": src.get("language"),
        "actors": list(dict.fromkeys(a["name"] for a in src.get("actors", []))),
        "events": src.get("event_types") or list(dict.fromkeys(e["type"] for e in src.get("events", []))),
        "topics": [t["id"] for t in src.get("topics", [])],
        "title_highlight": _snippet(hit, "title"), "snippet": _snippet(hit, "body"),
    }
    if copies is not None:
        others = [c for c in copies.get("copies", []) if c.get("id") != row["id"]]
        row["more_copies"] = max(copies.get("count", 1) - 1, 0)
        row["copy_sources"] = list(dict.fromkeys(c.get("source") or "?" for c in others))
        row["copy_ids"] = [c.get("id") for c in others]
    row["cursor"] = encode_cursor(hit["sort"]) if hit.get("sort") else None
    return row


def _table(rows: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=escape(title), show_lines=True)
    for column in ("score", "published", "title", "source", "actors", "events", "topics"):
        table.add_column(column, overflow="fold")
    for row in rows:
        cell = marked(row["title_highlight"], "bold") if row.get("title_highlight") else Text(neutralise(row["title"] or "(untitled)"), style="bold")
        if row.get("snippet"):
            cell.append("\n")
            cell.append_text(marked(row["snippet"]))
        if row.get("more_copies"):
            n = row["more_copies"]
            cell.append(f"\nand {n} more cop{'ies' if n != 1 else 'y'} ({neutralise(', '.join(row['copy_sources']))})",
                        style="dim")
        score = f"{row['score']:.2f}" if row.get("score") else "-"
        # Article fields are data: markup escaped, control characters neutralised (newsmon.cli.terminal).
        table.add_row(score, escape((row["published_at"] or "")[:10]), cell, escape(row["source"] or "-"),
                      escape(", ".join(row["actors"])[:200]), escape(", ".join(row["events"])), escape(", ".join(row["topics"])))
    return table


@click.command()
@click.argument("query", required=False, default="")
@filter_options
@result_options(default_size=10, default_sort="relevance")
@click.option("--all-copies", is_flag=True, help="List every copy of a story, not only the best one.")
def search(query, actor, country, event_type, topic, source, since, until, size, page, after, sort, fmt, as_json,
           all_copies):
    """Search indexed articles with the query language of alert rules (docs/queries.md).

    QUERY: words (all must match), "phrases", "words near"~5, AND/OR/NOT, parentheses,
    wildcards (negotiat*), fields (actor:, country:, event:/type:, topic:, source:, lang:,
    place:, cameo:, actor_type:, title:, body:). One row per story, its best copy first,
    with "and N more copies"; --all-copies lists them all.
    """
    settings = get_settings()
    paging = check_paging(size, page, after, sort, fmt, as_json)
    filters = {"actor": actor, "country": country, "event_type": event_type, "topic": topic, "source": source}
    body = compile_search(settings, query, filters, ARTICLES, "published_at", since, until)
    es = make_client(settings)
    index = settings.articles_index
    n, cursor = paging["size"], paging["after"]

    def run():
        if all_copies:
            response = search_articles(es, index, body, size=n, page=paging["page"], sort=sort, after=cursor)
            hits = response["hits"]["hits"]
            total = response["hits"]["total"]["value"]
            shown = (paging["page"] - 1) * n + len(hits)
            more = len(hits) == n and (cursor is not None or shown < total)
            return hits, None, total, None, more
        hits, more, at = [], False, cursor
        for _ in range(1 if cursor is not None else paging["page"]):
            hits, more = search_stories(es, index, body, size=n, sort=sort, after=at)
            if not hits:
                break
            at = hits[-1]["sort"]
        keys = [story_key(h) for h in hits if h["_source"].get("story_id")]
        total, stories = count_stories(es, index, body)
        return hits, story_copies(es, index, body, keys), total, stories, more

    hits, copies, total, stories, more = query_elasticsearch(settings, index, refused_as_sentence(run))
    rows = [article_row(h, None if copies is None else copies.get(story_key(h), {"count": 1})) for h in hits]
    next_cursor = rows[-1]["cursor"] if rows and more else None
    fmt = paging["fmt"]
    if fmt != "table":
        emit(rows, fmt, CSV_COLUMNS)
    else:
        what = f"{total} match{'es' * (total != 1)}" if stories is None else \
            f"{stories} stor{'ies' if stories != 1 else 'y'} ({total} article{'s' * (total != 1)})"
        where = f", after the cursor" if cursor is not None else (f", page {paging['page']}" if paging["page"] > 1 else "")
        out_console.print(_table(rows, f"{what} for {query or '*'!r}{where}"))
    next_page_hint(next_cursor, fmt, out_console)
