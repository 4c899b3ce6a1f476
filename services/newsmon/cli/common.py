"""Pieces every subcommand shares: article input options, reading records, consoles, failing well."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click
from .terminal import SafeConsole, escape

from newsmon.articles import InvalidArticle, RawRecord, read_paths, read_stream, validate_article
from newsmon.models import Article

# Tables and progress go to stderr so stdout stays machine-readable (JSON lines, --json).
# Both neutralise control characters in what they render (newsmon.cli.terminal).
err_console = SafeConsole(stderr=True, soft_wrap=True)
out_console = SafeConsole(soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one error sentence (secrets and URL credentials masked) and exit with ``code``: 1 for a
    mistake the user fixes, 2 (``errors.PEER_DOWN``) for a peer that does not answer (newsmon.cli.errors)."""
    from newsmon.ops.redact import redact

    message = redact(message)
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    exit_ = SystemExit(code)
    exit_.newsmon_message = message  # type: ignore[attr-defined] - read by `newsmon worker` to record why it stopped
    raise exit_


def user_file_problem(exc: BaseException) -> str | None:
    """The sentence for a mistake in a file the user gives newsmon (topics, knowledge base), or None.

    Any command that builds the extractor reads both; one wording here for all of them and the worker.
    """
    from newsmon.nlp.knowledge import KnowledgeError
    from newsmon.rules import TopicFileError

    if isinstance(exc, TopicFileError):
        return f"the topics file has errors, fix them (`newsmon topics validate` lists them) and run again:\n{exc}"
    if isinstance(exc, KnowledgeError):
        return f"the knowledge base cannot be read: {exc}"
    return None


def query_elasticsearch(settings, index: str, call: Callable[[], Any]) -> Any:
    """Run a search against ``index``; turn the usual failures into messages that say what to do."""
    from elasticsearch import ApiError, TransportError

    from .errors import PEER_DOWN, elasticsearch_down

    try:
        return call()
    except TransportError as exc:
        fail(elasticsearch_down(settings, exc), PEER_DOWN)
    except ApiError as exc:
        if exc.meta.status == 404:
            fail(f"no index {index!r} yet: start the worker (`newsmon worker`) or run `newsmon es setup`.")
        fail(f"Elasticsearch refused the search: {exc}")


def article_input_options(command: Callable) -> Callable:
    """``--source``, ``--published-at`` and ``--language``: defaults for records that lack them (e.g. .txt files)."""
    command = click.option("--language", help="Language of articles that do not say (ISO 639-1, e.g. en).")(command)
    command = click.option("--published-at", help="Publication date of articles that do not say (ISO 8601).")(command)
    command = click.option("--source", help="Source of articles that do not say (e.g. reuters).")(command)
    return command


def input_defaults(source: str | None, published_at: str | None, language: str | None) -> dict[str, Any]:
    return {k: v for k, v in {"source": source, "published_at": published_at, "language": language}.items() if v}


def read_records(paths: tuple[str, ...], defaults: dict[str, Any]) -> Iterator[RawRecord]:
    """Records from the named files and folders; ``-`` (or nothing) reads standard input."""
    if not paths or paths == ("-",):
        yield from read_stream(sys.stdin, defaults=defaults)
        return
    for path in paths:
        if path == "-":
            yield from read_stream(sys.stdin, defaults=defaults)
        else:
            yield from read_paths([Path(path)], defaults)


def validated(records: Iterator[RawRecord]) -> Iterator[tuple[str, Article | None, str | None]]:
    """(origin, article, None) for valid records, (origin, None, reason) for the others."""
    for record in records:
        if record.error is not None:
            yield record.origin, None, record.error
            continue
        try:
            yield record.origin, validate_article(record.data), None
        except InvalidArticle as exc:
            yield record.origin, None, exc.reason
