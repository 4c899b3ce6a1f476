"""``newsmon search`` and ``newsmon events`` filters, ``newsmon es`` and ``newsmon reindex``, on the real Elasticsearch."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from newsmon.config import get_settings
from newsmon.index.dsl import ARTICLES, EVENTS, to_dsl
from newsmon.index.search import search_articles, search_events
from newsmon.rules import parse_query
from newsmon.rules.query_syntax import field_node
from newsmon.index.templates import install
from tests.index.helpers import index_articles

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def corpus(es, fresh_prefix, seed):
    settings = fresh_prefix("cli")
    install(es, settings)
    other = seed.model_copy(update={
        "id": "other-article", "source": "afp", "published_at": datetime(2020, 1, 2, 12, tzinfo=timezone.utc),
        "title": "French diplomacy in 2020", "events": [], "topics": [],
        "actors": [a for a in seed.actors if a.country == "FRA"], "places": [],
    })
    index_articles(settings, [seed, other])
    return settings, seed, other


def ids(response) -> list[str]:
    return sorted(h["_id"] for h in response["hits"]["hits"])


def run(settings, command, *args):
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(command, list(args), env={**settings.as_env(), "COLUMNS": "250"}, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    return result


def _request(target, date_field, kwargs):
    text = kwargs.pop("text", None)
    since, until = kwargs.pop("since", None), kwargs.pop("until", None)
    filters = [field_node({"event_type": "event"}.get(k, k), v) for k, v in kwargs.items()]
    return to_dsl(parse_query(text) if text else None, target, filters=filters, date_field=date_field,
                  since=since, until=until)


def test_article_filters(es, corpus):
    settings, seed, other = corpus
    index = settings.articles_index

    def find(**kwargs):
        return ids(search_articles(es, index, _request(ARTICLES, "published_at", kwargs), size=10))

    assert find(country="syr") == [seed.id]
    assert find(country="Syria") == [seed.id]  # a country name means its code
    assert find(country="FRA") == sorted([seed.id, other.id])
    assert find(event_type="consult") == [seed.id]
    assert find(source="afp") == [other.id]
    assert find(until="2018-01-01") == [seed.id]
    assert find(since="2019-01-01") == [other.id]
    assert find(actor="Putin") == [seed.id]
    assert find(topic="syria-ceasefire-talks", text="Nazarbayev") == [seed.id]
    assert find(text="Ayrault", source="reuters", country="FRA") == [seed.id]


def test_event_filters(es, corpus):
    settings, seed, _ = corpus
    index = settings.events_index

    def find(**kwargs):
        response = search_events(es, index, _request(EVENTS, "@timestamp", kwargs), size=100)
        return [h["_source"] for h in response["hits"]["hits"]]

    consults = find(event_type="CONSULT", country="RUS")
    assert consults and all(e["type"] == "CONSULT" and "RUS" in e["countries"] for e in consults)
    assert len(find(actor="Vladimir Putin")) == sum(1 for e in seed.events if "Vladimir Putin" in
                                                    {p.name for p in (e.source, e.target) if p})
    assert len(find(topic="syria-ceasefire-talks")) == len(seed.events)
    assert find(source="afp") == []
    dated = find(since="2017-03-18", until="2017-03-18")
    assert dated and all(e["@timestamp"].startswith("2017-03-18") for e in dated)
    assert find(text="Astana", event_type="AGREE")


def test_cli_search_and_events(corpus):
    from newsmon.cli.events import events
    from newsmon.cli.search import search

    settings, seed, other = corpus
    result = run(settings, search, "--country", "KAZ", "--type", "CONSULT", "--source", "reuters", "--until", "2018-01-01", "--json")
    assert result.exit_code == 0, result.output
    assert [h["id"] for h in json.loads(result.output)] == [seed.id]

    result = run(settings, events, "--country", "RUS", "--type", "CONSULT", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found and {e["type"] for e in found} == {"CONSULT"} and all("RUS" in e["countries"] for e in found)

    rebels = sum(1 for e in seed.events if "Syrian rebels" in {p.name for p in (e.source, e.target) if p})
    result = run(settings, events, "--actor", "Syrian rebels")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{rebels} event")


HOSTILE_TITLE = "\x1b[31mRED\x1b[0m \x1b]0;owned\x07 bell\x01 del\x7f csi\x9b2J cr\rover [link=http://evil.example]click[/link] Talks"


def test_control_characters_in_article_fields_never_reach_the_terminal(es, fresh_prefix, seed):
    from newsmon.cli.events import events
    from newsmon.cli.search import search

    settings = fresh_prefix("esc")  # its own indices: the corpus above stays as the other tests expect
    install(es, settings)
    hostile = seed.model_copy(update={"id": "hostile-article", "title": HOSTILE_TITLE, "source": "hostile\x1b[2Jwire"})
    index_articles(settings, [hostile])

    for command, args in ((search, ["--source", "hostile\x1b[2Jwire"]), (events, ["--source", "hostile\x1b[2Jwire"])):
        shown = run(settings, command, *args)
        assert shown.exit_code == 0, shown.output
        assert "RED" in shown.output and "Talks" in shown.output, shown.output
        for raw in ("\x1b", "\x07", "\x01", "\x7f", "\x9b", "\r"):
            assert raw not in shown.output, f"{raw!r} reached the terminal via {command.name}"
        assert "\\x1b[31mRED" in shown.output  # shown, visibly, not acted on
        assert "[link=http://evil.example]" in shown.output  # markup in data is text, not a hyperlink

        exact = run(settings, command, *args, "--json")
        documents = json.loads(exact.output)
        titles = [d["title"] if command is search else d["article"]["title"] for d in documents]
        assert titles and set(titles) == {HOSTILE_TITLE}  # JSON output stays exact


def test_cli_es_setup_is_idempotent_and_status_reports(corpus, es):
    from newsmon.cli.es import es as es_group

    settings, _, _ = corpus
    before = es.indices.get_alias(name=f"{settings.index_prefix}-*")
    for _ in range(2):
        result = run(settings, es_group, "setup")
        assert result.exit_code == 0, result.output
    assert es.indices.get_alias(name=f"{settings.index_prefix}-*") == before
    result = run(settings, es_group, "status")
    assert result.exit_code == 0, result.output
    assert settings.articles_index in result.output and "current" in result.output


def test_cli_reindex_rederives_events_and_topics(corpus, es):
    from newsmon.cli.reindex import reindex

    settings, seed, other = corpus
    before = es.get(index=settings.articles_index, id=other.id)["_source"]
    assert before["events"] == [] and before["topics"] == []

    result = run(settings, reindex)  # same pipeline version everywhere: nothing to do without --all
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.output

    result = run(settings, reindex, "--all", "--batch-size", "1")
    assert result.exit_code == 0, result.output
    assert "re-derived 2 of 2" in result.output
    es.indices.refresh(index=f"{settings.articles_index},{settings.events_index}")
    after = es.get(index=settings.articles_index, id=other.id)["_source"]
    assert after["processed_at"] > before["processed_at"]
    assert {t["id"] for t in after["topics"]} == {t.id for t in seed.topics}  # same body, same topics
    assert len(after["events"]) == len(seed.events)
    assert after["source"] == "afp" and after["published_at"] == before["published_at"]
    assert es.count(index=settings.articles_index)["count"] == 2
    assert es.count(index=settings.events_index)["count"] == 2 * len(seed.events)
