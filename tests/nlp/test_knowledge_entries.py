"""Every shipped knowledge-base entry: its fields, its source, its dates; and what the world files cover.

The knowledge base is data that people extend by hand (docs/knowledge-base.md). These tests read
the shipped files as written, not through the loader, so a typo in any one of about 3,300 entries
fails here with the file and the name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest
import yaml

from newsmon.nlp.knowledge import ORGANIZATION_KEYS, PERSON_KEYS, SECTORS, get_knowledge, slug

KB_DIR = Path(str(resources.files("newsmon") / "data" / "kb"))
FILES = sorted(KB_DIR.rglob("*.yaml"))
EARLIEST = dt.date(1940, 1, 1)
LATEST = dt.date.today() + dt.timedelta(days=366)  # an office may be announced ahead of its start


def _entries(section: str) -> list[tuple[str, dict]]:
    found = []
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get(section) or ():
            found.append((str(path.relative_to(KB_DIR)), entry))
    return found


PEOPLE = _entries("people")
ORGANIZATIONS = _entries("organizations")


def _roles() -> set[str]:
    return {t.role for t in get_knowledge().titles if t.role}


def _date(value) -> dt.date | None:
    if value is None:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def test_the_world_files_are_shipped_and_large():
    assert any(p.parent.name == "world" for p in FILES)
    assert len(PEOPLE) > 2500 and len(ORGANIZATIONS) > 300


@pytest.mark.parametrize("section, entries, allowed", [("people", PEOPLE, PERSON_KEYS), ("organizations", ORGANIZATIONS, ORGANIZATION_KEYS)])
def test_every_entry_has_a_name_a_source_and_known_keys(section, entries, allowed):
    problems = []
    for where, entry in entries:
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: an entry without a name: {entry}")
            continue
        if set(entry) - allowed:
            problems.append(f"{where}: {name}: unknown keys {sorted(set(entry) - allowed)}")
        source = entry.get("source")
        sources = source if isinstance(source, list) else [source]
        if not all(isinstance(s, str) and s.startswith(("http://", "https://")) for s in sources):
            problems.append(f"{where}: {name}: source {source!r} is not a URL")
        if "seen" in entry and not isinstance(entry["seen"], bool):
            problems.append(f"{where}: {name}: seen must be true or false")
        for alias in entry.get("aliases") or ():
            if not isinstance(alias, str) or not alias.strip():
                problems.append(f"{where}: {name}: empty or non-text alias {alias!r}")
    assert not problems, "\n".join(problems[:30])


def test_every_person_has_known_codes_and_sane_offices():
    kb = get_knowledge()
    roles = _roles()
    problems = []
    for where, entry in PEOPLE:
        name = entry["name"]
        country = entry.get("country")
        if country is not None and country != "IGO" and country not in kb.countries:
            problems.append(f"{where}: {name}: country {country!r} is not a known code")
        if entry.get("sector") is not None and entry["sector"] not in SECTORS:
            problems.append(f"{where}: {name}: sector {entry['sector']!r}")
        for office in entry.get("offices") or ():
            role, start, end, *rest = list(office) + [None] * (5 - len(office))
            office_country, sector = (rest + [None, None])[:2]
            if role not in roles:
                problems.append(f"{where}: {name}: role {role!r} is not in titles.yaml")
            try:
                first, last = _date(start), _date(end)
            except ValueError:
                problems.append(f"{where}: {name}: {role}: dates {start!r}, {end!r} are not YYYY-MM-DD")
                continue
            if first is None:
                problems.append(f"{where}: {name}: {role}: no start date")
            elif not EARLIEST <= first <= LATEST:
                problems.append(f"{where}: {name}: {role}: start {first} is out of range")
            if last is not None and (last > LATEST or (first is not None and last < first)):
                problems.append(f"{where}: {name}: {role}: ends {last}, starts {first}")
            if office_country is not None and office_country != "IGO" and office_country not in kb.countries:
                problems.append(f"{where}: {name}: {role}: country {office_country!r}")
            if sector is not None and sector not in SECTORS:
                problems.append(f"{where}: {name}: {role}: sector {sector!r}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_every_organization_has_a_known_type_sector_and_country():
    kb = get_knowledge()
    problems = []
    for where, entry in ORGANIZATIONS:
        name = entry["name"]
        if entry.get("type", "organization") not in ("organization", "igo", "group", "country", "location"):
            problems.append(f"{where}: {name}: type {entry.get('type')!r}")
        if entry.get("sector") is not None and entry["sector"] not in SECTORS:
            problems.append(f"{where}: {name}: sector {entry['sector']!r}")
        country = entry.get("country")
        if country is not None and country != "IGO" and country not in kb.countries:
            problems.append(f"{where}: {name}: country {country!r}")
        if entry.get("type") == "igo" and country != "IGO":
            problems.append(f"{where}: {name}: an igo has country IGO")
    assert not problems, "\n".join(problems[:30])


def test_no_person_holds_one_role_twice_at_once():
    """The same person and role in two files with different dates is a conflict to settle, not to average."""
    problems = []
    for actor in get_knowledge().actors.values():
        by_role = defaultdict(list)
        for office in actor.offices:
            by_role[(office.role, office.country)].append(office)
        for (role, _), offices in by_role.items():
            offices.sort(key=lambda o: o.start or dt.date.min)
            for a, b in zip(offices, offices[1:]):
                if a.end is None or (b.start is not None and a.end > b.start):
                    problems.append(f"{actor.name}: {role} {a.start}..{a.end} overlaps {b.start}..{b.end}")
    assert not problems, f"{len(problems)} overlapping offices:\n" + "\n".join(problems[:30])


def test_the_same_person_in_two_files_is_one_actor_with_every_office():
    kb = get_knowledge()
    putin = kb.actors[slug("Vladimir Putin")]
    roles = {(o.role, o.start.year) for o in putin.offices if o.start}
    assert ("President", 2012) in roles and ("Prime Minister", 2008) in roles
    assert len(putin.sources) >= 2
    assert kb.known("Владимир Путин") == (putin,)


@pytest.mark.parametrize("day", [dt.date(2016, 1, 1), dt.date(2020, 1, 1), dt.date(2025, 6, 1)])
def test_nearly_every_state_has_its_leaders_and_foreign_minister_on_record(day):
    """World coverage: a head of state or government and a foreign minister in office on the day,
    for at least 95% of the countries the files cover (documented gaps: vacancies, tiny states)."""
    heads = {"President", "King", "Queen", "Emir", "Sultan", "Supreme Leader", "Governor-General", "Head of State",
             "Emperor", "Grand Duke", "Co-Prince", "Captain Regent", "Pope", "Chairman", "Chairman of the Presidency",
             "Chairman of the Presidential Leadership Council", "Prince", "Prime Minister", "Chancellor"}
    foreign = {"Foreign Minister", "Foreign Secretary", "Secretary of State"}
    held: dict[str, set[str]] = defaultdict(set)
    countries = set()
    for where, entry in PEOPLE:
        if where.startswith("world/") and entry.get("country") not in (None, "IGO"):
            countries.add(entry["country"])
    for actor in get_knowledge().actors.values():
        for office in actor.offices:
            if office.held_on(day) and office.country:
                held[office.country].add(office.role)
    assert len(countries) >= 190
    with_head = sum(1 for c in countries if held[c] & heads)
    with_foreign = sum(1 for c in countries if held[c] & foreign)
    assert with_head / len(countries) >= 0.97, sorted(c for c in countries if not held[c] & heads)
    assert with_foreign / len(countries) >= 0.93, sorted(c for c in countries if not held[c] & foreign)
