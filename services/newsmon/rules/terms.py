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
        found = [ft.positions[k] for k in self.keys & ft.vocab]
        if len(found) == 1:
            return found[0]
        return list(merge(*found))

    def describe(self) -> str:
        return f"{self.source} ({', '.join(sorted(self.keys))})" if len(self.keys) > 1 else self.source


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
        found = [ft.positions[k] for k in ft.with_prefix(self.prefix)]
        return found[0] if len(found) == 1 else list(merge(*found))


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
        found = [ft.positions[k] for k in self.words(ft)]
        return found[0] if len(found) == 1 else list(merge(*found))


def wildcard_atom(word: str) -> Atom:
    pattern = fold(word)
    stem = pattern[:-1]
    if pattern.endswith("*") and "*" not in stem and "?" not in stem:
        return PrefixAtom(word, stem)
    return PatternAtom(word, Glob(pattern))


def compile_words(text: str, *, exact: bool = False, cased: bool = False, offset: int = 0) -> list[Atom]:
    """The atoms of a term's text, one per word.

    ``exact``: each word matches only itself (modulo case); otherwise its family (see
    :mod:`newsmon.rules.wordforms`). ``cased``: each word matches only as written.
    ``offset`` is added to error offsets, for callers that cut ``text`` out of something longer.
    """
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
                atoms.append(wildcard_atom(word))
            except GlobError as exc:
                raise TermError(str(exc), offset + m.start()) from None
        elif cased:
            atoms.append(CasedAtom(word, cased_form(word), word_key(word)))
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


def text_term(source: str, atoms: list[Atom]) -> TextTerm:
    return WordTerm(source, atoms[0]) if len(atoms) == 1 else PhraseTerm(source, tuple(atoms))
