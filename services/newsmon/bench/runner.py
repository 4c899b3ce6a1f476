"""``newsmon bench``: throughput, latency and memory of the whole system, measured on the real local stack.

Every figure is taken in one run on one corpus, so the ratios compare like with like on a
shared, noisy machine:

1. raw ``nlp.pipe`` of the same spaCy model on the same texts, one process and one per core
   (the ceiling: what spaCy alone can do here);
2. ``newsmon extract`` (the Extractor, in process): the cost of newsmon's own NLP, and the
   share of it that topic matching takes;
3. end to end: a real worker on topics and indices of the run's own; every article published
   at once, until the last one is searchable in Elasticsearch;
4. latency at a steady offered load of half the end-to-end throughput: publish time to the
   moment a search finds the article (not a realtime GET: searchable is what users see);
5. alert latency with 1,000 active rules: the article's ``indexed_at`` to the webhook's
   arrival at a local receiver, and the matching cost of 1,000 rules per article;
6. the worker's peak resident memory, its extraction processes included, and what the knowledge
   base (with the gazetteer and the names in other languages) adds to a process on its own.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil

from newsmon.articles import prepare, validate_article
from newsmon.config import Settings

from .corpus import BenchArticle, generate

Echo = Callable[[str], None]


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class BenchResult:
    figures: dict[str, Any] = field(default_factory=dict)

    def __setitem__(self, key: str, value: Any) -> None:
        self.figures[key] = round(value, 4) if isinstance(value, float) else value

    def __getitem__(self, key: str) -> Any:
        return self.figures[key]


# --- in-process measurements ---------------------------------------------------------------------

def _texts(corpus: list[BenchArticle]) -> list[str]:
    return [f"{a.title}\n\n{a.body}" for a in corpus]


def measure_raw(settings: Settings, corpus: list[BenchArticle], result: BenchResult, echo: Echo) -> None:
    """Raw spaCy: the trained model alone, no newsmon components."""
    from newsmon.nlp import load_model

    nlp = load_model(settings.spacy_model)
    texts = _texts(corpus)
    list(nlp.pipe(texts[:8]))  # warm up
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    one = len(texts) / (time.perf_counter() - start)
    result["raw_docs_per_s_one_core"] = one
    echo(f"raw nlp.pipe, 1 process: {one:.1f} docs/s")
    cores = os.cpu_count() or 1
    every = _raw_all_cores(settings, texts, cores)
    result["raw_docs_per_s_all_cores"] = every
    result["cores"] = cores
    echo(f"raw nlp.pipe, {cores} processes: {every:.1f} docs/s")


_raw_nlp = None  # the model of a raw-ceiling process


def _load_raw(model: str | None) -> None:
    global _raw_nlp
    from newsmon.nlp import load_model

    _raw_nlp = load_model(model)


def _pipe_count(texts: list[str]) -> int:
    return sum(1 for _ in _raw_nlp.pipe(texts, batch_size=32))


def _raw_all_cores(settings: Settings, texts: list[str], cores: int) -> float:
    """Raw nlp.pipe on every core, the way the worker uses them: one process per core with the
    model loaded before the clock starts (``nlp.pipe(n_process=...)`` would time process start-up
    and model loading too, and so understate the ceiling), fed chunks of one batch size."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(cores, mp_context=context, initializer=_load_raw, initargs=(settings.spacy_model,)) as pool:
        list(pool.map(_pipe_count, [texts[:2]] * cores))  # every process started and warm
        chunks = [texts[i : i + 32] for i in range(0, len(texts), 32)]
        start = time.perf_counter()
        done = sum(pool.map(_pipe_count, chunks))
        return done / (time.perf_counter() - start)


def measure_extract(settings: Settings, corpus: list[BenchArticle], result: BenchResult, echo: Echo) -> list:
    """newsmon's Extractor in this process, the same code path as the worker and ``newsmon extract``."""
    from newsmon.stream.enrichment import build_extractor

    extractor = build_extractor(settings)
    prepared = [prepare(validate_article(a.as_article()), max_body_chars=settings.max_body_chars) for a in corpus]
    extractor.extract(prepared[:8])  # warm up
    timed = _TimedTopics(extractor.topic_matcher) if extractor.topic_matcher is not None else None
    if timed is not None:
        extractor.topic_matcher = timed
    start = time.perf_counter()
    enriched = []
    for i in range(0, len(prepared), settings.batch_size):
        enriched.extend(extractor.extract(prepared[i : i + settings.batch_size]))
    elapsed = time.perf_counter() - start
    rate = len(prepared) / elapsed
    result["extract_docs_per_s"] = rate
    result["ratio_extract_to_raw_one_core"] = rate / result["raw_docs_per_s_one_core"]
    echo(f"newsmon extract, 1 process: {rate:.1f} docs/s")
    if timed is not None:
        extractor.topic_matcher = timed.inner
        result["topic_ms_per_article"] = timed.seconds / len(prepared) * 1000
        result["topic_share_of_extract"] = timed.seconds / elapsed
        echo(f"topic matching: {timed.seconds / len(prepared) * 1000:.2f} ms per article, "
             f"{timed.seconds / elapsed:.1%} of extraction")
    return enriched


class _TimedTopics:
    """The extractor's topic matcher, with the time spent in it added up (same calls, same results)."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def match(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.inner.match(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


def _knowledge_rss(knowledge_dir: str | None) -> tuple[float, float]:
    """In a fresh process: resident memory that loading the knowledge base, the gazetteer and the
    multilingual name index adds, in MB, and the seconds it takes."""
    import gc

    from newsmon.nlp.gazetteer import get_gazetteer
    from newsmon.nlp.knowledge import get_knowledge
    from newsmon.nlp.multilingual import ForeignReader, big_cities

    gc.collect()
    before = psutil.Process().memory_info().rss
    start = time.perf_counter()
    kb = get_knowledge(knowledge_dir)
    get_gazetteer(knowledge_dir)
    ForeignReader(kb, big_cities()).index("ru")
    elapsed = time.perf_counter() - start
    gc.collect()
    return (psutil.Process().memory_info().rss - before) / 2**20, elapsed


def measure_knowledge(settings: Settings, result: BenchResult, echo: Echo) -> None:
    """What the knowledge base costs a worker process: memory added and load time, in a clean process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        megabytes, seconds = pool.submit(_knowledge_rss, settings.knowledge_dir).result()
    result["knowledge_rss_mb"] = megabytes
    result["knowledge_load_s"] = seconds
    echo(f"knowledge base, gazetteer and name index: +{megabytes:.0f} MB resident, loaded in {seconds:.1f} s")


def random_rules(corpus_words: list[str], count: int, seed: int = 11) -> list[str]:
    """Queries of the shapes users write: words, phrases, fields, AND/OR/NOT."""
    rng = random.Random(seed)
    fields = ["country:SYR", "country:RUS", "event:ACCUSE", "event:CONSULT", "topic:mass-protests",
              "source:reuters", "actor_type:person", "language:en", "topic:sanctions"]
    shapes = [
        lambda: f"{rng.choice(corpus_words)} AND {rng.choice(corpus_words)}",
        lambda: f'"{rng.choice(corpus_words)} {rng.choice(corpus_words)}"',
        lambda: f"({rng.choice(corpus_words)} OR {rng.choice(corpus_words)}) AND {rng.choice(fields)}",
        lambda: f"{rng.choice(corpus_words)}* AND NOT {rng.choice(corpus_words)}",
        lambda: f"{rng.choice(fields)} AND {rng.choice(corpus_words)}",
    ]
    return [rng.choice(shapes)() for _ in range(count)]


def measure_matching(enriched: list, result: BenchResult, echo: Echo, rules: int = 1000) -> list[str]:
    """Matching cost of ``rules`` active alert rules per article (pure, in process)."""
    from newsmon.alerts.dispatcher import match_rules
    from newsmon.alerts.rulebook import RuleBook, encode
    from newsmon.alerts.rules import AlertRule

    # Real subscriptions are specific: draw query words from those in at most 2% of the articles.
    document_frequency: dict[str, int] = {}
    for article in enriched:
        for word in {w.lower() for w in article.body.split() if w.isalpha() and len(w) > 3}:
            document_frequency[word] = document_frequency.get(word, 0) + 1
    rare = sorted(w for w, n in document_frequency.items() if n <= max(1, len(enriched) // 50))
    queries = random_rules(rare or sorted(document_frequency), rules)
    book = RuleBook()
    for n, query in enumerate(queries):
        book.apply(*encode(AlertRule(name=f"bench-{n}", query=query, channels=["kafka"])))
    start = time.perf_counter()
    matches = match_rules(book, enriched).found
    per_article = (time.perf_counter() - start) / len(enriched)
    result["rules_active"] = rules
    result["match_ms_per_article"] = per_article * 1000
    result["matches_per_article"] = len(matches) / len(enriched)
    echo(f"matching {rules} rules: {per_article * 1000:.2f} ms per article ({len(matches) / len(enriched):.1f} matches each)")
    return queries


# --- on the stack -------------------------------------------------------------------------------

class _WorkerMemory(threading.Thread):
    """Samples the resident memory of a process and its children; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                root = psutil.Process(self.pid)
                total = root.memory_info().rss + sum(c.memory_info().rss for c in root.children(recursive=True))
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self.stop.wait(0.2)


def _searchable(es, index: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        response = es.search(index=index, query={"ids": {"values": chunk}}, size=len(chunk), source=False)
        found.update(h["_id"] for h in response["hits"]["hits"])
    return found


def measure_stack(settings: Settings, corpus: list[BenchArticle], queries: list[str], result: BenchResult,
                  echo: Echo, latency_articles: int, seed: int) -> None:
    from newsmon.alerts.rulebook import RuleWriter
    from newsmon.alerts.rules import AlertRule
    from newsmon.index.client import make_client
    from newsmon.stream.kafka import ensure_topics
    from newsmon.stream.launcher import start_worker, wait_until_ready
    from newsmon.stream.publisher import ArticlePublisher

    from newsmon.alerts.receiver import WebhookReceiver
    from newsmon.scratch import drop_scratch, scratch_settings

    receiver = WebhookReceiver()
    bench = scratch_settings(settings, prefix="bench", allowed_hosts=receiver.allowed_host)  # its receiver only
    es = make_client(bench)
    log_path = settings.state_dir / "logs" / f"bench-worker-{bench.worker_id}.log"
    worker = None
    try:
        ensure_topics(bench)
        with RuleWriter(bench) as writer:  # 999 rules that rarely match, and one we time
            for n, query in enumerate(queries[:-1]):
                writer.put(AlertRule(name=f"bench-{n}", query=query, channels=["kafka"], enabled=True))
            writer.put(AlertRule(name="bench-timed", query="bench AND NOT zzzz", channels=[f"webhook:{receiver.url}"]))
        worker = start_worker(bench, log_path)
        wait_until_ready(bench, worker, log_path, timeout=240)
        memory = _WorkerMemory(worker.pid)
        memory.start()

        # End to end: everything at once. CPU time per process says where the time goes.
        ids = [a.id for a in corpus]
        cpu_before = _cpu_by_role(settings, worker.pid)
        start = time.time()
        with ArticlePublisher(bench) as publisher:
            for article in corpus:
                publisher.publish(validate_article(article.as_article()))
            publisher.flush()
        pending = set(ids)
        while pending:
            pending -= _searchable(es, bench.articles_index, sorted(pending))
            if time.time() - start > 1800:
                raise TimeoutError(f"{len(pending)} articles not searchable after 30 minutes; see {log_path}")
            time.sleep(0.2)
        e2e = len(ids) / (time.time() - start)
        cpu_after = _cpu_by_role(settings, worker.pid)
        result["cpu_s_per_doc"] = {role: round((cpu_after[role] - cpu_before.get(role, 0.0)) / len(ids), 4)
                                   for role in cpu_after}
        result["end_to_end_docs_per_s"] = e2e
        result["ratio_end_to_end_to_raw"] = e2e / result["raw_docs_per_s_all_cores"]
        echo(f"end to end: {e2e:.1f} docs/s ({result['ratio_end_to_end_to_raw']:.2f} of raw, all cores)")

        # Let the alert deliveries of that burst drain, so the latency run measures a steady state.
        _wait_alerts_settled(es, bench.alerts_index)

        # Latency at half that load, with fresh ids.
        rate = e2e / 2
        result["offered_load_docs_per_s"] = rate
        sent: dict[str, float] = {}
        seen: dict[str, float] = {}
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set() or len(seen) < len(sent):
                waiting = [i for i in list(sent) if i not in seen]
                if waiting:
                    for found in _searchable(es, bench.articles_index, waiting):
                        seen[found] = time.time()
                time.sleep(0.05)
                if stop.is_set() and time.time() - stopped_at[0] > 120:
                    return

        stopped_at = [0.0]
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        receiver.reset()
        run = uuid.uuid4().hex[:6]
        fresh = generate(latency_articles, seed=seed + 1)  # new texts: new stories, so alerts fire
        with ArticlePublisher(bench) as publisher:
            begin = time.time()
            for n, item in enumerate(fresh):
                article = item.as_article()
                article["id"] = f"lat-{run}-{n:05d}"
                due = begin + n / rate
                time.sleep(max(0.0, due - time.time()))
                publisher.publish(validate_article(article))
                publisher.flush()
                sent[article["id"]] = time.time()
        stopped_at[0] = time.time()
        stop.set()
        poller.join()
        latencies = [seen[i] - sent[i] for i in sent if i in seen]
        result["latency_articles"] = len(latencies)
        for q in (50, 95, 99):
            result[f"latency_p{q}_s"] = percentile(latencies, q / 100)
        # Where the time goes: publish -> indexed by the worker (indexed_at), the rest is waiting for a refresh.
        docs = es.mget(index=bench.articles_index, ids=list(sent))["docs"]
        to_indexed = [_parse_time(d["_source"]["indexed_at"]) - sent[d["_id"]] for d in docs if d.get("found")]
        result["latency_to_indexed_p50_s"] = percentile(to_indexed, 0.5)
        result["latency_to_indexed_p99_s"] = percentile(to_indexed, 0.99)
        result["worker_stage_seconds"] = _stage_means(bench)
        echo(f"latency at {rate:.1f} docs/s: p50 {result['latency_p50_s']:.2f}s p95 {result['latency_p95_s']:.2f}s "
             f"p99 {result['latency_p99_s']:.2f}s")

        # Alert latency: indexed_at of each alerted article to the webhook's arrival.
        time.sleep(2)
        alert_latencies = []
        for received in receiver.received():
            received_at, article_id = received.at, json.loads(received.body)["articles"][0]["id"]
            doc = es.get(index=bench.articles_index, id=article_id)["_source"]
            indexed = _parse_time(doc["indexed_at"])
            alert_latencies.append(received_at - indexed)
        result["alerts_received"] = len(alert_latencies)
        result["alert_latency_p50_s"] = percentile(alert_latencies, 0.5)
        result["alert_latency_p99_s"] = percentile(alert_latencies, 0.99)
        if alert_latencies:
            echo(f"alert latency ({len(alert_latencies)} webhooks, {len(queries)} rules): "
                 f"p50 {result['alert_latency_p50_s']:.3f}s p99 {result['alert_latency_p99_s']:.3f}s")
        memory.stop.set()
        result["worker_peak_rss_mb"] = memory.peak / 2**20
        echo(f"worker peak memory: {memory.peak / 2**20:.0f} MB")
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(30)
            except Exception:  # noqa: BLE001
                worker.kill()
        receiver.close()
        drop_scratch(bench)


def _wait_alerts_settled(es, alerts_index: str, timeout_s: float = 180) -> None:
    """Until no alert record is pending any more (deliveries of a burst finish after it is indexed)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        es.options(ignore_status=404).indices.refresh(index=alerts_index)
        pending = es.options(ignore_status=404).count(index=alerts_index, query={"term": {"status": "pending"}})
        if pending.get("count", 0) == 0:
            return
        time.sleep(1)


def _cpu_by_role(settings: Settings, worker_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) so far of the worker's main process, its extraction processes,
    and the local Elasticsearch and Kafka (when they run from the local stack)."""
    from newsmon.stack import status

    def cpu(process: psutil.Process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    roles: dict[str, float] = {}
    try:
        main = psutil.Process(worker_pid)
        roles["worker_main"] = cpu(main)
        roles["worker_extraction"] = sum(cpu(c) for c in main.children(recursive=True))
    except psutil.Error:
        pass
    for component in status(settings).components:
        if component.pid:
            try:
                roles[component.name] = cpu(psutil.Process(component.pid))
            except psutil.Error:
                pass
    return roles


def _stage_means(settings: Settings) -> dict[str, float]:
    """Mean seconds per batch in each stage, from the worker's own /metrics."""
    import urllib.request

    from newsmon.stream.launcher import worker_url

    text = urllib.request.urlopen(worker_url(settings) + "/metrics", timeout=5).read().decode()
    sums, counts = {}, {}
    for line in text.splitlines():
        for kind, store in (("sum", sums), ("count", counts)):
            prefix = f"newsmon_stage_seconds_{kind}{{stage=\""
            if line.startswith(prefix):
                stage = line[len(prefix):].split('"')[0]
                store[stage] = float(line.rsplit(" ", 1)[1])
    return {stage: round(sums[stage] / counts[stage], 4) for stage in sums if counts.get(stage)}


def _parse_time(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def run(settings: Settings, *, articles: int = 300, latency_articles: int = 200, seed: int = 7,
        rules: int = 1000, echo: Echo = print, on_stack: bool = True) -> BenchResult:
    corpus = generate(articles, seed=seed)
    words = [len(a.body.split()) + len(a.title.split()) for a in corpus]
    result = BenchResult()
    result["corpus_articles"] = len(corpus)
    result["corpus_avg_words"] = statistics.mean(words)
    result["corpus_min_words"] = min(words)
    result["corpus_max_words"] = max(words)
    echo(f"corpus: {len(corpus)} articles, {statistics.mean(words):.0f} words on average ({min(words)}-{max(words)})")
    measure_raw(settings, corpus, result, echo)
    enriched = measure_extract(settings, corpus, result, echo)
    measure_knowledge(settings, result, echo)
    queries = measure_matching(enriched, result, echo, rules)
    if on_stack:
        measure_stack(settings, corpus, queries, result, echo, latency_articles, seed)
    return result
