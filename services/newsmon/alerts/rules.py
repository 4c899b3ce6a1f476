"""Alert rules: a query, where to send matches, and how often.

A rule is identified by its name. Channels are written as short strings, the same on the
command line, in the HTTP API and in storage::

    webhook:https://example.org/hook     POST the alert JSON, signed with the rule's secret
    slack:https://hooks.slack.com/...    a Slack incoming-webhook message
    email:desk@example.org               a plain-text email over SMTP
    kafka                                the news.alerts topic (or kafka:<topic>)

Every alert is also recorded in the ``news-alerts`` index, whatever its channels.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from newsmon.ops.redact import display_url
from newsmon.rules import Query, QueryError, parse_query

ChannelType = Literal["webhook", "slack", "email", "kafka"]
CHANNEL_TYPES: tuple[str, ...] = ("webhook", "slack", "email", "kafka")
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RuleError(ValueError):
    """A rule cannot be accepted; the message says which part and why."""


def parse_duration(text: str) -> float:
    """``15m`` -> 900.0 seconds (units s, m, h, d)."""
    match = _DURATION.match(text)
    if not match:
        raise RuleError(f"{text!r} is not a duration: write a number and a unit, e.g. 30s, 15m, 1h, 1d")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def parse_throttle(text: str) -> int:
    """``10/h`` or ``10`` -> at most 10 alerts per hour."""
    value = text.strip().removesuffix("/h").removesuffix("/hour").strip()
    if not value.isdigit() or int(value) < 1:
        raise RuleError(f"{text!r} is not a throttle: write the most alerts per hour, e.g. 10/h")
    return int(value)


class Channel(BaseModel):
    """One place alerts of a rule go."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ChannelType
    target: str | None = None  # URL, address or topic

    @classmethod
    def parse(cls, text: str) -> "Channel":
        kind, _, target = text.strip().partition(":")
        kind = kind.lower()
        if kind not in CHANNEL_TYPES:
            raise RuleError(f"unknown channel {text!r}: use one of webhook:URL, slack:URL, email:ADDRESS, kafka[:TOPIC]")
        target = target.strip() or None
        if kind in ("webhook", "slack") and not (target and re.match(r"^https?://", target)):
            raise RuleError(f"channel {text!r} needs an http(s) URL, e.g. {kind}:https://example.org/hook")
        if kind == "email" and not (target and re.match(r"^[^@\s]+@[^@\s]+$", target)):
            raise RuleError(f"channel {text!r} needs an email address, e.g. email:desk@example.org")
        return cls(type=kind, target=target)

    @property
    def name(self) -> str:
        return f"{self.type}:{self.target}" if self.target else self.type

    @property
    def display(self) -> str:
        """The name as it may be shown, logged or stored for display: URLs through display_url."""
        if self.type in ("webhook", "slack") and self.target:
            return f"{self.type}:{display_url(self.target)}"
        return self.name

    def __str__(self) -> str:
        return self.name


class AlertRule(BaseModel):
    """A subscription: when ``query`` matches an article, tell ``channels``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    query: str
    channels: list[Channel] = Field(min_length=1)
    enabled: bool = True
    digest_s: float | None = Field(default=None, gt=0)  # group alerts over this window into one message
    throttle_per_hour: int | None = Field(default=None, ge=1)  # at most this many messages an hour
    secret: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(24)))
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        try:
            parse_query(value)
        except QueryError as exc:
            raise ValueError(f"query does not parse: {exc}") from None
        return value

    @field_validator("channels", mode="before")
    @classmethod
    def _channels_from_strings(cls, value):
        if isinstance(value, list):
            return [Channel.parse(v) if isinstance(v, str) else v for v in value]
        return value

    def compiled(self) -> Query:
        return parse_query(self.query)

    def to_record(self) -> dict:
        """The full form, secret and channel targets included: what the rules topic holds, sealed
        (``rulebook.encode`` encrypts the secret and channels; the topic is the system of record)."""
        data = self.model_dump(mode="json")
        data["secret"] = self.secret.get_secret_value()
        data["channels"] = [c.name for c in self.channels]
        return data

    def public(self) -> dict:
        """What ``alerts list`` and the API show: no secret, channels as display_url shows them."""
        data = self.to_record()
        data["secret"] = "********"
        data["channels"] = [c.display for c in self.channels]
        return data
