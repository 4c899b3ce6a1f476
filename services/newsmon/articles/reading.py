"""Reading articles from files and streams: ``.json``, ``.jsonl`` and ``.txt``, and folders of them.

Each record keeps its origin (``file:line``) so a bad one can be reported precisely,
and a bad record never stops the good ones around it from being read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

SUFFIXES = (".json", ".jsonl", ".ndjson", ".txt")
TOO_DEEP = "JSON nested too deeply to read (hundreds of levels); metadata may be nested at most 16 levels"


@dataclass(frozen=True)
class RawRecord:
    """One decoded article-to-be, or the reason it could not be decoded."""

    origin: str
    data: dict[str, Any] | None = None
    error: str | None = None


def text_to_record(text: str) -> dict[str, Any]:
    """Plain text: the first non-empty line is the title, the rest is the body."""
    lines = text.strip().splitlines()
    title = lines[0].strip() if lines else ""
    body = "\n".join(lines[1:]).strip()
    if not body:  # a one-paragraph text has no separate title
        return {"body": title}
    return {"title": title, "body": body}


def _with_defaults(data: Any, defaults: dict[str, Any]) -> Any:
    if isinstance(data, dict) and defaults:
        return {**defaults, **{k: v for k, v in data.items() if v is not None}}
    return data


def _json_records(origin: str, text: str, defaults: dict[str, Any]) -> Iterator[RawRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield RawRecord(f"{origin}:{exc.lineno}", error=f"invalid JSON: {exc.msg} (column {exc.colno})")
        return
    except RecursionError:
        yield RawRecord(origin, error=TOO_DEEP)
        return
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        where = f"{origin}[{index}]" if isinstance(data, list) else origin
        if isinstance(item, dict):
            yield RawRecord(where, data=_with_defaults(item, defaults))
        else:
            yield RawRecord(where, error=f"an article must be a JSON object, got {type(item).__name__}")


def _jsonl_records(origin: str, lines: Iterable[str], defaults: dict[str, Any]) -> Iterator[RawRecord]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRecord(where, error=f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        except RecursionError:
            yield RawRecord(where, error=TOO_DEEP)
            continue
        if isinstance(item, dict):
            yield RawRecord(where, data=_with_defaults(item, defaults))
        else:
            yield RawRecord(where, error=f"an article must be a JSON object, got {type(item).__name__}")


def read_file(path: Path, defaults: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """Records from one file, by its suffix."""
    defaults = defaults or {}
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        yield RawRecord(origin, error="not UTF-8 text")
        return
    except OSError as exc:
        yield RawRecord(origin, error=f"cannot read: {exc.strerror}")
        return
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_records(origin, text.splitlines(), defaults)
    elif suffix == ".json":
        yield from _json_records(origin, text, defaults)
    else:
        yield RawRecord(origin, data=_with_defaults(text_to_record(text), defaults))


def read_stream(stream: IO[str], origin: str = "<stdin>", defaults: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """Records from a stream: JSON Lines if it starts with ``{``, a JSON array if ``[``, else one text article."""
    defaults = defaults or {}
    text = stream.read()
    head = text.lstrip()[:1]
    if head == "[":
        yield from _json_records(origin, text, defaults)
    elif head == "{":
        yield from _jsonl_records(origin, text.splitlines(), defaults)
    elif text.strip():
        yield RawRecord(origin, data=_with_defaults(text_to_record(text), defaults))


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files with a known suffix inside folders named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            files.append(path)
    return files


def read_paths(paths: Iterable[Path], defaults: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """Records from files and folders; a missing path is one error record, not an exception."""
    for path in expand_paths(paths):
        if not path.exists():
            yield RawRecord(str(path), error="no such file or folder")
            continue
        yield from read_file(path, defaults)
