"""Reading every document of an index in pages: a point in time plus ``search_after``.

A point in time (PIT) freezes what the scan sees, so documents written meanwhile neither
appear twice nor shift pages; ``_shard_doc`` is the cheapest total order. This is what
``newsmon es setup --upgrade`` and ``newsmon reindex`` use instead of the reindex API
(which the local test server lacks) and instead of scroll (which Elastic discourages for
deep pagination).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from elasticsearch import AsyncElasticsearch, Elasticsearch

KEEP_ALIVE = "5m"


def _request(pit: str, query: dict[str, Any] | None, size: int, after: list[Any] | None, source: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pit": {"id": pit, "keep_alive": KEEP_ALIVE},
        "size": size,
        "sort": [{"_shard_doc": "asc"}],
        "query": query or {"match_all": {}},
        "track_total_hits": False,
    }
    if after is not None:
        body["search_after"] = after
    if source is not None:
        body["_source"] = source
    return body


def scan(es: Elasticsearch, index: str, *, query: dict[str, Any] | None = None, size: int = 500,
         source: Any = None) -> Iterator[list[dict[str, Any]]]:
    """Pages of hits (``_index``, ``_id``, ``_source``) of every document matching ``query``."""
    pit = es.open_point_in_time(index=index, keep_alive=KEEP_ALIVE)["id"]
    after = None
    try:
        while True:
            response = es.search(**_request(pit, query, size, after, source))
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            if not hits:
                return
            yield hits
            after = hits[-1]["sort"]
    finally:
        es.close_point_in_time(id=pit)


async def scan_async(es: AsyncElasticsearch, index: str, *, query: dict[str, Any] | None = None, size: int = 500,
                     source: Any = None) -> AsyncIterator[list[dict[str, Any]]]:
    """:func:`scan` for the asynchronous client."""
    pit = (await es.open_point_in_time(index=index, keep_alive=KEEP_ALIVE))["id"]
    after = None
    try:
        while True:
            response = await es.search(**_request(pit, query, size, after, source))
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            if not hits:
                return
            yield hits
            after = hits[-1]["sort"]
    finally:
        await es.close_point_in_time(id=pit)
