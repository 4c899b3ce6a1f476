"""The query language compiled to Elasticsearch DSL, clause by clause; dates, cursors and value checks (pure, no cluster)."""

from __future__ import annotations

import re

import pytest

from newsmon.index.dates import DateError, es_date
from newsmon.index.dsl import ARTICLES, EVENTS, DslError, name_regexp, node_to_dsl, to_dsl
from newsmon.index.search import CursorError, _reverse, article_sort, decode_cursor, encode_cursor
from newsmon.rules import QueryError, parse_query
from newsmon.rules.countries import CountryError, country_code
from newsmon.rules.fields import FieldValueError
from newsmon.rules.query_syntax import field_node

TOPICS = ["syria-ceasefire-talks", "sanctions", "israel-gaza-ceasefire"]


def dsl(text: str, target=ARTICLES) -> dict:
    return node_to_dsl(parse_query(text).root, target)


def filt(text: str, target=ARTICLES) -> dict:
    """The filter inside a field clause's constant_score."""
    out = dsl(text, target)
    assert out["constant_score"]["boost"] == 0.0  # field clauses never change the ranking
    return out["constant_score"]["filter"]


def test_a_word_is_its_family_in_title_and_body():
    out = dsl("talk")
    title, body = out["bool"]["should"]
    assert out["bool"]["minimum_should_match"] == 1
    assert title["match"]["title"]["boost"] == 3.0 and body["match"]["body"]["boost"] == 1.0
    forms = title["match"]["title"]["query"].split()
    assert {"talk", "talks", "talked", "talking", "talk's"} <= set(forms)
    assert title["match"]["title"]["operator"] == "or"


def test_a_name_matches_only_its_own_forms():
    forms = set(dsl("Syria")["bool"]["should"][0]["match"]["title"]["query"].split())
    assert "syria" in forms and "syrias" in forms and "syriaing" not in forms


def test_title_and_body_fields_search_one_field():
    assert list(dsl("title:truce")["match"]) == ["title"]
    assert list(dsl("body:truce")["match"]) == ["body"]
    assert list(dsl("title:truce", EVENTS)["match"]) == ["article.title"]
    assert list(dsl("body:truce", EVENTS)["match"]) == ["sentence"]


def test_a_phrase_is_an_ordered_interval_without_gaps():
    rule = dsl('"peace talks"')["bool"]["should"][1]["intervals"]["body"]
    assert rule["all_of"]["ordered"] is True and rule["all_of"]["max_gaps"] == 0
    first, second = rule["all_of"]["intervals"]
    assert {"match": {"query": "peace"}} in first["any_of"]["intervals"]
    assert {"match": {"query": "talks"}} in second["any_of"]["intervals"]


def test_proximity_is_an_unordered_interval_within_n_words():
    rule = dsl('"ceasefire agreement"~4')["bool"]["should"][0]["intervals"]["title"]
    assert rule["all_of"]["ordered"] is False and rule["all_of"]["max_gaps"] == 3  # 4 words apart = 3 between
    assert rule["boost"] == 3.0


def test_wildcards_are_prefix_and_wildcard_queries():
    assert dsl("negotiat*")["bool"]["should"][1] == {
        "prefix": {"body": {"value": "negotiat", "case_insensitive": True, "boost": 1.0}}}
    assert dsl("t?lks")["bool"]["should"][1] == {
        "wildcard": {"body": {"value": "t?lks", "case_insensitive": True, "boost": 1.0}}}
    inside = dsl('"negotiat* talks"')["bool"]["should"][1]["intervals"]["body"]["all_of"]["intervals"]
    assert inside[0] == {"prefix": {"prefix": "negotiat"}}


def test_and_or_not_and_parentheses():
    out = dsl("truce AND NOT (football OR cricket)")
    assert len(out["bool"]["must"]) == 1 and len(out["bool"]["must_not"]) == 1
    assert out["bool"]["must_not"][0]["bool"]["minimum_should_match"] == 1
    assert len(out["bool"]["must_not"][0]["bool"]["should"]) == 2
    alone = dsl("NOT truce")
    assert alone["bool"]["must"] == [{"match_all": {}}] and len(alone["bool"]["must_not"]) == 1
    adjacent = dsl("truce talks")  # adjacent clauses are ANDed
    assert len(adjacent["bool"]["must"]) == 2
    either = dsl("truce || ceasefire")
    assert len(either["bool"]["should"]) == 2


def test_code_fields_are_exact_terms():
    assert filt("country:SYR")["bool"]["should"] == [
        {"term": {"actors.country": "SYR"}}, {"term": {"events.source.country": "SYR"}},
        {"term": {"events.target.country": "SYR"}}]
    assert filt("country:Sudan")["bool"]["should"][0] == {"term": {"actors.country": "SDN"}}
    assert filt("event:consult") == {"term": {"event_types": "CONSULT"}}
    assert filt("type:ASSAULT") == {"term": {"event_types": "ASSAULT"}}
    assert filt("topic:sanctions") == {"term": {"topics.id": "sanctions"}}
    assert filt("topic:*ceasefire*") == {"wildcard": {"topics.id": {"value": "*ceasefire*"}}}
    assert filt("cameo:042") == {"term": {"events.cameo": "042"}}
    assert filt("cameo:04*") == {"prefix": {"events.cameo": {"value": "04"}}}
    assert filt("actor_type:igo") == {"term": {"actors.type": "igo"}}
    assert filt("lang:en")["bool"]["should"] == [
        {"term": {"language": {"value": "en", "case_insensitive": True}}},
        {"prefix": {"language": {"value": "en-", "case_insensitive": True}}}]
    assert filt("language:fr", EVENTS)["bool"]["should"][0] == {
        "term": {"article.language": {"value": "fr", "case_insensitive": True}}}


def test_name_fields_match_whole_words_in_order():
    should = filt('actor:"Sergei Lavrov"')["bool"]["should"]
    assert [list(c["regexp"])[0] for c in should] == ["actors.name.keyword", "actors.aliases"]
    assert all(c["regexp"][f]["case_insensitive"] for c in should for f in c["regexp"])
    assert [list(c["regexp"])[0] for c in filt("place:Astana")["bool"]["should"]] == ["places.name", "dateline.place"]
    assert list(filt("source:reuters")["regexp"]) == ["source"]
    assert [list(c["regexp"])[0] for c in filt("actor:Putin", EVENTS)["bool"]["should"]] == [
        "source.name.keyword", "target.name.keyword", "parties.name.keyword"]

    def matches(value: str, name: str) -> bool:  # Lucene regexps use these constructs as Python does
        return re.fullmatch(name_regexp(value), name.lower()) is not None

    assert matches("Lavrov", "Sergei Lavrov") and matches("sergei lavrov", "Sergei Lavrov")
    assert matches("Ayrault", "Jean-Marc Ayrault") and matches("Jean", "Jean-Marc Ayrault")
    assert not matches("Lavrov", "Lavrovsky") and not matches("Sergei Lavrov", "Lavrov Sergei")
    assert matches("lav*", "Sergei Lavrov") and matches("U.N.", "U.N.")
    assert name_regexp("a.b") == "(.*[^a-zA-Z0-9])?a[^a-zA-Z0-9]+b([^a-zA-Z0-9].*)?"
    assert name_regexp("AT&T") == "(.*[^a-zA-Z0-9])?at[^a-zA-Z0-9]+t([^a-zA-Z0-9].*)?"  # & splits words as in the stream


def test_events_have_their_own_fields_and_refuse_what_they_do_not_hold():
    assert filt("country:RUS", EVENTS) == {"term": {"countries": "RUS"}}
    assert filt("event:CONSULT", EVENTS) == {"term": {"type": "CONSULT"}}
    assert filt("topic:sanctions", EVENTS) == {"term": {"topics": "sanctions"}}
    with pytest.raises(DslError, match="actor_type: is not available when searching events"):
        dsl("actor_type:person", EVENTS)


def test_the_whole_request_adds_filters_and_dates_unscored():
    query = parse_query("truce")
    out = to_dsl(query, filters=[field_node("country", "Syria")], date_field="published_at", since="now-7d", until="now")
    assert out["bool"]["must"] == [node_to_dsl(query.root)]
    assert out["bool"]["filter"][0]["bool"]["should"][0] == {"term": {"actors.country": "SYR"}}
    assert out["bool"]["filter"][1] == {"range": {"published_at": {"gte": "now-7d", "lte": "now"}}}
    assert to_dsl(None) == {"bool": {"must": [{"match_all": {}}], "filter": []}}


# --- checks with suggestions: one place, for search, events and alerts

def test_unknown_topics_are_refused_with_the_closest_id():
    with pytest.raises(QueryError) as info:
        parse_query("ceasefire AND topic:syria-ceasefire", topics=TOPICS)
    assert str(info.value) == ("at position 20: expected a configured topic id, got 'syria-ceasefire' "
                               "(did you mean syria-ceasefire-talks?)")
    with pytest.raises(QueryError) as info:
        parse_query("topic:football", topics=TOPICS)
    assert str(info.value) == ("at position 6: expected a configured topic id, got 'football' "
                               "(`newsmon topics list` shows the configured topics)")
    assert parse_query("topic:syria*", topics=TOPICS)  # a pattern is not an id
    assert parse_query("topic:football")  # without the configured topics (the stream), no check


def test_filter_values_get_the_same_checks():
    with pytest.raises(FieldValueError) as info:
        field_node("topic", "sanction", TOPICS)
    assert info.value.message == "expected a configured topic id, got 'sanction' (did you mean sanctions?)"
    with pytest.raises(FieldValueError) as info:
        field_node("event", "attacks")
    assert info.value.message == "expected a PLOVER event type, got 'attacks' (did you mean ASSAULT?)"


@pytest.mark.parametrize(("value", "code"), [
    ("SDN", "SDN"), ("sdn", "SDN"), ("Sudan", "SDN"), ("sudan", "SDN"), ("Syria", "SYR"), ("Russia", "RUS"),
    ("Russian Federation", "RUS"), ("South Korea", "KOR"), ("Türkiye", "TUR"), ("IGO", "IGO"), ("Kosovo", "XKX"),
    ("United States", "USA"), ("Côte d’Ivoire", "CIV"),
])
def test_country_names_and_codes(value, code):
    assert country_code(value) == code


def test_unknown_countries_suggest_codes_or_names():
    with pytest.raises(CountryError) as info:
        country_code("SDM")
    assert info.value.suggestions == ["SDN"]
    with pytest.raises(CountryError) as info:
        country_code("Syirai")
    assert "Syria (SYR)" in info.value.suggestions
    with pytest.raises(CountryError) as info:
        country_code("Atlantis")
    assert str(info.value) == "unknown country 'Atlantis'"


# --- dates and cursors

@pytest.mark.parametrize(("value", "expected"), [
    ("yesterday", "now-1d/d"), ("today", "now/d"), ("now", "now"), ("7d", "now-7d"), ("2w", "now-2w"),
    ("12h", "now-12h"), ("30m", "now-30m"), ("3mo", "now-3M"), ("1y", "now-1y"), ("10 days", "now-10d"),
    ("2024-05-01", "2024-05-01"), ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z"), ("now-7d/d", "now-7d/d"),
    ("2024-05-01||+1M/d", "2024-05-01||+1M/d"),
])
def test_relative_dates(value, expected):
    assert es_date(value) == expected


@pytest.mark.parametrize("value", ["yesterdy", "last week", "20240501", "2024-13-45", "now-7x", "-1", ""])
def test_dates_elasticsearch_would_refuse_are_sentences(value):
    with pytest.raises(DateError) as info:
        es_date(value, "--until")
    assert str(info.value).startswith("--until ") and "2024-05-01, today, yesterday, 7d" in str(info.value)


def test_cursors_round_trip_and_nonsense_is_refused():
    values = [1.5, 1700000000000, "an-id"]
    assert decode_cursor(encode_cursor(values)) == values
    for bad in ("nonsense", encode_cursor([])[:-1] + "!", "", encode_cursor([1.0, 2])):
        with pytest.raises(CursorError):
            decode_cursor(bad)


def test_the_reverse_sort_walks_backwards():
    assert _reverse(article_sort("relevance")) == [
        {"_score": {"order": "asc"}}, {"published_at": {"order": "asc", "missing": "_first"}}, {"id": {"order": "desc"}}]
