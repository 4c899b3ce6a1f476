"""What ``newsmon status`` reports: the stack, the worker, consumer lag, the last minute's throughput, the last errors.

Everything here only reads. Each part is gathered on its own with short timeouts, and a part
that cannot be gathered carries the reason instead of a value ("Elasticsearch unreachable at
...: connection refused"), so the report answers within a few seconds even when everything
is down and never raises. The four sources (local stack, worker endpoint, Kafka,
Elasticsearch) are asked at the same time, so the slowest one sets the pace.

Where each number comes from, so it means the same whoever runs the worker:

- consumer lag: the end offset of each partition of the articles topic minus the offset the
  worker's consumer group (``worker_id``) committed. A partition without a committed offset
  counts from its earliest retained message, since that is where a worker starts
  (``auto_offset_reset=earliest``).
- articles indexed: documents of the articles alias with ``indexed_at`` in the last minute
  (works without reaching the worker).
- dead letters: messages on the DLQ topic whose Kafka timestamp is in the last minute.
- alerts sent and failed: ``news-alerts`` records by ``status`` with ``fired_at`` in the last minute.

Secrets never reach the report: messages are scrubbed of every secret setting, and URLs lose
their user-info.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar
from urllib.parse import urlsplit

from newsmon.config import Settings
from newsmon.ops.redact import display_url, redact, register_settings
from newsmon.ops.feeds_status import FeedsPart, feeds_status

WINDOW_S = 60  # "the last minute"
RECENT = 5  # how many dead letters and failed alerts to show
DEFAULT_TIMEOUT_S = 3.0
LOOPBACK_HOSTS = frozenset({"localhost", "::1"})

T = TypeVar("T")


# --- the report


@dataclass(frozen=True)
class Component:
    """Kafka or Elasticsearch as ``status`` sees it.

    ``where`` is ``local stack`` for the servers ``newsmon stack up`` runs (with pid, version
    and log) and ``external`` for anything else, which is only checked for reachability.
    """

    name: str
    where: str
    address: str
    running: bool
    healthy: bool
    detail: str = ""
    pid: int | None = None
    version: str | None = None
    log: str | None = None


@dataclass(frozen=True)
class StackPart:
    components: list[Component] = field(default_factory=list)
    error: str | None = None

    @property
    def healthy(self) -> bool:
        return self.error is None and bool(self.components) and all(c.healthy for c in self.components)

    def as_dict(self) -> dict[str, Any]:
        return {"healthy": self.healthy, "components": [asdict(c) for c in self.components], "error": self.error}


@dataclass(frozen=True)
class WorkerPart:
    """The worker answering at ``web_host:web_port``, from its ``/healthz``."""

    url: str
    reachable: bool
    status: str | None = None
    degraded_reason: str | None = None
    recent_errors: list[dict[str, Any]] = field(default_factory=list)
    pid: int | None = None  # of the background worker of `make run`, when that is the one
    log: str | None = None
    error: str | None = None
    stuck: dict[str, Any] | None = None  # the stage and message a held batch waits on
    last_exit: dict[str, Any] | None = None  # why this worker last stopped on a fatal error (newsmon.stream.exits)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PartitionLag:
    partition: int
    committed: int | None  # None: the group never committed an offset here
    end: int
    lag: int


@dataclass(frozen=True)
class LagPart:
    group: str
    topic: str
    partitions: list[PartitionLag] = field(default_factory=list)
    group_state: str | None = None
    members: int | None = None
    error: str | None = None

    @property
    def total(self) -> int | None:
        return None if self.error else sum(p.lag for p in self.partitions)

    @property
    def has_commits(self) -> bool:
        return any(p.committed is not None for p in self.partitions)

    @property
    def note(self) -> str | None:
        """What a reader must know to read the numbers right, if anything."""
        if self.error or not self.partitions:
            return None
        if not self.has_commits:
            return (
                f"consumer group {self.group} has no committed offsets on {self.topic} yet: a worker starting "
                f"now reads every retained message ({self.total} waiting)"
            )
        # An empty partition nobody committed on is simply empty; one holding messages is worth a word.
        waiting = [str(p.partition) for p in self.partitions if p.committed is None and p.lag > 0]
        if waiting:
            return (
                f"no committed offset yet on partition {', '.join(waiting)}: "
                "its lag counts from the earliest retained message"
            )
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "total": self.total,
            "has_commits": self.has_commits,
            "note": self.note,
        }


@dataclass(frozen=True)
class ThroughputPart:
    """Counts over the last ``window_s`` seconds; None where a count could not be taken (see ``problems``)."""

    window_s: int
    articles_indexed: int | None
    dead_letters: int | None
    alerts_sent: int | None
    alerts_failed: int | None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DeadLetterSummary:
    reason: str
    stage: str | None
    failed_at: str | None
    source: str | None  # "topic[partition]@offset" of the message that failed
    key: str | None
    dlq_offset: str  # where the dead letter itself is: "topic[partition]@offset"


@dataclass(frozen=True)
class FailedAlert:
    rule: str | None
    channel: str | None
    error: str | None
    fired_at: str | None
    attempts: int | None


@dataclass(frozen=True)
class ErrorsPart:
    worker: list[dict[str, Any]] = field(default_factory=list)
    dead_letters: list[DeadLetterSummary] = field(default_factory=list)
    failed_alerts: list[FailedAlert] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SmtpPart:
    """The mail server of email alerts, checked only when some rule has an email channel.

    ``reachable`` is None when it was not checked (no email rule, or the rules could not be read:
    ``error`` says which); otherwise whether EHLO (and STARTTLS, when configured) went through.
    """

    server: str = ""
    email_rules: list[str] = field(default_factory=list)
    reachable: bool | None = None
    detail: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StatusReport:
    generated_at: str
    took_s: float
    config: dict[str, Any]
    stack: StackPart
    worker: WorkerPart
    lag: LagPart
    throughput: ThroughputPart
    errors: ErrorsPart
    feeds: FeedsPart = field(default_factory=FeedsPart)
    smtp: SmtpPart = field(default_factory=SmtpPart)

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "took_s": self.took_s,
            "config": self.config,
            "stack": self.stack.as_dict(),
            "worker": self.worker.as_dict(),
            "lag": self.lag.as_dict(),
            "throughput": self.throughput.as_dict(),
            "errors": self.errors.as_dict(),
            "feeds": self.feeds.as_dict(),
            "smtp": self.smtp.as_dict(),
        }


# --- gathering


def gather_status(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> StatusReport:
    """The whole report. Never raises; each source gets about ``timeout_s`` seconds."""
    started = time.monotonic()
    generated_at = _now_iso()
    with ThreadPoolExecutor(max_workers=6, thread_name_prefix="newsmon-status") as pool:
        stack = pool.submit(stack_status, settings, timeout_s)
        worker = pool.submit(worker_status, settings, timeout_s)
        kafka = pool.submit(kafka_findings, settings, timeout_s)
        es = pool.submit(elasticsearch_findings, settings, timeout_s)
        feeds = pool.submit(feeds_status, settings, timeout_s)
        smtp = pool.submit(smtp_status, settings, timeout_s)
        stack_part = _settled(stack, lambda reason: StackPart(error=reason), settings)
        worker_part = _settled(worker, lambda reason: WorkerPart(_worker_url(settings), False, error=reason), settings)
        kafka_part = _settled(kafka, KafkaFindings.unavailable_for(settings), settings)
        es_part = _settled(es, ElasticsearchFindings.unavailable, settings)
        feeds_part = _settled(feeds, lambda reason: FeedsPart(error=reason), settings)
        smtp_part = _settled(smtp, lambda reason: SmtpPart(_smtp_server(settings), error=reason), settings)
    return StatusReport(
        generated_at=generated_at,
        took_s=round(time.monotonic() - started, 2),
        config=shown_config(settings),
        stack=stack_part,
        worker=worker_part,
        lag=kafka_part.lag,
        throughput=ThroughputPart(
            window_s=WINDOW_S,
            articles_indexed=es_part.articles_indexed,
            dead_letters=kafka_part.dead_letters_last_minute,
            alerts_sent=es_part.alerts_sent,
            alerts_failed=es_part.alerts_failed,
            problems=[*es_part.throughput_problems, *kafka_part.throughput_problems],
        ),
        errors=ErrorsPart(
            worker=worker_part.recent_errors,
            dead_letters=kafka_part.last_dead_letters,
            failed_alerts=es_part.failed_alerts,
            problems=[*kafka_part.errors_problems, *es_part.errors_problems],
        ),
        feeds=feeds_part,
        smtp=smtp_part,
    )


def shown_config(settings: Settings) -> dict[str, Any]:
    """The settings a reader of the report needs, from the redacted settings (no secret can slip in)."""
    redacted = settings.redacted()
    shown = {name: redacted[name] for name in ("kafka_bootstrap", "articles_topic", "dlq_topic", "worker_id")}
    return {
        **shown,
        "es_url": display_url(settings.es_url),
        "articles_index": settings.articles_index,
        "alerts_index": settings.alerts_index,
        "worker_url": _worker_url(settings),
    }


# --- the stack


def stack_status(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> StackPart:
    """Kafka and Elasticsearch: the local stack's view of its own servers, else a reachability check."""
    local, local_error = {}, None
    if kafka_is_local(settings) or elasticsearch_is_local(settings):
        try:
            from newsmon import stack as local_stack

            local = {c.name: c for c in local_stack.status(_local_part_only(settings)).components}
        except Exception as exc:  # a broken state folder must not hide the rest of the report
            local_error = scrub(f"local stack status unavailable: {describe_error(exc)}", settings)
    components = [
        _component(settings, "kafka", kafka_is_local(settings), local.get("kafka"), kafka_reachability, timeout_s),
        _component(
            settings, "elasticsearch", elasticsearch_is_local(settings), local.get("elasticsearch"),
            elasticsearch_reachability, timeout_s,
        ),
    ]
    return StackPart(components=[_scrubbed_component(c, settings) for c in components], error=local_error)


def _local_part_only(settings: Settings) -> Settings:
    """Settings the local stack accepts: an external server's address (which it would refuse) swapped for
    the default. Its view of that server is not used."""
    defaults = {}
    if not kafka_is_local(settings):
        defaults["kafka_bootstrap"] = Settings.model_fields["kafka_bootstrap"].default
        defaults["kafka_security_protocol"] = "PLAINTEXT"
    if not elasticsearch_is_local(settings):
        defaults["es_url"] = Settings.model_fields["es_url"].default
    return settings.model_copy(update=defaults)


def _component(
    settings: Settings,
    name: str,
    is_local: bool,
    local: Any,
    reachability: Callable[[Settings, float], tuple[bool, str]],
    timeout_s: float,
) -> Component:
    address = settings.kafka_bootstrap if name == "kafka" else display_url(settings.es_url)
    if is_local and local is not None and (local.running or local.detail == "stopped"):
        detail = local.detail if local.running else "stopped (start it with `newsmon stack up`)"
        return Component(
            name, "local stack", local.address, local.running, local.running and local.healthy, detail,
            local.pid, local.version, str(local.log),
        )
    ok, detail = reachability(settings, timeout_s)
    if is_local and local is None:  # the local stack could not tell (see the stack error): ask the server
        return Component(name, "local stack", address, ok, ok, detail)
    if is_local:  # something else holds the local port: say so, and whether it answers
        detail = f"{local.detail}; {detail}"
    return Component(name, "external", address, ok, ok, detail)


def kafka_is_local(settings: Settings) -> bool:
    """One plain-text broker on a loopback address: where the local stack would run it."""
    servers = [s.strip() for s in settings.kafka_bootstrap.split(",") if s.strip()]
    if len(servers) != 1 or settings.kafka_security_protocol.upper() != "PLAINTEXT":
        return False
    host = servers[0].rsplit(":", 1)[0].strip("[]")
    return _is_loopback(host)


def elasticsearch_is_local(settings: Settings) -> bool:
    parts = urlsplit(settings.es_url)
    return parts.scheme == "http" and _is_loopback(parts.hostname or "")


def _is_loopback(host: str) -> bool:
    return host.lower() in LOOPBACK_HOSTS or host.startswith("127.")


def kafka_reachability(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> tuple[bool, str]:
    """A metadata request, as any client makes first. (ok, detail)."""
    try:
        admin = _kafka_admin(settings, timeout_s)
    except Exception as exc:
        return False, scrub(kafka_unreachable(settings, exc), settings)
    try:
        cluster = admin.describe_cluster()
    except Exception as exc:
        return False, scrub(f"Kafka metadata request failed: {describe_error(exc)}", settings)
    finally:
        admin.close()
    brokers = cluster.get("brokers") or []
    if not brokers:
        return False, "Kafka answers but reports no broker"
    return True, f"cluster {cluster.get('cluster_id')}, {len(brokers)} broker{'s' if len(brokers) != 1 else ''}"


def elasticsearch_reachability(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> tuple[bool, str]:
    """Cluster health, yellow or green. (``GET /`` is refused by the local build, so no ping or info.)"""
    es = _elasticsearch(settings, timeout_s)
    try:
        health = es.cluster.health()
    except Exception as exc:
        return False, scrub(elasticsearch_unreachable(settings, exc), settings)
    finally:
        es.close()
    color = health.get("status")
    nodes = health.get("number_of_nodes")
    return color in ("yellow", "green"), f"cluster {health.get('cluster_name')}, health {color}, {nodes} node(s)"


def _scrubbed_component(component: Component, settings: Settings) -> Component:
    return Component(**{**asdict(component), "detail": scrub(component.detail, settings)})


# --- the mail server of email alerts


def smtp_status(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> SmtpPart:
    """Whether the SMTP server answers, when any rule (enabled or not) has an email channel."""
    from newsmon.alerts.channels.email import smtp_problem
    from newsmon.alerts.rulebook import read_rules

    server = _smtp_server(settings)
    try:
        book = read_rules(settings, timeout_s=timeout_s)
    except Exception as exc:
        return SmtpPart(server, error=scrub(f"alert rules cannot be read, so email channels are unknown: "
                                            f"{describe_error(exc)}", settings))
    emailing = sorted(r.name for r in book.rules() if any(c.type == "email" for c in r.channels))
    if not emailing:
        return SmtpPart(server)
    problem = smtp_problem(settings, timeout_s=timeout_s)
    if problem:
        return SmtpPart(server, emailing, False, scrub(problem, settings))
    return SmtpPart(server, emailing, True, "answers (EHLO" + (", STARTTLS" if settings.smtp_starttls else "") + ")")


def _smtp_server(settings: Settings) -> str:
    return f"{settings.smtp_host}:{settings.smtp_port}"


# --- the worker


def worker_status(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> WorkerPart:
    """The worker at ``web_host:web_port``: its health, why it is degraded, its recent errors."""
    from newsmon.stream.launcher import background_paths, background_worker_pid, probe

    from newsmon.stream.exits import last_exit

    url = _worker_url(settings)
    try:
        pid = background_worker_pid(settings)
    except Exception:  # an unreadable pid file only costs us the pid
        pid = None
    log = str(background_paths(settings)[1]) if pid is not None else None
    exited = last_exit(settings)
    if exited is not None:
        at = exited.get("at")
        exited = {"at": _epoch_iso(at) if isinstance(at, (int, float)) else None, "pid": exited.get("pid"),
                  "reason": scrub(str(exited.get("reason")), settings)}
    answer = probe(settings, "/healthz", timeout=timeout_s)
    if answer is None:
        hint = (
            f"the background worker (pid {pid}) runs but does not answer; read {log}"
            if pid is not None
            else "start one with `newsmon worker` or `make run`"
        )
        return WorkerPart(url, False, pid=pid, log=log, error=f"no worker answers at {url}: {hint}", last_exit=exited)
    code, body = answer
    errors = [_worker_error(e, settings) for e in body.get("recent_errors") or [] if isinstance(e, dict)]
    reason = body.get("degraded_reason")
    return WorkerPart(
        url=url,
        reachable=True,
        status=str(body.get("status") or f"HTTP {code}"),
        degraded_reason=scrub(str(reason), settings) if reason else None,
        recent_errors=errors,
        pid=pid,
        log=log,
        stuck=_scrubbed_stuck(body.get("stuck"), settings),
        last_exit=exited,
    )


def _scrubbed_stuck(stuck: Any, settings: Settings) -> dict[str, Any] | None:
    if not isinstance(stuck, dict):
        return None
    return {**stuck, "reason": scrub(str(stuck.get("reason") or ""), settings)}


def _worker_error(entry: dict[str, Any], settings: Settings) -> dict[str, Any]:
    at = entry.get("at")
    when = _epoch_iso(at) if isinstance(at, (int, float)) else (str(at) if at else None)
    found = {"at": when, "error": scrub(str(entry.get("error", "")), settings)}
    if isinstance(entry.get("message"), dict):
        found["message"] = entry["message"]
    return found


def _worker_url(settings: Settings) -> str:
    from newsmon.stream.launcher import worker_url

    return worker_url(settings)


# --- Kafka: lag and dead letters


@dataclass(frozen=True)
class KafkaFindings:
    lag: LagPart
    dead_letters_last_minute: int | None
    last_dead_letters: list[DeadLetterSummary]
    throughput_problems: list[str]
    errors_problems: list[str]

    @staticmethod
    def unavailable_for(settings: Settings) -> Callable[[str], "KafkaFindings"]:
        def unavailable(reason: str) -> KafkaFindings:
            lag = LagPart(settings.worker_id, settings.articles_topic, error=reason)
            return KafkaFindings(lag, None, [], [f"dead letters: {reason}"], [f"dead letters: {reason}"])

        return unavailable


def kafka_findings(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> KafkaFindings:
    """Consumer lag, dead letters of the last minute and the last dead letters, over one connection."""
    unavailable = KafkaFindings.unavailable_for(settings)
    try:
        admin = _kafka_admin(settings, timeout_s)
    except Exception as exc:
        return unavailable(scrub(kafka_unreachable(settings, exc), settings))
    try:
        try:
            consumer = _kafka_consumer(settings, timeout_s)
        except Exception as exc:
            return unavailable(scrub(kafka_unreachable(settings, exc), settings))
        try:
            lag, lag_error = _attempt(
                lambda: consumer_lag(admin, consumer, settings.worker_id, settings.articles_topic, timeout_s),
                "consumer lag", settings,
            )
            recent, recent_error = _attempt(
                lambda: dead_letters_since(consumer, settings.dlq_topic, _epoch_ms() - WINDOW_S * 1000, timeout_s),
                "dead letters in the last minute", settings,
            )
            last, last_error = _attempt(
                lambda: last_dead_letters(consumer, settings.dlq_topic, RECENT, timeout_s),
                "last dead letters", settings,
            )
        finally:
            consumer.close()
    finally:
        admin.close()
    return KafkaFindings(
        lag=lag or LagPart(settings.worker_id, settings.articles_topic, error=lag_error),
        dead_letters_last_minute=recent,
        last_dead_letters=[_scrubbed_dead_letter(d, settings) for d in last or []],
        throughput_problems=[recent_error] if recent_error else [],
        errors_problems=[last_error] if last_error else [],
    )


def consumer_lag(admin: Any, consumer: Any, group: str, topic: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> LagPart:
    """End offsets minus the group's committed offsets, per partition of ``topic``."""
    from kafka import TopicPartition

    numbers = consumer.partitions_for_topic(topic)
    if not numbers:
        return LagPart(group, topic, error=f"topic {topic} does not exist yet (a worker creates it when it starts)")
    partitions = [TopicPartition(topic, n) for n in sorted(numbers)]
    committed = admin.list_group_offsets({group: None}).get(group, {})
    timeout_ms = int(timeout_s * 1000)
    ends = consumer.end_offsets(partitions, timeout_ms=timeout_ms)
    begins = consumer.beginning_offsets(partitions, timeout_ms=timeout_ms)
    rows = []
    for tp in partitions:
        meta = committed.get(tp)
        offset = meta.offset if meta is not None and meta.offset >= 0 else None
        start = offset if offset is not None else begins[tp]
        rows.append(PartitionLag(tp.partition, offset, ends[tp], max(ends[tp] - start, 0)))
    state, members = group_membership(admin, group)
    return LagPart(group, topic, rows, state, members)


def group_membership(admin: Any, group: str) -> tuple[str | None, int | None]:
    """(state, number of members) of a consumer group; (None, None) when Kafka will not say."""
    try:
        with _quiet_member_metadata():
            described = admin.describe_groups([group]).get(group) or {}
    except Exception:
        return None, None
    if described.get("error"):
        return "unknown group", 0
    return described.get("group_state"), len(described.get("members") or [])


class _UndecodableMemberMetadata(logging.Filter):
    """Faust's members carry its own assignor's metadata, which kafka-python warns it cannot decode.

    We only count members, so the warning (with the raw bytes of every member) is noise here.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Unable to decode member_")


@contextmanager
def _quiet_member_metadata() -> Iterator[None]:
    logger = logging.getLogger("kafka.admin._groups")
    quiet = _UndecodableMemberMetadata()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def dead_letters_since(consumer: Any, topic: str, since_ms: int, timeout_s: float = DEFAULT_TIMEOUT_S) -> int:
    """How many messages on ``topic`` carry a timestamp at or after ``since_ms``."""
    from kafka import TopicPartition

    numbers = consumer.partitions_for_topic(topic)
    if not numbers:
        return 0  # no dead-letter topic yet: nothing was ever dead-lettered
    partitions = [TopicPartition(topic, n) for n in sorted(numbers)]
    timeout_ms = int(timeout_s * 1000)
    firsts = consumer.offsets_for_times({tp: since_ms for tp in partitions}, timeout_ms=timeout_ms)
    ends = consumer.end_offsets(partitions, timeout_ms=timeout_ms)
    return sum(ends[tp] - firsts[tp].offset for tp in partitions if firsts.get(tp) is not None)


def last_dead_letters(
    consumer: Any, topic: str, count: int = RECENT, timeout_s: float = DEFAULT_TIMEOUT_S
) -> list[DeadLetterSummary]:
    """The newest ``count`` dead letters, oldest first, read from the end of each partition."""
    from newsmon.ops.deadletters import read_topic

    records = read_topic(consumer, topic, last=count, timeout_s=timeout_s)
    records.sort(key=lambda r: (r.timestamp, r.partition, r.offset))
    return [dead_letter_summary(r) for r in records[-count:]]


def dead_letter_summary(record: Any) -> DeadLetterSummary:
    """What an operator needs from one dead letter (not its original bytes)."""
    where = f"{record.topic}[{record.partition}]@{record.offset}"
    try:
        letter = json.loads(record.value)
    except (TypeError, ValueError):
        letter = None
    if not isinstance(letter, dict):
        return DeadLetterSummary("(not a newsmon dead letter: the value is not a JSON object)", None,
                                 _epoch_iso(record.timestamp / 1000), None, _text(record.key), where)
    source = letter.get("source")
    origin = None
    if isinstance(source, dict) and source:
        origin = f"{source.get('topic')}[{source.get('partition')}]@{source.get('offset')}"
    return DeadLetterSummary(
        reason=str(letter.get("reason") or "(no reason given)"),
        stage=letter.get("stage"),
        failed_at=letter.get("failed_at") or _epoch_iso(record.timestamp / 1000),
        source=origin,
        key=letter.get("key") if letter.get("key") is not None else _text(record.key),
        dlq_offset=where,
    )


def _scrubbed_dead_letter(letter: DeadLetterSummary, settings: Settings) -> DeadLetterSummary:
    return DeadLetterSummary(**{**asdict(letter), "reason": scrub(letter.reason, settings)})


def _kafka_admin(settings: Settings, timeout_s: float) -> Any:
    from kafka import KafkaAdminClient

    from newsmon.stream.kafka import kafka_python_options

    millis = int(timeout_s * 1000)
    return KafkaAdminClient(**kafka_python_options(
        settings, client_id="newsmon-status", request_timeout_ms=millis, bootstrap_timeout_ms=millis))


def _kafka_consumer(settings: Settings, timeout_s: float) -> Any:
    from kafka import KafkaConsumer

    from newsmon.stream.kafka import kafka_python_options

    millis = int(timeout_s * 1000)
    return KafkaConsumer(**kafka_python_options(
        settings, client_id="newsmon-status", group_id=None, enable_auto_commit=False,
        request_timeout_ms=millis, bootstrap_timeout_ms=millis))


def kafka_unreachable(settings: Settings, exc: BaseException) -> str:
    return f"Kafka unreachable at {settings.kafka_bootstrap}: {describe_error(exc)}"


# --- Elasticsearch: what was indexed and alerted


@dataclass(frozen=True)
class ElasticsearchFindings:
    articles_indexed: int | None
    alerts_sent: int | None
    alerts_failed: int | None
    failed_alerts: list[FailedAlert]
    throughput_problems: list[str]
    errors_problems: list[str]

    @staticmethod
    def unavailable(reason: str) -> "ElasticsearchFindings":
        return ElasticsearchFindings(None, None, None, [], [reason], [f"failed alerts: {reason}"])


def elasticsearch_findings(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> ElasticsearchFindings:
    """Articles indexed and alerts sent or failed in the last minute, and the last failed alerts."""
    es = _elasticsearch(settings, timeout_s)
    try:
        try:
            es.cluster.health()
        except Exception as exc:
            return ElasticsearchFindings.unavailable(scrub(elasticsearch_unreachable(settings, exc), settings))
        indexed, indexed_error = _attempt(
            lambda: indexed_since(es, settings.articles_index, f"now-{WINDOW_S}s"), "articles indexed", settings
        )
        statuses, statuses_error = _attempt(
            lambda: alerts_by_status_since(es, settings.alerts_index, f"now-{WINDOW_S}s"), "alerts", settings
        )
        failed, failed_error = _attempt(
            lambda: last_failed_alerts(es, settings.alerts_index, RECENT), "failed alerts", settings
        )
    finally:
        es.close()
    return ElasticsearchFindings(
        articles_indexed=indexed,
        alerts_sent=statuses.get("sent", 0) if statuses is not None else None,
        alerts_failed=statuses.get("failed", 0) if statuses is not None else None,
        failed_alerts=[_scrubbed_alert(a, settings) for a in failed or []],
        throughput_problems=[p for p in (indexed_error, statuses_error) if p],
        errors_problems=[failed_error] if failed_error else [],
    )


def indexed_since(es: Any, index: str, since: str) -> int:
    """Documents of ``index`` with ``indexed_at`` at or after ``since`` (an Elasticsearch date, e.g. now-60s)."""
    from elasticsearch import NotFoundError

    try:
        return es.count(index=index, query={"range": {"indexed_at": {"gte": since}}})["count"]
    except NotFoundError:
        return 0  # no index yet: nothing was ever indexed


def alerts_by_status_since(es: Any, index: str, since: str) -> dict[str, int]:
    """Alert records per ``status`` (sent, failed, pending, ...) with ``fired_at`` at or after ``since``."""
    from elasticsearch import NotFoundError

    try:
        response = es.search(
            index=index, size=0, query={"range": {"fired_at": {"gte": since}}},
            aggs={"by_status": {"terms": {"field": "status", "size": 20}}},
        )
    except NotFoundError:
        return {}
    return {b["key"]: b["doc_count"] for b in response["aggregations"]["by_status"]["buckets"]}


def last_failed_alerts(es: Any, index: str, count: int = RECENT) -> list[FailedAlert]:
    """The newest ``count`` failed alert deliveries, newest first."""
    from elasticsearch import NotFoundError

    try:
        response = es.search(
            index=index, size=count, query={"term": {"status": "failed"}}, sort=[{"fired_at": "desc"}],
            source_includes=["rule", "channel", "error", "fired_at", "attempts"],
        )
    except NotFoundError:
        return []
    return [
        FailedAlert(s.get("rule"), s.get("channel"), s.get("error"), s.get("fired_at"), s.get("attempts"))
        for s in (hit["_source"] for hit in response["hits"]["hits"])
    ]


def _scrubbed_alert(alert: FailedAlert, settings: Settings) -> FailedAlert:
    return FailedAlert(**{**asdict(alert), "error": scrub(alert.error, settings) if alert.error else None})


def _elasticsearch(settings: Settings, timeout_s: float) -> Any:
    from newsmon.index.client import make_client

    return make_client(settings).options(request_timeout=timeout_s, max_retries=0, retry_on_timeout=False)


def elasticsearch_unreachable(settings: Settings, exc: BaseException) -> str:
    return f"Elasticsearch unreachable at {display_url(settings.es_url)}: {describe_error(exc)}"


# --- keeping failures readable and secrets out


def describe_error(exc: BaseException) -> str:
    """One line about a failure, without a traceback."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    if isinstance(exc, ApiError):
        return f"HTTP {exc.meta.status}: {exc.message}"
    if isinstance(exc, TransportError):
        return str(exc.message)
    text = str(exc).strip()
    name = type(exc).__name__
    if not text:
        return name
    return text if text.startswith(name) else f"{name}: {text}"


def scrub(text: str, settings: Settings) -> str:
    """``text`` through the redaction layer, with the secrets of ``settings`` known to it."""
    register_settings(settings)
    return redact(text)


def _attempt(gather: Callable[[], T], what: str, settings: Settings) -> tuple[T | None, str | None]:
    """(value, None), or (None, why ``what`` could not be gathered)."""
    try:
        return gather(), None
    except Exception as exc:
        return None, scrub(f"{what}: {describe_error(exc)}", settings)


def _settled(future: Future, unavailable: Callable[[str], T], settings: Settings) -> T:
    """A part's result; a part that broke anyway becomes a part that says why."""
    try:
        return future.result()
    except Exception as exc:
        return unavailable(scrub(f"could not be gathered: {describe_error(exc)}", settings))


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _epoch_iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat(timespec="seconds")


def _epoch_ms() -> int:
    return int(time.time() * 1000)


def _text(raw: bytes | None) -> str | None:
    return raw.decode("utf-8", "replace") if raw is not None else None
