"""One query language on the real Elasticsearch: a search selects what an alert rule with the same text
would alert on, results come one per story, pages continue, every format parses, every mistake is a sentence.

The corpus is the topic fixtures (tests/fixtures/topics) and the seed article, through the worker's
own extractor, indexed by the worker's indexer; the seed also has two syndicated copies in one story.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.articles import prepare, validate_article
from newsmon.config import Settings, get_settings
from newsmon.index.dsl import ARTICLES, to_dsl
from newsmon.index.search import encode_cursor, search_articles
from newsmon.index.templates import install
from newsmon.rules import ArticleIndex, parse_query
from tests.index.helpers import index_articles

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "topics"
SOURCES = ("reuters", "afp", "apnews", "Associated Press")
START = datetime(2024, 1, 1, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def corpus(es, fresh_prefix, seed):
    """(settings, articles): every fixture article enriched, plus the seed and two copies of it (one story)."""
    from newsmon.stream.enrichment import build_extractor

    settings = fresh_prefix("query")
    install(es, settings)
    raw = []
    for i, path in enumerate(sorted(FIXTURES.glob("*/*.json"))):
        data = json.loads(path.read_text(encoding="utf-8"))
        record = {"id": f"{path.parent.name}--{path.stem}", "title": data["title"], "body": data["body"],
                  "source": SOURCES[i % len(SOURCES)], "language": "en",
                  "published_at": (START + timedelta(days=i)).isoformat(), "url": f"https://example.invalid/{i}"}
        raw.append(prepare(validate_article(record), max_body_chars=200_000))
    enriched = build_extractor(Settings()).extract(raw)
    articles = [a.model_copy(update={"story_id": a.id}) for a in enriched]
    articles[-1] = articles[-1].model_copy(update={"story_id": None})  # not grouped yet: its own story
    original = seed.model_copy(update={"story_id": "story-seed"})
    copies = [original.model_copy(update={"id": f"seed-copy-{n}", "source": src, "url": f"https://example.invalid/c{n}",
                                          "published_at": original.published_at + timedelta(hours=n)})
              for n, src in ((1, "afp"), (2, "apnews"))]
    everything = [*articles, original, *copies]
    result = index_articles(settings, everything)
    assert not result.rejected, result.rejected
    assert es.count(index=settings.articles_index)["count"] == len(everything)
    return settings, everything


def run(settings, command, *args):
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(command, list(args), env={**settings.as_env(), "COLUMNS": "250"}, catch_exceptions=False)
    finally:
        get_settings.cache_clear()


# Each operator and field, on what the corpus holds; every query selects some articles and not all.
QUERIES = [
    "topic:syria-ceasefire-talks OR (ceasefire AND country:SYR)",  # the README's alert example
    "ceasefire OR truce",
    "ceasefire AND NOT truce",
    "truce",  # a word family: truce, truces
    "talk",  # talk, talks, talked, talking
    '"peace talks"',
    '"ceasefire agreement"~4',
    "negotiat*",
    "t?uce",
    "title:ceasefire",
    "body:coup",
    "country:SYR",
    "country:Syria",
    "country:RUS OR country:UKR",
    "type:CONSULT",
    "event:ASSAULT AND NOT country:ISR",
    "cameo:04*",
    "actor:Putin",
    'actor:"Vladimir Putin"',
    "actor:Hamas OR actor:Netanyahu",
    "actor_type:igo",
    "topic:*ceasefire*",
    "topic:sanctions",
    "source:reuters",
    'source:"Associated Press"',
    "NOT source:afp",
    "lang:en AND protest*",
    "place:Astana OR place:Gaza",
    "(sanction* OR tariff*) AND NOT topic:sanctions",
]


def test_a_search_and_an_alert_rule_with_the_same_query_select_the_same_articles(es, corpus):
    settings, articles = corpus
    indexes = [(a.id, ArticleIndex.build(a)) for a in articles]
    for text in QUERIES:
        query = parse_query(text)
        expected = sorted(i for i, ix in indexes if query.matches(ix))
        response = search_articles(es, settings.articles_index, to_dsl(query, ARTICLES), size=1000)
        found = sorted(h["_id"] for h in response["hits"]["hits"])
        assert found == expected, f"{text}: search and rule disagree"
        assert 0 < len(expected) < len(articles), f"{text}: not a discriminating query ({len(expected)})"


def search_json(settings, *args):
    from newsmon.cli.search import search

    result = run(settings, search, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_results_are_collapsed_by_story_with_the_other_copies_named(corpus):
    settings, articles = corpus
    story = sorted(a.id for a in articles if a.story_id == "story-seed")
    assert len(story) == 3
    rows = search_json(settings, "Nazarbayev")
    assert [r["story_id"] for r in rows] == ["story-seed"]
    [row] = rows
    # The best copy is the newest of equally relevant ones; the other two are named by source.
    assert row["more_copies"] == 2 and sorted([row["source"], *row["copy_sources"]]) == ["afp", "apnews", "reuters"]
    assert row["topics"] and row["snippet"] and "<mark>" in row["snippet"]
    every = search_json(settings, "Nazarbayev", "--all-copies")
    assert sorted(r["id"] for r in every) == story
    assert sorted([row["id"], *row["copy_ids"]]) == story

    from newsmon.cli.search import search
    table = run(settings, search, "Nazarbayev")
    assert table.exit_code == 0, table.output
    assert "1 story (3 articles)" in table.output
    assert f"and 2 more copies ({', '.join(row['copy_sources'])})" in table.output


def test_pages_differ_and_the_cursor_continues_where_a_page_ended(corpus):
    settings, articles = corpus
    stories = len({a.story_id or a.id for a in articles})
    first = search_json(settings, "--sort", "date", "--size", "4")
    second = search_json(settings, "--sort", "date", "--size", "4", "--page", "2")
    assert len(first) == 4 and len(second) == 4
    assert not {r["id"] for r in first} & {r["id"] for r in second}
    after = search_json(settings, "--sort", "date", "--size", "4", "--after", first[-1]["cursor"])
    assert [r["id"] for r in after] == [r["id"] for r in second]
    dates = [r["published_at"] for r in first + second]
    assert dates == sorted(dates, reverse=True)

    # Walking the cursor to the end lists every story once.
    seen, cursor = [], None
    while True:
        args = ["--sort", "date", "--size", "5"] + (["--after", cursor] if cursor else [])
        page = search_json(settings, *args)
        if not page:
            break
        seen += [(r["story_id"] or r["id"], r["id"], r["published_at"]) for r in page]
        cursor = page[-1]["cursor"]
    keys = [k for k, _, _ in seen]
    assert len(keys) == len(set(keys)) == stories, "\n".join(map(str, seen))

    # Every copy, by relevance, with the cursor too.
    page1 = search_json(settings, "ceasefire", "--all-copies", "--size", "3")
    page2 = search_json(settings, "ceasefire", "--all-copies", "--size", "3", "--after", page1[-1]["cursor"])
    assert page2 and not {r["id"] for r in page1} & {r["id"] for r in page2}
    assert page2 == search_json(settings, "ceasefire", "--all-copies", "--size", "3", "--page", "2")


def test_csv_and_ndjson_carry_what_the_table_shows(corpus):
    from newsmon.cli.events import events
    from newsmon.cli.search import search

    settings, _ = corpus
    as_json = search_json(settings, "ceasefire")
    result = run(settings, search, "ceasefire", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == [r["id"] for r in as_json]
    for column in ("topics", "story_id", "snippet", "more_copies", "copy_sources", "actors", "events", "cursor"):
        assert column in rows[0]
    assert rows[0]["topics"] == "; ".join(as_json[0]["topics"])

    result = run(settings, search, "ceasefire", "--format", "ndjson")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == as_json

    result = run(settings, events, "type:CONSULT", "--format", "ndjson", "--size", "3")
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(found) == 3 and {e["type"] for e in found} == {"CONSULT"}
    result = run(settings, events, "type:CONSULT", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert {r["type"] for r in csv.DictReader(io.StringIO(result.stdout))} == {"CONSULT"}


def test_relative_dates_select_by_publication_date(corpus):
    settings, articles = corpus
    rows = search_json(settings, "--since", "2024-01-05", "--until", "2024-01-06", "--all-copies")
    assert sorted(r["id"] for r in rows) == sorted(a.id for a in articles if a.published_at and
                                                  START + timedelta(days=4) <= a.published_at < START + timedelta(days=6))
    assert search_json(settings, "--since", "7d", "--all-copies") == []  # everything is older than a week
    assert len(search_json(settings, "--until", "yesterday", "--all-copies", "--size", "1000")) == len(articles)


MISTAKES = [
    (["topic:syria-ceasefire"], "expected a configured topic id, got 'syria-ceasefire' (did you mean syria-ceasefire-talks?)"),
    (["--topic", "sanction"], "--topic: expected a configured topic id, got 'sanction' (did you mean sanctions?)"),
    (["--type", "ATTACK"], "--type: expected a PLOVER event type, got 'ATTACK' (did you mean ASSAULT?)"),
    (["--country", "Sudn"], "--country: expected a country code (e.g. SYR, IGO) or a country name (e.g. Syria), got "
                            "'Sudn' (did you mean Sudan (SDN)?)"),
    (["ceasefire AND (truce"], "the query does not parse: at position 20: expected ')' or a term, got end of query"),
    (["--since", "yesterdy"], "--since 'yesterdy' is not a date: give a date such as 2024-05-01, today, yesterday, 7d"),
    (["--until", "20240101"], "--until '20240101' is not a date"),
    (["--size", "-1"], "--size must be a whole number from 1 to 1000, not '-1'."),
    (["--size", "5000"], "--size must be a whole number from 1 to 1000, not '5000'."),
    (["--page", "0"], "--page must be a whole number from 1 to 10000, not '0'."),
    (["--page", "600", "--size", "20"], "--page 600 with --size 20 goes past result 10000: continue with --after"),
    (["--after", "nonsense"], "--after 'nonsense' is not a cursor newsmon printed"),
    (["--after", encode_cursor(["a", "b", "c"])], "Elasticsearch could not run this search ("),
    (["--after", encode_cursor([1.0])], "is not a cursor newsmon printed"),
    (["--sort", "score"], "--sort must be relevance or date, not 'score'."),
    (["--format", "xml"], "--format must be one of table, json, ndjson, csv, not 'xml'."),
]


@pytest.mark.parametrize(("args", "sentence"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_every_mistake_is_a_sentence_with_exit_status_1(corpus, args, sentence):
    from newsmon.cli.events import events
    from newsmon.cli.search import search

    settings, _ = corpus
    for command in (search, events):
        result = run(settings, command, *args)
        assert result.exit_code == 1, result.output
        assert sentence in " ".join(result.output.split()), result.output
        assert result.output.lstrip().startswith("error:")
        assert "Traceback" not in result.output and "BadRequestError" not in result.output


def test_alerts_add_and_test_refuse_an_unknown_topic_with_the_same_sentence(corpus, tmp_path):
    from newsmon.cli.alerts import alerts

    settings, _ = corpus
    result = run(settings, alerts, "add", "--name", "sudan", "--query", "topic:syria-ceasefire", "--channel", "kafka")
    assert result.exit_code == 1, result.output
    assert MISTAKES[0][1] in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_alerts_test_says_when_a_rule_names_a_topic_no_longer_configured(corpus, tmp_path):
    """The rule was fine when added; the topics file changed since. `alerts test` says so, as search would."""
    import uuid

    import yaml

    from newsmon.rules import default_topics_path
    from tests.support import run_newsmon

    settings, _ = corpus
    name = f"sanctions-{uuid.uuid4().hex[:6]}"
    added = run_newsmon(settings, "alerts", "add", "--name", name, "--query", "topic:sanctions AND oil", "--channel", "kafka")
    assert added.returncode == 0, added.stderr
    try:
        topics = yaml.safe_load(default_topics_path().read_text(encoding="utf-8"))
        fewer = tmp_path / "topics.yaml"
        topics["topics"] = [t for t in topics["topics"] if t["id"] != "sanctions"]
        fewer.write_text(yaml.safe_dump(topics, allow_unicode=True), encoding="utf-8")
        changed = settings.model_copy(update={"topics_file": fewer})
        article = tmp_path / "a.txt"
        article.write_text("Oil embargo\n\nThe European Union imposed sanctions on oil exports.\n", encoding="utf-8")
        tested = run_newsmon(changed, "alerts", "test", name, str(article))
        assert tested.returncode == 1, tested.stdout + tested.stderr
        said = " ".join(tested.stderr.split())
        said = said[said.index("error:"):]  # after any log line about other tests' rules on the session's topic
        assert "error: the query does not parse: at position 6: expected a configured topic id, got 'sanctions'" in said
        assert "Traceback" not in tested.stderr and tested.stdout == ""
        searched = run_newsmon(changed, "search", "topic:sanctions AND oil")
        assert searched.returncode == 1 and said.split("^")[0] in " ".join(searched.stderr.split())
    finally:
        run_newsmon(settings, "alerts", "remove", name)


def test_a_mistake_in_a_real_process_is_one_sentence_on_stderr(corpus):
    from tests.support import run_newsmon

    settings, _ = corpus
    for args in (("search", "--since", "yesterdy"), ("events", "--size", "-1"), ("search", "--country", "Sudn")):
        done = run_newsmon(settings, *args)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_broken_or_missing_topics_file_is_a_sentence(corpus, tmp_path):
    from newsmon.cli.search import search

    settings, _ = corpus
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\ntopics:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    for path, says in ((broken, "the topics file has errors, fix them (`newsmon topics validate` lists them)"),
                       (tmp_path / "missing.yaml", "missing.yaml")):
        result = run(settings.model_copy(update={"topics_file": path}), search, "ceasefire")
        assert result.exit_code == 1, result.output
        assert result.output.startswith("error: ") and says in result.output, result.output
        assert "Traceback" not in result.output
