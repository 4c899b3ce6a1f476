"""The one tokeniser topics and alert queries share, so a rule and the text it runs on agree on what a word is.

A word is a run of letters and digits, with inner apostrophes (``don't``). Hyphens, dots and
slashes split words: ``de-escalation`` is the two words ``de escalation`` on both sides, so a
rule written either way matches text written either way. A word's *key* is how it compares
case-insensitively: lower-cased, accents removed (Erdoğan = erdogan), possessive ``'s`` dropped.
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# The same, with the wildcards * and ? allowed inside a word (rule and query text only).
PATTERN_WORD = re.compile(r"(?:[^\W_]|[*?])+(?:['’](?:[^\W_]|[*?])+)*")

_KEYS: dict[str, str] = {}
_CASED: dict[str, str] = {}
_CACHE_LIMIT = 200_000


def _strip_possessive(word: str) -> str:
    if len(word) > 2 and word[-2] in "'’" and word[-1] in "sS":
        return word[:-2]
    return word


def fold(text: str) -> str:
    """Lower-case and remove accents: the case-insensitive form of any text."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def word_key(word: str) -> str:
    """The case-insensitive key of one word as :data:`WORD` found it (cached: news vocabulary repeats)."""
    key = _KEYS.get(word)
    if key is None:
        if len(_KEYS) > _CACHE_LIMIT:
            _KEYS.clear()
        key = _KEYS[word] = fold(_strip_possessive(word))
    return key


def cased_form(word: str) -> str:
    """The case-sensitive form of one word: as written, possessive dropped (``IS's`` -> ``IS``)."""
    form = _CASED.get(word)
    if form is None:
        if len(_CASED) > _CACHE_LIMIT:
            _CASED.clear()
        form = _CASED[word] = _strip_possessive(word).replace("’", "'")
    return form


def words(text: str) -> list[str]:
    """The words of a text, as written."""
    return WORD.findall(text)


def keys(text: str) -> list[str]:
    """The case-insensitive keys of a text's words, in order."""
    return [word_key(w) for w in WORD.findall(text)]
