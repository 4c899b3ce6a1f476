"""``newsmon events``: list extracted events from ``news-events``, newest first, with filters."""

from __future__ import annotations

import click
from rich.table import Table

from newsmon.config import get_settings
from newsmon.index.client import make_client
from newsmon.index.dsl import EVENTS
from newsmon.index.search import encode_cursor, search_events

from .common import out_console, query_elasticsearch
from .queries import refused_as_sentence
from .results import check_paging, emit, next_page_hint, result_options
from .search import compile_search, filter_options
from .terminal import escape

CSV_COLUMNS = ["id", "@timestamp", "type", "cameo", "modality", "negated", "dead", "injured", "source", "target", "location", "sentence",
               "article", "topics", "cursor"]


def _party(party: dict | None) -> str:
    if not party:
        return "-"
    return f"{party['name']} ({party['country']})" if party.get("country") else party["name"]


def _csv_row(e: dict) -> dict:
    flat = dict(e)
    flat["source"] = _party(e.get("source"))
    flat["target"] = _party(e.get("target"))
    flat["location"] = (e.get("location") or {}).get("name")
    flat["article"] = f"{e['article'].get('id')} {e['article'].get('title') or ''} ({e['article'].get('source') or '?'})"
    return flat


@click.command()
@click.argument("query", required=False, default="")
@filter_options
@result_options(default_size=20, default_sort="date")
def events(query, actor, country, event_type, topic, source, since, until, size, page, after, sort, fmt, as_json):
    """List events (who did what to whom, when, where). QUERY: the query language (docs/queries.md).

    Text searches the evidence sentence (body:) and the article's title (title:); actor:
    matches the source, target or a party, country: either one's country; topic: and
    source: the event's article; --since/--until the event's date (else its article's).
    """
    settings = get_settings()
    paging = check_paging(size, page, after, sort, fmt, as_json)
    filters = {"actor": actor, "country": country, "event_type": event_type, "topic": topic, "source": source}
    body = compile_search(settings, query, filters, EVENTS, "@timestamp", since, until)
    es = make_client(settings)

    def run():
        return search_events(es, settings.events_index, body, size=paging["size"], page=paging["page"], sort=sort,
                             after=paging["after"])

    response = query_elasticsearch(settings, settings.events_index, refused_as_sentence(run))
    hits = response["hits"]["hits"]
    total = response["hits"]["total"]["value"]
    docs = [{**h["_source"], "cursor": encode_cursor(h["sort"])} for h in hits]
    shown = (paging["page"] - 1) * paging["size"] + len(hits)
    more = len(hits) == paging["size"] and (paging["after"] is not None or shown < total)
    fmt = paging["fmt"]
    if fmt != "table":
        emit(docs if fmt != "csv" else [_csv_row(d) for d in docs], fmt, CSV_COLUMNS)
        next_page_hint(docs[-1]["cursor"] if docs and more else None, fmt, out_console)
        return
    table = Table(title=f"{total} event{'s' * (total != 1)}", show_lines=True)
    for column in ("date", "type", "source", "target", "where", "article"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        e = hit["_source"]
        kind = f"{e['type']} {e['cameo']}" + (" (negated)" if e.get("negated") else "") + \
            (f" [{e['modality']}]" if e.get("modality") not in (None, "reported") else "")
        # Article fields are data: markup escaped, control characters neutralised (newsmon.cli.terminal).
        table.add_row(escape((e.get("@timestamp") or "")[:10]), escape(kind), escape(_party(e.get("source"))),
                      escape(_party(e.get("target"))), escape((e.get("location") or {}).get("name") or "-"),
                      escape(f"{e['article'].get('title') or e['article']['id']} ({e['article'].get('source') or '?'})"))
    out_console.print(table)
    next_page_hint(docs[-1]["cursor"] if docs and more else None, fmt, out_console)
