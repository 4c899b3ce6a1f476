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


@pytest.mark.parametrize(
    "sentence",
    [
        "ALEPPO, Syria - Warplanes struck the town of Atareb, killing dozens of people.",  # vague
        "KABUL - A police officer hurt in an attack on the ministry on March 3 died.",  # a date is no count
        "KYIV - A missile strike on the city killed 1,500 cattle.",  # not people
        "KHARKIV, Ukraine - Russian forces hit a hospital in Kharkiv treating 200 wounded soldiers.",  # a description
        "ODESA, Ukraine - The toll on the economy of the strike on the port is 8 percent of output.",  # no death toll
        "KANO, Nigeria - Two militants killed a soldier at a checkpoint near Kano on Monday.",  # the killers, not the dead
    ],
)
def test_what_is_no_toll_gives_no_count(extract_text, sentence):
    event = attack(extract_text(sentence))
    assert (event.dead, event.injured) == (None, None)


def test_numbers_are_read_whole_and_groups_add_up(extract_text):
    assert attack(extract_text("ALEPPO, Syria - Warplanes struck Atareb, killing two hundred people.")).dead == 200
    assert attack(extract_text("ALEPPO, Syria - Warplanes struck Atareb, killing three soldiers and five civilians.")).dead == 8


def test_a_sentence_without_an_attack_keeps_its_toll(extract_text):
    enriched = extract_text("Floods killed 40 people in Sindh. Pakistan's foreign minister met the Indian ambassador in Islamabad.")
    assert [e.type for e in enriched.events] == ["CONSULT"]
    assert (enriched.events[0].dead, enriched.events[0].injured) == (None, None)
