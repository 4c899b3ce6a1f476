"""How ``search`` and ``events`` page, sort and print results: options, checks and the four formats.

The table is for reading; ``json`` (a list), ``ndjson`` (one object a line) and ``csv`` (one row
a result, lists joined with ``; ``) are for programs and spreadsheets and carry every field
the table shows. The cursor for the next page (``--after``) goes at the end of the table, and
to stderr for the other formats so their stdout stays parseable.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import click

from newsmon.index.dates import DateError, es_date
from newsmon.index.search import MAX_SIZE, MAX_WINDOW, SORTS, CursorError, decode_cursor

from .common import err_console, fail

FORMATS = ("table", "json", "ndjson", "csv")


def result_options(default_size: int, default_sort: str) -> Callable:
    """``--since/--until --size --page --after --sort --format --json`` with this command's defaults."""
    def decorate(command: Callable) -> Callable:
        for option in reversed([
            click.option("--since", metavar="DATE", help="On or after: 2024-05-01, today, yesterday, 7d, 2w, 12h, or date math (now-7d/d)."),
            click.option("--until", metavar="DATE", help="On or before: same forms as --since (yesterday = until the end of yesterday)."),
            click.option("--size", metavar="N", default=str(default_size), show_default=True, help=f"Results per page (1 to {MAX_SIZE})."),
            click.option("--page", metavar="N", default="1", show_default=True, help="Which page (from 1)."),
            click.option("--after", metavar="CURSOR", help="Continue after this cursor (printed at the end of a page): deep pages."),
            click.option("--sort", metavar="relevance|date", default=default_sort, show_default=True, help="relevance or date (newest first)."),
            click.option("--format", "fmt", metavar="FORMAT", default="table", show_default=True, help="table, json, ndjson or csv."),
            click.option("--json", "as_json", is_flag=True, help="The same as --format json."),
        ]):
            command = option(command)
        return command
    return decorate


def _int(value: str, option: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        fail(f"{option} must be a whole number from {low} to {high}, not {value!r}.")
    return number


def check_paging(size: str, page: str, after: str | None, sort: str, fmt: str, as_json: bool) -> dict[str, Any]:
    """Validated paging: size, page, cursor (sort values), sort and format; fail with a sentence otherwise."""
    n = _int(size, "--size", 1, MAX_SIZE)
    p = _int(page, "--page", 1, MAX_WINDOW)
    if (p - 1) * n + n > MAX_WINDOW:
        fail(f"--page {p} with --size {n} goes past result {MAX_WINDOW}: continue with --after and the cursor "
             "printed at the end of a page instead.")
    if sort not in SORTS:
        fail(f"--sort must be relevance or date, not {sort!r}.")
    fmt = "json" if as_json else fmt
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    if after is not None and p != 1:
        fail("give either --page or --after, not both: --after already says where the page starts.")
    try:
        cursor = decode_cursor(after) if after is not None else None
    except CursorError as exc:
        fail(f"{exc}.")
    return {"size": n, "page": p, "after": cursor, "sort": sort, "fmt": fmt}


def check_dates(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    try:
        return (es_date(since, "--since") if since is not None else None,
                es_date(until, "--until") if until is not None else None)
    except DateError as exc:
        fail(str(exc))


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def emit(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    """Print ``rows`` as json, ndjson or csv on stdout (``columns``: the csv header, in order)."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "ndjson":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in columns})
        click.echo(buffer.getvalue(), nl=False)


def next_page_hint(cursor: str | None, fmt: str, console) -> None:
    """Say how to get the next page: on stdout under a table, on stderr otherwise."""
    if cursor is None:
        return
    line = f"next page: --after {cursor}"
    if fmt == "table":
        console.print(line, highlight=False)
    else:
        err_console.print(line, highlight=False)
