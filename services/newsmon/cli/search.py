"""``newsmon search``: the best matches from Elasticsearch, in the terminal."""

from __future__ import annotations

import json

import click
from elasticsearch import ApiError, TransportError
from rich.table import Table

from newsmon.config import get_settings
from newsmon.index.client import make_client
from newsmon.index.search import build_query, search_articles

from .common import fail, out_console


@click.command()
@click.argument("query", required=False, default="")
@click.option("--topic", help="Only articles flagged with this topic id.")
@click.option("--actor", help="Only articles naming this actor (canonical name or alias).")
@click.option("--since", help="Only articles published on or after this date (ISO 8601, or e.g. now-7d).")
@click.option("--size", default=10, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(query, topic, actor, since, size, as_json):
    """Search indexed articles. QUERY accepts words (all must match), "phrases", OR with |, and -exclusions."""
    settings = get_settings()
    es = make_client(settings)
    try:
        response = search_articles(es, settings.articles_index, build_query(query, topic=topic, actor=actor, since=since), size)
    except TransportError as exc:
        fail(f"Elasticsearch at {settings.es_url} is not reachable ({exc}). Start the stack with `newsmon stack up` or set NEWSMON_ES_URL.")
    except ApiError as exc:
        if exc.meta.status == 404:
            fail(f"no index {settings.articles_index!r} yet: start the worker (`newsmon worker`) so it creates it.")
        fail(f"Elasticsearch refused the search: {exc}")
    hits = response["hits"]["hits"]
    if as_json:
        click.echo(json.dumps([{"score": h["_score"], **h["_source"]} for h in hits], ensure_ascii=False, indent=2))
        return
    total = response["hits"]["total"]["value"]
    table = Table(title=f"{total} match{'es' * (total != 1)} for {query or '*'!r}", show_lines=True)
    for column in ("score", "published", "title", "actors", "topics"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        src = hit["_source"]
        actors = ", ".join(dict.fromkeys(a["name"] for a in src.get("actors", [])))
        topics = ", ".join(t["id"] for t in src.get("topics", []))
        table.add_row(f"{hit['_score']:.2f}" if hit["_score"] else "-", (src.get("published_at") or "")[:10],
                      src.get("title") or "(untitled)", actors[:200], topics)
    out_console.print(table)
