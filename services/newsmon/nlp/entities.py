"""The ``newsmon_entities`` component: named entities the knowledge base can vouch for override the model's.

The small English model tags "Putin" in a headline as a place, "Staffan de Mistura" as an
organisation and "International Development Jean-Marc Ayrault" as one organisation. This
component fixes such spans with general rules, not per-article patches:

- names the KB knows (people, organisations, countries, demonyms, capitals) get the KB's
  label and span, found with a PhraseMatcher;
- a surname repeats the label of the full name used elsewhere in the article;
- titles and honorifics are trimmed off person names ("President", "Mr.");
- a name the KB knows keeps the KB's label once scores and dashes are trimmed off the model's
  span ("Senegal 2-1" ORG -> "Senegal" GPE);
- a span with no capital letter is not a name ("the health ministry" once "the" is trimmed);
- a place the model calls a person or an organisation is a place when the gazetteer knows the
  name (a city, or a region of ISO 3166-2) and the sentence uses it as one: after "in", "near",
  "from"..., before "province", "region", "state"..., after "city of", "north of"..., or next
  to another place ("in Casablanca and Marrakesh");
- a big city (over 100,000 people) the model left untagged after "in", "near", "from"... is a
  place ("terminals in Odesa");
- places do not run across "and" ("Kyiv and Chernihiv"), and a country's possessive starts a
  new name ("Iran's Revolutionary Guards");
- a bare number is not a date ("resolution 2254");
- a name the model calls an organisation or a place, or left untagged, that starts with a known
  given name and has no organisation or place word is a person ("Murat Kaya" ORG -> PERSON;
  ``people.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .dates import is_date_expression
from .gazetteer import get_gazetteer
from .knowledge import KnowledgeBase, get_knowledge, normalize
from .people import PersonNames, ambiguous_words, given_names

_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
_NUMBERISH = re.compile(r"^[\d][\d.,/:\-]*$")
_NAME_PARTICLES = frozenset({"al", "el", "ad", "as", "ash", "at", "az", "an", "ar", "bin", "ibn", "de", "du", "des", "la", "le",
                             "di", "da", "do", "dos", "das", "van", "von", "der", "den"})
_NOT_IN_NAMES = frozenset({"at", "in", "on", "for", "with", "from", "to", "by", "of"})
_HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame", "sheikh", "prince", "lord"})
# Labels a person's name may be mistaken for by the model, and replaced when the KB says person.
_REPLACEABLE_BY_PERSON = frozenset({"ORG", "PERSON", "GPE", "NORP", "FAC", "LOC", "WORK_OF_ART", "PRODUCT", "EVENT"})
_ALL_NAME_LABELS = _NAME_LABELS | {"WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE"}
# Labels the model gives places it does not recognise as such, and the words that say "place".
_MISTAKEN_FOR_PLACE = frozenset({"PERSON", "ORG", "NORP"})
_FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM"})
_SQUARE_WORDS = frozenset({"place", "plaza", "piazza", "praça", "praca", "plac", "platz"})
_NATURAL_FEATURES = frozenset({"shelf", "glacier", "river", "lake", "mountains", "mountain", "peninsula", "desert",
                               "valley", "plateau", "strait", "gulf", "bay", "sea", "ocean", "island", "islands", "delta"})
_LOCATIVE = frozenset({"in", "near", "at", "outside", "around", "from", "across", "towards", "toward", "into",
                       "inside", "throughout", "via", "through", "within", "between"})
_PLACE_NOUNS = frozenset({"province", "provinces", "region", "regions", "state", "states", "city", "town", "towns",
                          "district", "districts", "division", "county", "territory", "area", "governorate", "village",
                          "villages", "countryside", "port", "capital", "valley", "island", "islands", "suburb",
                          "suburbs", "municipality", "oblast", "prefecture", "neighbourhood", "neighborhood", "border",
                          "outskirts", "edge", "centre", "center", "north", "south", "east", "west", "northeast",
                          "northwest", "southeast", "southwest", "parts", "crossing", "crossings", "township",
                          "townships", "locality", "commune", "camp", "refugee camp"})
# Place nouns that say "place" so plainly that the name needs no gazetteer entry: "the village of
# Kunin", "Kawlin town", "Goma, capital of North Kivu" (a village the gazetteer has never heard of is still a place).
_PLAIN_PLACE_NOUNS = frozenset({"province", "region", "city", "town", "district", "county", "governorate", "village",
                                "villages", "township", "townships", "municipality", "oblast", "prefecture", "suburb",
                                "neighbourhood", "neighborhood", "capital", "port", "locality", "commune", "crossing",
                                "crossings", "state", "area", "sector", "sectors", "districts", "provinces", "regions",
                                "areas", "counties", "states"})
# Labels a place name can get from the model after "in", "near"...: a person after "in" is rare, an
# organisation is not ("in NATO"), so only PERSON is taken for a place there without the gazetteer.
_LOCATIVE_STRONG = frozenset({"in", "near", "outside", "around", "towards", "toward", "into", "inside", "throughout"})
# Nouns of an attack whose "on" names where it fell when the gazetteer knows the name ("a drone attack on
# Kharkiv"); a person or a group attacked is named the same way, so only a name the gazetteer knows moves.
_STRIKE_NOUNS = frozenset({"attack", "strike", "airstrike", "raid", "assault", "offensive", "bombardment", "shelling",
                           "bombing", "barrage", "salvo", "onslaught", "push", "advance", "march"})
# Verbs whose object is a place when the gazetteer knows the name: "after seizing Goma", "shelled Kharkiv".
# Not "attack" or "hit" (people and organisations are attacked too) nor "visit" or "leave" (Jackson, Obama).
_PLACE_OBJECT_VERBS = frozenset({"seize", "capture", "control", "enter", "shell", "bombard", "besiege", "encircle",
                                 "surround", "storm", "overrun", "retake", "recapture", "liberate", "evacuate", "flee"})
# Last words of a name that make it a building or site, not an organisation that acts.
_FACILITY_NOUNS = frozenset({"hotel", "hospital", "airport", "camp", "base", "airbase", "stadium", "mosque", "church",
                             "cathedral", "market", "bridge", "crossing", "steelworks", "plant", "palace", "square",
                             "prison", "jail", "dam", "port", "compound", "checkpoint", "refinery", "embassy"})
# Facility nouns no person's name ends in (unlike "Church", "Plant", "Camp", "Bridge", "Port", "Square")
_NEVER_A_SURNAME = frozenset({"hotel", "hospital", "airport", "airbase", "stadium", "mosque", "cathedral", "steelworks",
                              "prison", "jail", "refinery", "embassy", "checkpoint", "compound"})
# Words a title runs into after an organisation-looking portfolio ("Health Minister", "External Affairs Minister").
_PORTFOLIO_HEADS = frozenset({"minister", "secretary", "commissioner", "envoy", "chief", "spokesman", "spokeswoman",
                              "spokesperson"})


def _whole_words(doc: Doc, start: int, end: int) -> bool:
    """A KB name matched on tokens is a name of the text only if it is not part of a hyphenated word:
    "Tom Fletcher" is not in "Tom Fletcher-Reid", nor "Reid" in "Fletcher-Reid"."""
    if end < len(doc) and not doc[end - 1].whitespace_ and doc[end].text in ("-", "\u2010", "\u2011"):
        return False
    return not (start > 0 and doc[start - 1].text in ("-", "\u2010", "\u2011") and not doc[start - 1].whitespace_
                and start > 1 and not doc[start - 2].whitespace_)


def _by_line(ent: Span) -> list[Span]:
    """The pieces of an entity on each line: a name never runs across a line break (the model reads a
    headline "Burkina Faso" and the first words of the body as one organisation)."""
    if not any(t.is_space and "\n" in t.text for t in ent):
        return [ent]
    pieces, start = [], ent.start
    for token in ent:
        if token.is_space and "\n" in token.text:
            if token.i > start:
                pieces.append(Span(ent.doc, start, token.i, label=ent.label_))
            start = token.i + 1
    if ent.end > start:
        pieces.append(Span(ent.doc, start, ent.end, label=ent.label_))
    return pieces


def _generic_words(kb: KnowledgeBase) -> frozenset[str]:
    """The nouns of generic actors ("army", "rebels", "police"), in their plural forms too."""
    words: set[str] = set()
    for generic in kb.generic_actors:
        for noun in generic.nouns:
            phrase = " ".join(noun)
            words.update((phrase, phrase + "s", phrase + "es"))
    return frozenset(words)


def _generic_alias(alias: str, names: tuple[str, ...], kb: KnowledgeBase, generic_words: frozenset[str]) -> bool:
    """An alias that is a demonym, country or the actor's own name plus a generic noun ("Israeli army",
    "M23 rebels"): the text is read as the name and the generic actor, as annotation guidelines and the
    generic actors do, so the alias is not matched as one name."""
    words = alias.split()
    for cut in (1, 2):
        if len(words) <= cut:
            continue
        head, tail = " ".join(words[:-cut]), " ".join(words[-cut:]).lower()
        if tail not in generic_words:
            continue
        if kb.country_of(head) or any(head == other for other in names if other != alias):
            return True
    return False


class EntityResolver:
    """Corrects ``doc.ents`` with the knowledge base; see the module docstring."""

    def __init__(self, nlp: Language, kb: KnowledgeBase, is_place: Callable[[str], bool] | None = None,
                 is_big_city: Callable[[str], bool] | None = None, people: PersonNames | None = None,
                 misread_place: Callable[[str, int], bool] | None = None):
        self.kb = kb
        self.misread_place = misread_place or (lambda text, words: False)
        self.people = people
        self.is_place = is_place or (lambda text: False)
        self.is_big_city = is_big_city or (lambda text: False)
        self.names = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.shorts = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_label: dict[str, set[str]] = {"GPE": set(), "NORP": set(), "PERSON": set(), "ORG": set()}
        for country in kb.countries.values():
            by_label["GPE"].update((country.name, *country.names))
            if country.capital:
                by_label["GPE"].add(country.capital)
            by_label["NORP"].update(country.demonyms)
        generic_words = _generic_words(kb)
        for actor in kb.actors.values():
            names = (actor.name, *actor.aliases)
            by_label[actor.label].update(n for n in names if not _generic_alias(n, names, kb, generic_words))
        by_label["NORP"] -= by_label["GPE"]  # "U.S." is the country
        for label, names in by_label.items():
            names = {n for n in names if n and not n.lower().startswith("the ")}
            self.names.add(label, list(nlp.tokenizer.pipe(sorted(names))))
        shorts = sorted({s for a in kb.actors.values() if a.type == "person" for s in a.short_names})
        self.shorts.add("PERSON", list(nlp.tokenizer.pipe(shorts)))

    def __call__(self, doc: Doc) -> Doc:
        layout = doc._.newsmon_layout
        ents = [e for e in doc.ents if layout is None or not layout.is_masked(e.start_char, e.end_char)]
        kb_spans = filter_spans(Span(doc, s, e, label=m) for m, s, e in self.names(doc) if _whole_words(doc, s, e))
        ents = self._merge(ents, kb_spans, short=False)
        taken = {i for e in ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
        short_spans = [
            Span(doc, s, e, label="PERSON") for m, s, e in self.shorts(doc)
            if not any(i in taken for i in range(s, e)) and doc[s].pos_ in ("PROPN", "NOUN", "X", "ADJ")
            and _whole_words(doc, s, e)
        ]
        ents = self._merge(ents, filter_spans(short_spans), short=True)
        ents = [line for e in ents for line in _by_line(e)]
        ents = [piece for e in ents for piece in self._split(doc, e)]
        ents = [t for t in (self._trim(doc, e) for e in ents) if t is not None]
        kb_labels = {(s.start, s.end): s.label_ for s in kb_spans}
        ents = [self._kb_label(e, kb_labels) for e in ents if e.label_ not in _ALL_NAME_LABELS or self._capitalised(e, layout)]
        protected = {(s.start, s.end) for s in kb_spans}
        ents = self._not_titles(doc, ents, protected)
        ents = self._places_in_context(doc, ents, protected)
        ents = [self._misread_place(e, protected) for e in ents]
        ents = [self._facility(e, protected) for e in ents]
        ents += self._untagged_cities(doc, ents)
        if self.people is not None:
            ents = self.people(doc, ents, protected)
        ents = self._propagate_surnames(doc, ents, protected)
        ents = self._propagate_places(ents, protected)
        ents = [self._not_a_date(e) for e in ents]
        doc.ents = filter_spans(ents)
        return doc

    def _merge(self, ents: list[Span], kb_spans: list[Span], *, short: bool) -> list[Span]:
        # token index -> the entities covering it, so overlaps are found without scanning every entity
        # (quadratic on an article with thousands of names)
        result: dict[int, Span] = {id(e): e for e in ents}
        covering: dict[int, set[int]] = {}
        for e in ents:
            for i in range(e.start, e.end):
                covering.setdefault(i, set()).add(id(e))
        for kb_span in sorted(kb_spans, key=len, reverse=True):
            found = {k for i in range(kb_span.start, kb_span.end) for k in covering.get(i, ())}
            overlapping = [result[k] for k in found]
            keep_model = False
            for e in overlapping:
                same = (e.start, e.end) == (kb_span.start, kb_span.end)
                inside = e.start <= kb_span.start and kb_span.end <= e.end and not same
                if inside:
                    # a longer model entity holds the KB name: keep it ("Bank of Russia"), unless the KB
                    # name is a person the model wrapped in a title or a neighbour ("International
                    # Development Jean-Marc Ayrault")
                    if kb_span.label_ == "PERSON" and e.label_ in _REPLACEABLE_BY_PERSON and not short:
                        continue
                    keep_model = True
                elif same and short and e.label_ not in _REPLACEABLE_BY_PERSON:
                    keep_model = True  # "May" the DATE is not Theresa May
            if keep_model:
                continue
            for e in overlapping:
                del result[id(e)]
                for i in range(e.start, e.end):
                    covering[i].discard(id(e))
            result[id(kb_span)] = kb_span
            for i in range(kb_span.start, kb_span.end):
                covering.setdefault(i, set()).add(id(kb_span))
        return list(result.values())

    @staticmethod
    def _capitalised(ent: Span, layout) -> bool:
        """Whether a span has a capital letter as the article wrote it (the parse text re-cases all-caps lines)."""
        text = layout.original(ent.start_char, ent.end_char) if layout is not None else ent.text
        return any(c.isupper() for c in text or ent.text)

    @staticmethod
    def _kb_label(ent: Span, kb_labels: dict[tuple[int, int], str]) -> Span:
        """A span that is exactly a KB name takes the KB's label ("Senegal 2-1" ORG, trimmed to "Senegal")."""
        label = kb_labels.get((ent.start, ent.end))
        if label is None or label == ent.label_ or ent.label_ not in _ALL_NAME_LABELS:
            return ent
        return Span(ent.doc, ent.start, ent.end, label=label)

    def _places_in_context(self, doc: Doc, ents: list[Span], protected: set[tuple[int, int]]) -> list[Span]:
        """Places the model took for people or organisations, where the sentence uses them as places."""
        result = list(ents)
        for _ in range(2):  # twice: "in Kebbi and Bayelsa" reaches Bayelsa through Kebbi
            places = {(e.start, e.end) for e in result if e.label_ in ("GPE", "LOC", "FAC")}
            changed = False
            for index, ent in enumerate(result):
                if (ent.label_ not in _MISTAKEN_FOR_PLACE or (ent.start, ent.end) in protected
                        or not all(t.is_title or t.is_upper or not t.is_alpha or t.lower_ in _NAME_PARTICLES for t in ent)):
                    continue
                if not ((self.is_place(ent.text) and self._used_as_place(doc, ent, places)) or self._plainly_a_place(doc, ent)):
                    continue
                result[index] = Span(doc, ent.start, ent.end, label="GPE")
                changed = True
            if not changed:
                break
        return result

    def _untagged_cities(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Big cities after a locative preposition that the model did not tag at all ("in Odesa")."""
        tagged = {i for e in ents for i in range(e.start, e.end)}
        found = []
        for token in doc[:-1]:
            if token.lower_ not in _LOCATIVE:
                continue
            end = token.i + 1
            while end < len(doc) and end - token.i <= 3 and doc[end].is_title and doc[end].pos_ == "PROPN" and end not in tagged:
                end += 1
            if end > token.i + 1 and (end == len(doc) or not doc[end].is_title) and self.is_big_city(doc[token.i + 1:end].text):
                found.append(Span(doc, token.i + 1, end, label="GPE"))
        return found

    def _plainly_a_place(self, doc: Doc, ent: Span) -> bool:
        """A name the text plainly calls a place, gazetteer or not: "the village of Kunin", "Kawlin town",
        "Goma, the main city", "in Maarat al-Numan" for a name the model took for a person."""
        if self.kb.known(ent.text):
            return False
        before = doc[ent.start - 1] if ent.start > 0 else None
        after = doc[ent.end] if ent.end < len(doc) else None
        if before is not None and before.lower_ == "of" and ent.start > 1 and doc[ent.start - 2].lower_ in _PLAIN_PLACE_NOUNS:
            return True
        if after is not None and after.is_lower and after.lower_ in _PLAIN_PLACE_NOUNS:
            return True
        if after is not None and after.lower_ == "and":
            # "the Shahkot and Khuiratta sectors", "Idlib and Hama provinces": the place noun after the pair
            rest = next((t for t in doc[ent.end + 1 : ent.end + 6] if not t.is_title), None)
            if rest is not None and rest.lower_ in _PLAIN_PLACE_NOUNS and rest.lower_.endswith("s"):
                return True
        if ent.label_ == "PERSON" and len(ent) >= 2 and ent[-1].lower_ in _PLAIN_PLACE_NOUNS:
            return True  # "Kogi State", "Bono Region": no person's name ends in a place noun
        if after is not None and after.text == "," and ent.end + 1 < len(doc):
            nxt = doc[ent.end + 1 : ent.end + 4]
            words = [t.lower_ for t in nxt]
            if words and (words[0] in _PLAIN_PLACE_NOUNS or (words[0] in ("the", "a") and len(words) > 1 and
                                                             (words[1] in _PLAIN_PLACE_NOUNS or (len(words) > 2 and words[2] in _PLAIN_PLACE_NOUNS)))):
                return True  # "Goma, capital of North Kivu", "Goma, the main city"
        if (ent.label_ == "PERSON" and before is not None and before.lower_ in _LOCATIVE_STRONG
                and not (after is not None and after.tag_ == "POS")):
            return True  # "in Kharkiv's ...": a person is not "in" a sentence like that
        return False

    def _misread_place(self, ent: Span, protected: set[tuple[int, int]]) -> Span:
        """An "organisation" the gazetteer knows as a place and the knowledge base not as a body ("Idlib",
        "El Fasher", "Crete"): the actors step already leaves it out; its label says place too."""
        if ent.label_ != "ORG" or (ent.start, ent.end) in protected or self.kb.known(ent.text):
            return ent
        if not self.misread_place(ent.text, len(ent)):
            return ent
        return Span(ent.doc, ent.start, ent.end, label="GPE")

    def _facility(self, ent: Span, protected: set[tuple[int, int]]) -> Span:
        """ "the SYL Hotel", "Aden Adde International Airport": a building the model called an organisation."""
        if ent.label_ not in ("ORG", "PERSON") or (ent.start, ent.end) in protected or len(ent) < 2:
            return ent
        if ent.label_ == "PERSON" and ent[-1].lower_ not in _NEVER_A_SURNAME:
            return ent  # "the Serena Hotel" the model calls a person; "Charlotte Church", "Robert Plant" stay people
        if ent[-1].lower_ in _FACILITY_NOUNS or (ent[0].lower_ in _SQUARE_WORDS and ent[1].lower_ in ("de", "del", "della", "do", "da", "of")):
            return Span(ent.doc, ent.start, ent.end, label="FAC")  # also "Place de la Nation", "Plaza de Mayo"
        if ent[-1].lower_ in _NATURAL_FEATURES:
            return Span(ent.doc, ent.start, ent.end, label="LOC")  # "Dotson Ice Shelf", "Kushiyara River"
        return ent

    def _not_titles(self, doc: Doc, ents: list[Span], protected: set[tuple[int, int]]) -> list[Span]:
        """Pieces of titles the model took for names: "State" of "Secretary of State", "Justice" of "Justice
        Emeka Nwite", "Health" of "Health Minister", "Indian External Affairs" of "Indian External Affairs
        Minister" (the demonym stays, as a nationality)."""
        result = []
        for ent in ents:
            if ent.label_ not in ("ORG", "PERSON") or (ent.start, ent.end) in protected:
                result.append(ent)
                continue
            words = [t.text for t in ent]
            before = [t.text for t in doc[max(ent.sent.start, ent.start - 3) : ent.start]]
            after = doc[ent.end : min(ent.sent.end, ent.end + 3)]
            title_like = self.kb.title(ent.text) is not None
            inside_title = any(
                self.kb.title(" ".join([*before[k:], *words, *(t.text for t in after[:j]) ]))
                for k in range(len(before) + 1) for j in range(len(after) + 1) if k < len(before) or j > 0
            )
            portfolio = ent.label_ == "ORG" and len(after) > 0 and after[0].lower_ in _PORTFOLIO_HEADS
            if not (title_like or inside_title or portfolio):
                result.append(ent)
                continue
            # keep a leading demonym or country as what it is: "Indian" of "Indian External Affairs"
            first = ent[0]
            if len(ent) > 1 and self.kb.country_of(first.text):
                label = "GPE" if self.kb.country_by_name(first.text) else "NORP"
                result.append(Span(doc, ent.start, ent.start + 1, label=label))
        return result

    @staticmethod
    def _used_as_place(doc: Doc, ent: Span, places: set[tuple[int, int]]) -> bool:
        before = doc[ent.start - 1] if ent.start > 0 else None
        after = doc[ent.end] if ent.end < len(doc) else None
        if before is not None and before.lower_ in _LOCATIVE:
            return True
        if (before is not None and before.lower_ in ("on", "against") and before.head.pos_ == "NOUN"
                and before.head.lemma_.lower() in _STRIKE_NOUNS):
            return True  # "a drone attack on Kharkiv", "air strikes on Idlib"
        if before is not None and before.lower_ == "of" and ent.start > 1 and doc[ent.start - 2].lower_ in _PLACE_NOUNS:
            return True  # "the city of Nottingham", "north of Goma"
        if after is not None and after.is_lower and after.lower_ in _PLACE_NOUNS:
            return True  # "the Arequipa region", "Rakhine state"
        if before is not None and before.is_lower and before.lower_ in _PLACE_NOUNS and before.head.i >= ent.start:
            return True  # "the Gezira capital Wad Madani", "the border town Kupiansk": the place noun names it
        if (ent.root.dep_ in ("dobj", "obj") and ent.root.head.pos_ == "VERB"
                and ent.root.head.lemma_.lower() in _PLACE_OBJECT_VERBS):
            return True  # "after seizing Goma", "rebels' claim to control Goma"
        # coordinated with a place: "Casablanca and Marrakesh", "Kebbi and Bayelsa"
        if before is not None and before.lower_ in ("and", "or", ",") and any(end == ent.start - 1 for _, end in places):
            return True
        if after is not None and after.lower_ in ("and", "or", ",") and any(start == ent.end + 1 for start, _ in places):
            return True
        return False

    def _propagate_surnames(self, doc: Doc, ents: list[Span], protected: set[tuple[int, int]]) -> list[Span]:
        """A surname alone ("Putin") is the person named in full elsewhere in the article."""
        surnames = {
            e[-1].text for e in ents
            if e.label_ == "PERSON" and len(e) >= 2 and all(t.is_alpha or t.text in ("-", ".") or t.text.endswith(".") for t in e)
            and e[-1].is_title and len(e[-1].text) > 2 and self.kb.country_of(e[-1].text) is None
        }
        # a listed Chinese, Korean or Vietnamese name's family name comes first ("Wang Yi" ... "Wang said")
        surnames |= {e[0].text for e in ents if e.label_ == "PERSON" and len(e) == 2 and e[0].is_title
                     and any(k.type == "person" and k.country in _FAMILY_NAME_FIRST for k in self.kb.known(e.text))}
        if not surnames:
            return ents
        in_person = {i for e in ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
        by_token = {i: e for e in ents for i in range(e.start, e.end)}
        result = list(ents)
        for token in doc:
            if token.text not in surnames or token.i in in_person or token.pos_ not in ("PROPN", "NOUN", "ADJ", "X"):
                continue
            holder = by_token.get(token.i)
            if holder is not None:
                if len(holder) != 1 or (holder.start, holder.end) in protected:
                    continue
                result.remove(holder)
            result.append(Span(doc, token.i, token.i + 1, label="PERSON"))
        return result

    def _propagate_places(self, ents: list[Span], protected: set[tuple[int, int]]) -> list[Span]:
        """A name the article once uses as a place ("the coastal town of Kyaukphyu") is that place where
        the model called it a person or a people ("Kyaukphyu is home to a port")."""
        places = {e.text for e in ents if e.label_ in ("GPE", "LOC")}
        if not places:
            return ents
        return [Span(e.doc, e.start, e.end, label="GPE")
                if e.label_ in _MISTAKEN_FOR_PLACE and e.text in places and (e.start, e.end) not in protected
                and not self.kb.known(e.text) else e for e in ents]

    def _trim(self, doc: Doc, ent: Span) -> Span | None:
        start, end = ent.start, ent.end
        if ent.label_ == "PERSON" and ent[0].is_sent_start and not self.kb.known(ent.text):
            if len(ent) == 1 and ent[0].pos_ == "NOUN":
                return None  # "Turnout was 58 percent": a common noun the tagger reads as one, capitalised
            if len(ent) > 1 and self.kb.country_by_name(doc[start + 1 : end].text) is not None:
                return Span(doc, start + 1, end, label="GPE")  # "Hosts Morocco reached the final"
        if ent.label_ == "PERSON":
            while end - start > 1 and (
                doc[start].lower_ in self.kb.title_words
                or doc[start].lower_ in _HONORIFICS
                or self.kb.country_of(doc[start].text) is not None
                or doc[start].lower_ in ("the", "his", "her")
            ):
                start += 1
        while end - start > 1 and doc[end - 1].tag_ == "POS":
            end -= 1
        if ent.label_ in _NAME_LABELS:
            while end - start > 1 and (doc[end - 1].is_punct or _NUMBERISH.match(doc[end - 1].text)):
                end -= 1  # "Somerset 83", "South Africa -": scores and dashes are not names
            while end - start > 1 and doc[start].is_punct:
                start += 1
        if ent.label_ in ("GPE", "LOC", "FAC", "NORP"):
            layout = doc._.newsmon_layout
            while end - start > 1 and doc[end - 1].is_alpha and self._written_lower(doc[end - 1], layout):
                end -= 1  # "the Pacific coast", "Syrian army": a place or a people, not the noun after it
        while end - start > 1 and doc[start].lower_ == "the" and (doc[start].text == "the" or doc[start].is_sent_start):
            start += 1  # "the World Cup": the article is not part of the name ("The Hague" mid-sentence is)
        if (start, end) == (ent.start, ent.end):
            return ent
        return Span(doc, start, end, label=ent.label_)

    def _split(self, doc: Doc, ent: Span) -> list[Span]:
        """Place and person names do not run across a comma ("Grace Road , Leicestershire") or "at";
        places not across "and" when both sides are places ("Kyiv and Chernihiv"); and a country's
        possessive starts a new name ("Iran's Revolutionary Guards")."""
        paren = next((t.i for t in ent[1:-1] if t.text == "("), None)
        if paren is not None:
            # "Office of Foreign Assets Control (OFAC": the name, and its abbreviation on its own
            inner_end = next((t.i for t in doc[paren + 1 : ent.end] if t.text == ")"), ent.end)
            pieces = [Span(doc, ent.start, paren, label=ent.label_)]
            if inner_end > paren + 1:
                pieces.append(Span(doc, paren + 1, inner_end, label=ent.label_))
            return [q for piece in pieces for q in self._split(doc, piece)]
        possessive = next((t.i for t in ent[1:-1] if t.tag_ == "POS"), None)
        if possessive is not None and self.kb.country_by_name(doc[ent.start:possessive].text) is not None:
            return [Span(doc, ent.start, possessive, label="GPE"),
                    *self._split(doc, Span(doc, possessive + 1, ent.end, label=ent.label_))]
        ands = [t.i for t in ent[1:-1] if t.lower_ == "and"]
        if (len(ands) == 1 and ent.label_ != "PERSON" and not self._is_place_name(ent.text)
                and self._is_place_name(doc[ent.start:ands[0]].text) and self._is_place_name(doc[ands[0] + 1:ent.end].text)):
            # "Kyiv and Chernihiv" (which the model may call anything), not "Trinidad and Tobago"
            return [Span(doc, ent.start, ands[0], label="GPE"), Span(doc, ands[0] + 1, ent.end, label="GPE")]
        if ent.label_ not in ("PERSON", "GPE", "LOC", "FAC") or len(ent) < 3:
            return [ent]
        cuts = [t.i for t in ent[1:-1] if t.text == "," or (ent.label_ == "PERSON" and t.lower_ in _NOT_IN_NAMES)]
        if not cuts:
            return [ent]
        pieces, start = [], ent.start
        for cut in cuts + [ent.end]:
            if cut > start:
                pieces.append(Span(doc, start, cut, label=ent.label_))
            start = cut + 1
        return pieces

    @staticmethod
    def _written_lower(token, layout) -> bool:
        text = layout.original(token.idx, token.idx + len(token.text)) if layout is not None else token.text
        return (text or token.text).islower()

    def _is_place_name(self, text: str) -> bool:
        return self.is_place(text) or self.kb.country_of(text) is not None

    @staticmethod
    def _not_a_date(ent: Span) -> Span:
        if ent.label_ == "DATE" and ent.text.isdigit() and not is_date_expression(ent.text):
            return Span(ent.doc, ent.start, ent.end, label="CARDINAL")
        return ent


@Language.factory("newsmon_entities", default_config={"knowledge_dir": None})
def make_entity_resolver(nlp: Language, name: str, knowledge_dir: str | None) -> EntityResolver:
    gazetteer = get_gazetteer(knowledge_dir)

    def city_population(text: str, *, exact: bool = True) -> int:
        place = gazetteer.lookup(text)
        return place.population if place is not None and (not exact or normalize(place.name) == normalize(text)) else 0

    def is_big_city(text: str) -> bool:
        return city_population(text) >= 100_000

    kb = get_knowledge(knowledge_dir)
    is_place = place_names(knowledge_dir)

    def is_known(text: str) -> bool:
        return is_place(text) or kb.country_of(text) is not None or bool(kb.known(text))

    def is_major_place(word: str, population: int) -> bool:
        """A country, a capital, a KB name, or a city of ``population`` people or more (by any of its names)."""
        return (kb.country_of(word) is not None or normalize(word) in kb.capital_index or bool(kb.known(word))
                or city_population(word, exact=False) >= population)

    titles = [variant for title in kb.titles for variant in title.variants]
    people = PersonNames(given_names(), ambiguous_words(nlp), titles, is_known,
                         lambda word: kb.country_of(word) is not None, is_major_place)
    return EntityResolver(nlp, kb, is_place, is_big_city, people, gazetteer.misread_as_organisation)


def _fold(text: str) -> str:
    """``normalize`` without accents: "Nuevo León" and "Nuevo Leon" are one name."""
    decomposed = unicodedata.normalize("NFKD", normalize(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def place_names(knowledge_dir: str | None = None) -> Callable[[str], bool]:
    """Whether a name is a known place: a city of the gazetteer or a region (ISO 3166-2 subdivision)."""
    import pycountry

    gazetteer = get_gazetteer(knowledge_dir)
    regions = {_fold(s.name) for s in pycountry.subdivisions}
    return lambda text: gazetteer.has(text) or _fold(text) in regions

