"""Compiled text terms: words, wildcards, phrases and proximity, as topics and queries both use them.

A term is compiled once (word families generated, wildcards classified) and then tested
against :class:`~newsmon.rules.index.FieldText` objects: a word is a set lookup in the
field's vocabulary, a trailing-``*`` wildcard a binary search in the sorted vocabulary, any
other wildcard a bounded-time match (:mod:`newsmon.rules.glob`) against the vocabulary words
that share its literal prefix (never the text), and phrases and proximity
look at word positions only when every word is present.
"""

from __future__ import annotations

from dataclasses import dataclass
from heapq import merge

from .analysis import Language
from .glob import Glob, GlobError
from .index import FieldText
from .tokens import PATTERN_WORD, cased_form, fold, word_key
from .wordforms import family, is_name

WordSpan = tuple[int, int]  # word positions [start, end) in one field


class TermError(ValueError):
    """A term cannot be compiled; ``offset`` is where in the term's text the problem is."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


# --- atoms: what one word of a term matches

def _merged(ft: FieldText, found: list[list[int]]) -> list[int]:
    """Positions from several vocabulary keys, in order. In another language a word is indexed under
    several variants (surface, without clitics, stem), so the same position may come twice: once."""
    if len(found) == 1:
        return found[0]
    merged = list(merge(*found))
    if ft.language is None:
        return merged
    return [p for i, p in enumerate(merged) if i == 0 or merged[i - 1] != p]


class Atom:
    """Matches one word of text."""

    source: str

    def present(self, ft: FieldText) -> bool:
        raise NotImplementedError

    def positions(self, ft: FieldText) -> list[int]:
        raise NotImplementedError

    def describe(self) -> str:
        return self.source


@dataclass(frozen=True, eq=False)
class FormsAtom(Atom):
    """Any of a set of case-insensitive keys: a word family, or one exact word."""

    source: str
    keys: frozenset[str]

    def present(self, ft: FieldText) -> bool:
        return not self.keys.isdisjoint(ft.vocab)

    def positions(self, ft: FieldText) -> list[int]:
        return _merged(ft, [ft.positions[k] for k in self.keys & ft.vocab])

    def describe(self) -> str:
        return f"{self.source} ({', '.join(sorted(self.keys))})" if len(self.keys) > 1 else self.source


@dataclass(frozen=True, eq=False)
class SurfaceAtom(Atom):
    """One word of another language exactly as written (clitics aside): a quoted term, never stemmed,
    so "Hama" does not match Hamas through a stem."""

    source: str
    key: str

    def present(self, ft: FieldText) -> bool:
        bases = ft.base_positions if ft.base_positions is not None else ft.positions
        return self.key in bases

    def positions(self, ft: FieldText) -> list[int]:
        bases = ft.base_positions if ft.base_positions is not None else ft.positions
        return bases.get(self.key, [])


@dataclass(frozen=True, eq=False)
class CasedAtom(Atom):
    """One word, case-sensitively (IS, not is): found by its key, then checked as written."""

    source: str
    form: str
    key: str

    def present(self, ft: FieldText) -> bool:
        return self.key in ft.vocab and bool(self.positions(ft))

    def positions(self, ft: FieldText) -> list[int]:
        if self.key not in ft.vocab:
            return []
        raw = ft.raw
        return [i for i in ft.positions[self.key] if cased_form(raw[i]) == self.form]


@dataclass(frozen=True, eq=False)
class PrefixAtom(Atom):
    """``negotiat*``: any word starting with the prefix."""

    source: str
    prefix: str

    def present(self, ft: FieldText) -> bool:
        return bool(ft.with_prefix(self.prefix))

    def positions(self, ft: FieldText) -> list[int]:
        return _merged(ft, [ft.positions[k] for k in ft.with_prefix(self.prefix)])


@dataclass(frozen=True, eq=False)
class PatternAtom(Atom):
    """Any other wildcard (``?`` for one character, ``*`` for any run), matched against the vocabulary."""

    source: str
    glob: Glob

    def words(self, ft: FieldText) -> list[str]:
        candidates = ft.with_prefix(self.glob.prefix) if self.glob.prefix else ft.sorted_vocab
        return self.glob.filter(candidates)

    def present(self, ft: FieldText) -> bool:
        candidates = ft.with_prefix(self.glob.prefix) if self.glob.prefix else ft.sorted_vocab
        return any(self.glob.match(w) for w in candidates)

    def positions(self, ft: FieldText) -> list[int]:
        return _merged(ft, [ft.positions[k] for k in self.words(ft)])


@dataclass(frozen=True, eq=False)
class CompoundAtom(Atom):
    """A word of a compounding language (German, Dutch, Swedish...): itself, or its stem at the start or
    end of a longer word (Waffenruhe in Waffenruhevereinbarung, Gespräche in Friedensgespräche)."""

    source: str
    keys: frozenset[str]
    parts: tuple[str, ...]  # the word and its stem (stemmers rewrite: Dutch escalatie -> escaleer), as found inside compounds

    def words(self, ft: FieldText) -> list[str]:
        found = set(self.keys & ft.vocab)
        for part in self.parts:
            found.update(ft.with_prefix(part))
            found.update(ft.with_suffix(part))
        return sorted(found)

    def present(self, ft: FieldText) -> bool:
        return bool(self.keys & ft.vocab) or any(ft.with_prefix(p) or ft.with_suffix(p) for p in self.parts)

    def positions(self, ft: FieldText) -> list[int]:
        return _merged(ft, [ft.positions[k] for k in self.words(ft)])


MIN_COMPOUND_STEM = 5  # shorter stems would match inside too many words (Rat in Ratifizierung)
MIN_PREFIX_KEY = 4


def language_atom(word: str, language: Language, *, exact: bool) -> Atom:
    """The atom of one plain word of a term written for ``language`` (see newsmon.rules.analysis)."""
    key = language.key(word)
    if exact:
        return SurfaceAtom(word, key)
    if language.match == "prefix" and len(key) >= MIN_PREFIX_KEY:
        stem = language.stem(key)  # a light suffix strip where there is one: переговори -> переговор
        return PrefixAtom(word, stem if len(stem) >= MIN_PREFIX_KEY else key)
    keys = language.term_keys(word)
    parts = tuple(sorted(k for k in keys if len(k) >= MIN_COMPOUND_STEM))
    if language.compounds and parts:
        return CompoundAtom(word, keys, parts)
    return FormsAtom(word, keys)


def wildcard_atom(word: str, language: Language | None = None) -> Atom:
    pattern = language.normalize(word) if language is not None else fold(word)
    stem = pattern[:-1]
    if pattern.endswith("*") and "*" not in stem and "?" not in stem:
        return PrefixAtom(word, stem)
    return PatternAtom(word, Glob(pattern))


def compile_words(text: str, *, exact: bool = False, cased: bool = False, offset: int = 0,
                  language: Language | None = None) -> list[Atom]:
    """The atoms of a term's text, one per word.

    ``exact``: each word matches only itself (modulo case); otherwise its family (see
    :mod:`newsmon.rules.wordforms`), or in another ``language`` its inflected and prefixed forms
    (:mod:`newsmon.rules.analysis`). ``cased``: each word matches only as written.
    ``offset`` is added to error offsets, for callers that cut ``text`` out of something longer.
    """
    if language is not None and language.is_english:
        language = None
    atoms: list[Atom] = []
    for m in PATTERN_WORD.finditer(text):
        word = m.group()
        if "*" in word or "?" in word:
            if cased:
                raise TermError(f"a case-sensitive term cannot use wildcards: '{word}'", offset + m.start())
            if sum(c not in "*?" for c in word) < 2:
                raise TermError(
                    f"a wildcard needs at least two letters or digits beside it, got '{word}'", offset + m.start()
                )
            try:
                atoms.append(wildcard_atom(word, language))
            except GlobError as exc:
                raise TermError(str(exc), offset + m.start()) from None
        elif cased:
            atoms.append(CasedAtom(word, cased_form(word), language.key(word) if language is not None else word_key(word)))
        elif language is not None:
            atoms.extend(language_atom(token, language, exact=exact) for token, _, _ in language.tokens(word))
        elif exact:
            atoms.append(FormsAtom(word, frozenset((word_key(word),))))
        else:
            atoms.append(FormsAtom(word, family(word_key(word), is_name(word))))
    if not atoms:
        shown = text.strip() or text
        raise TermError(f"expected a word (letters or digits), got '{shown}'", offset)
    return atoms


# --- text terms: what a rule item or a query term matches in one field

class TextTerm:
    """A word, phrase or proximity term; ``source`` is how it was written."""

    source: str

    def present(self, ft: FieldText) -> bool:
        raise NotImplementedError

    def spans(self, ft: FieldText) -> list[WordSpan]:
        raise NotImplementedError

    def atoms(self) -> list[Atom]:
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class WordTerm(TextTerm):
    source: str
    atom: Atom

    def present(self, ft: FieldText) -> bool:
        return self.atom.present(ft)

    def spans(self, ft: FieldText) -> list[WordSpan]:
        if not self.atom.present(ft):
            return []
        return [(p, p + 1) for p in self.atom.positions(ft)]

    def atoms(self) -> list[Atom]:
        return [self.atom]


@dataclass(frozen=True, eq=False)
class PhraseTerm(TextTerm):
    """Words in this order, next to each other."""

    source: str
    parts: tuple[Atom, ...]

    def present(self, ft: FieldText) -> bool:
        return all(a.present(ft) for a in self.parts) and bool(self.spans(ft))

    def spans(self, ft: FieldText) -> list[WordSpan]:
        if not all(a.present(ft) for a in self.parts):
            return []
        first = self.parts[0].positions(ft)
        rest = [set(a.positions(ft)) for a in self.parts[1:]]
        n = len(self.parts)
        return [(p, p + n) for p in first if all(p + i + 1 in s for i, s in enumerate(rest))]

    def atoms(self) -> list[Atom]:
        return list(self.parts)


def word_distance(a: WordSpan, b: WordSpan) -> int:
    """How many words apart two spans are: 1 when adjacent, 0 when they overlap."""
    if b[0] >= a[1]:
        return b[0] - a[1] + 1
    if a[0] >= b[1]:
        return a[0] - b[1] + 1
    return 0


@dataclass(frozen=True, eq=False)
class NearTerm(TextTerm):
    """Every part within ``within`` words of the first part, in any order."""

    source: str
    parts: tuple[TextTerm, ...]
    within: int

    def present(self, ft: FieldText) -> bool:
        return all(p.present(ft) for p in self.parts) and bool(self.spans(ft))

    def spans(self, ft: FieldText) -> list[WordSpan]:
        if not all(p.present(ft) for p in self.parts):
            return []
        anchors = self.parts[0].spans(ft)
        others = [p.spans(ft) for p in self.parts[1:]]
        out = []
        for anchor in anchors:
            lo, hi = anchor
            for spans in others:
                near = [s for s in spans if s != anchor and word_distance(anchor, s) <= self.within]
                if not near:
                    break
                best = min(near, key=lambda s: word_distance(anchor, s))
                lo, hi = min(lo, best[0]), max(hi, best[1])
            else:
                out.append((lo, hi))
        return out

    def atoms(self) -> list[Atom]:
        return [a for p in self.parts for a in p.atoms()]


@dataclass(frozen=True, eq=False)
class AnyTerm(TextTerm):
    """Any of several terms: one part of a proximity item written as a list (``near: [[deal, truce], [Syria, Assad]]``)."""

    source: str
    terms: tuple[TextTerm, ...]

    def present(self, ft: FieldText) -> bool:
        return any(t.present(ft) for t in self.terms)

    def spans(self, ft: FieldText) -> list[WordSpan]:
        return sorted({s for t in self.terms if t.present(ft) for s in t.spans(ft)})

    def atoms(self) -> list[Atom]:
        return [a for t in self.terms for a in t.atoms()]


def text_term(source: str, atoms: list[Atom]) -> TextTerm:
    return WordTerm(source, atoms[0]) if len(atoms) == 1 else PhraseTerm(source, tuple(atoms))
