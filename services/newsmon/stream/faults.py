"""Fault injection, for the tests that prove a message's failure stays that message's.

Off unless ``NEWSMON_FAULTS`` names stages (comma-separated, e.g. ``enrich,index,bulk,alert``).
Then an article whose ``metadata.newsmon_fault`` names one of those stages fails there, the way
a real article could: the extractor raises, Elasticsearch rejects the document (an integer out
of range for its mapping), Elasticsearch refuses the whole bulk request (an ``_id`` over 512
bytes), or alert matching raises. Everything around it is the real code path on the real stack.
Production deployments leave the setting empty; nothing here runs then.
"""

from __future__ import annotations

from typing import Any

from newsmon.models import EnrichedArticle

STAGES = ("enrich", "index", "bulk", "alert")
MARK = "newsmon_fault"


class InjectedFault(RuntimeError):
    """Raised where a test asked for a failure."""


def enabled(faults: str | None) -> frozenset[str]:
    return frozenset(s.strip() for s in (faults or "").split(",") if s.strip() in STAGES)


def wants(stages: frozenset[str], metadata: dict[str, Any] | None, stage: str) -> bool:
    return bool(stages) and stage in stages and (metadata or {}).get(MARK) == stage


def rejected_copy(article: EnrichedArticle) -> EnrichedArticle:
    """A copy Elasticsearch refuses for what it holds: counts.entities beyond a 32-bit integer."""
    copy = article.model_copy(deep=True)
    if copy.counts is not None:
        copy.counts.entities = 2**40
    return copy


def refused_bulk_copy(article: EnrichedArticle) -> EnrichedArticle:
    """A copy that makes Elasticsearch refuse the whole bulk request: an ``_id`` longer than 512 bytes."""
    return article.model_copy(update={"id": article.id + "€" * 200})
