"""``newsmon dlq list|show|replay``: the dead letters on ``news.articles.dlq``, and sending them back after a fix.

A letter is named by ``partition:offset`` on the dead-letter topic (``0:12``; a bare ``12`` when
the topic has one partition, as newsmon creates it) or by the original message's key. How
replays are recorded so that none happens twice by accident: newsmon.ops.deadletters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click
from rich.table import Table

from newsmon.config import Settings, get_settings
from newsmon.ops import deadletters as dl

from .common import err_console, fail, out_console
from .reach import kafka_unreachable
from .terminal import escape

T = TypeVar("T")
STAGES = ("decode", "prepare", "enrich", "story", "index", "publish", "alert", "worker")


def _kafka(settings: Settings, work: Callable[[Any], T]) -> T:
    """``work(consumer)`` on a fresh consumer; an unreachable Kafka is a sentence and status 2."""
    from kafka.errors import KafkaError

    try:
        kafka = dl.consumer(settings)
    except (KafkaError, OSError) as exc:
        kafka_unreachable(settings, exc)
    try:
        return work(kafka)
    except (KafkaError, OSError) as exc:
        kafka_unreachable(settings, exc)
    finally:
        kafka.close()


def _letters_and_replays(settings: Settings, last: int | None = None) -> tuple[list[dl.Letter], dict[str, dict]]:
    return _kafka(settings, lambda k: (dl.read_letters(settings, k, last=last), dl.read_replays(settings, k)))


@click.group()
def dlq() -> None:
    """Dead letters: messages the worker could not process, with the reason; replay them after a fix."""


@dlq.command(name="list")
@click.option("--stage", type=click.Choice(STAGES), help="Only letters of this stage.")
@click.option("--size", type=click.IntRange(1, 100_000), default=20, show_default=True, help="How many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the letters as JSON (without the original messages).")
def list_letters(stage, size, as_json):
    """Dead letters, newest first: reason, stage, where the message came from, its key, whether it was replayed."""
    settings = get_settings()
    letters, replays = _letters_and_replays(settings, last=None if stage else size)
    if stage:
        letters = [x for x in letters if x.stage == stage]
    newest = list(reversed(letters))[:size]
    if as_json:
        click.echo(json.dumps([{**x.summary(), "replayed": replays.get(x.place(settings.dlq_topic))} for x in newest],
                              ensure_ascii=False, indent=2))
        return
    if not newest:
        out_console.print(f"no dead letters on {escape(settings.dlq_topic)}{' at stage ' + stage if stage else ''}", highlight=False)
        return
    table = Table(title=escape(f"{len(newest)} dead letter{'s' * (len(newest) != 1)} on {settings.dlq_topic}, newest first"))
    for column in ("ref", "failed", "stage", "reason", "origin", "key", "replayed"):
        table.add_column(column, overflow="fold", no_wrap=column == "ref")
    for x in newest:
        again = replays.get(x.place(settings.dlq_topic))
        table.add_row(x.ref, escape(_short(x.failed_at)), escape(x.stage or "?"), escape(x.reason[:300]),
                      escape(x.origin or "?"), escape(x.key or "-"), escape(_short(again.get("replayed_at")) if again else "no"))
    out_console.print(table)
    out_console.print(f"show one with `newsmon dlq show REF`; send them back after a fix with `newsmon dlq replay`", highlight=False)


@dlq.command()
@click.argument("ref", metavar="REF")
@click.option("--json", "as_json", is_flag=True, help="Print the letter as JSON, with the original message as text.")
def show(ref, as_json):
    """One dead letter in full, with the original message (indented when it is JSON). REF: partition:offset, offset or key."""
    settings = get_settings()
    letters, replays = _letters_and_replays(settings)
    found = dl.find(letters, ref)
    if not found:
        fail(_unknown(settings, [ref], letters))
    for letter in found:
        again = replays.get(letter.place(settings.dlq_topic))
        if as_json:
            click.echo(json.dumps({**letter.summary(), "replayed": again,
                                   "original": letter.value.decode("utf-8", "replace") if letter.value is not None else None},
                                  ensure_ascii=False, indent=2))
            continue
        rows = [("letter", f"{letter.ref} ({letter.place(settings.dlq_topic)})"), ("failed", letter.failed_at),
                ("stage", letter.stage), ("reason", letter.reason), ("origin", letter.origin), ("key", letter.key),
                ("size", f"{letter.value_bytes} bytes" + (" (only the start was kept)" if letter.truncated else "")),
                ("replayed", f"{again.get('replayed_at')} to {again.get('to')}, {again.get('times')} time(s)" if again else "no")]
        for name, value in rows:
            out_console.print(f"[dim]{name}:[/] {escape(str(value if value is not None else '-'))}", highlight=False)
        out_console.print("[dim]original message:[/]", highlight=False)
        out_console.print(escape(letter.original_text()), highlight=False)


@dlq.command()
@click.argument("refs", nargs=-1, metavar="[REF]...")
@click.option("--all", "everything", is_flag=True, help="Every dead letter (not yet replayed).")
@click.option("--stage", type=click.Choice(STAGES), help="Letters of this stage.")
@click.option("--since", help="Letters written at or after: a duration back (30m, 12h, 7d), today, yesterday, or an ISO date.")
@click.option("--force", is_flag=True, help="Replay letters that were replayed before, too.")
@click.option("--dry-run", is_flag=True, help="Say what would be replayed; send nothing.")
def replay(refs, everything, stage, since, force, dry_run):
    """Send dead letters' original messages back to the articles topic, keyed as they were.

    Choose them by REF (partition:offset, offset or key), --stage, --since, or --all. Each replay is
    recorded: letters replayed before are skipped unless --force.
    """
    from newsmon.alerts.history import since_bound
    from newsmon.alerts.rules import RuleError

    if not (refs or everything or stage or since):
        fail("say which dead letters to replay: REF... (see `newsmon dlq list`), --stage STAGE, --since WHEN, or --all")
    if everything and refs:
        fail("--all replays every dead letter: give it or REFs, not both")
    since_ms = None
    if since:
        try:
            since_ms = int(datetime.fromisoformat(since_bound(since)).timestamp() * 1000)
        except RuleError as exc:
            fail(str(exc))
    settings = get_settings()
    letters, replays = _letters_and_replays(settings)
    chosen, unknown = dl.select(letters, refs, stage, since_ms)
    if unknown:
        fail(_unknown(settings, unknown, letters))
    if dry_run:
        for x in chosen:
            done = replays.get(x.place(settings.dlq_topic))
            note = f" (replayed before at {done.get('replayed_at')}; skipped without --force)" if done and not force else ""
            out_console.print(f"would replay {x.ref} key {escape(x.key or '-')} ({escape(x.stage or '?')}: "
                              f"{escape(x.reason[:120])}){escape(note)}", highlight=False)
        out_console.print(f"{len(chosen)} dead letter{'s' * (len(chosen) != 1)} selected; nothing sent (--dry-run)", highlight=False)
        return
    from kafka.errors import KafkaError

    from newsmon.stream.access import KafkaAccessError
    from newsmon.stream.kafka import ensure_topics

    try:
        ensure_topics(settings)  # the replays topic, on a deployment older than it
        replayed, skipped = dl.replay(settings, chosen, replays, force=force)
    except KafkaAccessError as exc:
        fail(str(exc), 2)
    except (KafkaError, OSError) as exc:
        kafka_unreachable(settings, exc)
    for x, to in replayed:
        out_console.print(f"replayed {x.ref} key {escape(x.key or '-')} -> {escape(to)}", highlight=False)
    for x, why in skipped:
        err_console.print(f"[yellow]skipped[/] {x.ref} key {escape(x.key or '-')}: {escape(why)}", highlight=False)
    out_console.print(f"{len(replayed)} dead letter{'s' * (len(replayed) != 1)} replayed to {escape(settings.articles_topic)}"
                      f"{f', {len(skipped)} skipped' if skipped else ''}", highlight=False)


def _unknown(settings: Settings, refs: list[str], letters: list[dl.Letter]) -> str:
    shown = ", ".join(repr(r) for r in refs)
    if not letters:
        return f"no dead letter {shown}: {settings.dlq_topic} holds none"
    return (f"no dead letter {shown} on {settings.dlq_topic} ({len(letters)} there): name one by partition:offset, "
            "offset or original key as `newsmon dlq list` shows them")


def _short(stamp: str | None) -> str:
    if not stamp:
        return "?"
    try:
        return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp
