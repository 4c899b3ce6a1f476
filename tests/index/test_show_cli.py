"""``newsmon show ID`` on the real Elasticsearch: the seed article's enrichment, found by id, prefix or URL."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from support import run_newsmon

from newsmon.cli.show import describe_event, url_variants
from newsmon.index.templates import install
from newsmon.scratch import free_port
from tests.index.helpers import index_articles

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stored(es, fresh_prefix, seed):
    settings = fresh_prefix("show")
    install(es, settings)
    seed = seed.model_copy(update={"story_id": "story-of-the-seed"})  # the worker's story stage assigns it
    copy = seed.model_copy(update={"id": "copy-of-seed-0001", "source": "afp", "url": "https://example.invalid/afp-copy",
                                   "published_at": datetime(2017, 3, 19, 8, tzinfo=timezone.utc), "title": "Putin, Nazarbayev on Syria"})
    twins = [seed.model_copy(update={"id": f"twin-prefix-{n}", "story_id": f"story-twin-{n}", "url": None}) for n in (1, 2)]
    index_articles(settings, [seed, copy, *twins])
    return settings, seed, copy


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def test_show_prints_the_enrichment_readably(stored):
    settings, seed, copy = stored
    result = run_newsmon(settings, "show", seed.id)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    print(out)
    assert seed.title in out and "reuters" in out and seed.url in out and "2017-03-18" in out
    assert f"story: {seed.story_id}, 1 other copy stored" in out and copy.id in out and "afp" in out
    putin = next(a for a in seed.actors if a.name == "Vladimir Putin")
    assert "Vladimir Putin" in out and putin.type in out and (putin.country or "RUS") in out
    event = seed.events[0]
    assert f"PLOVER {event.type} / CAMEO {event.cameo}" in out
    assert event.evidence[0].sentence.strip()[:40] in out
    topic = seed.topics[0]
    assert topic.id in out and f"score {topic.score:.2f}" in out and topic.evidence[0].term in out
    assert "places (" in out and seed.places[0].name in out
    assert "warnings:" in out


def test_show_json_is_the_stored_document(stored, es):
    settings, seed, _ = stored
    result = run_newsmon(settings, "show", seed.id, "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    stored_doc = es.search(index=settings.articles_index, query={"ids": {"values": [seed.id]}})["hits"]["hits"][0]["_source"]
    assert printed == stored_doc


def test_show_finds_an_article_by_url_and_by_id_prefix(stored):
    settings, seed, copy = stored
    by_url = run_newsmon(settings, "show", copy.url + "/", "--json")
    assert by_url.returncode == 0, by_url.stderr
    assert json.loads(by_url.stdout)["id"] == copy.id
    by_prefix = run_newsmon(settings, "show", "copy-of-se", "--json")
    assert by_prefix.returncode == 0, by_prefix.stderr
    assert json.loads(by_prefix.stdout)["id"] == copy.id


@pytest.mark.parametrize(("ident", "sentence"), [
    ("no-such-article-id", "no stored article has an id or URL 'no-such-article-id' or an id starting with it"),
    ("https://example.invalid/nowhere", "no stored article has the URL 'https://example.invalid/nowhere'"),
    ("abc", "no stored article has the id 'abc' (give at least 4 characters to find one by prefix)"),
    ("twin-prefix-", "'twin-prefix-' starts the ids of several articles (twin-prefix-1, twin-prefix-2): give more of the id"),
])
def test_show_unknown_or_ambiguous_id_is_a_sentence_and_status_1(stored, ident, sentence):
    settings, _, _ = stored
    result = run_newsmon(settings, "show", ident)
    assert result.returncode == 1
    assert sentence in " ".join(result.stderr.split())
    no_traceback(result)


def test_show_with_elasticsearch_down_is_a_sentence_and_status_2(stored):
    settings, seed, _ = stored
    down = settings.model_copy(update={"es_url": f"http://127.0.0.1:{free_port()}"})
    result = run_newsmon(down, "show", seed.id)
    assert result.returncode == 2
    assert f"Elasticsearch at {down.es_url} is not reachable" in " ".join(result.stderr.split())
    assert "newsmon stack up" in result.stderr
    no_traceback(result)


def test_event_sentence_and_url_variants():
    event = {"type": "CONSULT", "cameo": "040", "trigger": "met", "source": {"name": "Putin", "country": "RUS"},
             "target": {"name": "Nazarbayev", "country": "KAZ"}, "date": "2017-03-18", "location": {"name": "Moscow"},
             "modality": "planned", "negated": True}
    assert describe_event(event) == "Putin (RUS) met [planned, negated] Nazarbayev (KAZ), on 2017-03-18, in Moscow"
    assert describe_event({"type": "AGREE", "parties": [{"name": "A"}, {"name": "B"}]}) == "A, B agree"
    assert url_variants("https://x.test/a/#top") == ["https://x.test/a/#top", "https://x.test/a/", "https://x.test/a"]
