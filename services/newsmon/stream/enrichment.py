"""Running the extractor in worker processes, so spaCy never blocks the event loop.

Each process loads the model and knowledge base once (pool initializer) and then takes
chunks of a batch through ``nlp.pipe``; a batch is split across the processes so one
worker uses every core. Articles cross the process boundary as plain dicts.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from newsmon.alerts.stories import signature
from newsmon.articles import PreparedArticle
from newsmon.config import Settings
from newsmon.models import Article, EnrichedArticle

_extractor = None  # one per worker process, set by _init_process


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


def _init_process(settings: Settings) -> None:
    global _extractor
    # One thread per process: the processes are the parallelism.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _extractor = build_extractor(settings)


def _to_prepared(item: dict[str, Any]) -> PreparedArticle:
    return PreparedArticle(
        article=Article.model_validate(item["article"]),
        content_hash=item["content_hash"],
        truncated=item["truncated"],
        warnings=tuple(item["warnings"]),
    )


Outcome = tuple[str, dict | None, str | None, list[int] | None]


def _done(enriched: EnrichedArticle) -> Outcome:
    return enriched.id, enriched.model_dump(mode="json"), None, signature(enriched.title, enriched.body)


def _extract_chunk(items: list[dict[str, Any]]) -> list[Outcome]:
    """Runs in a worker process. A failure on one article must not cost the others."""
    prepared = [_to_prepared(i) for i in items]
    try:
        return [_done(e) for e in _extractor.extract(prepared)]
    except Exception:  # find the article at fault, keep the rest
        results: list[Outcome] = []
        for p in prepared:
            try:
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
    """A pool of processes each holding a loaded extractor."""

    def __init__(self, settings: Settings, processes: int | None = None):
        self.processes = processes or worker_count(settings)
        context = multiprocessing.get_context("spawn")  # fork after an event loop and threads is unsafe
        self._pool = ProcessPoolExecutor(
            max_workers=self.processes, mp_context=context, initializer=_init_process, initargs=(settings,)
        )

    async def warm_up(self) -> None:
        """Start every process and load its model now, not on the first article."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._pool, _warm_up) for _ in range(self.processes)))

    async def enrich(self, prepared: Sequence[PreparedArticle]) -> list[EnrichmentResult]:
        if not prepared:
            return []
        payload = [
            {"article": p.article.model_dump(mode="json"), "content_hash": p.content_hash,
             "truncated": p.truncated, "warnings": list(p.warnings)}
            for p in prepared
        ]
        size = math.ceil(len(payload) / self.processes)
        chunks = [payload[i : i + size] for i in range(0, len(payload), size)]
        loop = asyncio.get_running_loop()
        outputs = await asyncio.gather(*(loop.run_in_executor(self._pool, _extract_chunk, c) for c in chunks))
        return [
            EnrichmentResult(aid, EnrichedArticle.model_validate(doc) if doc is not None else None, err, sig)
            for chunk in outputs
            for aid, doc, err, sig in chunk
        ]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
