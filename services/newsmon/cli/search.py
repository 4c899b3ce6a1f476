"""``newsmon search``: the best matches from Elasticsearch, in the terminal."""

from __future__ import annotations

import json

import click
from rich.table import Table

from newsmon.config import get_settings
from newsmon.index.client import make_client
from newsmon.index.search import build_query, search_articles, text_fields

from .common import out_console, query_elasticsearch
from .terminal import escape


def filter_options(command):
    """The filters ``newsmon search`` and ``newsmon events`` share."""
    for option in reversed([
        click.option("--actor", help="Actor by canonical name, alias or id (e.g. \"Vladimir Putin\", Putin)."),
        click.option("--country", help="ISO 3166 alpha-3 country code (e.g. SYR), or IGO."),
        click.option("--type", "event_type", help="PLOVER event type (e.g. CONSULT, ASSAULT)."),
        click.option("--topic", help="Topic id (e.g. syria-ceasefire-talks)."),
        click.option("--source", help="Publisher, as given in the article's source (e.g. reuters)."),
        click.option("--since", help="On or after this date (ISO 8601, or date math such as now-7d)."),
        click.option("--until", help="On or before this date (ISO 8601, or date math)."),
    ]):
        command = option(command)
    return command


@click.command()
@click.argument("query", required=False, default="")
@filter_options
@click.option("--size", default=10, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(query, actor, country, event_type, topic, source, since, until, size, as_json):
    """Search indexed articles. QUERY accepts words (all must match), "phrases", OR with |, and -exclusions.

    --country matches an actor's or a place's country; --type an event type the article
    reports; --since/--until its publication date.
    """
    settings = get_settings()
    es = make_client(settings)
    def run():
        body = build_query(query, topic=topic, actor=actor, since=since, until=until, country=country,
                           event_type=event_type, source=source, fields=text_fields(es, settings.articles_index))
        return search_articles(es, settings.articles_index, body, size)

    response = query_elasticsearch(settings, settings.articles_index, run)
    hits = response["hits"]["hits"]
    if as_json:
        click.echo(json.dumps([{"score": h["_score"], **h["_source"]} for h in hits], ensure_ascii=False, indent=2))
        return
    total = response["hits"]["total"]["value"]
    table = Table(title=escape(f"{total} match{'es' * (total != 1)} for {query or '*'!r}"), show_lines=True)
    for column in ("score", "published", "title", "actors", "events", "topics"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        src = hit["_source"]
        actors = ", ".join(dict.fromkeys(a["name"] for a in src.get("actors", [])))
        topics = ", ".join(t["id"] for t in src.get("topics", []))
        types = src.get("event_types") or list(dict.fromkeys(e["type"] for e in src.get("events", [])))
        # Article fields are data: markup escaped, control characters neutralised (newsmon.cli.terminal).
        table.add_row(f"{hit['_score']:.2f}" if hit["_score"] else "-", escape((src.get("published_at") or "")[:10]),
                      escape(src.get("title") or "(untitled)"), escape(actors[:200]), escape(", ".join(types)), escape(topics))
    out_console.print(table)
