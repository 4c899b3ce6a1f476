"""Running the extractor in worker processes, so spaCy never blocks the event loop.

Each process loads the model and knowledge base once (pool initializer) and then takes
chunks of a batch through ``nlp.pipe``; a batch is split across the processes so one
worker uses every core. Articles cross the process boundary as plain dicts.

Contracts:

* :meth:`EnrichmentPool.enrich` never raises for an article: an article the extractor fails on,
  that kills its process (out of memory, a crash in native code) or that takes longer than
  ``enrich_timeout_s`` comes back as an :class:`EnrichmentResult` with an error. A dead or
  stuck process costs a restart of the pool (the models load again) and the chunk is retried
  one article at a time to find the one at fault.
* The extraction processes die with the worker: each asks the kernel for SIGKILL when its parent
  dies (Linux ``PR_SET_PDEATHSIG``) and also watches its parent's pid, so a ``kill -9`` of the
  worker leaves no orphan holding hundreds of MB.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from newsmon.alerts.stories import signature
from newsmon.articles import PreparedArticle
from newsmon.config import Settings
from newsmon.models import Article, EnrichedArticle

from . import faults

_extractor = None  # one per worker process, set by _init_process
_faults: frozenset[str] = frozenset()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnrichmentResult:
    article_id: str
    enriched: EnrichedArticle | None
    error: str | None = None
    signature: list[int] | None = None  # MinHash of the text, for story detection (newsmon.alerts.stories)


def build_extractor(settings: Settings):
    """The extractor the worker, ``newsmon extract`` and the benchmarks all use."""
    from newsmon.nlp import Extractor, load_model
    from newsmon.rules import TopicSet

    return Extractor(
        load_model(settings.spacy_model),
        topic_matcher=TopicSet.load(settings.topics_file),
        batch_size=settings.batch_size,
        knowledge_dir=settings.knowledge_dir,
    )


def _die_with_parent() -> None:
    """Make this process end when the worker that started it ends, however it ends."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the watchdog below still does it, within a second

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _init_process(settings: Settings) -> None:
    global _extractor, _faults
    from newsmon.ops import redact

    _die_with_parent()
    redact.register_settings(settings)  # a spawned process starts without the parent's redaction layer
    redact.protect_process()
    _faults = faults.enabled(settings.faults)
    # One thread per process: the processes are the parallelism.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _extractor = build_extractor(settings)


def _to_payload(p: PreparedArticle) -> dict[str, Any]:
    return {"article": p.article.model_dump(mode="json"), "content_hash": p.content_hash, "truncated": p.truncated,
            "warnings": list(p.warnings), "published_at_source": p.published_at_source}


def _to_prepared(item: dict[str, Any]) -> PreparedArticle:
    return PreparedArticle(
        article=Article.model_validate(item["article"]),
        content_hash=item["content_hash"],
        truncated=item["truncated"],
        warnings=tuple(item["warnings"]),
        published_at_source=item["published_at_source"],
    )


Outcome = tuple[str, dict | None, str | None, list[int] | None]


def _done(enriched: EnrichedArticle) -> Outcome:
    return enriched.id, enriched.model_dump(mode="json"), None, signature(enriched.title, enriched.body)


def _extract_chunk(items: list[dict[str, Any]]) -> list[Outcome]:
    """Runs in a worker process. A failure on one article must not cost the others."""
    prepared = [_to_prepared(i) for i in items]
    try:
        if any(faults.wants(_faults, p.article.metadata, "enrich") for p in prepared):
            raise faults.InjectedFault("enrichment failed (injected)")
        return [_done(e) for e in _extractor.extract(prepared)]
    except Exception:  # find the article at fault, keep the rest
        results: list[Outcome] = []
        for p in prepared:
            try:
                if faults.wants(_faults, p.article.metadata, "enrich"):
                    raise faults.InjectedFault("enrichment failed (injected)")
                (e,) = _extractor.extract([p])
                results.append(_done(e))
            except Exception as exc:  # noqa: BLE001 - reported per article as a dead letter
                results.append((p.article.id, None, f"extraction failed: {type(exc).__name__}: {exc}", None))
        return results


def _warm_up() -> bool:
    return _extractor is not None


def worker_count(settings: Settings) -> int:
    return settings.worker_processes or os.cpu_count() or 1


class EnrichmentPool:
    """A pool of processes each holding a loaded extractor (see the module's contracts)."""

    def __init__(self, settings: Settings, processes: int | None = None):
        self.settings = settings
        self.processes = processes or worker_count(settings)
        self.timeout_s = settings.enrich_timeout_s
        self.restarts = 0
        self._generation = 0  # bumped by every restart, so chunks failing together restart the pool once
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")  # fork after an event loop and threads is unsafe
        return ProcessPoolExecutor(
            max_workers=self.processes, mp_context=context, initializer=_init_process, initargs=(self.settings,)
        )

    async def warm_up(self) -> None:
        """Start every process and load its model now, not on the first article."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._pool, _warm_up) for _ in range(self.processes)))

    def _restart(self, why: str, generation: int) -> None:
        """Replace a broken or stuck pool: kill its processes, start new ones (the models load again).

        Chunks that ran on the same pool fail together; only the first of them restarts it."""
        if generation != self._generation:
            return
        self._generation += 1
        self.restarts += 1
        log.warning("restarting the extraction processes: %s", why)
        old = self._pool
        for process in list(getattr(old, "_processes", {}).values()):
            try:
                process.kill()
            except (OSError, AttributeError):
                pass
        old.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    async def _run(self, chunk: list[dict[str, Any]]) -> list[Outcome]:
        loop = asyncio.get_running_loop()
        timeout = self.timeout_s + sum(len(c["article"]["body"]) for c in chunk) / 20_000  # about 20k chars a second at worst
        return await asyncio.wait_for(loop.run_in_executor(self._pool, _extract_chunk, chunk), timeout=timeout)

    async def _chunk(self, chunk: list[dict[str, Any]]) -> list[Outcome]:
        """One chunk; if its process dies or hangs, each article again on its own, to find the one at fault."""
        generation = self._generation
        try:
            return await self._run(chunk)
        except (BrokenProcessPool, asyncio.TimeoutError) as exc:
            what = "timed out" if isinstance(exc, asyncio.TimeoutError) else "lost its process"
            self._restart(f"a chunk of {len(chunk)} articles {what}", generation)
        except Exception as exc:  # noqa: BLE001 - e.g. an article that cannot be pickled
            log.warning("a chunk of %d articles failed as a whole (%r); retrying them one by one", len(chunk), exc)
        results: list[Outcome] = []
        for item in chunk:
            results.append(await self._single(item))
        return results

    async def _single(self, item: dict[str, Any]) -> Outcome:
        article_id = item["article"].get("id") or ""
        for _ in range(3):  # another chunk's restart may break this one's pool: then it is tried again
            generation = self._generation
            try:
                (outcome,) = await self._run([item])
                return outcome
            except asyncio.TimeoutError:
                self._restart(f"article {article_id} timed out", generation)
                return (article_id, None, f"extraction took longer than {self.timeout_s:.0f}s (plus the time its length allows)", None)
            except BrokenProcessPool:
                if generation != self._generation:
                    continue  # not this article's doing: the pool was replaced under it
                self._restart(f"article {article_id} killed its extraction process", generation)
                return (article_id, None, "the extraction process died on this article (out of memory or a crash)", None)
            except Exception as exc:  # noqa: BLE001 - reported per article as a dead letter
                return (article_id, None, f"extraction failed: {type(exc).__name__}: {exc}", None)
        return (article_id, None, "the extraction processes kept restarting while this article was extracted", None)

    async def enrich(self, prepared: Sequence[PreparedArticle]) -> list[EnrichmentResult]:
        if not prepared:
            return []
        payload = [_to_payload(p) for p in prepared]
        size = math.ceil(len(payload) / self.processes)
        chunks = [payload[i : i + size] for i in range(0, len(payload), size)]
        outputs = await asyncio.gather(*(self._chunk(c) for c in chunks))
        results = []
        for chunk in outputs:
            for aid, doc, err, sig in chunk:
                if doc is None:
                    results.append(EnrichmentResult(aid, None, err, sig))
                    continue
                try:
                    results.append(EnrichmentResult(aid, EnrichedArticle.model_validate(doc), None, sig))
                except Exception as exc:  # noqa: BLE001 - the model's output failed its own schema: that article's problem
                    results.append(EnrichmentResult(aid, None, f"the enriched article is invalid: {exc}".splitlines()[0], sig))
        return results

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
