"""Typed shapes of what flows through newsmon; each agrees with a JSON Schema in ``schemas/``."""

from .alert import Alert, AlertArticle
from .article import Article
from .enriched import (
    Actor,
    Counts,
    Dateline,
    EnrichedArticle,
    Entity,
    Event,
    EventLocation,
    EventParty,
    Evidence,
    Mention,
    Place,
    PublishedAtSource,
    TopicEvidence,
    TopicHit,
)

__all__ = [
    "Actor", "Alert", "AlertArticle", "Article", "Counts", "Dateline", "EnrichedArticle", "Entity", "Event",
    "EventLocation", "EventParty", "Evidence", "Mention", "Place", "PublishedAtSource", "TopicEvidence", "TopicHit",
]
