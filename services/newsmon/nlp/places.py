"""The ``newsmon_places`` component: the places an article names, with coordinates Kibana can map.

Cities, regions and landmarks (GPE, LOC and FAC entities that are not countries) and the
dateline city are looked up in the gazetteer, preferring places in the countries the article
mentions. Countries themselves are actors, not places.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from .gazetteer import Gazetteer, GeoPlace, get_gazetteer
from .knowledge import KnowledgeBase, get_knowledge, normalize

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass
class PlaceRecord:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    mentions: list[tuple[int, int]] = field(default_factory=list)  # Doc character ranges
    tokens: set[int] = field(default_factory=set)


# Words that say what a subdivision is: "Zamfara state", "Cabo Delgado province" (singular: "Gulf states" are
# countries). A subdivision is taken when the word is its type ("Uri district" is no canton).
REGION_WORDS = frozenset({"state", "province", "region", "district", "governorate", "county", "oblast", "prefecture",
                          "department", "territory"})
_NATURAL = re.compile(r"\b(sea|gulf|river|lake|ocean|strait|bay|desert|mountains?|valley|coast|island)\b", re.IGNORECASE)


class PlaceResolver:
    def __init__(self, kb: KnowledgeBase, gazetteer: Gazetteer):
        self.kb = kb
        self.gazetteer = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        prefer = {a.country for a in doc._.newsmon_actors or () if a.country and a.country != "IGO"}
        places: dict[str, PlaceRecord] = {}
        layout = doc._.newsmon_layout
        if layout is not None and layout.body_anatomy.dateline_place:
            found = self.gazetteer.lookup(layout.body_anatomy.dateline_place, prefer)
            if found:
                self._record(places, found)
        for ent in doc.ents:
            misread = ((ent.label_ == "ORG" and self.gazetteer.misread_as_organisation(ent.text, len(ent)))  # "Idlib", "El Fasher"
                       or self.gazetteer.misread_as_person(ent, self.kb))  # "would march on Goma"
            if (ent.label_ not in PLACE_LABELS and not misread) or self.kb.country_of(ent.text):
                continue
            if self.kb.known(ent.text):
                continue  # an organisation or a metonym ("the Kremlin"), not a place
            after = doc[ent.end].lower_ if ent.end < len(doc) else ""
            called = after if after in REGION_WORDS else ""
            found = self.gazetteer.lookup(ent.text, prefer, region=called)  # "Idlib province" (the KB's), "Zamfara state"
            if found is None and len(ent) > 1 and ent[-1].lower_ in REGION_WORDS:
                called = ent[-1].lower_
                found = self.gazetteer.lookup(doc[ent.start : ent.end - 1].text, prefer, region=called)  # "Zamfara State"
            if found is not None and found.lat is None and not called and _NATURAL.search(ent.text):
                continue  # "the Red Sea" (not "Red Sea State"): a natural feature, not the province named after it
            if found is None:
                continue
            record = self._record(places, found)
            record.mentions.append((ent.start_char, ent.end_char))
            record.tokens.update(range(ent.start, ent.end))
        doc._.newsmon_places = list(places.values())
        return doc

    @staticmethod
    def _record(places: dict[str, PlaceRecord], found: GeoPlace) -> PlaceRecord:
        key = normalize(found.name)
        if key not in places:
            places[key] = PlaceRecord(found.name, found.country, found.lat, found.lon)
        return places[key]


@Language.factory("newsmon_places", default_config={"knowledge_dir": None})
def make_place_resolver(nlp: Language, name: str, knowledge_dir: str | None) -> PlaceResolver:
    return PlaceResolver(get_knowledge(knowledge_dir), get_gazetteer(knowledge_dir))
