"""Clauses over the extracted fields of an enriched article: actor, country, event, topic, source...

Topics (``country: SYR`` in a rule group) and alert queries (``country:SYR``) compile the same
clauses, so a value means the same thing in both. Name-like fields (actor, place, source) match
when the value's words appear in order in a name or alias, case- and accent-insensitively:
``actor:Lavrov`` and ``actor:"sergei lavrov"`` both match Sergei Lavrov.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import get_args

from newsmon.models import Actor, Event
from newsmon.models.enriched import ActorType, PloverType

from .countries import CountryError, country_code
from .index import ArticleIndex
from .glob import Glob, GlobError
from .tokens import fold, keys

EVENT_TYPES: tuple[str, ...] = get_args(PloverType)
ACTOR_TYPES: tuple[str, ...] = get_args(ActorType)
#: Words analysts type for an event type, and the PLOVER type they mean (for "did you mean").
EVENT_WORDS = {
    "attack": "ASSAULT", "bomb": "ASSAULT", "kill": "ASSAULT", "strike": "ASSAULT", "fight": "ASSAULT",
    "shell": "ASSAULT", "meet": "CONSULT", "meeting": "CONSULT", "talk": "CONSULT", "visit": "CONSULT",
    "agreement": "AGREE", "deal": "AGREE", "sign": "AGREE", "help": "AID", "arrest": "COERCE", "detain": "COERCE",
    "threat": "THREATEN", "demonstrate": "PROTEST", "demonstration": "PROTEST", "sanction": "SANCTION",
    "withdraw": "RETREAT", "accusation": "ACCUSE", "blame": "ACCUSE", "refuse": "REJECT", "deploy": "MOBILIZE",
}
FIELD_NAMES: tuple[str, ...] = (
    "actor", "actor_type", "country", "event", "cameo", "topic", "source", "language", "place",
)

_CAMEO = re.compile(r"^[0-9]{1,4}\*$|^[0-9]{2,4}$")
_TOPIC = re.compile(r"^[a-z0-9*?][a-z0-9*?-]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{1,8})*$")

Location = tuple[str, int, int]  # (field, start, end) character offsets


class FieldValueError(ValueError):
    """The value does not fit the field; ``expected`` says what would."""

    def __init__(self, expected: str, value: str, hint: str = ""):
        self.message = f"expected {expected}, got '{value}'" if value.strip() else f"expected {expected}, got nothing"
        if hint:
            self.message += f" ({hint})"
        super().__init__(self.message)
        self.expected = expected
        self.value = value
        self.hint = hint


def did_you_mean(value: str, options: list[str] | tuple[str, ...] | set[str], *, n: int = 2) -> str:
    """``did you mean X?`` for the closest options (difflib), or "" when nothing is close."""
    close = difflib.get_close_matches(value, sorted(options), n=n, cutoff=0.6)
    return f"did you mean {' or '.join(close)}?" if close else ""


@dataclass(frozen=True)
class FieldHit:
    """One thing a field clause matched: a label for people, and where the text names it, if anywhere."""

    label: str
    location: Location | None = None
    sentence: str | None = None


def _has_wildcard(value: str) -> bool:
    return "*" in value or "?" in value


def _first_mention(actor: Actor) -> Location | None:
    if actor.mentions:
        m = actor.mentions[0]
        return (m.field, m.start, m.end)
    return None


def _trigger_location(ix: ArticleIndex, event: Event) -> Location:
    """Where an event's trigger word is, inside its evidence sentence (the whole sentence if not found)."""
    ev = event.evidence[0]
    text = (ix.article.title or "") if ev.field == "title" else ix.article.body
    at = text.find(event.trigger, ev.start, ev.end) if event.trigger else -1
    if at >= 0:
        return (ev.field, at, at + len(event.trigger))
    return (ev.field, ev.start, ev.end)


def _quote(value: str) -> str:
    return f'"{value}"' if re.search(r"[\s:()\"]", value) or not value else value


@dataclass(frozen=True, eq=False)
class FieldClause:
    """``field:value``, compiled. ``test`` is the fast yes/no; ``hits`` says what matched."""

    field: str
    value: str
    _hits: Callable[[ArticleIndex], list[FieldHit]]
    _test: Callable[[ArticleIndex], bool]

    def test(self, index: ArticleIndex) -> bool:
        return self._test(index)

    def hits(self, index: ArticleIndex) -> list[FieldHit]:
        return self._hits(index)

    def __str__(self) -> str:
        return f"{self.field}:{_quote(self.value)}"


def _glob(pattern: str, field: str) -> Glob:
    try:
        return Glob(pattern)
    except GlobError as exc:
        raise FieldValueError(f"a simpler pattern for {field} ({exc})", pattern) from None


def _name_clause(field: str, value: str, names: Callable[[ArticleIndex], dict],
                 hit: Callable[[object], FieldHit]) -> FieldClause:
    if _has_wildcard(value):
        glob = _glob(" ".join(fold(w) for w in value.split()), field)

        def matched(index: ArticleIndex) -> list[str]:
            return glob.filter(names(index))
    else:
        key = " ".join(keys(value))
        if not key:
            raise FieldValueError(f"a name for {field} (letters or digits)", value)

        def matched(index: ArticleIndex) -> list[str]:
            return [key] if key in names(index) else []

    def test(index: ArticleIndex) -> bool:
        return bool(matched(index))

    def hits(index: ArticleIndex) -> list[FieldHit]:
        out: list[FieldHit] = []
        seen: set[int] = set()
        for gram in matched(index):
            for owner in names(index)[gram]:
                if id(owner) not in seen:
                    seen.add(id(owner))
                    out.append(hit(owner))
        return out

    return FieldClause(field, value, hits, test)


def _actor_hit(actor: object) -> FieldHit:
    assert isinstance(actor, Actor)
    return FieldHit(actor.name, _first_mention(actor))


def compile_field(field: str, value: str) -> FieldClause:
    """Compile ``field:value``; raises :class:`FieldValueError` when the value cannot fit the field.

    ``field`` must be one of :data:`FIELD_NAMES` (callers check, to word their own error).
    """
    value = value.strip()
    if not value:
        raise FieldValueError(f"a value for {field}", value)

    if field == "actor":
        return _name_clause(field, value, lambda ix: ix.actor_names, _actor_hit)

    if field == "place":
        return _name_clause(field, value, lambda ix: ix.place_names, lambda name: FieldHit(str(name)))

    if field == "source":
        def source_names(ix: ArticleIndex) -> dict[str, list[str]]:
            return {n: [ix.article.source or ""] for n in ix.source_names}
        return _name_clause(field, value, source_names, lambda name: FieldHit(str(name)))

    if field == "actor_type":
        kind = value.lower()
        if kind not in ACTOR_TYPES:
            raise FieldValueError(f"an actor type ({', '.join(ACTOR_TYPES)})", value, did_you_mean(kind, ACTOR_TYPES))
        return FieldClause(
            field, kind,
            lambda ix: [_actor_hit(a) for a in ix.actor_types.get(kind, [])],
            lambda ix: kind in ix.actor_types,
        )

    if field == "country":
        try:
            code = country_code(value)  # a code, or a name mapped to it: Sudan -> SDN
        except CountryError as exc:
            hint = f"did you mean {' or '.join(exc.suggestions)}?" if exc.suggestions else ""
            raise FieldValueError("a country code (e.g. SYR, IGO) or a country name (e.g. Syria)", value, hint) from None

        def country_hits(ix: ArticleIndex) -> list[FieldHit]:
            names = ix.countries.get(code, [])
            out = []
            for name in names:
                actor = next((a for a in ix.article.actors if a.name == name and a.country == code), None)
                out.append(FieldHit(name, _first_mention(actor) if actor else None))
            return out

        return FieldClause(field, code, country_hits, lambda ix: code in ix.countries)

    if field == "event":
        kind = value.upper()
        if kind not in EVENT_TYPES:
            guess = EVENT_WORDS.get(kind.lower().rstrip("s"))
            hint = f"did you mean {guess}?" if guess else did_you_mean(kind, EVENT_TYPES)
            raise FieldValueError("a PLOVER event type", value, hint or f"one of {', '.join(EVENT_TYPES)}")

        def event_hits(ix: ArticleIndex) -> list[FieldHit]:
            return [FieldHit(f"{e.type} ({e.trigger})", _trigger_location(ix, e), e.evidence[0].sentence)
                    for e in ix.event_types.get(kind, [])]

        return FieldClause(field, kind, event_hits, lambda ix: kind in ix.event_types)

    if field == "cameo":
        if not _CAMEO.match(value):
            raise FieldValueError("a CAMEO code (2 to 4 digits, or digits and a trailing *)", value)
        prefix = value[:-1] if value.endswith("*") else None

        def cameo_ok(code: str) -> bool:
            return code.startswith(prefix) if prefix is not None else code == value

        def cameo_hits(ix: ArticleIndex) -> list[FieldHit]:
            out = []
            for event in ix.article.events:
                if cameo_ok(event.cameo):
                    out.append(FieldHit(event.cameo, _trigger_location(ix, event), event.evidence[0].sentence))
            return out

        return FieldClause(field, value, cameo_hits, lambda ix: any(cameo_ok(e.cameo) for e in ix.article.events))

    if field == "topic":
        topic = value.lower()
        if not _TOPIC.match(topic):
            raise FieldValueError("a topic id (lower-case letters, digits and hyphens)", value)
        if _has_wildcard(topic):
            glob = _glob(topic, field)

            def topic_ids(ix: ArticleIndex) -> list[str]:
                return glob.filter(ix.topics)
        else:
            def topic_ids(ix: ArticleIndex) -> list[str]:
                return [topic] if topic in ix.topics else []

        return FieldClause(
            field, topic,
            lambda ix: [FieldHit(f"{t} (score {ix.topics[t].score:g})") for t in topic_ids(ix)],
            lambda ix: bool(topic_ids(ix)),
        )

    if field == "language":
        lang = value.lower()
        if not _LANGUAGE.match(lang):
            raise FieldValueError("a language code (e.g. en or en-GB)", value)

        def lang_ok(ix: ArticleIndex) -> bool:
            return ix.language is not None and (ix.language == lang or ix.language.startswith(lang + "-"))

        return FieldClause(
            field, lang,
            lambda ix: [FieldHit(ix.article.language or "")] if lang_ok(ix) else [],
            lang_ok,
        )

    raise ValueError(f"unknown field {field!r}")
