"""What one input message may hold, checked in one pass before anything else touches it.

The stream's promise is that a message's failure is that message's: nothing a producer can
send may crash a stage later on. So every limit a later stage would trip over is checked
here, at decode time, and becomes a reason a person can act on:

* **Nesting and size of ``metadata``.** ``json.loads`` raises ``RecursionError`` at about
  990 levels, serialisers give up earlier, and 100,000 keys make an enriched copy larger than
  Kafka takes. Metadata is kept for the producer's own use, so it is bounded, not cut:
  an article with unreasonable metadata is refused with the numbers.
* **Unpaired surrogates.** JSON may spell ``"\\ud800"``, which decodes to a Python string
  that cannot be encoded as UTF-8 again (Elasticsearch, Kafka and every log line would
  fail on it). They are replaced with U+FFFD and the article is flagged, since the rest of
  the text is good.
* **Ids in bytes.** Elasticsearch limits ``_id`` to 512 *bytes*; an id of 300 "€" is 900.
  Derived ids add ``:`` and 20 characters (event documents), so article ids are limited
  to :data:`MAX_ID_BYTES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_ID_BYTES = 480
MAX_METADATA_DEPTH = 16
MAX_METADATA_ITEMS = 2_000  # keys and list items, all levels together
MAX_METADATA_TEXT = 256 * 1024  # characters of strings and keys, all levels together
REPLACEMENT = "\ufffd"


class LimitExceeded(ValueError):
    """The input breaks one of the limits above; the message says which and by how much."""


@dataclass
class _Walk:
    items: int = 0
    text: int = 0
    replaced: int = 0


def _has_surrogate(text: str) -> bool:
    # Fast path: a string that encodes is clean (the common case costs one C call).
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with unpaired surrogates replaced by U+FFFD, and how many were replaced."""
    if not _has_surrogate(text):
        return text, 0
    out = []
    replaced = 0
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            out.append(REPLACEMENT)
            replaced += 1
        else:
            out.append(ch)
    return "".join(out), replaced


def _clean(value: Any, depth: int, walk: _Walk, where: str) -> Any:
    if isinstance(value, str):
        walk.text += len(value)
        if walk.text > MAX_METADATA_TEXT:
            raise LimitExceeded(f"'{where}' holds more than {MAX_METADATA_TEXT:,} characters of text in all")
        cleaned, replaced = clean_text(value)
        walk.replaced += replaced
        return cleaned
    if isinstance(value, dict | list):
        if depth > MAX_METADATA_DEPTH:
            raise LimitExceeded(f"'{where}' is nested more than {MAX_METADATA_DEPTH} levels deep")
        walk.items += len(value)
        if walk.items > MAX_METADATA_ITEMS:
            raise LimitExceeded(f"'{where}' holds more than {MAX_METADATA_ITEMS:,} keys and items in all")
        if isinstance(value, list):
            return [_clean(v, depth + 1, walk, where) for v in value]
        out = {}
        for key, item in value.items():
            walk.text += len(key)
            clean_key, replaced = clean_text(key)
            walk.replaced += replaced
            out[clean_key] = _clean(item, depth + 1, walk, where)
        return out
    return value


def clean_record(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A decoded article object with surrogates replaced and metadata checked.

    Returns the cleaned object and the number of characters replaced; raises
    :class:`LimitExceeded` when the metadata is too deep or too large.
    """
    walk = _Walk()
    out: dict[str, Any] = {}
    for key, value in data.items():
        clean_key, replaced = clean_text(key) if isinstance(key, str) else (key, 0)
        walk.replaced += replaced
        if key == "metadata":
            out[clean_key] = _clean(value, 1, walk, "metadata")
        elif isinstance(value, str):
            out[clean_key], replaced = clean_text(value)
            walk.replaced += replaced
        else:
            out[clean_key] = value
    return out, walk.replaced


def check_id(article_id: str, what: str = "id") -> None:
    """Refuse ids Elasticsearch would refuse for the whole bulk request (in bytes, as it counts)."""
    size = len(article_id.encode("utf-8"))
    if size > MAX_ID_BYTES:
        raise LimitExceeded(f"the {what} is {size} bytes in UTF-8; at most {MAX_ID_BYTES} are accepted")
