"""``newsmon show ID``: one stored article's whole enrichment, as an analyst reads it.

``search`` lists articles; this answers "what did newsmon make of this one?": its actors with
their roles and countries, its events as "who did what to whom, when, where" with the sentence
each was read from, its topics with the terms that put it there, its places and warnings, and
the other copies of its story. ID may be the article id, a prefix of it (as ``search --json``
or an alert shows it) or the article's URL.
"""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from newsmon.config import get_settings

from .common import fail, out_console
from .reach import elasticsearch, es_call
from .terminal import escape

MIN_PREFIX = 4  # shorter prefixes match too much to be meant
AMBIGUOUS_SHOWN = 5
COPIES_SHOWN = 20


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the whole stored document as JSON.")
def show(ident: str, as_json: bool) -> None:
    """Show one stored article's enrichment: actors, events, topics, places, warnings, story copies.

    ID is the article id, a unique prefix of it, or the article's URL.
    """
    settings = get_settings()
    es = elasticsearch(settings)
    index = settings.articles_index
    ident = ident.strip()
    if not ident:
        fail("give the id (or a prefix of it, or the URL) of a stored article, e.g. `newsmon show 3f2a9c1e`")
    hit = es_call(settings, index, lambda: find_article(es, index, ident))
    doc = hit["_source"]
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    copies = []
    if doc.get("story_id"):
        copies = es_call(settings, index, lambda: story_copies(es, index, doc["story_id"], hit["_id"]), missing=list)
    out_console.print(render(doc, copies))


# --- finding the article


def find_article(es: Any, index: str, ident: str) -> dict[str, Any]:
    """The hit for ``ident``: by id or URL, then by id prefix; a sentence (exit 1) when none or several fit."""
    by_key = es.search(index=index, size=1, query={"bool": {"should": [
        {"ids": {"values": [ident]}}, {"term": {"id": ident}}, {"terms": {"url": url_variants(ident)}}]}},
        sort=[{"indexed_at": {"order": "desc", "unmapped_type": "date"}}])["hits"]["hits"]
    if by_key:
        return by_key[0]
    if looks_like_url(ident):
        fail(f"no stored article has the URL {ident!r}: find it with `newsmon search` (it may not be indexed yet)")
    if len(ident) < MIN_PREFIX:
        fail(f"no stored article has the id {ident!r} (give at least {MIN_PREFIX} characters to find one by prefix)")
    by_prefix = es.search(index=index, size=AMBIGUOUS_SHOWN + 1, query={"prefix": {"id": ident}},
                          source_includes=["id", "title"], sort=[{"id": "asc"}])["hits"]["hits"]
    if not by_prefix:
        fail(f"no stored article has an id or URL {ident!r} or an id starting with it: find it with `newsmon search`")
    if len(by_prefix) > 1:
        shown = ", ".join(h["_source"].get("id") or h["_id"] for h in by_prefix[:AMBIGUOUS_SHOWN])
        more = "…" if len(by_prefix) > AMBIGUOUS_SHOWN else ""
        fail(f"{ident!r} starts the ids of several articles ({shown}{more}): give more of the id")
    return es.search(index=index, size=1, query={"ids": {"values": [by_prefix[0]["_id"]]}})["hits"]["hits"][0]


def looks_like_url(ident: str) -> bool:
    return ident.lower().startswith(("http://", "https://"))


def url_variants(ident: str) -> list[str]:
    """The URL as given, and with or without its trailing slash and fragment (how a user copies it)."""
    variants = [ident]
    if looks_like_url(ident):
        base = ident.split("#", 1)[0]
        variants += [base, base.rstrip("/"), base.rstrip("/") + "/"]
    return list(dict.fromkeys(variants))


def story_copies(es: Any, index: str, story_id: str, own_id: str) -> list[dict[str, Any]]:
    """The other stored articles of the story, oldest first."""
    response = es.search(
        index=index, size=COPIES_SHOWN, query={"bool": {"filter": [{"term": {"story_id": story_id}}],
                                                        "must_not": [{"ids": {"values": [own_id]}}]}},
        source_includes=["id", "title", "source", "url", "published_at"],
        sort=[{"published_at": {"order": "asc", "unmapped_type": "date", "missing": "_last"}}],
    )
    return [h["_source"] for h in response["hits"]["hits"]]


# --- rendering


def render(doc: dict[str, Any], copies: list[dict[str, Any]]) -> RenderableType:
    """Every part of the enrichment, each under its heading; empty parts say so in one line."""
    parts: list[RenderableType] = [render_header(doc, copies)]
    for part in (render_actors(doc), render_events(doc), render_topics(doc), render_places(doc), render_warnings(doc)):
        parts += ["", part]
    return Group(*parts)


def render_header(doc: dict[str, Any], copies: list[dict[str, Any]]) -> RenderableType:
    lines = [Text.from_markup(f"[bold]{escape(doc.get('title') or '(untitled)')}[/]")]
    meta = doc.get("metadata") or {}
    published_at_source = doc.get("published_at_source") or meta.get("published_at_source")
    fields = [
        ("id", doc.get("id")),
        ("source", doc.get("source")),
        ("url", doc.get("url")),
        ("published", doc.get("published_at") or "(not given)"),
        ("published (as the source wrote it)", published_at_source),
        ("language", _language(doc)),
        ("processed", f"{doc.get('processed_at')} by pipeline {doc.get('pipeline_version')}"),
    ]
    dateline = doc.get("dateline") or {}
    if dateline.get("place") or dateline.get("agency"):
        fields.append(("dateline", " ".join(p for p in (dateline.get("place"), dateline.get("agency") and f"({dateline['agency']})") if p)))
    if doc.get("authors"):
        fields.append(("authors", ", ".join(doc["authors"])))
    story = doc.get("story_id")
    if story:
        fields.append(("story", f"{story}, {len(copies)} other cop{'y' if len(copies) == 1 else 'ies'} stored"))
    else:
        fields.append(("story", "(none assigned)"))
    for name, value in fields:
        if value:
            lines.append(Text.from_markup(f"  [dim]{escape(name)}:[/] {escape(str(value))}"))
    for copy in copies:
        lines.append(Text.from_markup(
            f"    copy {escape(copy.get('id') or '?')} · {escape(copy.get('source') or '?')} · "
            f"{escape((copy.get('published_at') or '')[:10] or '?')} · {escape(copy.get('title') or '(untitled)')}"))
    return Group(*lines)


def _language(doc: dict[str, Any]) -> str | None:
    language = doc.get("language")
    detected = doc.get("language_detected")
    if detected and detected != language:
        confidence = doc.get("language_confidence")
        shown = f"{detected} ({confidence:.2f})" if isinstance(confidence, (int, float)) else detected
        return f"{language or '?'} (detected: {shown})"
    return language or detected


def _heading(title: str, shown: int, total: int | None) -> str:
    count = f"{shown}" if total is None or total == shown else f"{shown} of {total}"
    return f"{title} ({count})"


def render_actors(doc: dict[str, Any]) -> RenderableType:
    actors = doc.get("actors") or []
    total = (doc.get("counts") or {}).get("actors")
    if not actors:
        return Text("actors: none found", style="dim")
    table = Table(title=_heading("actors", len(actors), total), title_justify="left")
    for column in ("name", "type", "role", "country", "mentions", "also named"):
        table.add_column(column, overflow="fold")
    for a in actors:
        mentions = a.get("mention_count") if a.get("mention_count") is not None else len(a.get("mentions") or [])
        role = ", ".join(p for p in (a.get("role"), a.get("sector")) if p)
        aliases = [n for n in a.get("aliases") or [] if n != a.get("name")]
        table.add_row(escape(a.get("name") or "?"), escape(a.get("type") or "-"), escape(role or "-"),
                      escape(a.get("country") or "-"), str(mentions), escape(", ".join(aliases[:5]) or "-"))
    return table


def describe_event(event: dict[str, Any]) -> str:
    """``Vladimir Putin (RUS) consulted Nursultan Nazarbayev (KAZ), on 2017-03-18, in Moscow``."""

    def party(p: dict[str, Any] | None) -> str | None:
        if not p:
            return None
        return f"{p.get('name')} ({p['country']})" if p.get("country") else str(p.get("name"))

    who = party(event.get("source"))
    whom = party(event.get("target"))
    others = [party(p) for p in event.get("parties") or []]
    if not who and others:
        who = ", ".join(o for o in others if o)
    did = event.get("trigger") or event.get("type", "").lower()
    marks = [m for m in (event.get("modality") if event.get("modality") != "reported" else None,
                         "negated" if event.get("negated") else None) if m]
    if marks:
        did = f"{did} [{', '.join(marks)}]"
    text = " ".join(p for p in (who or "(someone)", did, whom) if p)
    if event.get("date"):
        text += f", on {event['date']}"
    if event.get("location") and event["location"].get("name"):
        text += f", in {event['location']['name']}"
    return text


def render_events(doc: dict[str, Any]) -> RenderableType:
    events = doc.get("events") or []
    total = (doc.get("counts") or {}).get("events")
    if not events:
        return Text("events: none found", style="dim")
    lines: list[RenderableType] = [Text(_heading("events", len(events), total), style="italic")]
    for n, e in enumerate(events, 1):
        coded = f"PLOVER {e.get('type')} / CAMEO {e.get('cameo')}, {e.get('modality') or 'reported'}"
        if e.get("negated"):
            coded += ", negated"
        if isinstance(e.get("confidence"), (int, float)):
            coded += f", confidence {e['confidence']:.2f}"
        lines.append(Text.from_markup(f"  {n}. [bold]{escape(describe_event(e))}[/]  [dim]({escape(coded)})[/]"))
        for evidence in (e.get("evidence") or [])[:2]:
            lines.append(Text.from_markup(f"     [dim]“{escape(evidence.get('sentence', '').strip())}”[/]"))
    return Group(*lines)


def render_topics(doc: dict[str, Any]) -> RenderableType:
    topics = doc.get("topics") or []
    if not topics:
        return Text("topics: none matched", style="dim")
    lines: list[RenderableType] = [Text(f"topics ({len(topics)})", style="italic")]
    for t in topics:
        score = t.get("score")
        scored = f", score {score:.2f}" if isinstance(score, (int, float)) else ""
        lines.append(Text.from_markup(f"  [bold]{escape(t.get('id') or '?')}[/] ({escape(t.get('name') or '')}){scored}"))
        for ev in (t.get("evidence") or [])[:3]:
            lines.append(Text.from_markup(
                f"     [dim]{escape(ev.get('rule') or '?')} matched {escape(repr(ev.get('term')))} in the "
                f"{escape(ev.get('field') or '?')}:[/] “{escape((ev.get('sentence') or '').strip())}”"))
    return Group(*lines)


def render_places(doc: dict[str, Any]) -> RenderableType:
    places = doc.get("places") or []
    if not places:
        return Text("places: none found", style="dim")
    shown = []
    for p in places:
        where = f" {p['lat']:.2f},{p['lon']:.2f}" if isinstance(p.get("lat"), (int, float)) and isinstance(p.get("lon"), (int, float)) else ""
        shown.append(f"{p.get('name')}" + (f" ({p['country']}{where})" if p.get("country") else (f" ({where.strip()})" if where else "")))
    return Text.from_markup(f"[italic]{escape(_heading('places', len(places), (doc.get('counts') or {}).get('places')))}[/]: "
                            f"{escape('; '.join(shown))}")


def render_warnings(doc: dict[str, Any]) -> RenderableType:
    warnings = list(doc.get("warnings") or [])
    if doc.get("truncated") and "truncated" not in warnings:
        warnings.append("truncated")
    if not warnings:
        return Text("warnings: none", style="dim")
    return Text.from_markup(f"[yellow]warnings:[/] {escape(', '.join(warnings))}")
