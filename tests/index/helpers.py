"""Helpers of the index tests (importable as ``tests.index.helpers``)."""

from __future__ import annotations

import asyncio

from newsmon.config import Settings
from newsmon.index.client import make_async_client
from newsmon.index.indexer import ArticleIndexer, BulkResult
from newsmon.models import EnrichedArticle


def index_articles(settings: Settings, articles: list[EnrichedArticle], *, refresh: bool = True) -> BulkResult:
    """Index through the worker's indexer (asynchronous client), refreshed for reading."""

    async def run() -> BulkResult:
        client = make_async_client(settings)
        try:
            return await ArticleIndexer(client, settings.articles_index, settings.events_index).index(articles, refresh=refresh)
        finally:
            await client.close()

    return asyncio.run(run())
