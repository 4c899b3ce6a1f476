"""What every channel implements."""

from __future__ import annotations

from typing import Protocol

from newsmon.models import Alert

from ..rules import AlertRule, Channel


class DeliveryError(RuntimeError):
    """One delivery attempt failed. ``retryable`` is False when trying again cannot help (e.g. HTTP 400)."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class Sender(Protocol):
    async def send(self, alert: Alert, rule: AlertRule, channel: Channel) -> None: ...


def summary_lines(alert: Alert) -> list[str]:
    """A short human-readable rendering, shared by email and Slack."""
    head = f"newsmon alert '{alert.rule}'" + (f" (digest of {len(alert.articles)})" if alert.digest else "")
    lines = [head, f"query: {alert.query}"]
    if alert.held_back:
        lines.append(f"({alert.held_back} more alerts of this rule were held back by its throttle)")
    for article in alert.articles:
        when = article.published_at.date().isoformat() if article.published_at else "undated"
        lines.append(f"- {article.title or article.id} [{article.source or 'unknown source'}, {when}]")
        if article.url:
            lines.append(f"  {article.url}")
        if article.snippet:
            lines.append(f"  {article.snippet}")
    if alert.matched:
        lines.append("matched: " + ", ".join(alert.matched[:10]))
    if alert.topics:
        lines.append("topics: " + ", ".join(alert.topics))
    return lines
