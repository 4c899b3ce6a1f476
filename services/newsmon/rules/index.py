"""An article tokenised and indexed once, for every topic and every alert rule to read.

Everything is computed on first use and kept: a query that only asks ``country:SYR`` never
pays for tokenising the body, and a thousand queries asking for words share one vocabulary.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from newsmon.models import Actor, EnrichedArticle, Event, TopicHit

from .analysis import Language, base_code, get_language
from .tokens import _KEYS, WORD, fold, word_key

TEXT_FIELDS = ("title", "body")


class FieldText:
    """The words of one text field (title or body): keys in order, vocabulary, positions, offsets.

    English text is keyed as the rule language always did (:mod:`newsmon.rules.tokens`). Text in
    another language newsmon has an analysis for (:mod:`newsmon.rules.analysis`) is cut into
    that language's words, and each word is indexed under all its variants (itself, without
    clitics, its stem), so a term compiled for that language finds its inflected forms.
    """

    __slots__ = ("name", "text", "raw", "keys", "vocab", "language", "base_positions", "_positions", "_sorted", "_reversed",
                 "_spans")

    def __init__(self, name: str, text: str, language: Language | None = None):
        self.name = name
        self.text = text
        self.language = language if language is not None and not language.is_english else None
        # Another language's words by their written forms only (itself, without clitics): what exact terms match.
        self.base_positions: dict[str, list[int]] | None = None
        self._positions: dict[str, list[int]] | None = None
        self._sorted: list[str] | None = None
        self._reversed: list[str] | None = None
        if self.language is None:
            self.raw: list[str] = WORD.findall(text)
            known = _KEYS
            self.keys: list[str] = [known.get(w) or word_key(w) for w in self.raw]
            self.vocab: frozenset[str] = frozenset(self.keys)
            self._spans: list[tuple[int, int]] | None = None
            return
        tokens = self.language.tokens(text)
        self.raw = [t[0] for t in tokens]
        self._spans = [(t[1], t[2]) for t in tokens]
        self.keys = [self.language.key(w) for w in self.raw]
        positions: dict[str, list[int]] = {}
        bases: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            for variant in self.language.variants(key):
                positions.setdefault(variant, []).append(i)
            for base in self.language.bases(key):
                found = bases.setdefault(base, [])
                if not found or found[-1] != i:
                    found.append(i)
        self._positions = positions
        self.base_positions = bases
        self.vocab = frozenset(positions)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def positions(self) -> dict[str, list[int]]:
        """key -> word positions (0-based, ascending)."""
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            for i, key in enumerate(self.keys):
                found = positions.get(key)
                if found is None:
                    positions[key] = [i]
                else:
                    found.append(i)
            self._positions = positions
        return self._positions

    @property
    def sorted_vocab(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.vocab)
        return self._sorted

    @property
    def reversed_vocab(self) -> list[str]:
        """Every vocabulary word spelt backwards, sorted: words that end with a stem, by bisection."""
        if self._reversed is None:
            self._reversed = sorted(w[::-1] for w in self.vocab)
        return self._reversed

    def with_prefix(self, prefix: str) -> list[str]:
        """Vocabulary words that start with ``prefix``."""
        return _starting(self.sorted_vocab, prefix)

    def with_suffix(self, suffix: str) -> list[str]:
        """Vocabulary words that end with ``suffix``."""
        return [w[::-1] for w in _starting(self.reversed_vocab, suffix[::-1])]

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of words ``start`` to ``end - 1``."""
        if self._spans is None:
            self._spans = [m.span() for m in WORD.finditer(self.text)]
        return self._spans[start][0], self._spans[end - 1][1]


def _starting(words: list[str], prefix: str) -> list[str]:
    i = bisect.bisect_left(words, prefix)
    out = []
    while i < len(words) and words[i].startswith(prefix):
        out.append(words[i])
        i += 1
    return out


def _ngrams(text: str) -> set[str]:
    """Every run of consecutive word keys of a name: "Sergei Lavrov" -> sergei, lavrov, sergei lavrov."""
    ks = [word_key(w) for w in WORD.findall(text)]
    return {" ".join(ks[i:j]) for i in range(len(ks)) for j in range(i + 1, min(len(ks), i + 8) + 1)}


def _name_index(names: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    index: dict[str, list[Any]] = {}
    for name, owner in names:
        for gram in _ngrams(name):
            owners = index.setdefault(gram, [])
            if not owners or owners[-1] is not owner:
                owners.append(owner)
    return index


class ArticleIndex:
    """One enriched article, indexed for rules: build it once, evaluate any number of rules on it."""

    def __init__(self, article: EnrichedArticle):
        self.article = article

    @classmethod
    def build(cls, article: EnrichedArticle) -> ArticleIndex:
        return cls(article)

    @classmethod
    def of(cls, article_or_index: EnrichedArticle | ArticleIndex) -> ArticleIndex:
        """The index itself, or a new index of an article."""
        if isinstance(article_or_index, ArticleIndex):
            return article_or_index
        return cls(article_or_index)

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Results computed once per article by clauses that are costly (a learned model's score)."""
        return {}

    # --- text
    @cached_property
    def analysis(self) -> Language | None:
        """The article's language analysis, when newsmon has one for it (None: English rules as always)."""
        return get_language(self.article.language)

    @cached_property
    def language_code(self) -> str | None:
        return base_code(self.article.language)

    @cached_property
    def title(self) -> FieldText:
        return FieldText("title", self.article.title or "", self.analysis)

    @cached_property
    def body(self) -> FieldText:
        return FieldText("body", self.article.body, self.analysis)

    def field(self, name: str) -> FieldText:
        return self.title if name == "title" else self.body

    # --- extracted fields
    @cached_property
    def actor_names(self) -> dict[str, list[Actor]]:
        """Word runs of every actor name and alias -> the actors."""
        return _name_index((n, a) for a in self.article.actors for n in (a.name, *a.aliases))

    @cached_property
    def actor_types(self) -> dict[str, list[Actor]]:
        out: dict[str, list[Actor]] = {}
        for actor in self.article.actors:
            out.setdefault(actor.type, []).append(actor)
        return out

    @cached_property
    def countries(self) -> dict[str, list[str]]:
        """Country code -> names of the actors (and event parties) from that country."""
        out: dict[str, list[str]] = {}
        for actor in self.article.actors:
            if actor.country:
                out.setdefault(actor.country, []).append(actor.name)
        for event in self.article.events:
            for party in (event.source, event.target):
                if party is not None and party.country:
                    names = out.setdefault(party.country, [])
                    if party.name not in names:
                        names.append(party.name)
        return out

    @cached_property
    def event_types(self) -> dict[str, list[Event]]:
        out: dict[str, list[Event]] = {}
        for event in self.article.events:
            out.setdefault(event.type, []).append(event)
        return out

    @cached_property
    def topics(self) -> dict[str, TopicHit]:
        return {t.id: t for t in self.article.topics}

    @cached_property
    def source_names(self) -> set[str]:
        return _ngrams(self.article.source) if self.article.source else set()

    @cached_property
    def language(self) -> str | None:
        return fold(self.article.language) if self.article.language else None

    @cached_property
    def place_names(self) -> dict[str, list[str]]:
        names = [(p.name, p.name) for p in self.article.places]
        if self.article.dateline and self.article.dateline.place:
            names.append((self.article.dateline.place, self.article.dateline.place))
        return _name_index(names)
