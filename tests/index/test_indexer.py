"""The indexer's guarantees on the real Elasticsearch: idempotent, stale events removed,
rollover-safe, transient failures raised for the stream to retry."""

from __future__ import annotations

import asyncio

import pytest

from newsmon.index.client import make_async_client
from newsmon.index.documents import event_doc_id
from newsmon.index.indexer import ArticleIndexer, IndexUnavailable, sibling_alias
from newsmon.index.templates import install
from newsmon.models import EnrichedArticle
from tests.index.helpers import index_articles

pytestmark = pytest.mark.integration


def event_ids(es, settings, article_id: str) -> set[str]:
    es.indices.refresh(index=settings.events_index)
    found = es.search(index=settings.events_index, query={"term": {"article.id": article_id}}, size=1000)["hits"]["hits"]
    return {h["_id"] for h in found}


def counts(es, settings) -> tuple[int, int]:
    es.indices.refresh(index=f"{settings.articles_index},{settings.events_index}")
    return es.count(index=settings.articles_index)["count"], es.count(index=settings.events_index)["count"]


def all_ids(article: EnrichedArticle) -> set[str]:
    return {event_doc_id(article.id, e.id) for e in article.events}


@pytest.fixture
def settings(es, fresh_prefix, request):
    settings = fresh_prefix(f"idx{request.node.name[5:20].replace('_', '')}")
    install(es, settings)
    return settings


def test_redelivery_duplicates_nothing(es, settings, seed):
    index_articles(settings, [seed])
    first = es.get(index=settings.articles_index, id=seed.id)["_source"]["indexed_at"]
    result = index_articles(settings, [seed, seed])  # redelivered, even twice in one batch
    assert result.indexed == [seed.id, seed.id]
    assert counts(es, settings) == (1, len(seed.events))
    assert es.get(index=settings.articles_index, id=seed.id)["_source"]["indexed_at"] > first


def test_reindexing_with_fewer_events_removes_the_stale_ones(es, settings, seed):
    assert len(seed.events) >= 3
    index_articles(settings, [seed])
    assert event_ids(es, settings, seed.id) == all_ids(seed)

    fewer = seed.model_copy(update={"events": seed.events[:2]})
    result = index_articles(settings, [fewer], refresh=False)  # no refresh: the lookup must be real-time
    assert result.indexed == [seed.id]
    assert event_ids(es, settings, seed.id) == all_ids(fewer)
    for gone in all_ids(seed) - all_ids(fewer):
        assert not es.exists(index=settings.events_index, id=gone)
    stored = es.get(index=settings.articles_index, id=seed.id)["_source"]
    assert stored["event_count"] == 2 and len(stored["events"]) == 2

    different = seed.model_copy(update={"events": seed.events[2:]})
    index_articles(settings, [different])
    assert event_ids(es, settings, seed.id) == all_ids(different)

    index_articles(settings, [seed.model_copy(update={"events": []})])
    assert event_ids(es, settings, seed.id) == set()
    assert counts(es, settings) == (1, 0)

    index_articles(settings, [seed])
    assert counts(es, settings) == (1, len(seed.events))


def test_after_a_rollover_documents_are_rewritten_where_they_are(es, settings, seed):
    index_articles(settings, [seed])
    first_articles = list(es.indices.get_alias(name=settings.articles_index))
    first_events = list(es.indices.get_alias(name=settings.events_index))
    # What ILM does on production clusters; the rollover API itself exists everywhere.
    es.indices.rollover(alias=settings.articles_index)
    es.indices.rollover(alias=settings.events_index)
    assert len(es.indices.get_alias(name=settings.articles_index)) == 2

    fewer = seed.model_copy(update={"events": seed.events[:-1]})
    index_articles(settings, [fewer])

    assert counts(es, settings) == (1, len(fewer.events))
    assert es.count(index=first_articles[0])["count"] == 1  # rewritten in place, not added to the new write index
    assert es.count(index=first_events[0])["count"] == len(fewer.events)
    assert event_ids(es, settings, seed.id) == all_ids(fewer)


def test_a_write_blocked_index_is_a_transient_failure(es, settings, seed):
    backing = list(es.indices.get_alias(name=settings.articles_index))
    es.indices.put_settings(index=backing, settings={"index.blocks.write": True})
    try:
        with pytest.raises(IndexUnavailable, match="cluster_block_exception"):
            index_articles(settings, [seed])
    finally:
        es.indices.put_settings(index=backing, settings={"index.blocks.write": None})
    assert index_articles(settings, [seed]).indexed == [seed.id]


def test_a_missing_alias_holds_the_batch_instead_of_inventing_an_index(es, fresh_prefix, seed):
    settings = fresh_prefix("noalias")  # nothing installed

    async def run():
        client = make_async_client(settings)
        try:
            return await ArticleIndexer(client, settings.articles_index).index([seed])
        finally:
            await client.close()

    with pytest.raises(IndexUnavailable, match="newsmon es setup"):
        asyncio.run(run())
    assert not es.indices.exists(index=settings.articles_index)


def test_permanent_rejections_are_reported_per_article_and_leave_no_orphan_events(es, settings, seed):
    async def run(indexer):
        client = make_async_client(settings)
        indexer.es = client
        try:
            return await indexer.index([seed])
        finally:
            await client.close()

    indexer = ArticleIndexer(None, settings.articles_index, settings.events_index)
    original = indexer._operations

    def poisoned(articles, located, versions=None):
        operations, ops = original(articles, located, versions)
        operations[1] = {**operations[1], "not_in_the_mapping": True}  # the article document: strict mapping rejects it
        return operations, ops

    indexer._operations = poisoned
    result = asyncio.run(run(indexer))
    assert result.indexed == [] and "strict_dynamic_mapping_exception" in result.rejected[seed.id]
    assert counts(es, settings) == (0, 0)


def test_events_alias_defaults_to_the_sibling_of_the_articles_alias():
    assert sibling_alias("news-articles", "events") == "news-events"
    assert sibling_alias("t123-news-articles", "events") == "t123-news-events"
