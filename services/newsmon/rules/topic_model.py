"""What a topic is once its YAML is read: items with weights, grouped, with a threshold.

See docs/topics.md for the language these are compiled from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .fields import FieldClause
from .terms import TextTerm

GroupMode = Literal["all", "any", "none", "optional"]
GROUP_MODES: tuple[GroupMode, ...] = ("all", "any", "none", "optional")


@dataclass(frozen=True, eq=False)
class Item:
    """One entry of a group: a text term, or a clause over extracted fields (any of ``clauses``)."""

    source: str
    weight: float = 1.0
    term: TextTerm | None = None
    clauses: tuple[FieldClause, ...] = ()
    line: int = 0

    @property
    def is_text(self) -> bool:
        return self.term is not None


@dataclass(frozen=True, eq=False)
class Group:
    """Items and how they combine: ``all`` and ``any`` are required, ``none`` vetoes, ``optional`` only scores."""

    name: str
    mode: GroupMode
    items: tuple[Item, ...]
    min: int = 1  # any: distinct items that must match
    min_hits: int = 1  # all/any: occurrences the group's items must add up to

    @property
    def required(self) -> bool:
        return self.mode in ("all", "any")


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
    def max_score(self) -> float:
        """The highest score the topic can reach, to check that its threshold is reachable."""
        total = 0.0
        for group in self.groups:
            if group.mode == "none":
                continue
            for item in group.items:
                if item.weight > 0:
                    total += item.weight * (self.max_hits if item.is_text else 1)
        return total
