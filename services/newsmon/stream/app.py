"""The Faust app: its topics, its one agent, and its web endpoints. Business logic lives elsewhere.

The agent takes batches off ``news.articles`` without acknowledging them
(``noack_take``), hands each batch to :class:`~newsmon.stream.processor.BatchProcessor`,
and acknowledges the messages only when the processor completed it, i.e. when each one is
indexed or dead-lettered. While one batch completes, the next is already being enriched;
batches complete in the order they were read. Faust commits acknowledged offsets every
``broker_commit_interval`` seconds, so a crash replays at most the uncommitted tail,
which re-indexes under the same ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from pathlib import Path
from typing import Any

from collections.abc import Awaitable, Callable

import faust
import httpx
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from newsmon.alerts.api import install_api
from newsmon.alerts.channels import EmailSender, KafkaSender, SlackSender, WebhookSender
from newsmon.alerts.channels.kafka import Produce
from newsmon.alerts.dispatcher import AlertDispatcher
from newsmon.alerts.ledger import AlertLedger
from newsmon.alerts.rulebook import RuleBook
from newsmon.alerts.rulebook import encode as encode_rule
from newsmon.alerts.rules import AlertRule
from newsmon.alerts.stories import StoryIndex, StoryRecord

from newsmon.config import Settings
from newsmon.index.client import make_async_client
from newsmon.index.indexer import ArticleIndexer
from newsmon.models import EnrichedArticle
from newsmon.net.client import outbound_client
from newsmon.net.policy import OutboundPolicy
from newsmon.ops.keys import rule_cipher
from newsmon.ops.redact import redact

from .deadletter import DeadLetter, SourceMessage
from .exits import clear_exit
from .enrichment import EnrichmentPool
from .health import Health
from .kafka import ssl_context
from .metrics import Metrics
from .web_guard import application_options, check_bind
from .follow import follow_topic
from .processor import BatchProcessor, Producer, describe
from .kafka import kafka_is_unavailable
from newsmon.peers import KafkaUnavailable

log = logging.getLogger(__name__)

# Unexpected failures of a whole batch (not bad input: that is dead-lettered) are retried
# this many times before the worker stops, to be restarted from the last commit.
BATCH_ATTEMPTS = 5
# Batches in flight at once: one being enriched while the one before it completes.
PIPELINE_DEPTH = 2
PRODUCE_TIMEOUT_S = 30.0
LAG_INTERVAL_S = 5.0


_CRASH: dict[str, str] = {}


def crash_reason() -> str | None:
    """Why the app in this process crashed, if it did (read by ``newsmon worker`` as it exits)."""
    return _CRASH.get("reason")


def _timestamp_ms(message: Any) -> int | None:
    """The message's timestamp in ms (Faust gives seconds as a float)."""
    stamp = getattr(message, "timestamp", None)
    return round(stamp * 1000) if isinstance(stamp, (int, float)) and stamp > 0 else None


def _credentials(settings: Settings) -> Any:
    if settings.kafka_sasl_mechanism:
        return faust.SASLCredentials(
            username=settings.kafka_username,
            password=settings.kafka_password.get_secret_value() if settings.kafka_password else None,
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=ssl_context(settings),
        )
    context = ssl_context(settings)
    return faust.SSLCredentials(context) if context else None


class Worker:
    """The long-lived parts of a worker, created once the event loop runs."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.health = Health()
        self.metrics = Metrics()
        self.pool: EnrichmentPool | None = None
        self.processor: BatchProcessor | None = None
        self.es = None
        self.http: httpx.AsyncClient | None = None
        # Checks every rule against these settings (outbound policy, alert topics) and opens sealed ones with the key;
        # a bad NEWSMON_SECRET_KEY stopped `newsmon worker` before this.
        self.rules = RuleBook(settings, rule_cipher(settings))
        self.stories = StoryIndex(settings.story_similarity, settings.story_window_hours, settings.story_capacity)
        self.dispatcher: AlertDispatcher | None = None
        self._background: list[asyncio.Task] = []

    async def start(self, send_enriched: Producer, send_dead_letters: Producer, produce: Produce) -> None:
        """Load the model, replay rules and stories, pick up unfinished alerts; then take articles."""
        settings = self.settings
        self.pool = EnrichmentPool(settings)
        self.es = make_async_client(settings)
        # Connections are bounded per target by the dispatcher, not by one shared pool a hanging target could drain.
        # Webhook and Slack targets are the user's choice: every connection goes through the outbound policy.
        self.http = outbound_client(OutboundPolicy.from_settings(settings), timeout=settings.alert_timeout_s,
                                    limits=httpx.Limits(max_connections=None, max_keepalive_connections=50))
        self._produce = produce
        rules_ready, stories_ready = asyncio.Event(), asyncio.Event()
        self._keep_running(lambda: follow_topic(settings, settings.alert_rules_topic, self.rules.apply, rules_ready))
        self._keep_running(lambda: follow_topic(settings, settings.stories_topic, self._remember_story, stories_ready))
        senders = {
            "webhook": WebhookSender(self.http),
            "slack": SlackSender(self.http),
            "email": EmailSender(settings),
            "kafka": KafkaSender(produce, settings.alerts_topic),
        }
        self.dispatcher = AlertDispatcher(
            settings, self.rules, AlertLedger(self.es, settings.alerts_index), senders, self.metrics
        )
        await self.pool.warm_up()
        await asyncio.gather(rules_ready.wait(), stories_ready.wait())
        recovered = await self.dispatcher.recover()
        if recovered:
            log.info("resumed %d alert deliveries left unfinished by the previous run", recovered)
        self._keep_running(self.dispatcher.run_digests)
        self.processor = BatchProcessor(
            settings,
            self.pool,
            ArticleIndexer(self.es, settings.articles_index, settings.events_index),
            send_enriched,
            send_dead_letters,
            health=self.health,
            metrics=self.metrics,
            alert_stage=self.dispatcher.match,
            story_stage=self.assign_stories,
        )
        self.health.model_ready = True
        clear_exit(settings)
        log.info("worker ready: %d extraction processes, %d alert rules, %d recent stories",
                 self.pool.processes, len(self.rules), len(self.stories))

    def _keep_running(self, make: Callable[[], Awaitable[None]]) -> None:
        """Run a background loop for the life of the worker, restarting it (with backoff) if it fails."""
        async def supervise() -> None:
            delay = 1.0
            while True:
                try:
                    await make()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - logged, then restarted
                    self.health.error(f"background task failed: {exc!r}")
                    log.exception("background task failed; restarting in %.0fs", delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 30)

        self._background.append(asyncio.create_task(supervise()))

    def _remember_story(self, key: bytes | None, value: bytes | None) -> None:
        if value is None:
            return
        try:
            self.stories.remember(StoryRecord.from_json(value))
        except (ValueError, KeyError) as exc:
            log.warning("ignoring unreadable story record: %s", exc)

    async def assign_stories(self, pairs: list[tuple[EnrichedArticle, list[int]]]) -> None:
        """Give each article its story and record the assignment on ``news.stories`` (awaited)."""
        records = []
        for article, values in pairs:
            if not values:
                article.story_id = article.id
                continue
            record = self.stories.assign(article.id, values)
            article.story_id = record.story_id
            records.append(record)
        await asyncio.gather(*(self._produce(self.settings.stories_topic, r.article_id.encode(), r.to_json()) for r in records))

    async def stop(self) -> None:
        """Release what start() took: background loops, HTTP and Elasticsearch clients, the process pool."""
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        if self.http is not None:
            await self.http.aclose()
        if self.es is not None:
            await self.es.close()
        if self.pool is not None:
            self.pool.close()

    async def put_rule(self, rule: AlertRule) -> None:
        key, value = encode_rule(rule, self.rules.cipher)
        await self._produce(self.settings.alert_rules_topic, key, value)
        self.rules.apply(key, value)  # visible at once; the follower will apply the same record again

    async def delete_rule(self, name: str) -> None:
        await self._produce(self.settings.alert_rules_topic, name.encode(), None)
        self.rules.apply(name.encode(), None)

    async def elasticsearch_reachable(self) -> bool:
        # cluster.health, not ping(): the minimal test build answers GET / with 405.
        if self.es is None:
            return False
        try:
            health = await self.es.options(request_timeout=2, max_retries=0).cluster.health()
            return health["status"] in ("green", "yellow")
        except Exception:  # noqa: BLE001 - any failure means not reachable
            return False

    async def kafka_reachable(self) -> bool:
        host, _, port = self.settings.kafka_bootstrap.split(",")[0].rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout=2)
            writer.close()
            return True
        except (OSError, asyncio.TimeoutError):
            return False


def _faust_datadir(settings: Settings) -> Path:
    """A folder for Faust's files: under newsmon's state folder, else a temporary one (the memory store
    keeps nothing there, so an unwritable state folder must not stop the worker)."""
    folder = Path(settings.state_dir) / "faust" / settings.worker_id
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        import tempfile

        return Path(tempfile.mkdtemp(prefix=f"{settings.worker_id}-faust-"))


def _redacted(value: Any) -> Any:
    """``value`` (JSON-like) with every string through the redaction layer."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redacted(item) for item in value]
    return value


def create_app(settings: Settings) -> faust.App:
    check_bind(settings)  # no API key: loopback only (newsmon.stream.web_guard)
    app = faust.App(
        settings.worker_id,
        broker=[f"kafka://{hostport}" for hostport in settings.kafka_bootstrap.split(",")],
        broker_credentials=_credentials(settings),
        store="memory://",
        # Faust's own folder (empty with the memory store) under newsmon's state, not the current directory.
        datadir=str(_faust_datadir(settings)),
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=1,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=1.0,
        producer_acks=-1,
        # Sizes from the one message limit (Settings.max_message_bytes), so nothing the worker
        # accepted can be refused on the way out.
        producer_max_request_size=settings.producer_max_request_bytes,
        consumer_max_fetch_size=settings.consumer_fetch_bytes,
        # A Kafka outage surfaces as a retried, health-visible hold within seconds, not 20 minutes.
        producer_request_timeout=PRODUCE_TIMEOUT_S,
        # Recovery in seconds: a restarted worker rejoins under its static instance id and gets its
        # partitions back at once; a worker that does not come back loses them after the session timeout.
        consumer_group_instance_id=settings.group_instance_id,
        broker_session_timeout=settings.kafka_session_timeout_s,
        broker_heartbeat_interval=max(1.0, settings.kafka_session_timeout_s / 4),
        web_host=settings.web_host,
        web_port=settings.web_port,
        web_bind=settings.web_host,
        # Every request through the guard: API key, same origin, JSON bodies of bounded size.
        web_application_options=application_options(settings),
    )
    worker = Worker(settings)
    app.newsmon = worker  # type: ignore[attr-defined]

    raw = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw"}
    articles = app.topic(settings.articles_topic, **raw)
    enriched_topic = app.topic(settings.enriched_topic, **raw)
    dlq_topic = app.topic(settings.dlq_topic, **raw)

    topics_by_name = {t.get_topic_name(): t for t in (enriched_topic, dlq_topic)}

    async def send_all(topic, items) -> None:
        """Produce and wait until Kafka acknowledged every message.

        Raises :class:`~newsmon.peers.KafkaUnavailable` when Kafka is away or says to retry (all of
        them are sent again), and the message's own error otherwise (too large, not encodable):
        the processor then isolates the message at fault.
        """
        futures = []
        try:
            for key, value in items:
                futures.append(await topic.send(key=key, value=value))
            results = await asyncio.gather(*futures, return_exceptions=True) if futures else []
        except Exception as exc:  # noqa: BLE001 - classified below
            results = [exc]
        errors = [r for r in results if isinstance(r, BaseException)]
        peer = next((e for e in errors if kafka_is_unavailable(e)), None)
        if peer is not None:
            raise KafkaUnavailable(f"Kafka did not take the messages: {describe(peer)}") from peer
        if errors:
            raise errors[0]

    async def produce(name: str, key: bytes | None, value: bytes | None) -> None:
        topic = topics_by_name.get(name)
        if topic is None:
            topic = topics_by_name[name] = app.topic(name, **raw)
        await send_all(topic, [(key, value)])

    @app.task
    async def start_worker() -> None:
        try:
            await worker.start(
                lambda items: send_all(enriched_topic, items),
                lambda items: send_all(dlq_topic, items),
                produce,
            )
        except Exception as exc:  # noqa: BLE001 - the worker cannot run without these; say why and stop
            _CRASH["reason"] = f"the worker could not start: {describe(exc)}"
            log.error("%s", _CRASH["reason"])
            await app.crash(exc)

    @app.on_before_shutdown.connect
    async def release(app, **kwargs) -> None:
        reason = getattr(app, "_crash_reason", None)
        if reason is not None:
            _CRASH["reason"] = f"the worker crashed: {describe(reason)}"
        await worker.stop()

    install_api(app, worker.rules, worker.put_rule, worker.delete_rule, lambda prepared: worker.pool.enrich(prepared))

    async def last_resort(step: Callable[[], Awaitable], what: str, messages: list[SourceMessage]):
        """The processor isolates every failure it can attribute; this catches what it could not (a bug).

        The step is retried a few times with backoff; if it keeps failing, the batch's messages become
        dead letters of stage ``worker`` with the error, so the stream goes on. Never a crash loop.
        """
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                return await step()
            except Exception as exc:  # noqa: BLE001 - retried, then dead-lettered
                where = messages[0].describe() if messages else None
                worker.health.error(f"{what} failed (attempt {attempt}/{BATCH_ATTEMPTS}): {describe(exc)}", where)
                log.exception("%s failed (attempt %d/%d) at %s", what, attempt, BATCH_ATTEMPTS,
                              messages[0].where() if messages else "?")
                if attempt == BATCH_ATTEMPTS:
                    letters = [DeadLetter(m, "worker", f"{what} failed {BATCH_ATTEMPTS} times: {describe(exc)}") for m in messages]
                    await worker.processor._until_peers_return(
                        "dead letters", lambda: send_all(dlq_topic, [(d.message.key, d.to_json()) for d in letters]),
                        messages[0] if messages else None,
                    )
                    return None
                await asyncio.sleep(min(2**attempt, 30))

    async def run_batch(events, previous: asyncio.Task | None) -> None:
        messages = [
            SourceMessage(e.message.key, e.message.value, e.message.topic, e.message.partition, e.message.offset,
                          _timestamp_ms(e.message))
            for e in events
        ]
        batch = await last_resort(lambda: worker.processor.enrich(messages), "enriching a batch", messages)
        if previous is not None:
            await previous  # complete batches in the order they were read
        if batch is not None:
            await last_resort(lambda: worker.processor.complete(batch), "completing a batch", messages)
        for event in events:
            event.ack()

    @app.agent(articles)
    async def enrich_articles(stream):
        # Two batches in flight: the next is enriched while the previous is indexed and alerted on.
        in_flight: deque[asyncio.Task] = deque()
        async for events in stream.noack_take(settings.batch_size, within=settings.batch_linger_s):
            while worker.processor is None:  # messages can arrive before the model finished loading
                await asyncio.sleep(0.1)
            in_flight.append(asyncio.create_task(run_batch(events, in_flight[-1] if in_flight else None)))
            while len(in_flight) >= PIPELINE_DEPTH or (in_flight and in_flight[0].done()):
                await in_flight.popleft()

    @app.timer(interval=LAG_INTERVAL_S)
    async def measure_lag() -> None:
        """Consumer lag per partition (end offset minus committed offset) for /metrics.

        Best effort: during a rebalance partitions come and go under our feet, and a metric
        must never take the worker down, so a failed round is skipped.
        """
        consumer = app.consumer
        try:
            partitions = [tp for tp in consumer.assignment() if tp.topic == settings.articles_topic]
            if not partitions:
                return
            ends = await consumer.highwaters(*partitions)
            # Faust keeps the committed offset (the next one to read) per partition, with no public accessor.
            committed = getattr(consumer, "_committed_offset", {})
            worker.metrics.consumer_lag.clear()  # partitions this worker lost in a rebalance drop out
            for tp in partitions:
                if committed.get(tp) is not None and tp in ends:
                    worker.metrics.consumer_lag.labels(str(tp.partition)).set(max(0, ends[tp] - committed[tp]))
        except Exception as exc:  # noqa: BLE001 - see the docstring
            log.debug("consumer lag not measured this round: %r", exc)

    def probe_answer(web, body: dict, status: int = 200):
        """The probes answer without a token, and their recent errors quote messages and peers'
        words: every string through the redaction layer, as logs are."""
        return web.json(_redacted(body), status=status)

    @app.page("/healthz")
    async def healthz(web, request):
        """Liveness: the process and its event loop answer."""
        return probe_answer(web, worker.health.as_dict())

    @app.page("/readyz")
    async def readyz(web, request):
        """Readiness: model loaded, Kafka and Elasticsearch reachable, indexing not held back."""
        es_ok, kafka_ok = await asyncio.gather(worker.elasticsearch_reachable(), worker.kafka_reachable())
        body = {**worker.health.as_dict(), "elasticsearch": es_ok, "kafka": kafka_ok}
        ready = worker.health.model_ready and es_ok and kafka_ok and worker.health.degraded_reason is None
        if worker.health.model_ready and not (es_ok and kafka_ok):
            body["status"] = "degraded"
        return probe_answer(web, body, status=200 if ready else 503)

    @app.page("/metrics")
    async def metrics(web, request):
        return web.bytes(generate_latest(worker.metrics.registry), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    return app
