"""Typed shapes of what flows through newsmon; each agrees with a JSON Schema in ``schemas/``."""

from .alert import Alert, AlertArticle
from .article import Article
from .enriched import (
    Actor,
    Dateline,
    EnrichedArticle,
    Entity,
    Event,
    EventLocation,
    EventParty,
    Evidence,
    Mention,
    Place,
    TopicEvidence,
    TopicHit,
)

__all__ = [
    "Actor", "Alert", "AlertArticle", "Article", "Dateline", "EnrichedArticle", "Entity", "Event",
    "EventLocation", "EventParty", "Evidence", "Mention", "Place", "TopicEvidence", "TopicHit",
]
