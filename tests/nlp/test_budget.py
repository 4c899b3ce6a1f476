from datetime import datetime, timezone

from newsmon import PIPELINE_VERSION
from newsmon.models import Actor, EnrichedArticle, Entity, Event, Evidence, Mention
from newsmon.nlp import budget


def article(actors=0, mentions=0, entities=0, events=0, evidence=1, sentence="A sentence.") -> EnrichedArticle:
    return EnrichedArticle(
        id="a", body="b", content_hash="h", pipeline_version=PIPELINE_VERSION, processed_at=datetime.now(timezone.utc),
        actors=[Actor(id=f"p{i}", name=f"P {i}", type="person",
                      mentions=[Mention(field="body", start=0, end=1, text="b")] * (mentions + i % 3)) for i in range(actors)],
        entities=[Entity(field="body", start=0, end=1, text="b", label="PERSON") for _ in range(entities)],
        events=[Event(id=f"e{i}", type="CONSULT", cameo="040", trigger="met", confidence=0.5,
                      evidence=[Evidence(field="body", start=0, end=1, sentence=sentence)] * evidence) for i in range(events)],
    )


def test_an_ordinary_article_is_left_as_it_is_with_its_counts():
    a = budget.apply_budget(article(actors=3, mentions=2, entities=10, events=2))
    assert a.reduced is False and "reduced" not in a.warnings
    assert a.counts.actors == 3 and a.counts.entities == 10 and a.counts.events == 2
    assert [x.mention_count for x in a.actors] == [2, 3, 4] and a.events[0].evidence_count == 1


def test_a_huge_article_is_capped_with_the_totals_kept_and_flagged():
    a = budget.apply_budget(article(actors=budget.MAX_ACTORS + 50, mentions=budget.MAX_MENTIONS_PER_ACTOR + 5,
                                    entities=budget.MAX_ENTITIES + 1, events=budget.MAX_EVENTS + 1,
                                    evidence=budget.MAX_EVIDENCE_PER_EVENT + 2, sentence="word " * 1000))
    assert a.reduced is True and "reduced" in a.warnings
    assert len(a.actors) == budget.MAX_ACTORS and a.counts.actors == budget.MAX_ACTORS + 50
    assert all(len(x.mentions) <= budget.MAX_MENTIONS_PER_ACTOR for x in a.actors)
    assert max(x.mention_count for x in a.actors) == budget.MAX_MENTIONS_PER_ACTOR + 7
    assert len(a.entities) == budget.MAX_ENTITIES and len(a.events) == budget.MAX_EVENTS
    assert a.events[0].evidence_count == budget.MAX_EVIDENCE_PER_EVENT + 2
    assert len(a.events[0].evidence) == budget.MAX_EVIDENCE_PER_EVENT
    assert len(a.events[0].evidence[0].sentence) <= budget.MAX_SENTENCE_CHARS
    # the most-mentioned actors are the ones kept
    kept = {x.mention_count for x in a.actors}
    assert min(kept) >= budget.MAX_MENTIONS_PER_ACTOR + 5
