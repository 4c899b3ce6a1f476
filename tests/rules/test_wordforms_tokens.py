"""Word families and the shared tokeniser."""

from __future__ import annotations

import pytest

from newsmon.rules.tokens import fold, keys, word_key
from newsmon.rules.wordforms import family


@pytest.mark.parametrize(("word", "forms"), [
    ("talk", {"talk", "talks", "talked", "talking"}),
    ("negotiate", {"negotiate", "negotiates", "negotiated", "negotiating"}),
    ("stop", {"stop", "stops", "stopped", "stopping"}),
    ("deny", {"deny", "denies", "denied", "denying"}),
    ("truce", {"truce", "truces"}),
    ("crisis", {"crisis", "crises"}),
    ("hold", {"hold", "holds", "held", "holding"}),
    ("meet", {"meet", "met", "meets", "meeting"}),
    ("talks", {"talk", "talked", "talking", "talks"}),
    ("agreed", {"agree", "agrees", "agreeing"}),
    ("evacuations", {"evacuation"}),
])
def test_family_includes(word, forms):
    assert forms <= family(word)


@pytest.mark.parametrize(("word", "not_forms"), [
    ("news", {"new"}), ("evening", {"even"}), ("negotiate", {"negotiation"}), ("leave", {"left"}),
    ("see", {"saw"}), ("is", {"ises"}),
])
def test_family_excludes(word, not_forms):
    assert not (not_forms & family(word))


def test_names_match_plural_only():
    assert family("syrian", True) == {"syrian", "syrians"}
    assert family("homs", True) == {"homs", "hom"}
    assert "homing" not in family("homs", True)


def test_short_and_numeric_words_match_themselves():
    assert family("un") == {"un"}
    assert family("2254") == {"2254"}


def test_keys_fold_case_accents_and_possessives():
    assert keys("Russia’s Erdoğan met U.N. envoys; de-escalation") == [
        "russia", "erdogan", "met", "u", "n", "envoys", "de", "escalation",
    ]
    assert word_key("IS's") == "is" and fold("ÉTAT") == "etat"
    assert keys("don't stop") == ["don't", "stop"]
