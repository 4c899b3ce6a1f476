"""Turning the date expressions of news prose into calendar dates, relative to when the article was published.

News rarely writes full dates: "on Saturday", "on Wednesday", "May 3 and 4", "March 23",
"December". Each is resolved against ``published`` and the tense of the clause it is in
(a past event on "Wednesday" is the Wednesday before publication, a planned one the
Wednesday after). Bare numbers are never dates here ("resolution 2254"), except a plausible
year, which resolves with ``granularity="year"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Granularity = Literal["day", "month", "year"]
Tense = Literal["past", "future"] | None

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_RELATIVE_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d|21\d\d)"
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.I)
    for p in (
        r"^(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})$",  # 2017-03-23
        rf"^{_MONTH}\s+{_DAY}(?:\s*(?:-|–|and|to|&)\s*\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+{_YEAR})?$",  # March 23 / May 3 and 4, 2017
        rf"^{_DAY}(?:\s*(?:-|–|and|to|&)\s*\d{{1,2}})?\s+{_MONTH}(?:,?\s+{_YEAR})?$",  # 23 March / 3-4 May 2017
        rf"^(?:(?:early|mid|late|end of|beginning of|the end of|the beginning of)[\s-]+)?{_MONTH}(?:,?\s+{_YEAR})?$",  # December / early March 2017
        rf"^{_YEAR}$",
    )
)
_WEEKDAY = re.compile(r"^(?:(?P<rel>last|next|this|past|coming)\s+)?(?P<wd>" + "|".join(WEEKDAYS) + r")$", re.I)
_LEADING = re.compile(r"^(?:on|in|by|since|from|until|till|for|at|during|of)\s+", re.I)
_TRAILING = re.compile(r"(?:\s+(?:morning|afternoon|evening|night))$", re.I)


@dataclass(frozen=True)
class ResolvedDate:
    """A calendar date and how much of it the text actually said."""

    date: date
    granularity: Granularity = "day"


def _closest_year(month: int, day: int, published: date, tense: Tense) -> date | None:
    """The occurrence of month/day nearest publication, in the direction the tense points."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if tense == "future":
        ahead = [c for c in candidates if c >= published - timedelta(days=7)]
        if ahead:
            return min(ahead)
    if tense == "past":
        behind = [c for c in candidates if c <= published + timedelta(days=7)]
        if behind:
            return max(behind)
    return min(candidates, key=lambda c: abs((c - published).days))


def _weekday(match: re.Match[str], published: date, tense: Tense) -> date:
    target = WEEKDAYS[match.group("wd").lower()]
    rel = (match.group("rel") or "").lower()
    delta = target - published.weekday()
    if rel in ("next", "coming") or (tense == "future" and not rel):
        return published + timedelta(days=delta if delta > 0 else delta + 7)
    if delta == 0 and rel not in ("last", "past"):
        return published  # "on Saturday" in a Saturday paper is that day
    return published + timedelta(days=delta if delta < 0 else delta - 7)


def _month_only(month: int, published: date, tense: Tense) -> date:
    year = published.year
    if tense == "future" and month < published.month:
        year += 1
    elif tense != "future" and month > published.month:
        year -= 1  # "December" in a March article, said of the past, is last December
    return date(year, month, 1)


def resolve_date(text: str, published: date | None, tense: Tense = None) -> ResolvedDate | None:
    """The date ``text`` names, or None when it names none (a bare number, "this week", "recently").

    Without ``published`` only expressions carrying their own year resolve.
    """
    expr = _TRAILING.sub("", _LEADING.sub("", text.strip().strip(".,;"))).strip()
    if not expr:
        return None
    low = expr.lower()
    if low in _RELATIVE_DAYS:
        return ResolvedDate(published + timedelta(days=_RELATIVE_DAYS[low])) if published else None
    wd = _WEEKDAY.match(expr)
    if wd:
        return ResolvedDate(_weekday(wd, published, tense)) if published else None
    for pattern in _PATTERNS:
        m = pattern.match(expr)
        if not m:
            continue
        groups = m.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        if groups.get("mnum"):
            try:
                return ResolvedDate(date(int(groups["year"]), int(groups["mnum"]), int(groups["day"])))
            except ValueError:
                return None
        month = MONTHS[groups["month"].lower()] if groups.get("month") else None
        if month is None:
            # a bare year: only a plausible one counts ("2254" is a resolution number, not a year)
            if year is None or published is None or not (1800 <= year <= published.year + 10):
                return None
            return ResolvedDate(date(year, 1, 1), "year")
        if groups.get("day"):
            day = int(groups["day"])
            if year is not None:
                try:
                    return ResolvedDate(date(year, month, day))
                except ValueError:
                    return None
            if published is None:
                return None
            resolved = _closest_year(month, day, published, tense)
            return ResolvedDate(resolved) if resolved else None
        if year is not None:
            return ResolvedDate(date(year, month, 1), "month")
        return ResolvedDate(_month_only(month, published, tense), "month") if published else None
    return None


def is_date_expression(text: str) -> bool:
    """True when ``text`` could name a date at all, whatever the publication date."""
    return resolve_date(text, date(2100, 1, 1)) is not None
