"""Issue 3, "The sample article must come out right": every expectation, on the article read from disk."""

from __future__ import annotations

import re
from datetime import date

import pytest

from newsmon.articles import prepare, validate_article
from newsmon.articles.reading import text_to_record
from newsmon.models import EnrichedArticle
from tests.conftest import SEED_PUBLISHED_AT

def credits_line_names(text: str) -> tuple[list[str], list[str]]:
    """The names in the article's "(Reporting by A; Editing by B and C)" line: the test's own oracle."""
    match = re.search(r"\(Reporting by ([^;]+); Editing by ([^)]+)\)", text)
    assert match, "the seed article has a credits line"
    return [match.group(1).strip()], [n.strip() for n in match.group(2).split(" and ")]


@pytest.fixture(scope="module")
def credits(seed_article_path) -> tuple[list[str], list[str]]:
    """(authors, editors) as the credits line names them."""
    return credits_line_names(seed_article_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(seed_article_path, extractor) -> EnrichedArticle:
    record = text_to_record(seed_article_path.read_text(encoding="utf-8"))
    record["published_at"] = f"{SEED_PUBLISHED_AT}T12:00:00Z"
    article = validate_article(record)
    return extractor.extract([prepare(article, max_body_chars=200_000)])[0]


def actor(seed: EnrichedArticle, name: str):
    found = [a for a in seed.actors if a.name == name]
    assert found, f"no actor {name!r}; actors: {[a.name for a in seed.actors]}"
    return found[0]


@pytest.mark.parametrize(
    "name, kind, country, role",
    [
        ("Vladimir Putin", "person", "RUS", "President"),
        ("Nursultan Nazarbayev", "person", "KAZ", "President"),
        ("Sergei Lavrov", "person", "RUS", "Foreign Minister"),
        ("Jean-Marc Ayrault", "person", "FRA", "Foreign Minister"),
        ("Staffan de Mistura", "person", "IGO", "U.N. mediator"),
    ],
)
def test_people(seed, name, kind, country, role):
    found = actor(seed, name)
    assert (found.type, found.country, found.role) == (kind, country, role)


def test_surnames_resolve_to_the_full_name(seed):
    putin = actor(seed, "Vladimir Putin")
    assert "Putin" in putin.aliases
    assert any(m.field == "title" and m.text == "Putin" for m in putin.mentions)
    nazarbayev = actor(seed, "Nursultan Nazarbayev")
    assert any(m.field == "title" and m.text == "Nazarbayev" for m in nazarbayev.mentions)
    assert len(actor(seed, "Sergei Lavrov").mentions) >= 3


def test_institutions_and_groups(seed):
    kremlin = actor(seed, "Kremlin")
    assert (kremlin.country, kremlin.sector) == ("RUS", "GOV")
    rebels = actor(seed, "Syrian rebels")
    assert (rebels.type, rebels.country, rebels.sector) == ("group", "SYR", "REB")
    assert len(rebels.mentions) == 4
    ministry = actor(seed, "Russian Foreign Ministry")
    assert (ministry.country, ministry.sector) == ("RUS", "GOV")
    for name in ("United Nations", "United Nations Security Council"):
        found = actor(seed, name)
        assert (found.type, found.country) == ("igo", "IGO")


@pytest.mark.parametrize("name, iso3", [("Russia", "RUS"), ("Kazakhstan", "KAZ"), ("Syria", "SYR"), ("Turkey", "TUR"), ("Iran", "IRN"), ("France", "FRA")])
def test_countries(seed, name, iso3):
    found = actor(seed, name)
    assert (found.type, found.country) == ("country", iso3)


def test_demonyms_are_mentions_of_their_country(seed):
    assert "Kazakh" in actor(seed, "Kazakhstan").aliases
    assert "Russian" in actor(seed, "Russia").aliases
    assert "French" in actor(seed, "France").aliases


@pytest.mark.parametrize(
    "name, lat, lon", [("Moscow", 55.75, 37.62), ("Astana", 51.18, 71.45), ("Geneva", 46.20, 6.15), ("Homs", 34.72, 36.73)]
)
def test_places_have_coordinates(seed, name, lat, lon):
    place = next((p for p in seed.places if p.name == name), None)
    assert place is not None, [p.name for p in seed.places]
    assert place.lat == pytest.approx(lat, abs=0.05) and place.lon == pytest.approx(lon, abs=0.05)


def test_anatomy(seed, credits):
    assert seed.dateline is not None
    assert (seed.dateline.place, seed.dateline.agency) == ("Moscow", "Reuters")
    assert seed.dateline.lat == pytest.approx(55.75, abs=0.05)
    authors, editors = credits
    assert seed.authors == authors and len(authors) == 1
    assert seed.editors == editors and len(editors) == 2


def test_credits_agency_and_site_are_not_actors(seed, credits):
    names = {a.name for a in seed.actors}
    surfaces = {m.text for a in seed.actors for m in a.mentions}
    for credit in credits[0] + credits[1]:
        assert credit not in names and credit not in surfaces
    assert "Reuters" not in names and "Reuters" not in surfaces
    assert "Metro US" not in names and not any("Metro" in s for s in surfaces)


def test_2254_is_not_a_date(seed):
    labels = {e.label for e in seed.entities if e.text == "2254"}
    assert "DATE" not in labels
    assert all(ev.date is None or ev.date.year < 2100 for ev in seed.events)


def test_offsets_point_into_the_original_fields(seed):
    for entity in seed.entities:
        source = seed.title if entity.field == "title" else seed.body
        assert source[entity.start:entity.end] == entity.text
    for a in seed.actors:
        for m in a.mentions:
            source = seed.title if m.field == "title" else seed.body
            assert source[m.start:m.end] == m.text
    for ev in seed.events:
        for evidence in ev.evidence:
            source = seed.title if evidence.field == "title" else seed.body
            assert source[evidence.start:evidence.end] == evidence.sentence


def events(seed, kind, source_country=None, target_country=None):
    return [
        e for e in seed.events
        if e.type == kind
        and (source_country is None or (e.source and e.source.country == source_country))
        and (target_country is None or (e.target and e.target.country == target_country))
    ]


def pair(event):
    return {event.source.country if event.source else None, event.target.country if event.target else None}


def test_putin_and_nazarbayev_consult_by_phone(seed):
    found = [e for e in events(seed, "CONSULT") if pair(e) == {"RUS", "KAZ"}]
    assert len(found) == 1, "said three times, one event"
    event = found[0]
    assert {event.source.name, event.target.name} == {"Vladimir Putin", "Nursultan Nazarbayev"}
    assert event.date == date(2017, 3, 18)
    assert event.cameo == "041"  # by telephone
    assert len(event.evidence) >= 2


def test_lavrov_and_ayrault_consult(seed):
    found = [e for e in events(seed, "CONSULT") if pair(e) == {"RUS", "FRA"}]
    assert len(found) == 1
    assert {found[0].source.name, found[0].target.name} == {"Sergei Lavrov", "Jean-Marc Ayrault"}


def test_rebels_reject_the_astana_talks(seed):
    found = events(seed, "REJECT", "SYR")
    assert len(found) == 1, "the boycott and the refusal are one rejection"
    assert found[0].source.name == "Syrian rebels"
    assert len(found[0].evidence) >= 2


def test_rebels_accuse_russia(seed):
    found = events(seed, "ACCUSE", "SYR", "RUS")
    assert len(found) == 1
    assert found[0].source.name == "Syrian rebels"


def test_russia_and_france_cooperate_on_geneva_talks(seed):
    found = [e for e in events(seed, "COOPERATE") if pair(e) == {"RUS", "FRA"}]
    assert len(found) == 1
    event = found[0]
    assert event.modality == "planned"
    assert event.date == date(2017, 3, 23)
    assert event.location is not None and event.location.name == "Geneva"


def test_russia_turkey_iran_agree_to_meet_in_astana(seed):
    found = events(seed, "AGREE", "RUS")
    assert len(found) == 1
    event = found[0]
    assert event.target is not None and event.target.country in ("TUR", "IRN")
    assert event.date == date(2017, 5, 3)
    assert event.location is not None and event.location.name == "Astana"


def test_rebels_retreat_from_homs(seed):
    found = events(seed, "RETREAT", "SYR")
    assert len(found) == 1
    event = found[0]
    assert event.location is not None and event.location.name == "Homs"
    assert event.location.lat == pytest.approx(34.72, abs=0.05)
    assert event.date == date(2017, 3, 18)


def test_no_event_has_a_credit_as_actor(seed, credits):
    for event in seed.events:
        for party in (event.source, event.target):
            assert party is None or party.name not in credits[0] + credits[1]
        assert event.evidence and 0 < event.confidence <= 1
