"""``--since`` / ``--until`` values as analysts write them, turned into Elasticsearch date expressions.

Accepted: ``today``, ``yesterday``, ``now``; a span back from now (``7d``, ``2w``, ``12h``, ``30m``
minutes, ``3mo`` months, ``1y``); an ISO date or date-time (``2024-05-01``, ``2024-05-01T12:00Z``);
and Elasticsearch date math (``now-7d/d``, ``2024-05-01||+1M``). Anything else is a
:class:`DateError` whose message says what would do, instead of Elasticsearch's
``BadRequestError`` at search time. Days round to whole days: ``--until yesterday`` is the
end of yesterday, ``--since yesterday`` its start (Elasticsearch rounds ``lte`` up).
"""

from __future__ import annotations

import re
from datetime import datetime

_SPAN = re.compile(r"^(\d+)\s*(mo|months?|y|years?|w|weeks?|d|days?|h|hours?|m|min|minutes?)$", re.IGNORECASE)
_UNITS = {"mo": "M", "mon": "M", "y": "y", "w": "w", "d": "d", "h": "h", "m": "m", "mi": "m"}
_MATH = re.compile(r"^now([+-]\d+[yMwdhHms])*(/[yMwdhHms])?$")
_ANCHORED = re.compile(r"^(\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)\|\|([+-]\d+[yMwdhHms])*(/[yMwdhHms])?$")
_WORDS = {"now": "now", "today": "now/d", "yesterday": "now-1d/d"}
HELP = "a date such as 2024-05-01, today, yesterday, 7d (days back), 2w, 12h, or date math such as now-7d/d"


class DateError(ValueError):
    """A date option Elasticsearch would refuse; the message is the sentence to show."""


def _unit(word: str) -> str:
    word = word.lower()
    if word.startswith("mo"):
        return "M"
    if word.startswith("mi") or word == "m":
        return "m"
    return _UNITS[word[0]]


def es_date(value: str, option: str = "--since") -> str:
    """The Elasticsearch date expression ``value`` means; raises :class:`DateError`."""
    text = value.strip()
    if not text:
        raise DateError(f"{option} is empty: give {HELP}.")
    word = _WORDS.get(text.lower())
    if word:
        return word
    span = _SPAN.match(text)
    if span:
        return f"now-{int(span.group(1))}{_unit(span.group(2))}"
    if _MATH.match(text) or _ANCHORED.match(text):
        return text
    try:
        if not re.match(r"^\d{4}-\d{2}-\d{2}", text):  # Elasticsearch reads bare digits as epoch milliseconds
            raise ValueError(text)
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DateError(f"{option} {value!r} is not a date: give {HELP}.") from None
    return text
