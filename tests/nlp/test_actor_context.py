"""Actors read in context: places before people, titles are not actors, the article decides an ambiguous country.

The sentences are written for these tests, after the shapes that went wrong on real wire copy.
"""

from __future__ import annotations

import pytest


def names(enriched) -> dict[str, tuple[str, str | None]]:
    return {a.name: (a.type, a.country) for a in enriched.actors}


@pytest.mark.parametrize("body, place", [
    ("BEIRUT - One man was killed when a drone targeted a car in the south Lebanon village of Kunin, the health ministry said.", "Kunin"),
    ("Rebels said they had captured Kawlin town in November after weeks of fighting with the army.", "Kawlin"),
    ("The rebels said they would march on Goma, capital of North Kivu province, on Monday.", "Goma"),
    ("Hundreds of families sheltered in Maarat al-Numan after the shelling stopped, residents said.", "Maarat al-Numan"),
])
def test_a_place_the_text_calls_a_place_is_not_a_person(extract_text, body, place):
    found = names(extract_text(body))
    assert found.get(place, ("location", None))[0] not in ("person", "organization"), found


def test_buildings_are_not_organisations(extract_text):
    found = names(extract_text("MOGADISHU - Gunmen stormed the SYL Hotel near the presidential palace on Thursday, police said."))
    assert "SYL Hotel" not in found


@pytest.mark.parametrize("body, not_actor", [
    ("WASHINGTON - Secretary of State Antony Blinken urged Iraq's prime minister to pursue the groups.", "State"),
    ("BEIRUT - Lebanese Health Minister Firass Abiad said the strike showed Israel had no interest in a ceasefire.", "Health"),
    ("NEW DELHI - Indian External Affairs Minister Subrahmanyam Jaishankar met his Russian counterpart on Wednesday.",
     "Indian External Affairs"),
    ("ABUJA - Justice Emeka Nwite refused the application on Tuesday, the court said.", "Justice"),
])
def test_pieces_of_titles_are_not_actors(extract_text, body, not_actor):
    assert not_actor not in names(extract_text(body))


def test_a_hyphenated_name_is_not_a_known_person_inside_it(extract_text):
    found = names(extract_text("LONDON - Tom Fletcher-Reid, a local councillor, said the bridge would reopen."))
    assert "Tom Fletcher" not in found


@pytest.mark.parametrize("body, expected, other", [
    ("GOMA - The Congolese army said it had repelled an M23 attack near Goma, and Congo's government called for sanctions.",
     "COD", "COG"),
    ("BRAZZAVILLE - Congo's President Denis Sassou Nguesso said the Congolese economy would grow this year.", "COG", "COD"),
    ("TBILISI - Georgia's parliament passed the law despite protests, and Georgian Dream said the West was interfering.",
     "GEO", "USA"),
    ("ATLANTA - Georgia Governor Brian Kemp signed the bill on Tuesday ahead of the runoff.", "USA", "GEO"),
])
def test_the_article_decides_which_country_an_ambiguous_name_means(extract_text, body, expected, other):
    countries = {a.country for a in extract_text(body).actors}
    assert expected in countries and other not in countries
