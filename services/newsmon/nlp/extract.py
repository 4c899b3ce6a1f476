"""From prepared articles to enriched articles, in batches through ``nlp.pipe``.

Each article is one Doc (title, blank line, body; see :mod:`.layout`), run through the model
and newsmon's components (:mod:`.pipeline`); this module only turns what the components hung
on the Doc into the schema's records, with offsets into the original ``title`` and ``body``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from spacy.language import Language
from spacy.tokens import Doc

from newsmon import PIPELINE_VERSION
from newsmon.articles import PreparedArticle
from newsmon.models import (
    Actor, Dateline, EnrichedArticle, Entity, Event, EventLocation, EventParty, Evidence, Mention, Place, TopicHit,
)

from .actors import ActorRecord
from .budget import apply_budget
from .events import EventRecord
from .knowledge import get_knowledge
from .language import CONFIDENT, LanguageGuess, identify, same_language
from .multilingual import ForeignReader, big_cities
from .layout import ArticleLayout
from .model import load_model
from .pipeline import ArticleDocs, add_newsmon_pipes

SentenceSpan = tuple[str, int, int]  # (field, start, end)
NON_ENGLISH = "non_english"


class TopicMatcher(Protocol):
    """Flags configured topics on an article; see :mod:`newsmon.rules`."""

    def match(self, article: EnrichedArticle, sentences: Sequence[SentenceSpan]) -> list[TopicHit]: ...

    def covers(self, language: str | None) -> bool: ...


NO_TOPIC_TERMS = "no_topic_terms"  # the topics have no term list for the article's language
LANGUAGE_MISMATCH = "language_mismatch"  # the producer's language and the text disagree


def choose_language(given: str | None, guess: LanguageGuess | None) -> tuple[str | None, list[str]]:
    """The language an article is processed in, and the warnings that decision needs.

    The producer's ``language`` is kept unless the detector is confident the text is in another one
    (then the text wins, flagged ``language_mismatch``: English rules on Russian text help nobody);
    without one, the detector's guess, when it has any confidence.
    """
    if given:
        if guess is not None and guess.confidence >= CONFIDENT and not same_language(given, guess.code):
            return guess.code, [LANGUAGE_MISMATCH]
        return given, []
    if guess is not None and guess.confidence >= 0.5:
        return guess.code, []
    return None, []


def is_english(language: str | None) -> bool:
    return language is None or language.lower().split("-")[0] == "en"


class Extractor:
    """Runs the spaCy pipeline over articles and assembles :class:`EnrichedArticle` records.

    ``nlp`` is a loaded trained English model (loaded here when None); newsmon's components are
    added to it. ``knowledge_dir`` is a folder of extra knowledge-base files layered over the
    shipped ones. Construction loads the knowledge base and gazetteer once (about two seconds);
    ``extract`` does no I/O.
    """

    def __init__(
        self,
        nlp: Language | None = None,
        *,
        topic_matcher: TopicMatcher | None = None,
        batch_size: int = 32,
        knowledge_dir: Path | str | None = None,
    ):
        self.knowledge_dir = str(knowledge_dir) if knowledge_dir else None
        self.nlp = add_newsmon_pipes(nlp if nlp is not None else load_model(), self.knowledge_dir)
        self.docs = ArticleDocs(self.nlp, self.knowledge_dir)
        self.topic_matcher = topic_matcher
        self.batch_size = batch_size
        self._foreign: ForeignReader | None = None  # built on the first article in another language

    @property
    def foreign(self) -> ForeignReader:
        if self._foreign is None:
            self._foreign = ForeignReader(get_knowledge(self.knowledge_dir), big_cities())
        return self._foreign

    def extract(self, prepared: Sequence[PreparedArticle]) -> list[EnrichedArticle]:
        decided: list[tuple[str | None, LanguageGuess | None, list[str]]] = []
        english: list[int] = []
        for index, item in enumerate(prepared):
            article = item.article
            guess = identify(f"{article.title or ''}\n{article.body}")
            language, warnings = choose_language(article.language, guess)
            decided.append((language, guess, warnings))
            if is_english(language):
                english.append(index)
        docs_in = (
            self.docs.make(prepared[i].article.title, prepared[i].article.body, _published(prepared[i]))
            for i in english
        )
        docs = dict(zip(english, self.nlp.pipe(docs_in, batch_size=self.batch_size)))
        results = []
        for index, item in enumerate(prepared):
            if index in docs:
                results.append(self._assemble(item, docs[index], *decided[index]))
            else:
                results.append(self._foreign_article(item, *decided[index]))
        return results

    # --- assembly
    def _base(self, item: PreparedArticle, language: str | None, warnings: list[str],
              guess: LanguageGuess | None = None) -> EnrichedArticle:
        data = item.article.model_dump()
        data["language"] = language or data.get("language")
        return EnrichedArticle(
            **data, published_at_source=item.published_at_source,
            content_hash=item.content_hash, truncated=item.truncated, warnings=warnings,
            language_detected=guess.code if guess else None, language_confidence=guess.confidence if guess else None,
            pipeline_version=PIPELINE_VERSION, processed_at=datetime.now(timezone.utc),
        )

    def _foreign_article(self, item: PreparedArticle, language: str | None, guess: LanguageGuess | None,
                         warnings: list[str]) -> EnrichedArticle:
        """An article in another language: the names newsmon knows, and topics in that language; no events.

        See :mod:`newsmon.nlp.multilingual`; ``non_english`` says the English-model steps (entity
        recognition, parsing, events) did not run, ``no_topic_terms`` that no topic has terms for it.
        """
        notes = [*item.warnings, *warnings, NON_ENGLISH]
        matcher = self.topic_matcher
        if matcher is not None and not matcher.covers(language):
            notes.append(NO_TOPIC_TERMS)
        enriched = self._base(item, language, notes, guess)
        article = item.article
        enriched.actors, enriched.entities, enriched.places = self.foreign.read(
            article.title, article.body, language, _published(item))
        if matcher is not None and NO_TOPIC_TERMS not in notes:
            enriched.topics = matcher.match(enriched, ())
        return apply_budget(enriched)

    def _assemble(self, item: PreparedArticle, doc: Doc, language: str | None, guess: LanguageGuess | None = None,
                  warnings: list[str] | None = None) -> EnrichedArticle:
        layout: ArticleLayout = doc._.newsmon_layout
        enriched = self._base(item, language, [*item.warnings, *(warnings or [])], guess)
        actors: list[ActorRecord] = doc._.newsmon_actors or []
        token_actor = doc._.newsmon_token_actor or {}
        enriched.actors = [a for a in (self._actor(layout, record) for record in actors) if a is not None]
        known_ids = {a.id for a in enriched.actors}
        enriched.entities = self._entities(layout, doc, token_actor, known_ids)
        enriched.places = [
            Place(name=p.name, country=p.country, lat=p.lat, lon=p.lon) for p in doc._.newsmon_places or ()
        ]
        enriched.events = [self._event(item.article.id or "", layout, e, known_ids) for e in doc._.newsmon_events or ()]
        enriched.authors = list(layout.body_anatomy.authors)
        enriched.editors = list(layout.body_anatomy.editors)
        anatomy = layout.body_anatomy
        if anatomy.dateline_place or anatomy.dateline_agency:
            place = next((p for p in enriched.places if anatomy.dateline_place and p.name.lower() == anatomy.dateline_place.lower()), None)
            enriched.dateline = Dateline(
                place=anatomy.dateline_place, agency=anatomy.dateline_agency,
                lat=place.lat if place else None, lon=place.lon if place else None,
            )
        if self.topic_matcher is not None:
            enriched.topics = self.topic_matcher.match(enriched, self.sentences(doc))
        return apply_budget(enriched)

    @staticmethod
    def sentences(doc: Doc) -> list[SentenceSpan]:
        """The article's sentences as (field, start, end), packaging left out."""
        layout: ArticleLayout = doc._.newsmon_layout
        spans: list[SentenceSpan] = []
        for sent in doc.sents:
            text = sent.text
            if not text.strip():
                continue
            start = sent.start_char + (len(text) - len(text.lstrip()))
            end = sent.end_char - (len(text) - len(text.rstrip()))
            where = layout.to_field(start, end)
            if where is not None:
                spans.append(where)
        return spans

    @staticmethod
    def _actor(layout: ArticleLayout, record: ActorRecord) -> Actor | None:
        mentions = []
        aliases: list[str] = []
        for start, end in sorted(record.mentions):
            where = layout.to_field(start, end)
            if where is None:
                continue
            field, s, e = where
            text = layout.original(start, end)
            mentions.append(Mention(field=field, start=s, end=e, text=text))  # type: ignore[arg-type]
            if text != record.name and text not in aliases:
                aliases.append(text)
        if not mentions:
            return None
        return Actor(
            id=record.id, name=record.name, type=record.type, country=record.country,  # type: ignore[arg-type]
            role=record.role, sector=record.sector, aliases=aliases, mentions=mentions,
        )

    @staticmethod
    def _entities(layout: ArticleLayout, doc: Doc, token_actor: dict[int, str], known_ids: set[str]) -> list[Entity]:
        found: list[Entity] = []
        for ent in doc.ents:
            where = layout.to_field(ent.start_char, ent.end_char)
            if where is None:
                continue
            field, s, e = where
            actor_id = next((token_actor[i] for i in range(ent.start, ent.end) if i in token_actor), None)
            found.append(Entity(
                field=field, start=s, end=e, text=layout.original(ent.start_char, ent.end_char),  # type: ignore[arg-type]
                label=ent.label_, actor_id=actor_id if actor_id in known_ids else None,
            ))
        for field in ("title", "body"):
            anatomy = layout.anatomy_of(field)
            source = layout.title if field == "title" else layout.body
            if anatomy is None or source is None:
                continue
            for fe in anatomy.entities:
                found.append(Entity(field=field, start=fe.start, end=fe.end, text=source[fe.start:fe.end], label=fe.label))  # type: ignore[arg-type]
        found.sort(key=lambda e: (e.field != "title", e.start))
        return found

    @staticmethod
    def _event(article_id: str, layout: ArticleLayout, record: EventRecord, known_ids: set[str]) -> Event:
        def party(actor: ActorRecord | None) -> EventParty | None:
            if actor is None:
                return None
            return EventParty(name=actor.name, country=actor.country, actor_id=actor.id if actor.id in known_ids else None)

        evidence = []
        for start, end in record.evidence:
            where = layout.to_field(start, end)
            if where is None:
                continue
            field, s, e = where
            evidence.append(Evidence(field=field, start=s, end=e, sentence=layout.original(start, end)))  # type: ignore[arg-type]
        location = None
        if record.location is not None:
            location = EventLocation(name=record.location.name, lat=record.location.lat, lon=record.location.lon)
        elif record.location_name:
            location = EventLocation(name=record.location_name)
        key = "|".join([article_id, record.type, record.source.id if record.source else "", record.target.id if record.target else "",
                        str(record.date or ""), str(record.negated), str(record.trigger_span[0])])
        return Event(
            id=hashlib.sha256(key.encode()).hexdigest()[:20], type=record.type, cameo=record.cameo,  # type: ignore[arg-type]
            source=party(record.source), target=party(record.target), date=record.date, location=location,
            parties=[p for p in (party(a) for a in record.parties) if p is not None],
            modality=record.modality, negated=record.negated, dead=record.dead, injured=record.injured,  # type: ignore[arg-type]
            trigger=layout.original(*record.trigger_span) or record.trigger, evidence=evidence, confidence=record.confidence,
        )


def _published(item: PreparedArticle):
    published = item.article.published_at
    return published.date() if published is not None else None
