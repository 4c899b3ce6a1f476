"""Alert queries evaluated on hand-built enriched articles: each field, words and their forms, phrases, wildcards, precedence."""

from __future__ import annotations

import pytest

from newsmon.models import Place, TopicHit
from newsmon.rules import ArticleIndex, parse_query

from .conftest import actor, event, make_article

TITLE = "Lavrov and Ayrault discuss Syria ceasefire"
BODY = (
    "Russian Foreign Minister Sergei Lavrov said on Saturday that talks in Astana had stalled. "
    "The rebels accused Russia of failing to uphold the shaky truce. "
    "Negotiators will meet in Geneva, where a new constitution is on the agenda. "
    "An evacuation of rebels under a deal with the government began in Homs. "
    "Erdoğan's spokesman said the IS threat was discussed."
)


@pytest.fixture(scope="module")
def index() -> ArticleIndex:
    article = make_article(
        BODY, TITLE, source="Reuters", language="en-GB",
        actors=[
            actor("Sergei Lavrov", country="RUS", aliases=["Lavrov"], text=BODY),
            actor("Jean-Marc Ayrault", country="FRA", text=BODY),
            actor("Syria", country="SYR", type="country", text=BODY),
            actor("United Nations", country="IGO", type="igo", aliases=["U.N."]),
        ],
        events=[event("ACCUSE", "112", "accused", "The rebels accused Russia of failing to uphold the shaky truce.",
                      start=BODY.index("The rebels"))],
        topics=[TopicHit(id="syria-ceasefire-talks", name="Syria ceasefire talks", score=12.0)],
        places=[Place(name="Geneva", country="CHE"), Place(name="Homs", country="SYR")],
    )
    return ArticleIndex.build(article)


def matches(query: str, index: ArticleIndex) -> bool:
    return parse_query(query).evaluate(index) is not None


@pytest.mark.parametrize(("query", "expected"), [
    # bare words match title or body, case-insensitively, with their word forms
    ("ceasefire", True), ("CEASEFIRE", True), ("ceasefires", True), ("truces", True),
    ("talk", True), ("talked", True), ("talking", True), ("meet", True), ("met", True),
    ("negotiator", True), ("negotiate", False),  # derived words are not forms: use negotiat*
    ("evacuate", False), ("evacuation", True),
    ("erdogan", True), ("Erdoğan", True),  # accents folded, possessive dropped
    ("football", False),
    # quoted: exact words in order, modulo case
    ('"shaky truce"', True), ('"Shaky Truce"', True), ('"shaky truces"', False), ('"truce shaky"', False),
    ('"talk"', False), ('"talks"', True),
    # proximity
    ('"evacuation deal"~5', True), ('"evacuation deal"~3', False), ('"deal evacuation"~5', True),
    # wildcards
    ("negotiat*", True), ("negotiat?rs", True), ("negotiat?", False), ("*tution", True), ("ast?na", True),
    ('"new constitu*"', True),
    # boolean logic, precedence and parentheses
    ("ceasefire AND football", False), ("ceasefire OR football", True), ("ceasefire football", False),
    ("NOT football", True), ("-football ceasefire", True), ("ceasefire -truce", False),
    ("football OR ceasefire AND truce", True), ("(football OR ceasefire) AND NOT truce", False),
    ("football OR truce AND NOT ceasefire", False),  # = football OR (truce AND NOT ceasefire)
    ("NOT football AND NOT cricket", True), ("NOT (ceasefire AND football)", True),
    # text fields
    ("title:ceasefire", True), ("body:ceasefire", False), ("title:truce", False), ("body:truce", True),
    ("text:truce", True), ('body:"shaky truce"', True), ("title:(truce OR ceasefire)", True),
])
def test_text(query, expected, index):
    assert matches(query, index) is expected


@pytest.mark.parametrize(("query", "expected"), [
    ('actor:"Sergei Lavrov"', True), ("actor:lavrov", True), ('actor:"sergei lavrov"', True),
    ('actor:"Lavrov Sergei"', False), ("actor:U.N.", True), ('actor:"united nations"', True),
    ("actor:Ayrault", True), ("actor:Putin", False), ("actor:lav*", True), ('actor:"jean-marc"', True),
    ("actor_type:person", True), ("actor_type:igo", True), ("actor_type:group", False),
    ("country:SYR", True), ("country:syr", True), ("country:IGO", True), ("country:TUR", False),
    ("event:ACCUSE", True), ("event:accuse", True), ("event:CONSULT", False),
    ("cameo:112", True), ("cameo:11*", True), ("cameo:1*", True), ("cameo:11", False), ("cameo:04*", False),
    ("topic:syria-ceasefire-talks", True), ("topic:syria-*", True), ("topic:sanctions", False),
    ("source:reuters", True), ("source:Reuters", True), ("source:afp", False), ("source:reu*", True),
    ("language:en", True), ("language:en-gb", True), ("language:EN-GB", True), ("language:en-us", False),
    ("language:fr", False),
    ("place:Geneva", True), ("place:geneva", True), ("place:Aleppo", False),
    ("country:(TUR OR SYR)", True), ("country:(TUR OR IRN)", False), ("country:(SYR AND NOT TUR)", True),
])
def test_fields(query, expected, index):
    assert matches(query, index) is expected


def test_matched_lists_what_matched(index):
    result = parse_query('(ceasefire OR truce OR football) AND actor:"Sergei Lavrov" AND NOT cricket').evaluate(index)
    assert result is not None
    assert result.matched == ['"ceasefire" in title', '"truce" in body', 'actor:"Sergei Lavrov"']


def test_matched_names_both_fields_and_field_clauses(index):
    result = parse_query('Syria country:SYR topic:syria-ceasefire-talks "shaky truce" cameo:11*').evaluate(index)
    assert result.matched == [
        '"Syria" in title', "country:SYR", "topic:syria-ceasefire-talks", '"shaky truce" in body', "cameo:11* (112)",
    ]
    result = parse_query("talk").evaluate(index)
    assert result.matched == ['"talk" in body']
    result = parse_query("actor:lav*").evaluate(index)
    assert result.matched == ["actor:lav* (Sergei Lavrov)"]


def test_no_match_is_none(index):
    assert parse_query("football").evaluate(index) is None
    assert parse_query("football").matches(index) is False


def test_evaluate_accepts_an_article_or_an_index(index):
    query = parse_query("ceasefire")
    assert query.evaluate(index.article) == query.evaluate(index)


def test_explain_says_which_clauses_held(index):
    explanation = parse_query("(ceasefire OR football) AND NOT country:SYR").explain(index)
    assert explanation.matched is False
    assert explanation.lines() == [
        "✗ (ceasefire OR football) AND NOT country:SYR",
        "  ✓ ceasefire OR football",
        "    ✓ ceasefire  — in title: ceasefire",
        "    ✗ football",
        "  ✗ NOT country:SYR",
        "    ✓ country:SYR  — Syria",
    ]
    data = explanation.to_dict()
    assert data["matched"] is False and data["clauses"]["children"][0]["value"] is True
    assert explanation.render().startswith("query does not match: (ceasefire OR football) AND NOT country:SYR")


def test_explain_counts_occurrences(index):
    explanation = parse_query('"rebel*"').explain(index)
    assert explanation.root.detail == "in body: rebels (x2)"


def test_case_of_acronyms_is_ignored_in_queries(index):
    # Queries are case-insensitive throughout; case-sensitive matching (IS vs is) is a topic rule feature.
    assert matches("IS", index) and matches('"is"', index)


def test_empty_optional_fields():
    bare = ArticleIndex.build(make_article("Nothing much happened today in the small town."))
    for query in ("actor:x", "country:SYR", "event:ACCUSE", "cameo:1*", "topic:x", "source:x", "language:en",
                  "place:x", "title:nothing", "actor_type:person"):
        assert not matches(query, bare), query
    assert matches("body:happen", bare)


def test_thousand_queries_share_one_index(index):
    queries = [parse_query(f"ceasefire AND NOT word{i}") for i in range(1000)]
    assert all(q.matches(index) for q in queries)
    assert "body" in index.__dict__ or "title" in index.__dict__  # text tokenised once, on first use
