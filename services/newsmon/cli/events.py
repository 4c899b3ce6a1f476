"""``newsmon events``: list extracted events from ``news-events``, newest first, with filters."""

from __future__ import annotations

import json

import click
from rich.table import Table

from newsmon.config import get_settings
from newsmon.index.client import make_client
from newsmon.index.search import build_event_query, event_text_fields, search_events

from .common import out_console, query_elasticsearch
from .terminal import escape
from .search import filter_options


def _party(party: dict | None) -> str:
    if not party:
        return "-"
    return f"{party['name']} ({party['country']})" if party.get("country") else party["name"]


@click.command()
@click.argument("query", required=False, default="")
@filter_options
@click.option("--size", default=20, show_default=True, help="How many events.")
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
def events(query, actor, country, event_type, topic, source, since, until, size, as_json):
    """List events (who did what to whom, when, where). QUERY searches their sentences and articles' titles.

    --actor matches the source or the target; --country either one's country; --topic and
    --source the event's article; --since/--until the event's date (else its article's).
    """
    settings = get_settings()
    es = make_client(settings)
    def run():
        body = build_event_query(query, actor=actor, country=country, event_type=event_type, topic=topic, source=source,
                                 since=since, until=until, fields=event_text_fields(es, settings.events_index))
        return search_events(es, settings.events_index, body, size)

    response = query_elasticsearch(settings, settings.events_index, run)
    hits = response["hits"]["hits"]
    if as_json:
        click.echo(json.dumps([h["_source"] for h in hits], ensure_ascii=False, indent=2))
        return
    total = response["hits"]["total"]["value"]
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
