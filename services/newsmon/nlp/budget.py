"""The size budget of one enriched article: what it may carry, and what is dropped first.

An enriched article grows with the names in it, not with its characters: a 200,000-character
body of real news holds thousands of entity mentions, and each mention, each evidence
sentence and each topic hit is copied into the document that goes to Elasticsearch and to
``news.enriched``. Unbounded, one long article made a 1.5 MB message, larger than the
producer accepted, and stopped the stream. So every list is capped here, always the same way:

* the counts found are kept (``counts``; ``mention_count`` per actor, ``evidence_count`` per
  event), so nothing silently disappears from a chart;
* what is kept is what an analyst reads first: the most-mentioned actors, events in reading
  order, the first mentions and evidence of each, entities in reading order;
* long "sentences" (a body with no full stops) are cut to :data:`MAX_SENTENCE_CHARS` in
  evidence, offsets unchanged;
* ``reduced: true`` and the warning ``reduced`` say that something was dropped.

The caps are far above what an ordinary article reaches (the seed article has 14 actors and
under 100 entities), so for nearly every article this module changes nothing.
"""

from __future__ import annotations

from newsmon.models import Counts, EnrichedArticle

MAX_ACTORS = 400
MAX_MENTIONS_PER_ACTOR = 25
MAX_ALIASES_PER_ACTOR = 25
MAX_ENTITIES = 2_500
MAX_EVENTS = 400
MAX_EVIDENCE_PER_EVENT = 5
MAX_PLACES = 300
MAX_TOPIC_EVIDENCE = 25
MAX_SENTENCE_CHARS = 1_000
REDUCED = "reduced"


def _cut(sentence: str) -> str:
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return sentence
    cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS - 1)
    return sentence[: cut if cut > MAX_SENTENCE_CHARS // 2 else MAX_SENTENCE_CHARS - 1] + "…"


def apply_budget(article: EnrichedArticle) -> EnrichedArticle:
    """Cap the article's lists in place (see the module docstring) and record the counts found."""
    counts = Counts(
        actors=len(article.actors), entities=len(article.entities), events=len(article.events),
        places=len(article.places),
    )
    article.counts = counts
    reduced = False
    for actor in article.actors:
        actor.mention_count = len(actor.mentions)
        if len(actor.mentions) > MAX_MENTIONS_PER_ACTOR:
            actor.mentions = actor.mentions[:MAX_MENTIONS_PER_ACTOR]
            reduced = True
        if len(actor.aliases) > MAX_ALIASES_PER_ACTOR:
            actor.aliases = actor.aliases[:MAX_ALIASES_PER_ACTOR]
            reduced = True
    if len(article.actors) > MAX_ACTORS:
        keep = sorted(article.actors, key=lambda a: -(a.mention_count or 0))[:MAX_ACTORS]
        kept_ids = {a.id for a in keep}
        article.actors = [a for a in article.actors if a.id in kept_ids]  # reading order stays
        for entity in article.entities:
            if entity.actor_id is not None and entity.actor_id not in kept_ids:
                entity.actor_id = None
        reduced = True
    if len(article.entities) > MAX_ENTITIES:
        article.entities = article.entities[:MAX_ENTITIES]
        reduced = True
    if len(article.events) > MAX_EVENTS:
        article.events = article.events[:MAX_EVENTS]
        reduced = True
    for event in article.events:
        event.evidence_count = len(event.evidence)
        if len(event.evidence) > MAX_EVIDENCE_PER_EVENT:
            event.evidence = event.evidence[:MAX_EVIDENCE_PER_EVENT]
            reduced = True
        for evidence in event.evidence:
            evidence.sentence = _cut(evidence.sentence)
    if len(article.places) > MAX_PLACES:
        article.places = article.places[:MAX_PLACES]
        reduced = True
    for topic in article.topics:
        if len(topic.evidence) > MAX_TOPIC_EVIDENCE:
            topic.evidence = topic.evidence[:MAX_TOPIC_EVIDENCE]
            reduced = True
        for evidence in topic.evidence:
            evidence.sentence = _cut(evidence.sentence)
    if reduced:
        article.reduced = True
        if REDUCED not in article.warnings:
            article.warnings.append(REDUCED)
    return article
