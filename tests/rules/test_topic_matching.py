"""The topic matcher on hand-built articles: scoring, groups, forms, case, proximity, field clauses, evidence, explanations."""

from __future__ import annotations

import textwrap

import pytest

from newsmon.rules import TopicSet

from .conftest import actor, event, make_article


def topics(rules: str, *, threshold: float = 1, max_hits: int = 3, extra: str = "") -> TopicSet:
    text = textwrap.dedent(f"""\
        topics:
          - id: t
            name: Test topic
            description: A topic for tests.
            threshold: {threshold}
            max_hits: {max_hits}
            rules:
        """) + textwrap.indent(textwrap.dedent(rules), "      ") + textwrap.dedent(extra)
    return TopicSet.from_yaml(text)


def score(ts: TopicSet, article) -> float:
    [explanation] = ts.explain(article)
    return explanation.score


def fired(ts: TopicSet, article) -> bool:
    return any(h.id == "t" for h in ts.match(article))


def test_weights_add_per_occurrence_up_to_max_hits():
    ts = topics("- any: [talk^2, truce]", max_hits=2)
    assert score(ts, make_article("Talks, more talks and a truce, then talking again.")) == 2 * 2 + 1


def test_threshold():
    ts = topics("- any: [talk^2, truce]", threshold=3)
    assert not fired(ts, make_article("The talks resumed."))
    assert fired(ts, make_article("The talks resumed under a truce."))


@pytest.mark.parametrize(("entry", "text", "expected"), [
    ("talk", "They talked for hours.", True),
    ("talk", "Talking points were agreed.", True),
    ("talks", "He will talk tomorrow.", True),  # an inflected entry matches its base's family
    ("negotiate", "negotiations began", False),  # not a form: use a wildcard
    ("negotiat*", "negotiations began", True),
    ("Homs", "a homing pigeon", False),  # a capitalised entry is a name: no verb forms
    ("Syrian", "Syrians fled", True),
    ("peace talk", "the peace talks in Geneva", True),  # unquoted phrase: each word with its forms
    ("peace talk", "talks on peace", False),
    ('"peace talks"', "the peace talk in Geneva", False),  # quoted: exact words
    ('"peace talks"', "the PEACE TALKS in Geneva", True),
    ("de-escalation zone", "four de-escalation zones", True),
    ("de-escalation zone", "a de escalation zone", True),  # hyphens split words on both sides
    ("ceasefire", "the cease-fire", False),
    ("U.N.", "the U.N. envoy", True),
    ("Erdogan", "Erdoğan's spokesman", True),
])
def test_word_forms_and_phrases(entry, text, expected):
    ts = topics(f"- any: ['{entry}']" if "'" not in entry else f'- any: ["{entry}"]')
    assert fired(ts, make_article(text)) is expected


def test_yaml_double_quoted_items_are_exact():
    ts = topics('- any: ["talks"]')
    assert not fired(ts, make_article("They will talk."))
    assert fired(ts, make_article("The talks began."))


def test_forms_false_matches_the_word_only():
    ts = topics("- any: [{term: talk, forms: false}]")
    assert not fired(ts, make_article("The talks began."))
    assert fired(ts, make_article("Talk is cheap."))


def test_case_sensitive_terms():
    ts = topics("- any: [{term: IS, case: sensitive}]")
    assert fired(ts, make_article("Fighters loyal to IS withdrew."))
    assert fired(ts, make_article("IS's fighters withdrew."))
    assert not fired(ts, make_article("This is a test and Is it not."))
    insensitive = topics("- any: [IS]")
    assert fired(insensitive, make_article("This is a test."))


def test_proximity():
    ts = topics("""\
        - any:
            - near: [evacuat*, deal]
              within: 5
        """)
    assert fired(ts, make_article("The evacuation of rebels under a deal began."))  # 5 words on: adjacent is 1
    assert fired(ts, make_article("A deal on the evacuation was signed."))  # either order
    assert not fired(ts, make_article("The evacuation of rebels and their many families under a deal."))
    assert not fired(ts, make_article("The evacuation began. Later, long after that, a new deal."))


def test_quoted_proximity_in_a_term():
    ts = topics("""- any: ['"evacuation deal"~3']""")
    assert fired(ts, make_article("an evacuation under a deal"))
    assert not fired(ts, make_article("an evacuations under a deal"))  # quoted words are exact


def test_all_group_needs_every_item():
    ts = topics("- all: [Syria, truce]")
    assert not fired(ts, make_article("A truce in Yemen."))
    assert fired(ts, make_article("A truce in Syria."))


def test_any_group_min_and_min_hits():
    ts = topics("""\
        - any: [truce, talk, ceasefire]
          min: 2
        - any: [Syria, Damascus]
          min_hits: 2
          weight: 0
        """)
    assert not fired(ts, make_article("A truce in Syria and in Syria."))  # one distinct item of the first group
    assert not fired(ts, make_article("A truce and talks in Syria."))  # Syria only once
    article = make_article("A truce and talks in Syria, Damascus said.")
    assert fired(ts, article)
    assert score(ts, article) == 2  # the weight-0 group adds nothing


def test_none_group_vetoes():
    ts = topics("""\
        - any: [truce]
        - name: sport
          none: [football, Olympic*]
        """)
    assert fired(ts, make_article("A truce was agreed."))
    assert not fired(ts, make_article("An Olympic truce was agreed."))
    [explanation] = ts.explain(make_article("An Olympic truce was agreed."))
    assert explanation.nearly and explanation.failed == ["group 'sport' (none): vetoed by Olympic*"]


def test_negative_weights_in_optional_groups():
    ts = topics("""\
        - any: [truce^3]
        - name: fighting
          optional: [airstrike^-1, killed^-2]
        """, threshold=2)
    assert fired(ts, make_article("A truce held."))
    assert not fired(ts, make_article("Despite the truce, airstrikes killed ten."))
    assert score(ts, make_article("Despite the truce, airstrikes killed ten.")) == 0


def test_field_clauses():
    body = "Bashar al-Assad met Sergei Lavrov. The ministers consulted on the truce."
    article = make_article(
        body, source="Reuters", language="en-US",
        actors=[actor("Bashar al-Assad", country="SYR", text=body), actor("Sergei Lavrov", country="RUS", text=body)],
        events=[event("CONSULT", "040", "consulted", "The ministers consulted on the truce.", start=body.index("The ministers"))],
    )
    for item, expected in [
        ("{country: SYR}", True), ("{country: [TUR, SYR]}", True), ("{country: TUR}", False),
        ("{actor: Lavrov}", True), ("{actor: 'Sergei Lavrov'}", True), ("{actor: Putin}", False),
        ("{actor_type: person}", True), ("{event: CONSULT}", True), ("{event: [ACCUSE, AGREE]}", False),
        ("{cameo: '04*'}", True), ("{cameo: '11*'}", False), ("{source: reuters}", True),
        ("{language: en}", True), ("{language: fr}", False),
    ]:
        assert fired(topics(f"- any: [{item}]"), article) is expected, item


def test_field_clause_evidence_points_at_the_mention():
    body = "Talks went on. Bashar al-Assad spoke to reporters."
    article = make_article(body, actors=[actor("Bashar al-Assad", country="SYR", text=body)])
    [hit] = topics("- any: [{country: SYR}]").match(article)
    [evidence] = hit.evidence
    assert (evidence.field, body[evidence.start : evidence.end]) == ("body", "Bashar al-Assad")
    assert evidence.sentence == "Bashar al-Assad spoke to reporters."
    assert (evidence.term, evidence.rule) == ("Bashar al-Assad", "any-1: country:SYR")


def test_hit_carries_score_and_evidence_with_sentences():
    title = "Truce talks resume"
    body = "Negotiators met on Monday. The truce has held since March! Nobody expects a deal soon."
    ts = topics("""\
        - name: talks
          any: [truce^2, negotiat*]
        """)
    [hit] = ts.match(make_article(body, title))
    assert (hit.id, hit.name, hit.score) == ("t", "Test topic", 5)
    assert [(e.field, e.term, e.sentence) for e in hit.evidence] == [
        ("title", "Truce", "Truce talks resume"),
        ("body", "Negotiators", "Negotiators met on Monday."),
        ("body", "truce", "The truce has held since March!"),
    ]
    assert all(e.rule in ("talks: truce", "talks: negotiat*") for e in hit.evidence)
    for e in hit.evidence:
        text = title if e.field == "title" else body
        assert text[e.start : e.end] == e.term


def test_evidence_uses_the_given_sentence_spans():
    body = "First part; second part with a truce; third part."
    ts = topics("- any: [truce]")
    [hit] = ts.match(make_article(body), [("body", 0, 11), ("body", 12, 37), ("body", 38, len(body))])
    assert hit.evidence[0].sentence == "second part with a truce;"


def test_nested_matches_are_one_piece_of_evidence():
    ts = topics("- any: [peace talk, talk]")
    [hit] = ts.match(make_article("The peace talks went on."))
    assert [e.term for e in hit.evidence] == ["peace talks"]


def test_explain_reports_every_topic_group_and_item():
    ts = topics("""\
        - name: where
          any: [Syria]
        - name: what
          any: [truce^2, ceasefire^2]
        """, threshold=6)
    [e] = ts.explain(make_article("A truce in Syria held, and the truce was extended."))
    assert not e.fired and e.nearly
    assert e.score == 5 and e.threshold == 6
    assert e.failed == ["score 5 is 1 below the threshold 6"]
    what = e.groups[1]
    assert (what.name, what.mode, what.satisfied) == ("what", "any", True)
    assert [(i.item, i.count, i.contribution) for i in what.items] == [("truce", 2, 4), ("ceasefire", 0, 0)]
    assert what.items[0].found == ["truce"] and len(what.items[0].evidence) == 2
    assert e.to_dict()["groups"][1]["items"][0]["count"] == 2


def test_nearly_fired_means_one_condition_only_just_failed():
    ts = topics("""\
        - name: where
          any: [Syria]
          min_hits: 2
        - name: what
          any: [truce^5]
        """, threshold=5)
    [once] = ts.explain(make_article("A truce in Syria."))
    assert once.nearly and once.failed == ["group 'where' (any): 1 occurrence, needs 2"]
    [never] = ts.explain(make_article("A truce in Yemen."))
    assert not never.nearly  # the group matched nothing: not about Syria at all
    [far] = topics("- any: [truce^4]", threshold=10).explain(make_article("A truce."))
    assert not far.nearly


def test_match_returns_only_fired_topics_best_first():
    ts = TopicSet.from_yaml(textwrap.dedent("""\
        topics:
          - {id: a, name: A, description: A., rules: [{any: [truce]}]}
          - {id: b, name: B, description: B., rules: [{any: [truce^5]}]}
          - {id: c, name: C, description: C., rules: [{any: [football]}]}
        """))
    assert [h.id for h in ts.match(make_article("A truce."))] == ["b", "a"]
    assert [e.id for e in ts.explain(make_article("A truce."))] == ["a", "b", "c"]
    assert len(ts) == 3 and "a" in ts and ts.get("c").name == "C" and ts.ids == ["a", "b", "c"]


def test_default_topics_load_from_the_package(default_topics):
    assert {"syria-ceasefire-talks", "ukraine-russia-peace-talks", "israel-gaza-ceasefire", "sanctions",
            "mass-protests", "military-coup"} <= set(default_topics.ids)
    assert all(t.description for t in default_topics)
    assert default_topics.get("syria-ceasefire-talks").name == "Syria ceasefire talks"


def test_default_syria_topic_on_hand_built_articles(default_topics):
    talks = make_article(
        "Syrian government and rebel negotiators agreed in Astana on a ceasefire around Idlib, "
        "and talks on a de-escalation zone in Syria's south will resume next week.",
        "Syria ceasefire agreed in Astana",
    )
    battle = make_article(
        "Airstrikes killed 20 people in Idlib as Syrian forces pressed their offensive. Shelling hit two "
        "hospitals in Syria's northwest, where a ceasefire collapsed last year.",
        "Airstrikes pound Idlib",
    )
    assert "syria-ceasefire-talks" in {h.id for h in default_topics.match(talks)}
    assert "syria-ceasefire-talks" not in {h.id for h in default_topics.match(battle)}


def test_topic_hits_serialise_like_the_schema(default_topics):
    article = make_article("Syrian negotiators agreed a ceasefire and a truce in Syria after talks in Astana.")
    article.topics = default_topics.match(article)
    dumped = article.model_dump(mode="json")["topics"][0]
    assert set(dumped) == {"id", "name", "score", "evidence"}
    assert set(dumped["evidence"][0]) == {"rule", "term", "field", "start", "end", "sentence"}
    assert type(article).model_validate(article.model_dump()).topics == article.topics


def test_event_evidence_points_at_the_trigger_in_its_sentence():
    body = "Talks went on. The ministers consulted on the truce."
    sentence = "The ministers consulted on the truce."
    article = make_article(body, events=[event("CONSULT", "040", "consulted", sentence, start=body.index(sentence))])
    [hit] = topics("- any: [{event: CONSULT}]").match(article)
    [evidence] = hit.evidence
    assert (evidence.term, evidence.sentence) == ("consulted", sentence)
    assert body[evidence.start : evidence.end] == "consulted"
