"""The enriched article newsmon produces to ``news.enriched`` and indexes (schemas/enriched-article.schema.json).

It is the input article plus what the pipeline found. Every key is always present: a
stage that found nothing leaves an empty list or null, so consumers never guess.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .article import Article

TextField = Literal["title", "body"]
ActorType = Literal["person", "organization", "country", "igo", "group", "location"]
PloverType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]
Modality = Literal["reported", "planned", "refused", "failed"]
# Where ``published_at`` came from: the producer ("article"), or the time newsmon received the
# article because the producer gave none ("received": the Kafka message timestamp in the worker).
PublishedAtSource = Literal["article", "received"]
COUNTRY_PATTERN = r"^([A-Z]{3}|IGO)$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mention(_Strict):
    """Where an actor is named: ``text == article[field][start:end]``."""

    field: TextField
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Actor(_Strict):
    """One real-world actor, however many times and names it is mentioned under."""

    id: str
    name: str
    type: ActorType
    country: str | None = Field(default=None, pattern=COUNTRY_PATTERN)
    role: str | None = None
    sector: str | None = None
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    mention_count: int | None = Field(default=None, ge=0)  # mentions found; ``mentions`` may hold fewer (budget)


class Entity(_Strict):
    """One named-entity mention as the pipeline labelled it, linked to its actor when it has one."""

    field: TextField
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    label: str
    actor_id: str | None = None


class Place(_Strict):
    """A location the article names, resolved to coordinates Kibana can map."""

    name: str
    country: str | None = Field(default=None, pattern=COUNTRY_PATTERN)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    actor_id: str | None = None


class EventParty(_Strict):
    """The source or target of an event."""

    name: str
    country: str | None = Field(default=None, pattern=COUNTRY_PATTERN)
    actor_id: str | None = None


class EventLocation(_Strict):
    name: str
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class Evidence(_Strict):
    """The sentence an event was read from; offsets are into ``field`` of the article."""

    field: TextField
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: str


class Event(_Strict):
    """Who did what to whom, when and where, coded in PLOVER (``type``) and CAMEO (``cameo``)."""

    id: str
    type: PloverType
    cameo: str = Field(pattern=r"^[0-9]{2,4}$")
    source: EventParty | None = None
    target: EventParty | None = None
    parties: list[EventParty] = Field(default_factory=list)  # all of them, when three or more met or agreed
    date: dt.date | None = None
    location: EventLocation | None = None
    modality: Modality = "reported"
    negated: bool = False
    dead: int | None = Field(default=None, ge=0)  # casualties the evidence states (PLOVER's dead and injured)
    injured: int | None = Field(default=None, ge=0)
    trigger: str
    evidence: list[Evidence] = Field(min_length=1)
    evidence_count: int | None = Field(default=None, ge=0)  # sentences found; ``evidence`` may hold fewer (budget)
    confidence: float = Field(ge=0, le=1)


class TopicEvidence(_Strict):
    """A matched term and the sentence it is in."""

    rule: str
    term: str
    field: TextField
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: str


class TopicHit(_Strict):
    """A configured topic the article was flagged with, and why."""

    id: str
    name: str
    score: float
    evidence: list[TopicEvidence] = Field(default_factory=list)


class Dateline(_Strict):
    """``MOSCOW (Reuters) –``: where the story was filed and by which agency."""

    place: str | None = None
    agency: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class Counts(_Strict):
    """How many of each the pipeline found, before the size budget (newsmon.nlp.budget) capped the lists."""

    actors: int = Field(ge=0)
    entities: int = Field(ge=0)
    events: int = Field(ge=0)
    places: int = Field(ge=0)


class EnrichedArticle(Article):
    """The input article plus everything the pipeline extracted."""

    id: str  # always assigned by the time an article is enriched
    published_at_source: PublishedAtSource | None = None  # None only in documents stored before it existed
    language_detected: str | None = None  # what the language detector says the text is in
    language_confidence: float | None = Field(default=None, ge=0, le=1)
    actors: list[Actor] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    topics: list[TopicHit] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    story_id: str | None = None
    authors: list[str] = Field(default_factory=list)
    editors: list[str] = Field(default_factory=list)
    dateline: Dateline | None = None
    content_hash: str
    truncated: bool = False
    reduced: bool = False  # some lists were capped by the size budget; ``counts`` has the totals
    counts: Counts | None = None
    warnings: list[str] = Field(default_factory=list)
    pipeline_version: str
    processed_at: datetime
