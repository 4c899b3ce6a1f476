"""Bulk indexing with the guarantees the stream relies on.

* Idempotent: ``_id`` is the article id, so a redelivered article overwrites its document.
* Nothing is reported indexed until Elasticsearch said so for that very document.
* Failures are split in two: *transient* (Elasticsearch unreachable, overloaded, a shard
  unavailable) are retried by the caller, who must not commit offsets meanwhile;
  *permanent* (Elasticsearch rejects the document itself, e.g. a mapping conflict) are
  returned per article so the caller can dead-letter them and move on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import AsyncElasticsearch
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import ConnectionTimeout, TransportError

from newsmon.models import EnrichedArticle

from .documents import article_document

# Item statuses worth retrying: too many requests, and server-side trouble.
_TRANSIENT_STATUSES = {429, 500, 502, 503, 504}


class IndexUnavailable(RuntimeError):
    """Elasticsearch could not take the batch now; retry later, keep the offsets uncommitted."""


@dataclass
class BulkResult:
    indexed: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # article id -> reason


class ArticleIndexer:
    """Writes enriched articles to the ``news-articles`` alias in one bulk request per batch."""

    def __init__(self, es: AsyncElasticsearch, articles_alias: str):
        self.es = es
        self.articles_alias = articles_alias

    def _operations(self, articles: Sequence[EnrichedArticle]) -> list[dict[str, Any]]:
        ops: list[dict[str, Any]] = []
        for article in articles:
            ops.append({"index": {"_index": self.articles_alias, "_id": article.id}})
            ops.append(article_document(article))
        return ops

    async def index(self, articles: Sequence[EnrichedArticle], *, refresh: bool = False) -> BulkResult:
        """Index a batch. Raises :class:`IndexUnavailable` if any document hit a transient failure."""
        if not articles:
            return BulkResult()
        try:
            response = await self.es.bulk(operations=self._operations(articles), refresh=refresh)
        except (ESConnectionError, ConnectionTimeout) as exc:
            raise IndexUnavailable(f"Elasticsearch unreachable: {exc}") from exc
        except TransportError as exc:
            raise IndexUnavailable(f"Elasticsearch error: {exc}") from exc
        result = BulkResult()
        transient: list[str] = []
        for article, item in zip(articles, response["items"]):
            outcome = item["index"]
            status = outcome.get("status", 0)
            if 200 <= status < 300:
                result.indexed.append(article.id)
            elif status in _TRANSIENT_STATUSES:
                transient.append(f"{article.id}: {status}")
            else:
                error = outcome.get("error", {})
                result.rejected[article.id] = f"Elasticsearch rejected the document ({status} {error.get('type')}: {error.get('reason')})"
        if transient:
            # Re-sending the whole batch is safe: documents are keyed by article id.
            raise IndexUnavailable(f"{len(transient)} documents not indexed yet: {', '.join(transient[:3])}")
        return result
