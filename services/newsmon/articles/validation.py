"""Turning untrusted input into an :class:`~newsmon.models.Article`, or a reason a person can act on."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from newsmon.models import Article

from .ids import assign_id
from .limits import MAX_METADATA_DEPTH, LimitExceeded, check_id, clean_record


class InvalidArticle(ValueError):
    """The input is not a valid article. ``reason`` is one line saying what is wrong and where."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _describe(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "article"
        if err["type"] == "missing":
            problems.append(f"'{where}' is required")
        elif err["type"] == "extra_forbidden":
            problems.append(f"unknown field '{where}' (put extra data under 'metadata')")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"'{where}': {msg}")
    return "; ".join(problems)


def validate_article(data: Any, *, key: str | None = None) -> Article:
    """Validate a decoded JSON value and give it an id.

    The id is, in order: the article's own ``id``, the Kafka message key, a hash of the
    canonical URL, a hash of title and body.
    """
    if not isinstance(data, dict):
        raise InvalidArticle(f"an article must be a JSON object, got {type(data).__name__}")
    try:
        data, _ = clean_record(data)  # unpaired surrogates become U+FFFD; prepare() flags them
        article = Article.model_validate(data)
        if article.id is None:
            new_id = key or assign_id(article.url, article.title, article.body)
            article = article.model_copy(update={"id": new_id})
        check_id(article.id or "", "id" if data.get("id") is not None else "message key used as id")
    except ValidationError as exc:
        raise InvalidArticle(_describe(exc)) from None
    except LimitExceeded as exc:
        raise InvalidArticle(str(exc)) from None
    return article


def parse_article(raw: bytes | str, *, key: str | None = None) -> Article:
    """Decode one message value (UTF-8 JSON) and validate it."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidArticle(f"not UTF-8 text (byte {exc.start} is 0x{raw[exc.start]:02x})") from None
    if not raw.strip():
        raise InvalidArticle("empty message")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidArticle(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InvalidArticle("JSON nested too deeply to read (hundreds of levels); metadata may be nested "
                             f"at most {MAX_METADATA_DEPTH} levels") from None
    return validate_article(data, key=key)
