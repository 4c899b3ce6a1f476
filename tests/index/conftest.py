"""Fixtures of the index tests: the real local Elasticsearch, index prefixes of our own, the seed article.

Each test module that needs a clean slate asks :func:`fresh_prefix` for settings with a
prefix nobody else uses (``<session run>-<name>``); everything under it is removed at the
end of the session. Elasticsearch not answering is a failure, never a skip.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsmon.articles import prepare, validate_article
from newsmon.articles.reading import text_to_record
from newsmon.config import Settings
from newsmon.index.client import make_client
from newsmon.models import EnrichedArticle
from tests.conftest import SEED_PUBLISHED_AT


@pytest.fixture(scope="session")
def es_run(isolated: Settings) -> Iterator[str]:
    """This session's run id; removes every index and index template under it at the end."""
    run = isolated.index_prefix.split("-")[0]
    es = make_client(isolated)
    try:
        es.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:  # noqa: BLE001 - unreachable Elasticsearch fails the tests
        pytest.fail(f"Elasticsearch at {isolated.es_url} is not reachable: {exc}", pytrace=False)
    yield run
    es.options(ignore_status=404).indices.delete(index=f"{run}-*", expand_wildcards="all")
    es.options(ignore_status=404).indices.delete_index_template(name=f"{run}-*")


@pytest.fixture(scope="session")
def fresh_prefix(isolated: Settings, es_run: str):
    """``fresh_prefix("upgrade")``: settings whose indices start with ``<run>-upgrade``."""
    used: set[str] = set()

    def make(name: str) -> Settings:
        assert name not in used, f"prefix {name!r} already used in this session"
        used.add(name)
        return isolated.model_copy(update={"index_prefix": f"{es_run}-{name}"})

    return make


@pytest.fixture(scope="session")
def es(isolated: Settings):
    return make_client(isolated)


@pytest.fixture(scope="session")
def seed(seed_article_path) -> EnrichedArticle:
    """The seed article, read from disk, through the worker's own extractor."""
    from newsmon.stream.enrichment import build_extractor

    record = text_to_record(seed_article_path.read_text(encoding="utf-8"))
    record["published_at"] = f"{SEED_PUBLISHED_AT}T12:00:00Z"
    record["source"] = "reuters"
    record["url"] = "https://example.invalid/seed-article"
    article = validate_article(record)
    extractor = build_extractor(Settings())
    return extractor.extract([prepare(article, max_body_chars=200_000)])[0]
