"""People's names the model mislabels or misses, found through a list of given names.

The small English model often calls an unfamiliar person's name an organisation or a place
("Murat Kaya" ORG, "Lucas Ferreira" GPE), or tags nothing at all ("Marta Ruiz, chief economist
at ..."). :class:`PersonNames` corrects such spans with one general rule: two or three capitalised
words whose first is a known given name (or an initial, "P. Simmons"), with no word that says
organisation or place ("Bank", "Party", "FC", "Road", ...), that are not a name the knowledge base
or the gazetteer knows, are a person.

Given names that are also ordinary English words ("Grace", "Frank", "Major"), titles, or places
("Jordan", "Florence") need a cue besides: a title or role before the name ("spokesperson Lena
Brandt", "Aid worker Nasrin Akter"), a reporting verb after it or "said" before it ("said Lena
Brandt", "Lena Brandt told ..."), or an apposition giving a role (", chief economist at ...").

The given names are those of the ``gender-guesser`` package's data file (``nam_dict.txt``, from
the program "gender" by Jörg Michael, about 45,000 first names of 50+ countries, GNU Free
Documentation License); newsmon reads it where pip installed it and ships no copy. Without the
package the rule finds nothing and newsmon works as before.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

# Labels the model gives people's names by mistake; PERSON spans are only trimmed.
MISLABELLED = frozenset({"ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"})

# A word of a name that says the name is an organisation, a team, an event or a place.
NOT_A_PERSON = frozenset("""
    ministry ministries department office agency authority authorities council commission committee
    party parties bank fund trust foundation institute institution university college school academy
    association federation union league confederation alliance coalition movement front army forces force
    guard guards brigade brigades police court tribunal parliament assembly senate congress government
    administration cabinet embassy consulate mission hotel hospital airport airbase stadium mosque cathedral prison
    inc inc. corp corp. corporation co co. ltd ltd. llc plc ag sa gmbh nv bv company companies group holdings
    partners capital securities investments insurance airlines airways air motors energy oil gas petroleum
    pharmaceuticals pharma systems technologies technology networks media news times post journal radio
    television tv press records studios pictures entertainment industries international global worldwide
    telecom telecommunications electric power mining steel bancorp financial services solutions labs
    fc f.c. afc cf sc ac united rovers wanderers athletic athletico albion rangers city town county olympic
    club team cup open championship championships games tournament festival awards prize marathon grand prix
    democrats republicans socialists conservatives liberals greens labour communists nationalists
    road street avenue boulevard lane square bridge park stadium arena airport station port harbour harbor
    hospital clinic church cathedral mosque temple synagogue palace castle tower centre center mall market
    island islands lake river mountains mountain mount hills heights valley beach bay coast gulf sea ocean
    crescent desert forest falls canal strait peninsula province region state district republic kingdom empire
    emirate emirates territory territories oblast governorate prefecture camp
    declaration accord agreement treaty act plan initiative project programme program report index
    """.split())

# Words of place names that are also common surnames ("Stuart Hall"): they rule a person out only when the model
# called the name a place or a building ("the Albert Hall" FAC).
PLACE_OR_SURNAME = frozenset({"hall", "house", "church", "green", "hill", "wood", "woods", "field", "fields", "gardens",
                              "gate", "place", "cross", "wells", "ford", "rock", "park"})

# Nouns that, around a name, say that it is a company's: "shares of Tim Hortons", "Dean Witter's profit".
COMPANY_NOUNS = frozenset("""
    share shares stock stocks stake profit profits revenue revenues earnings sales turnover subsidiary subsidiaries
    unit units division brand brands store stores restaurant restaurants factory factories plant plants outlet outlets
    shareholder shareholders investor investors customer customers employee employees headquarters bid takeover
    merger chain franchise products product
    """.split())

# Role and occupation nouns that, right before a name, say that the name is a person's.
ROLE_NOUNS = frozenset("""
    spokesman spokeswoman spokesperson official officials analyst analysts economist economists strategist
    farmer farmers worker workers resident residents villager villagers witness witnesses survivor
    activist activists lawyer lawyers attorney doctor doctors nurse nurses teacher teachers student students
    professor researcher researchers scientist scientists engineer engineers pilot driver drivers broker
    trader traders fisherman fishermen shopkeeper vendor owner founder director chairman chairwoman chair
    executive ceo manager coach captain player striker forward midfielder defender goalkeeper keeper
    substitute winger batsman bowler rider runner sprinter champion veteran rookie teammate
    mayor governor senator lawmaker legislator deputy candidate minister president premier chancellor
    ambassador envoy diplomat negotiator mediator commander general colonel lieutenant sergeant officer
    soldier judge prosecutor investigator inspector detective sheriff
    journalist reporter correspondent editor photographer commentator columnist author writer novelist
    poet artist actor actress singer rapper musician director producer filmmaker designer architect
    priest imam pastor bishop rabbi cardinal archbishop monk nun
    mother father son daughter brother sister wife husband widow uncle aunt cousin grandmother grandfather
    mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame lord lady sheikh
    """.split())

# Words that start names but are not given names here (articles and particles of place and company names).
PARTICLES = frozenset("""
    Le La Les L El Al Ad An De Del Della Der Den Des Da Di Du Dos Das Van Von Ten Ter San Santa Santo Sao St Saint
    Ben Bin Abu Ibn Ould Mac Mc Mont Port Fort Cape Lake Mount
    """.split())

_REPORTING_VERBS = frozenset({"say", "tell", "add", "write", "warn", "explain", "state", "announce", "insist",
                              "argue", "note", "claim", "deny", "confirm", "urge", "describe", "recall", "acknowledge"})
_STOPPERS = frozenset({"(", ")", ",", ";", ":", "[", "]", "/"})
_INITIAL = re.compile(r"^[A-Z]\.$")
# A given name that is also the name of a city this big needs a cue ("Florence", "Elizabeth"); so does a name whose
# later word is a city this big ("Lada Togliatti" the club; not "Lindsay Davenport": many surnames are towns).
FIRST_WORD_CITY = 100_000
LATER_WORD_CITY = 500_000


def _data_file() -> Path | None:
    """Where pip put gender-guesser's name list (found without importing the package)."""
    try:
        spec = importlib.util.find_spec("gender_guesser")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
        path = Path(folder) / "data" / "nam_dict.txt"
        if path.is_file():
            return path
    return None


def parse_name_list(lines: Iterable[str]) -> frozenset[str]:
    """Given names from lines of ``nam_dict.txt``: "M  Murat   ..." (code, then the name in columns 4-29).

    Lines marked with "+" in column 30 repeat a name with expanded umlauts and are skipped; a "+"
    inside a name (Arabic, Chinese, Korean names) stands for a hyphen, a space or nothing.
    """
    names: set[str] = set()
    for line in lines:
        if not line or line[0] in "#=" or len(line) < 4:
            continue
        if len(line) > 29 and line[29] == "+":
            continue
        name = line[3:29].strip()
        if not name:
            continue
        joined = name.replace("+", "")
        variants = {name} if "+" not in name else {name.replace("+", "-"), joined, joined.capitalize()}
        for variant in variants:
            letters = variant.replace("-", "").replace("'", "")
            if len(letters) >= 2 and letters.isalpha() and variant[0].isupper():
                names.add(variant)
    return frozenset(names)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """The given-name list, read once per process (empty when gender-guesser is not installed)."""
    path = _data_file()
    if path is None:
        log.warning("gender-guesser is not installed: people's names are not checked against a given-name list")
        return frozenset()
    with path.open(encoding="utf-8", errors="replace") as handle:
        return parse_name_list(handle)


def ambiguous_words(nlp: Language) -> frozenset[str]:
    """Lower-case English adjectives, adverbs and verbs, from the model's lemmatizer tables ("grace", "frank")."""
    words: set[str] = set(nlp.Defaults.stop_words)
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is not None and lookups.has_table("lemma_index"):
        table = lookups.get_table("lemma_index")
        for pos in ("adj", "adv", "verb"):
            if pos in table:
                words.update(w for w in table[pos] if "_" not in w)
    return frozenset(words)


class PersonNames:
    """Finds people's names among the model's entities and the capitalised words it left untagged."""

    def __init__(self, given: frozenset[str], ambiguous: frozenset[str], titles: Iterable[str],
                 is_known: Callable[[str], bool], is_country: Callable[[str], bool],
                 is_major_place: Callable[[str, int], bool] | None = None):
        """``ambiguous``: lower-case words a given name may also be; ``titles``: titles as the text writes
        them ("Foreign Minister", "General"); ``is_known``: whether a text is a place, a country or a KB name;
        ``is_country``: whether a word names a country or its people; ``is_major_place``: whether a word
        is a country, a capital, a KB name or a city of at least so many people ("Jordan", "Sofia", "Florence")."""
        self.titles = frozenset(re.sub(r"\s+", " ", t).strip().lower() for t in titles)
        title_words = frozenset(w for t in self.titles for w in t.split())
        given = frozenset(n for n in given if n not in PARTICLES)
        self.plain = frozenset(n for n in given if n.lower() not in ambiguous and n.lower() not in title_words
                               and n.lower() not in ROLE_NOUNS)
        self.ambiguous = given - self.plain
        # one word right before a name that says it is a person's: a role, or a one-word title ("General")
        self.cues = ROLE_NOUNS | frozenset(t for t in self.titles if " " not in t)
        self.is_known = is_known
        self.is_country = is_country
        self.is_major_place = is_major_place or (lambda word, population: is_known(word))
        self.known_cache: dict[str, bool] = {}

    # --- the component's step

    def __call__(self, doc: Doc, ents: list[Span], protected: set[tuple[int, int]]) -> list[Span]:
        if not self.plain and not self.ambiguous:
            return ents
        result: list[Span] = []
        for ent in ents:
            if ent.label_ in MISLABELLED and (ent.start, ent.end) not in protected:
                result.extend(self._relabel(doc, ent) or [ent])
            elif ent.label_ == "PERSON" and (ent.start, ent.end) not in protected:
                result.append(self._trim_role(doc, ent))
            else:
                result.append(ent)
        return self._untagged(doc, result, protected)

    def _relabel(self, doc: Doc, ent: Span) -> list[Span] | None:
        """A model entity that is (or holds) a person's name, cut into the name and what surrounds it."""
        start, end = ent.start, ent.end
        cued = False
        country: Span | None = None
        # a prefix: titles and roles ("General Sylvain Ekenge"), or a country and a dash ("Romania - Cosmin Contra")
        while start < end:
            title = self._title_at(doc, start, end)
            if not title:
                break
            start += title
            cued = True
        if start == ent.start:
            dash = next((t.i for t in doc[start:end] if self._spaced_dash(t)), None)
            if dash is not None and dash > start and self.is_known(doc[start:dash].text):
                country = Span(doc, start, dash, label="GPE")
                start = dash + 1
        name_end = self._name_end(doc, start, end)
        if name_end is None:
            return None
        # a suffix: nothing, or a bracket or comma and a country ("Scott Draper ( Australia")
        rest = [t for t in doc[name_end:end] if not t.is_punct]
        suffix: Span | None = None
        if rest:
            if doc[name_end].text not in _STOPPERS and not self._spaced_dash(doc[name_end]):
                return None
            first, last = rest[0].i, rest[-1].i + 1
            if not self.is_known(doc[first:last].text) or any(t.text in _STOPPERS for t in doc[first:last]):
                return None
            suffix = Span(doc, first, last, label="GPE")
        if not self._is_person(doc, start, name_end, cued=cued):
            return None
        return [s for s in (country, Span(doc, start, name_end, label="PERSON"), suffix) if s is not None]

    def _trim_role(self, doc: Doc, ent: Span) -> Span:
        """ "Farmer Abdul Karim", "Substitute Karim Benali": a role written before a name is not part of it."""
        start = ent.start
        while ent.end - start > 2:
            title = self._title_at(doc, start, ent.end - 2)
            if not title or not self._first_name(doc[start + title]):
                break
            start += title
        return ent if start == ent.start else Span(doc, start, ent.end, label="PERSON")

    def _title_at(self, doc: Doc, start: int, end: int) -> int:
        """How many tokens from ``start`` (before ``end``) are a title or a role ("Chief Executive", "Aid worker")."""
        for size in range(min(4, end - start), 0, -1):
            span = doc[start:start + size]
            if span.text.lower() in self.titles or (size == 1 and span.text.lower() in ROLE_NOUNS):
                if size == 1 and self._word_text(span[0]) in self.plain:
                    return 0
                return size
        return 0

    def _untagged(self, doc: Doc, ents: list[Span], protected: set[tuple[int, int]]) -> list[Span]:
        """Names the model left untagged, or tagged in part ("Mikael" LOC + "Tillstrom"): a given name or
        an initial and one or two more capitalised words, all proper nouns."""
        owner: dict[int, Span] = {i: e for e in ents for i in range(e.start, e.end)}
        added: list[Span] = []
        removed: set[Span] = set()
        i = 0
        n = len(doc)
        while i < n:
            token = doc[i]
            if (not (token.is_title or _INITIAL.match(token.text)) or not self._first_name(token)
                    or (token.lower_ in self.cues and self._word_text(token) not in self.plain)):
                i += 1
                continue
            end = self._name_end(doc, i, min(n, i + 8), any_end=True)
            if end is None or any(doc[j].pos_ not in ("PROPN", "PUNCT") for j in range(i, end)):
                i += 1
                continue
            holders = {owner[j] for j in range(i, end) if j in owner}
            if holders and (
                any(h.start < i or h.end > end or (h.start, h.end) in protected
                    or (h.label_ not in MISLABELLED and h.label_ != "PERSON") for h in holders)
                or any(h.label_ == "PERSON" and (h.start, h.end) == (i, end) for h in holders)
            ):
                i = end  # part of a longer entity, a KB name, a date..., or already this person
                continue
            before = doc[i - 1] if i > 0 else None
            if before is not None and before.is_alpha and not before.is_sent_start and (
                    (before.i in owner and owner[before.i] not in holders)
                    or (before.is_title and before.lower_ not in self.cues)):
                i = end  # the end of a longer name ("Bank of England Mark Carney", "New Mark Smith")
                continue
            if end < n and self._word(doc[end]) and doc[end].is_title:
                i = end  # more than three capitalised words: not a name this rule knows
                continue
            if not self._is_person(doc, i, end, cued=False):
                i = end
                continue
            added.append(Span(doc, i, end, label="PERSON"))
            removed |= holders
            i = end
        if not added:
            return ents
        return [e for e in ents if e not in removed] + added

    # --- the rule

    def _is_person(self, doc: Doc, start: int, end: int, *, cued: bool) -> bool:
        """Whether doc[start:end], two or three name words starting with a given name or an initial, is a person."""
        first = doc[start]
        words = self._words(doc, start, end)
        if not 2 <= len(words) <= 3:
            return False
        if _INITIAL.match(first.text) and len(words) != 2:
            return False
        text = doc[start:end].text
        if any(w.lower() in NOT_A_PERSON for w in words) or self._known(text):
            return False
        if words[-1].lower() in PLACE_OR_SURNAME and doc[start].ent_type_ in ("FAC", "LOC", "GPE"):
            return False
        if self._company_context(doc, start, end):
            return False
        if any(self.is_country(w) for w in words[1:]):
            return False  # "Jordan Israel", "Victoria German": a country or its people is no surname
        if _INITIAL.match(first.text) and (self._known(words[1]) or doc[start + 1].ent_type_ in ("NORP", "GPE", "LOC")):
            return False  # "S. Korean", "N. Ireland"
        # a given name that is also a word, a title or a place, or a big place after it ("Lada Togliatti"), needs a cue
        needs_cue = (self._needs_cue(words[0]) or any(self._major(w, LATER_WORD_CITY) for w in words[1:])
                     or self._modifies_noun(doc, start, end))
        return not needs_cue or cued or self._cued(doc, start, end)

    def _company_context(self, doc: Doc, start: int, end: int) -> bool:
        """ "shares of X", "analysts at X", "X's profit", "X restaurants": the name is a company's."""
        if start >= 2 and doc[start - 1].lower_ in ("of", "at", "in", "with", "from"):
            noun = doc[start - 2]
            if noun.lower_ in COMPANY_NOUNS or (noun.lower_ in ROLE_NOUNS and doc[start - 1].lower_ != "of"):
                return True
        j = end
        if j < len(doc) and doc[j].tag_ == "POS":
            j += 1
        return j < len(doc) and doc[j].is_lower and doc[j].lower_ in COMPANY_NOUNS

    @staticmethod
    def _modifies_noun(doc: Doc, start: int, end: int) -> bool:
        """ "the Johan Sverdrup field": a name before a common noun that it modifies names a thing as often as a person."""
        if end >= len(doc) or not doc[end].is_lower or doc[end].pos_ != "NOUN":
            return False
        return any(t.head.i == end or (t.dep_ == "compound" and t.head.i >= end) for t in doc[start:end])

    def _needs_cue(self, word: str) -> bool:
        """A given name that is also an English word, a title or a place: "Grace", "General", "Jordan"."""
        if _INITIAL.match(word):
            return False
        head = word.split("-")[0]
        if word not in self.plain and head not in self.plain:
            return True
        return self._major(word, FIRST_WORD_CITY)

    def _major(self, word: str, population: int) -> bool:
        key = f"{population}\0{word}"
        major = self.known_cache.get(key)
        if major is None:
            major = self.known_cache[key] = bool(self.is_major_place(word, population))
        return major

    def _cued(self, doc: Doc, start: int, end: int) -> bool:
        """A title or role before the name, a reporting verb around it, or a role in apposition after it."""
        sent_start = doc[start].sent.start
        if start > sent_start:
            before = doc[start - 1]
            if before.lower_ in self.cues or before.lemma_ == "say":
                return True
        if end < len(doc):
            after = doc[end]
            if after.lemma_ in _REPORTING_VERBS and after.pos_ in ("VERB", "AUX"):
                return True
            if after.text == ",":
                for token in doc[end + 1:min(len(doc), end + 6)]:
                    if token.is_punct:
                        break
                    if token.lemma_ in _REPORTING_VERBS and token.pos_ == "VERB":
                        return True
                    if token.is_lower and token.lower_ in self.cues:
                        return True
        return False

    # --- words of a name

    def _first_name(self, token) -> bool:
        if _INITIAL.match(token.text):
            return True
        word = self._word_text(token)
        return word in self.plain or word in self.ambiguous or word.split("-")[0] in self.plain

    def _word_text(self, token) -> str:
        """The token and the hyphenated parts spaCy split off it ("Jean" "-" "Paul" -> "Jean-Paul")."""
        doc = token.doc
        j = token.i
        while j + 2 < len(doc) and not doc[j].whitespace_ and doc[j + 1].text == "-" and not doc[j + 1].whitespace_ \
                and doc[j + 2].is_alpha:
            j += 2
        return doc[token.i:j + 1].text

    @staticmethod
    def _word(token) -> bool:
        """A capitalised name word: "Kaya", "McCague", "O'Brien" (not "PLC", "Bank's", "2-1")."""
        text = token.text
        letters = text.replace("'", "").replace("\u2019", "")
        return bool(letters) and letters.isalpha() and text[0].isupper() and any(c.islower() for c in text)

    def _name_end(self, doc: Doc, start: int, end: int, *, any_end: bool = False) -> int | None:
        """The end of the name words that start at ``start`` (up to 3 words, hyphenated parts joined), or None
        when ``start`` is no given name or initial. ``any_end``: the name may stop before ``end``."""
        if start >= end or not self._first_name(doc[start]):
            return None
        j, count = start, 0
        while j < end and count < 3:
            token = doc[j]
            if count == 0 and _INITIAL.match(token.text):
                j += 1
            elif self._word(token):
                j = token.i + len(self._word_text(token).replace("-", " - ").split())
            else:
                break
            count += 1
        if count < 2:
            return None
        if not any_end and j < end and doc[j].text not in _STOPPERS and not self._spaced_dash(doc[j]):
            return None
        return j

    def _words(self, doc: Doc, start: int, end: int) -> list[str]:
        words, j = [], start
        while j < end:
            text = doc[j].text if _INITIAL.match(doc[j].text) else self._word_text(doc[j])
            words.append(text)
            j += 1 if _INITIAL.match(doc[j].text) else len(text.replace("-", " - ").split())
        return words

    @staticmethod
    def _spaced_dash(token) -> bool:
        doc = token.doc
        return token.text in ("-", "\u2013", "\u2014") and bool(token.whitespace_) and token.i > 0 \
            and bool(doc[token.i - 1].whitespace_)

    def _known(self, text: str) -> bool:
        known = self.known_cache.get(text)
        if known is None:
            known = self.known_cache[text] = bool(self.is_known(text))
        return known
