"""What a topic is once its YAML is read: items with weights, grouped, with a threshold.

See docs/topics.md for the language these are compiled from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .fields import FieldClause
from .terms import TextTerm
from .text_model import TextModel

ENGLISH = "en"
GroupMode = Literal["all", "any", "none", "optional"]
GROUP_MODES: tuple[GroupMode, ...] = ("all", "any", "none", "optional")


@dataclass(frozen=True, eq=False)
class Item:
    """One entry of a group: a text term, a clause over extracted fields (any of ``clauses``), or
    a learned text model, which adds ``weight * (2p - 1)``: up to ``weight`` for an article it is
    sure is on topic, down to ``-weight`` for one it is sure is not."""

    source: str
    weight: float = 1.0
    term: TextTerm | None = None
    clauses: tuple[FieldClause, ...] = ()
    line: int = 0
    model: TextModel | None = None

    @property
    def is_text(self) -> bool:
        """Read from the article's words, so written per language (terms and models, not field clauses)."""
        return self.term is not None or self.model is not None


@dataclass(frozen=True, eq=False)
class Group:
    """Items and how they combine: ``all`` and ``any`` are required, ``none`` vetoes, ``optional`` only scores."""

    name: str
    mode: GroupMode
    items: tuple[Item, ...]
    min: int = 1  # any: distinct items that must match
    min_hits: int = 1  # all/any: occurrences the group's items must add up to
    # Term lists per language (ISO 639-1 code -> items compiled for that language); ``items`` is English.
    languages: dict[str, tuple[Item, ...]] = field(default_factory=dict)
    min_sentences: int = 1  # all/any: sentences the group's text matches must be spread over (a passing mention is one)

    @property
    def required(self) -> bool:
        return self.mode in ("all", "any")

    def items_for(self, language: str | None) -> tuple[Item, ...]:
        """The items that apply to an article in ``language``: the English list for English (or an
        unknown language), else the language's own terms plus the group's field clauses, which mean
        the same in every language (``country: SYR``)."""
        if language is None or language == ENGLISH:
            return self.items
        return tuple(i for i in self.items if not i.is_text) + self.languages.get(language, ())


@dataclass(frozen=True, eq=False)
class Topic:
    """A configured topic. ``max_hits`` caps how many occurrences of one text item count toward the score."""

    id: str
    name: str
    description: str
    groups: tuple[Group, ...]
    threshold: float = 1.0
    max_hits: int = 3
    line: int = 0

    @property
    def languages(self) -> frozenset[str]:
        """The languages the topic has terms for: English, and every language a group lists."""
        return frozenset({ENGLISH, *(code for g in self.groups for code in g.languages)})

    def covers(self, language: str | None) -> bool:
        return language is None or language in self.languages

    @property
    def max_score(self) -> float:
        """The highest score the topic can reach in English, to check that its threshold is reachable."""
        return self.max_score_in(ENGLISH)

    def max_score_in(self, language: str | None) -> float:
        total = 0.0
        for group in self.groups:
            if group.mode == "none":
                continue
            for item in group.items_for(language):
                if item.weight > 0:
                    total += item.weight * (self.max_hits if item.term is not None else 1)
        return total
