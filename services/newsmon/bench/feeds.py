"""``newsmon bench --feeds``: the poller's cost per item beside extraction's cost per article.

The poller must never be what holds the pipeline back: it should handle at least ten times the
articles per second that extraction handles on the same cores. Both are measured here in one
run, on one machine, so the ratio holds whatever the machine's speed or load:

- **poller**: 200 feeds of 20 items on a local site (:mod:`newsmon.bench.feedsite`, its own
  process), polled once by the real :class:`~newsmon.feeds.poller.Poller` (fetch, parse, canonical
  URLs, de-duplication, page fetch, main-text extraction, the article built) into a counting sink
  and an in-memory store: Kafka is the worker's cost, measured by ``newsmon bench``. Politeness is
  set aside (one host serves every feed here; per-host limits would measure the delay, not the
  poller): the bench's settings allow 32 requests to the host at once and no delay.
- **extraction**: newsmon's Extractor (the worker's code path) on 50 of the polled articles, in
  one process, multiplied by the cores the worker would use.
"""

from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Callable

from newsmon.config import Settings

Echo = Callable[[str], None]


class CountingSink:
    def __init__(self) -> None:
        self.articles: list = []

    def publish(self, article) -> None:
        self.articles.append(article)

    def flush(self) -> None:
        pass


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu_s() -> float:
    """CPU of finished child processes: the extraction pool, once shut down (the site is still running then)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wait_until_up(url: str, timeout_s: float = 30.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            httpx.get(url, timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bench site at {url} did not start in {timeout_s:.0f}s") from None
            time.sleep(0.2)


def run_feeds_bench(settings: Settings, *, feeds: int = 200, items: int = 20, extract_sample: int = 50,
                    echo: Echo = print) -> dict[str, float]:
    import os

    from newsmon.articles import prepare
    from newsmon.feeds.fetch import Fetcher
    from newsmon.feeds.models import Feed
    from newsmon.feeds.poller import Poller, extraction_pool
    from newsmon.feeds.store import MemoryStore
    from newsmon.stream.enrichment import build_extractor

    from .feedsite import BenchSite

    figures: dict[str, float] = {"feeds": feeds, "items_per_feed": items}
    with BenchSite(feeds, items) as site:
        _wait_until_up(site.feed_urls()[0])
        bench_settings = type(settings).model_validate({
            **settings.model_dump(), "allowed_hosts": f"127.0.0.1:{site.port}", "feeds_host_concurrency": 32,
            "feeds_host_delay_s": 0.0, "feeds_concurrency": 64})
        store = MemoryStore([Feed(name=f"bench-{i}", url=u) for i, u in enumerate(site.feed_urls())])
        sink = CountingSink()

        pool = extraction_pool(bench_settings)
        # Start its processes before the clock (their start-up CPU is still counted when they are reaped).
        list(pool.map(abs, range(bench_settings.feeds_extract_processes or os.cpu_count() or 1)))

        async def poll() -> list:
            fetcher = Fetcher(bench_settings)
            try:
                return await Poller(bench_settings, store, sink, fetcher, ident="bench", pool=pool).run_once()
            finally:
                await fetcher.aclose()

        echo(f"polling {feeds} feeds of {items} items on {site.base_url} ...")
        cpu0, wall0 = _cpu_s(), time.perf_counter()
        try:
            results = asyncio.run(poll())
            wall = time.perf_counter() - wall0
        finally:
            pool.shutdown()
        cpu = _cpu_s() - cpu0 + _children_cpu_s()
    published = len(sink.articles)
    failed = sum(r.failed for r in results) + sum(r.status == "failed" for r in results)
    figures.update(items_published=published, items_failed=failed, poll_wall_s=wall, poll_cpu_s=cpu,
                   poller_items_per_s=published / wall if wall else 0.0,
                   poller_cpu_s_per_item=cpu / published if published else float("nan"))
    echo(f"poller: {published} articles in {wall:.1f} s ({published / wall:.1f}/s), {cpu / max(published, 1) * 1000:.1f} ms CPU each")
    if not published:
        return figures
    extractor = build_extractor(settings)
    sample = [prepare(a, max_body_chars=settings.max_body_chars) for a in sink.articles[:extract_sample]]
    extractor.extract(sample[:4])  # warm up
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    for i in range(0, len(sample), settings.batch_size):
        extractor.extract(sample[i : i + settings.batch_size])
    ewall, ecpu = time.perf_counter() - wall0, _cpu_s() - cpu0
    cores = settings.worker_processes or os.cpu_count() or 1
    one = len(sample) / ewall
    figures.update(extract_docs_per_s_one_process=one, extract_cpu_s_per_doc=ecpu / len(sample), worker_cores=cores,
                   extract_docs_per_s_all_cores=one * cores,
                   ratio_poller_to_extraction=figures["poller_items_per_s"] / (one * cores),
                   ratio_cpu_per_item_extraction_to_poller=(ecpu / len(sample)) / figures["poller_cpu_s_per_item"])
    echo(f"extraction: {one:.1f} articles/s in one process ({ecpu / len(sample) * 1000:.0f} ms CPU each), "
         f"{one * cores:.1f}/s on {cores} cores; poller/extraction = {figures['ratio_poller_to_extraction']:.1f}")
    return figures
