"""What ``newsmon alerts history`` reads: the delivery records of ``news-alerts`` (see newsmon.alerts.ledger).

Each record is one alert on one channel: its rule, status (pending, queued, held, sent, failed),
last error, attempts, the articles and stories it was about, when it fired and was delivered.
Pure query building and time parsing live here so they are tested without a cluster.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .rules import RuleError, parse_duration

RULES_SHOWN = 20  # rule names offered when a --rule filter finds nothing

_DURATION = re.compile(r"^\s*\d+(\.\d+)?\s*[smhd]\s*$")


def since_bound(text: str, now: datetime | None = None) -> str:
    """``--since``: ``1d``/``90m`` (that long ago), ``today``, ``yesterday``, or an ISO 8601 date or time,
    as an ISO timestamp in UTC. A ``RuleError`` says what is accepted."""
    now = now or datetime.now(timezone.utc)
    value = text.strip().lower()
    if value in ("today", "yesterday"):
        day = now.date() - timedelta(days=1 if value == "yesterday" else 0)
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).isoformat()
    if _DURATION.match(value):
        return (now - timedelta(seconds=parse_duration(value.replace(" ", "")))).isoformat()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).isoformat()
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RuleError(f"--since {text!r} is not a time: write a duration (30m, 12h, 7d), today, yesterday, "
                        "or an ISO 8601 date such as 2026-11-30") from None
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()


def history_query(rule: str | None = None, status: str | None = None, since: str | None = None) -> dict[str, Any]:
    """The ``news-alerts`` query for those filters (all optional)."""
    filters: list[dict[str, Any]] = []
    if rule:
        filters.append({"term": {"rule": rule}})
    if status:
        filters.append({"term": {"status": status}})
    if since:
        filters.append({"range": {"fired_at": {"gte": since}}})
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


def search_history(es: Any, index: str, query: dict[str, Any], size: int) -> tuple[int, list[dict[str, Any]]]:
    """(how many records match, the newest ``size`` of them)."""
    response = es.search(index=index, query=query, size=size, track_total_hits=True,
                         sort=[{"fired_at": {"order": "desc"}}, {"alert_id": "asc"}])
    return response["hits"]["total"]["value"], [h["_source"] for h in response["hits"]["hits"]]


def recorded_rules(es: Any, index: str) -> list[str]:
    """Names of the rules that have any record, for "no alerts of rule X: rules with alerts are ..."."""
    response = es.search(index=index, size=0, aggs={"rules": {"terms": {"field": "rule", "size": RULES_SHOWN}}})
    return sorted(b["key"] for b in response["aggregations"]["rules"]["buckets"])
