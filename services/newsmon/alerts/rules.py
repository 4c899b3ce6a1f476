"""Alert rules: a query, where to send matches, and how often.

A rule is identified by its name. Channels are written as short strings, the same on the
command line, in the HTTP API and in storage::

    webhook:https://example.org/hook     POST the alert JSON, signed with the rule's secret
    slack:https://hooks.slack.com/...    a Slack incoming-webhook message
    email:desk@example.org               a plain-text email over SMTP
    kafka                                the news.alerts topic (or kafka:<topic>)

Every alert is also recorded in the ``news-alerts`` index, whatever its channels.

**One validator for every channel**, however it is written (``webhook:URL`` or
``{"type": "webhook", "target": URL}``) and wherever it comes from (CLI, API, the rules
topic): :meth:`Channel` checks itself when built. What needs the settings (the outbound
policy for URLs, which Kafka topics alerts may go to) is checked when they are handed in as
the validation context (:func:`rule_context`); the CLI, the API, :class:`RuleWriter` and the
rule book all do, so nothing invalid reaches the rules topic and nothing invalid on it is used.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from newsmon.net.policy import OutboundPolicy, OutboundRefused, system_resolver
from newsmon.ops.redact import display_url
from newsmon.rules import Query, QueryError, parse_query

ChannelType = Literal["webhook", "slack", "email", "kafka"]
CHANNEL_TYPES: tuple[str, ...] = ("webhook", "slack", "email", "kafka")
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
MAX_CHANNELS = 20  # a rule names a few targets; each may be resolved when the rule is checked
CHANNEL_FORMS = "webhook:URL, slack:URL, email:ADDRESS, kafka[:TOPIC]"
MIN_SECRET_BYTES = 16
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")

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


def rule_context(settings=None, *, resolve: bool = False) -> dict:
    """The validation context that makes :class:`Channel` apply the settings' checks too:
    ``AlertRule.model_validate(data, context=rule_context(settings))``. ``resolve`` also resolves
    URL host names now (at ``alerts add`` time; never when replaying the rules topic)."""
    return {"settings": settings, "resolve": resolve}


class Channel(BaseModel):
    """One place alerts of a rule go. Built from ``kind:target`` text or a ``{type, target}`` object,
    and checked the same way either way (:func:`check_channel`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ChannelType
    target: str | None = None  # URL, address or topic

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value):
        if isinstance(value, str):
            kind, _, target = value.strip().partition(":")
            if kind.lower() not in CHANNEL_TYPES:
                raise PydanticCustomError("channel", "{reason}", {"reason": f"unknown channel {value!r}: use one of {CHANNEL_FORMS}"})
            value = {"type": kind.lower(), "target": target.strip() or None}
        elif isinstance(value, dict) and value.get("type") not in CHANNEL_TYPES:
            raise PydanticCustomError("channel", "{reason}", {"reason": f"unknown channel type {value.get('type')!r}: use one of "
                                                                        f"{', '.join(CHANNEL_TYPES)}"})
        return value

    @model_validator(mode="after")
    def _checked(self, info: ValidationInfo) -> "Channel":
        context = info.context or {}
        try:
            check_channel(self, context.get("settings"), resolve=context.get("resolve", False))
        except RuleError as exc:
            raise PydanticCustomError("channel", "{reason}", {"reason": str(exc)}) from None
        return self

    @classmethod
    def parse(cls, text: str, settings=None, *, resolve: bool = False) -> "Channel":
        """``webhook:https://…`` -> a checked channel; a :class:`RuleError` says what is wrong and what to write."""
        try:
            return cls.model_validate(text, context=rule_context(settings, resolve=resolve))
        except ValidationError as exc:
            raise RuleError(problems(exc)) from None

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


def check_channel(channel: Channel, settings=None, *, resolve: bool = False) -> None:
    """Raise :class:`RuleError` unless ``channel`` may be used. Without ``settings``, only what holds
    everywhere (an http(s) URL, an email address, a Kafka topic name that is not internal); with them,
    also the outbound policy (NEWSMON_ALLOWED_HOSTS, NEWSMON_ALLOW_HTTP_TARGETS) and the topics alerts may
    go to (NEWSMON_ALERT_TOPIC_PREFIX)."""
    if channel.type in ("webhook", "slack"):
        _check_url(channel, settings, resolve)
    elif channel.type == "email":
        _check_email(channel)
    elif channel.type == "kafka":
        _check_topic(channel, settings)


def _check_url(channel: Channel, settings, resolve: bool) -> None:
    kind, target = channel.type, channel.target
    example = f"e.g. {kind}:https://example.org/hook"
    if not target or not re.match(r"^https?://", target, re.IGNORECASE):
        shown = f"{kind}:{display_url(target)}" if target else kind
        raise RuleError(f"channel {shown!r} needs an http(s) URL, {example}")
    if _CONTROL_OR_SPACE.search(target):
        raise RuleError(f"the {kind} URL contains a space or a control character: write it percent-encoded, {example}")
    try:
        if settings is None:  # the form only: which hosts are allowed is the settings' to say
            OutboundPolicy().check_form(target)
        else:
            OutboundPolicy.from_settings(settings).check_url(target, resolve=system_resolver if resolve else None)
    except OutboundRefused as exc:
        raise RuleError(exc.sentence(f"{kind} target {display_url(target)}")) from None


def _check_email(channel: Channel) -> None:
    target = channel.target or ""
    if "\r" in target or "\n" in target:
        raise RuleError(f"the email address {target!r} contains a line break: write one plain address, e.g. email:desk@example.org")
    try:
        validate_email(target, check_deliverability=False, allow_display_name=False)
    except EmailNotValidError as exc:
        raise RuleError(f"channel {channel.name!r} needs an email address, e.g. email:desk@example.org: {exc}") from None


def _check_topic(channel: Channel, settings) -> None:
    topic = channel.target
    if topic is not None:
        if not _TOPIC_NAME.match(topic) or topic in (".", ".."):
            raise RuleError(f"{topic!r} is not a Kafka topic name: use up to 249 letters, digits, '.', '_' and '-'")
        if topic.startswith("_"):
            raise RuleError(f"kafka topic {topic!r} is internal to Kafka (names starting with '_'): alerts cannot go there")
    if settings is None:
        return
    topic = topic or settings.alerts_topic
    own = {settings.articles_topic: "articles", settings.enriched_topic: "enriched articles",
           settings.dlq_topic: "dead letters", settings.dlq_replays_topic: "dead-letter replays", settings.alert_rules_topic: "alert rules", settings.stories_topic: "stories"}
    where = (f"alerts go to {settings.alerts_topic!r} or a topic starting with {settings.alert_topic_prefix!r} "
             f"(NEWSMON_ALERT_TOPIC_PREFIX)")
    if topic in own:
        raise RuleError(f"kafka topic {topic!r} is newsmon's own topic of {own[topic]}: {where}")
    if topic.startswith(f"{settings.worker_id}-"):
        raise RuleError(f"kafka topic {topic!r} is internal to newsmon's worker: {where}")
    prefix = settings.alert_topic_prefix
    if topic != settings.alerts_topic and not (prefix and topic.startswith(prefix) and len(topic) > len(prefix)):
        raise RuleError(f"kafka topic {topic!r} is not an alerts topic: {where}")


def problems(exc: ValidationError) -> str:
    """A rule's validation errors as one line: ``channels.0: <what is wrong>; …``."""
    return "; ".join(
        (f"{'.'.join(map(str, e['loc']))}: " if e["loc"] else "") + e["msg"].removeprefix("Value error, ")
        for e in exc.errors()
    )


class AlertRule(BaseModel):
    """A subscription: when ``query`` matches an article, tell ``channels``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    query: str
    channels: list[Channel] = Field(min_length=1, max_length=MAX_CHANNELS)
    enabled: bool = True
    digest_s: float | None = Field(default=None, gt=0)  # group alerts over this window into one message
    throttle_per_hour: int | None = Field(default=None, ge=1)  # at most this many messages an hour
    secret: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(24)))
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))

    @field_validator("name")
    @classmethod
    def _name_usable(cls, value: str) -> str:
        # A sentence, not pydantic's "should match pattern" and its link: names go in commands and URLs.
        if not re.match(NAME_PATTERN, value):
            suggestion = re.sub(r"[^A-Za-z0-9_.-]+", "-", value).strip("-._")[:100]
            raise ValueError(f"the rule name {value!r} can hold only letters, digits, '.', '_' and '-', starting with a "
                             f"letter or digit, up to 100 characters" + (f" (e.g. {suggestion!r})" if suggestion else ""))
        return value

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        try:
            parse_query(value)
        except QueryError as exc:
            raise ValueError(f"query does not parse: {exc}") from None
        return value

    @field_validator("secret")
    @classmethod
    def _secret_long_enough(cls, value: SecretStr) -> SecretStr:
        size = len(value.get_secret_value().encode())
        if size < MIN_SECRET_BYTES:
            raise ValueError(f"the HMAC secret has {size} bytes and needs at least {MIN_SECRET_BYTES}: give a longer one, "
                             f"or leave it out to have a random one generated")
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


def validate_rule(rule: AlertRule, settings, *, resolve: bool = False) -> AlertRule:
    """Check ``rule``'s channels against ``settings`` (however the rule was built); a :class:`RuleError`
    names the rule and the channel. What writes to the rules topic calls this last."""
    for n, channel in enumerate(rule.channels):
        try:
            check_channel(channel, settings, resolve=resolve)
        except RuleError as exc:
            raise RuleError(f"rule {rule.name!r}: channels.{n}: {exc}") from None
    return rule
