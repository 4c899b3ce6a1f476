"""Casualty counts (PLOVER's dead and injured) read from an attack's sentence. Sentences written for these tests."""

import pytest


def attack(enriched):
    assaults = [e for e in enriched.events if e.type == "ASSAULT"]
    assert assaults, [(e.type, e.trigger) for e in enriched.events]
    return assaults[0]


@pytest.mark.parametrize(
    "sentence, dead, injured",
    [
        ("ALEPPO, Syria - Warplanes hit a bakery in the town of Atareb on Monday, killing at least nine people and wounding 23 others.", 9, 23),
        ("KHERSON, Ukraine - A Russian drone attack on Kherson overnight left two people dead and five wounded.", 2, 5),
        ("KABUL - Police said 21 people were killed and 40 injured when a suicide bomber blew himself up at a mosque in Kabul.", 21, 40),
        ("GAZA - The death toll from Tuesday's Israeli air strike on a school in Gaza City has risen to 27, medics said.", 27, None),
        ("KHARTOUM - Shelling by the Rapid Support Forces killed seven civilians in Omdurman on Sunday.", 7, None),
    ],
)
def test_the_toll_a_sentence_states_is_the_attacks(extract_text, sentence, dead, injured):
    event = attack(extract_text(sentence))
    assert (event.dead, event.injured) == (dead, injured)


def test_vague_quantities_and_years_are_no_count(extract_text):
    event = attack(extract_text("ALEPPO, Syria - Warplanes struck the town of Atareb in 2019, killing dozens of people."))
    assert (event.dead, event.injured) == (None, None)


def test_a_sentence_without_an_attack_keeps_its_toll(extract_text):
    enriched = extract_text("Floods killed 40 people in the province of Sindh. The minister met the Indian ambassador.")
    assert all(e.dead is None and e.injured is None for e in enriched.events)
