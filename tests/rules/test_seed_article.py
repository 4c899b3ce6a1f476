"""The seed article (Putin and Nazarbayev discuss the Syria talks, 2017-03-18) flags syria-ceasefire-talks, through the real pipeline."""

from __future__ import annotations

import pytest

SEED_PUBLISHED_AT = "2017-03-18"


@pytest.fixture(scope="module")
def seed(enrich, seed_article_path):
    [(article, sentences)] = enrich([seed_article_path], {"published_at": SEED_PUBLISHED_AT})
    return article, sentences


def test_seed_article_flags_syria_ceasefire_talks(seed):
    article, _ = seed
    hits = {t.id: t for t in article.topics}
    assert "syria-ceasefire-talks" in hits
    hit = hits["syria-ceasefire-talks"]
    assert hit.name == "Syria ceasefire talks"
    assert hit.score >= 8
    assert article.published_at is not None and article.published_at.date().isoformat() == SEED_PUBLISHED_AT


def test_seed_evidence_points_at_the_text_and_its_sentences(seed):
    article, _ = seed
    hit = next(t for t in article.topics if t.id == "syria-ceasefire-talks")
    assert hit.evidence
    terms = {e.term.lower() for e in hit.evidence}
    assert {"ceasefire", "negotiations"} & terms
    for e in hit.evidence:
        text = article.title if e.field == "title" else article.body
        assert text[e.start : e.end] == e.term
        assert e.term in e.sentence
        assert e.sentence in text  # a real sentence of the article, not a paraphrase
    sentences = " ".join(e.sentence for e in hit.evidence)
    assert "ceasefire" in sentences


def test_seed_does_not_flag_unrelated_topics(seed):
    article, _ = seed
    assert {t.id for t in article.topics} == {"syria-ceasefire-talks"}


def test_seed_explanation_uses_the_pipeline_sentences(seed, default_topics):
    article, sentences = seed
    [syria] = [e for e in default_topics.explain(article, sentences) if e.id == "syria-ceasefire-talks"]
    assert syria.fired and not syria.failed
    talks = next(g for g in syria.groups if g.name == "talks")
    matched = {r.item for r in talks.matched_items}
    assert {"ceasefire", "negotiat*", "Astana"} <= matched
