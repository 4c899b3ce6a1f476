"""Topics in other languages: the analysis of each language, per-language term lists, and their errors."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsmon.models import EnrichedArticle
from newsmon.rules import TopicSet, validate_topics_text
from newsmon.rules.analysis import get_language, languages
from newsmon.rules.index import FieldText
from newsmon.rules.topic_file import parse_term


def found(lang: str, term: str, text: str) -> list[str]:
    """The surfaces a term of ``lang`` matches in ``text``."""
    compiled, _, _ = parse_term(term, language=lang)
    ft = FieldText("body", text, get_language(lang))
    return [text[slice(*ft.char_span(*span))] for span in compiled.spans(ft)] if compiled.present(ft) else []


@pytest.mark.parametrize(("lang", "term", "text", "expected"), [
    ("ru", "перемирие", "Стороны договорились о перемирии в Сирии.", ["перемирии"]),
    ("ru", "Сирия", "Переговоры по Сирии и сирийский кризис.", ["Сирии"]),
    ("ar", "هدنة", "أعلنت روسيا والهدنة في سوريا", ["والهدنة"]),
    ("ar", "سوريا", "هدنة بسوريا ولسوريا", ["بسوريا", "ولسوريا"]),
    ("ar", "وقف إطلاق النار", "دعا إلى وقف لإطلاق النار في إدلب", ["وقف لإطلاق النار"]),
    ("ar", "أستانا", "محادثات استانا", ["استانا"]),  # hamza forms of alef are one letter
    ("he", "הפסקת אש", "ישראל הסכימה להפסקת אש", ["להפסקת אש"]),
    ("de", "Waffenruhe", "Die Waffenruhevereinbarung für Syrien hält", ["Waffenruhevereinbarung"]),
    ("de", "Gespräche", "Die Friedensgespräche in Genf", ["Friedensgespräche"]),
    ("nl", "de-escalatie", "de vier de-escalatiezones", ["de-escalatiezones"]),
    ("tr", "ateşkes", "Suriye'de ateşkesin ihlal edildiği", ["ateşkesin"]),
    ("tr", "İdlib", "IDLIB'de çatışmalar", ["IDLIB'de"]),  # dotted capital I folds like any other
    ("uk", "переговори", "Під час переговорів в Астані", ["переговорів"]),
    ("fr", "armée", "l'armée syrienne", ["l'armée"]),
    ("fa", "آتش بس", "درباره آتش‌بس در سوریه", ["آتش\u200cبس"]),
    ("zh", "停火", "叙利亚各方同意停火协议", ["停火"]),
    ("id", "gencatan senjata", "Rusia umumkan gencatan senjata di Suriah", ["gencatan senjata"]),
])
def test_a_term_matches_its_forms_in_its_language(lang, term, text, expected):
    assert found(lang, term, text) == expected


def test_quoted_terms_stay_exact_in_every_language():
    assert found("pt", '"Hama"', "O Hamas e Israel") == []
    assert found("pt", '"Hama"', "A cidade de Hama") == ["Hama"]
    assert found("pt", "Hama", "O Hamas e Israel") == ["Hamas"]  # unquoted, the stem would match


def test_every_language_file_entry_loads_with_its_stemmer():
    langs = languages()
    assert {"ar", "de", "es", "fa", "fr", "he", "id", "it", "nl", "pt", "ru", "tl", "tr", "uk", "zh"} <= set(langs)
    for code, language in langs.items():
        assert language.normalize("Test") == "test" or language.script == "chars", code


TOPICS = """
version: 1
topics:
  - id: t
    name: T
    description: D
    threshold: 5
    rules:
      - name: where
        weight: 0
        any: [Syria, Syrian]
        languages:
          ru: [Сирия, сирийский]
          ar: [سوريا]
      - name: talks
        optional: [ceasefire^4, talk^2]
        languages:
          ru: [перемирие^4, переговоры^2]
          ar:
            - هدنة^4
            - مفاوضات^2
"""


def article(language: str | None, title: str, body: str) -> EnrichedArticle:
    return EnrichedArticle(id="x", title=title, body=body, language=language, content_hash="h", pipeline_version="p",
                           processed_at=datetime.now(timezone.utc))


def test_a_topic_fires_in_each_language_it_has_terms_for_and_nowhere_else():
    topics = TopicSet.from_yaml(TOPICS)
    assert topics.covers("ru") and topics.covers("pt-BR") is False and topics.covers(None)
    ru = topics.match(article("ru", "Переговоры по Сирии", "Стороны договорились о перемирии в Сирии."))
    assert [h.id for h in ru] == ["t"] and {e.term for e in ru[0].evidence} >= {"перемирии", "Переговоры"}
    ar = topics.match(article("ar", "مفاوضات حول سوريا", "اتفقت الأطراف على هدنة بسوريا"))
    assert [h.id for h in ar] == ["t"]
    # English terms do not fire on Russian text, nor Russian terms on English
    assert topics.match(article("ru", "Ceasefire talks in Syria", "Ceasefire in Syria.")) == []
    assert [h.id for h in topics.match(article("en", "Ceasefire talks in Syria", "A ceasefire in Syria."))] == ["t"]
    (explained,) = topics.explain(article("de", "Waffenruhe in Syrien", "Waffenruhe in Syrien."))
    assert not explained.fired and "no terms for language 'de'" in explained.failed[0]


@pytest.mark.parametrize(("languages_block", "line", "column", "message"), [
    ("        languages:\n          xx: [Сирия]\n", 12, 11, "newsmon has no analysis for language 'xx'"),
    ("        languages:\n          English: [Syria]\n", 12, 11, "a language is an ISO 639-1 code"),
    ("        languages:\n          en: [Syria]\n", 12, 11, "English terms go in the group's own 'any' list"),
    ("        languages:\n          ru: [Сирия]\n          ru: [Сирия]\n", 13, 11, "language 'ru' is listed twice in this group"),
    ("        languages:\n          ru: []\n", 12, 15, "the terms for 'ru' must be a non-empty list"),
    ("        languages:\n          ru: [перемирие^x]\n", 12, 26, "expected a number after '^'"),
])
def test_language_lists_are_checked_with_line_and_column(languages_block, line, column, message):
    text = ("version: 1\ntopics:\n  - id: t\n    name: T\n    description: D\n    threshold: 1\n    rules:\n"
            "      - name: where\n        weight: 0\n        any: [Syria]\n" + languages_block
            + "      - name: talks\n        any: [ceasefire]\n")
    errors = validate_topics_text(text, "topics.yaml")
    assert any(e.line == line and e.column == column and message in e.message for e in errors), [str(e) for e in errors]


def test_a_required_group_without_terms_for_a_language_the_topic_covers_is_an_error():
    text = TOPICS.replace("        languages:\n          ru: [Сирия, сирийский]\n          ar: [سوريا]\n", "        languages:\n          ru: [Сирия]\n")
    errors = validate_topics_text(text, "topics.yaml")
    assert any("has terms for 'ar' but its required group 'where' has none" in e.message for e in errors), errors


def test_the_shipped_topics_cover_fifteen_languages_beyond_english():
    topics = TopicSet.load()
    for topic in topics:
        assert {"ar", "de", "es", "fa", "fr", "he", "id", "it", "nl", "pt", "ru", "tl", "tr", "uk", "zh"} <= topic.languages, topic.id
