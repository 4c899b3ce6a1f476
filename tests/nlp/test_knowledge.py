from datetime import date

import pytest

from newsmon.nlp.knowledge import KnowledgeError, get_knowledge, load_knowledge


@pytest.fixture(scope="module")
def kb():
    return get_knowledge(None)


@pytest.mark.parametrize("word, iso3", [("Kazakh", "KAZ"), ("Russian", "RUS"), ("Filipino", "PHL"), ("Emirati", "ARE"), ("Britons", "GBR"), ("U.S.", "USA")])
def test_demonyms_and_names(kb, word, iso3):
    assert kb.country_of(word) == iso3


def test_countries_come_with_capitals(kb):
    assert kb.countries["KAZ"].capital == "Astana"
    assert kb.countries["FRA"].capital == "Paris"
    assert kb.countries["SYR"].name == "Syria"


def test_offices_have_dates(kb):
    putin = kb.known("Vladimir Putin")[0]
    assert putin.office_on(date(2017, 3, 18)).role == "President"
    assert putin.office_on(date(2010, 1, 1)).role == "Prime Minister"
    assert kb.known("Jean-Marc Ayrault")[0].office_on(date(2017, 3, 18)).role == "Foreign Minister"
    assert kb.known("Jean-Marc Ayrault")[0].office_on(date(2018, 1, 1)) is None


def test_surnames_and_their_limits(kb):
    assert kb.known_by_short("Nazarbayev")[0].name == "Nursultan Nazarbayev"
    assert kb.known_by_short("de Mistura")[0].name == "Staffan de Mistura"
    assert kb.known_by_short("May") == ()  # Theresa May's surname is a month
    assert kb.known_by_short("Johnson") == ()


def test_required_coverage(kb):
    for name in ("United Nations", "United Nations Security Council", "European Union", "NATO", "African Union", "OSCE"):
        assert kb.known(name)[0].country == "IGO"
    for name, iso3 in (("Hezbollah", "LBN"), ("Hamas", "PSE"), ("Taliban", "AFG"), ("HTS", "SYR"), ("SDF", "SYR"),
                       ("YPG", "SYR"), ("al-Shabaab", "SOM"), ("Houthis", "YEM")):
        assert kb.known(name)[0].country == iso3
    assert kb.known("Islamic State")[0].sector == "REB"
    for name, iso3 in (("the Kremlin", "RUS"), ("White House", "USA"), ("Downing Street", "GBR")):
        assert kb.known(name)[0].country == iso3


def test_user_files_extend_and_override(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "people:\n"
        "  - {name: Ada Example, country: NOR, offices: [[Foreign Minister, 2020-01-01, null]]}\n"
        "  - {name: Vladimir Putin, country: RUS, offices: [[Prime Minister, 1999-08-16, null]]}\n"
        "organizations:\n"
        "  - {name: Northern Fishing League, type: group, country: NOR, sector: BUS, aliases: [NFL]}\n",
        encoding="utf-8",
    )
    kb = load_knowledge(tmp_path)
    assert kb.known("Ada Example")[0].office_on(date(2021, 1, 1)).role == "Foreign Minister"
    assert kb.known("NFL")[0].country == "NOR"
    assert kb.known("Vladimir Putin")[0].office_on(date(2017, 1, 1)).role == "Prime Minister"


def test_bad_files_say_what_is_wrong(tmp_path):
    (tmp_path / "bad.yaml").write_text("people:\n  - {name: X, country: Russia}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="ISO 3166"):
        load_knowledge(tmp_path)
    (tmp_path / "bad.yaml").write_text("persons: []\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="unknown section"):
        load_knowledge(tmp_path)
    (tmp_path / "bad.yaml").write_text("people:\n  - {name: X, country: RUS, ofices: []}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"bad.yaml.*X.*unknown key.*ofices"):
        load_knowledge(tmp_path)
    (tmp_path / "bad.yaml").write_text("people:\n  - {name: X, offices: [[President, 2020-01-01, 2019-01-01]]}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="ends .* before it starts"):
        load_knowledge(tmp_path)


def test_verb_patterns_parse(kb):
    from newsmon.nlp.events import EventCoder

    coder = EventCoder(kb)
    assert "discuss" in coder.verbs and "refusal" in coder.nouns
    types = {r.type for rules in coder.verbs.values() for r in rules}
    assert types >= {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE", "REQUEST", "ACCUSE",
                     "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
