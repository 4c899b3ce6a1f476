"""Language-aware words: how a text, a topic term and a name are cut into comparable keys, per language.

English keeps the rule language's own word families (:mod:`newsmon.rules.wordforms`), so every
English rule means what it meant. Every other language is described in
``newsmon/data/languages.yaml`` (format in docs/topics.md, "Languages") and analysed in the same
steps on both sides, rule and text:

1. :meth:`Language.normalize`: NFKC, case folding, marks removed, the script's letter variants
   made one (Arabic alef and yaa forms, taa marbuta, tatweel; Hebrew final letters; Turkish ı);
2. :meth:`Language.tokens`: words (with their character spans), or one token per character for
   scripts written without spaces;
3. :meth:`Language.variants`: the word's keys: itself, without an elided article (French l'),
   without attached clitics (Arabic و ب ل ال, Hebrew ו ה ב ל מ ש כ), and the Snowball stem of
   each (or a light suffix strip where Snowball has no stemmer).

A text is indexed under every variant of every word; a term word matches where one of its own
variants is found. ``match: prefix`` languages also match longer words that start with the term
(Turkish ateşkes: ateşkesin, ateşkese), and ``compounds: true`` languages match the term's stem at
the start or end of a compound (German Waffenruhe: Waffenruhevereinbarung; Gespräche:
Friedensgespräche).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

ENGLISH = "en"
# A word: letters and digits with inner apostrophes, as in tokens.WORD.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Characters of scripts written without spaces: Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar.
_CHAR_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f]")


class LanguageError(ValueError):
    """The languages file is malformed; the message names the language and the key."""


@dataclass(frozen=True, eq=False)
class Language:
    code: str
    name: str
    stemmer: str | None = None
    match: str = "stem"  # stem | prefix
    compounds: bool = False
    script: str = "words"  # words | chars
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    elisions: tuple[str, ...] = ()
    min_stem: int = 2
    letters: dict[str, str] = field(default_factory=dict)
    _table: dict[int, str | None] = field(default_factory=dict, repr=False)
    _stemmer: Any = field(default=None, repr=False)
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def is_english(self) -> bool:
        return self.code == ENGLISH

    # --- step 1
    def normalize(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("ı", "i")
        if self._table:
            text = text.translate(self._table)
        if not text.isascii():
            decomposed = unicodedata.normalize("NFKD", text)
            text = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
        return text

    # --- step 2
    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        """(word as written, start, end) for every word of ``text``."""
        out: list[tuple[str, int, int]] = []
        for m in _WORD.finditer(text):
            word = m.group()
            if self.script == "chars" and _CHAR_SCRIPT.search(word):
                start = m.start()
                run = ""
                for i, ch in enumerate(word):
                    if _CHAR_SCRIPT.match(ch):
                        if run:
                            out.append((run, start + i - len(run), start + i))
                            run = ""
                        out.append((ch, start + i, start + i + 1))
                    else:
                        run += ch
                if run:
                    out.append((run, start + len(word) - len(run), start + len(word)))
            else:
                out.append((word, m.start(), m.end()))
        return out

    def key(self, word: str) -> str:
        """The surface key of a word: normalized, without a possessive 's or an elided article."""
        key = self.normalize(word)
        if len(key) > 2 and key[-2] == "'" and key[-1] == "s":
            key = key[:-2]
        for elision in self.elisions:
            if key.startswith(elision) and len(key) > len(elision) + 1:
                return key[len(elision):]
        return key

    # --- step 3
    def stem(self, key: str) -> str:
        if self._stemmer is not None:
            return self._stemmer.stemWord(key)
        for suffix in self.suffixes:
            if key.endswith(suffix) and len(key) - len(suffix) >= max(self.min_stem, 3):
                return key[: -len(suffix)]
        return key

    def bases(self, key: str) -> list[str]:
        """A word's surface key and the same without each attached clitic (no stemming)."""
        bases = [key]
        for prefix in self.prefixes:
            if key.startswith(prefix) and len(key) - len(prefix) >= self.min_stem:
                bases.append(key[len(prefix):])
        return bases

    def variants(self, key: str) -> tuple[str, ...]:
        """Every key a word is found under: its bases (itself, without clitics), then their stems."""
        found = self._cache.get(key)
        if found is not None:
            return found
        bases = self.bases(key)
        out: list[str] = list(dict.fromkeys(b for b in bases if b))
        for base in bases:
            form = self.stem(base)
            if form and form not in out:
                out.append(form)
        result = tuple(out)
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def term_keys(self, word: str) -> frozenset[str]:
        """What a term word (not a wildcard) is looked up under: itself and its stem (a text word is
        indexed under its own variants, so an inflected or prefixed form finds the same stem)."""
        key = self.key(word)
        return frozenset({key, self.stem(key)})


def _build(code: str, data: dict[str, Any]) -> Language:
    known = {"name", "stemmer", "match", "compounds", "script", "prefixes", "suffixes", "elisions", "min_stem", "letters"}
    unknown = set(data) - known
    if unknown:
        raise LanguageError(f"language {code!r}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(known))}")
    if data.get("match", "stem") not in ("stem", "prefix") or data.get("script", "words") not in ("words", "chars"):
        raise LanguageError(f"language {code!r}: match must be stem or prefix, script words or chars")
    stemmer = None
    if data.get("stemmer"):
        import Stemmer  # PyStemmer: the Snowball stemmers in C

        if data["stemmer"] not in Stemmer.algorithms():
            raise LanguageError(f"language {code!r}: no Snowball stemmer named {data['stemmer']!r}")
        stemmer = Stemmer.Stemmer(data["stemmer"])
    letters = {str(k): str(v) for k, v in (data.get("letters") or {}).items()}
    language = Language(
        code=code, name=str(data.get("name") or code), stemmer=data.get("stemmer"), match=data.get("match", "stem"),
        compounds=bool(data.get("compounds")), script=data.get("script", "words"),
        prefixes=tuple(sorted((str(p) for p in data.get("prefixes") or ()), key=len, reverse=True)),
        suffixes=tuple(sorted((str(p) for p in data.get("suffixes") or ()), key=len, reverse=True)),
        elisions=tuple(sorted((str(p) for p in data.get("elisions") or ()), key=len, reverse=True)),
        min_stem=int(data.get("min_stem", 2)), letters=letters,
        _table={ord(k): (v or None) for k, v in letters.items()}, _stemmer=stemmer,
    )
    # The clitics and suffixes are compared with normalized text: normalize them the same way.
    object.__setattr__(language, "prefixes", tuple(sorted({language.normalize(p) for p in language.prefixes}, key=len, reverse=True)))
    object.__setattr__(language, "suffixes", tuple(sorted({language.normalize(p) for p in language.suffixes}, key=len, reverse=True)))
    return language


@lru_cache(maxsize=1)
def languages() -> dict[str, Language]:
    """The languages newsmon can match topics in, from ``newsmon/data/languages.yaml``."""
    raw = yaml.safe_load((files("newsmon") / "data" / "languages.yaml").read_text(encoding="utf-8")) or {}
    return {str(code): _build(str(code), data or {}) for code, data in (raw.get("languages") or {}).items()}


def get_language(code: str | None) -> Language | None:
    """The analysis of a language by its ISO 639-1 code (``pt-BR`` is ``pt``), or None if newsmon has none."""
    if not code:
        return None
    return languages().get(code.lower().split("-")[0])


def base_code(code: str | None) -> str | None:
    return code.lower().split("-")[0] if code else None
