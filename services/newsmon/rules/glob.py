"""Wildcards (``*`` any run of characters, ``?`` one character) matched in bounded time.

Rules and queries used to compile wildcards to regular expressions, and Python's ``re``
backtracks: ``a*a*a*a*a*a*a*b`` against one 300-letter word took minutes and froze the worker's
event loop. :class:`Glob` matches with the classic greedy algorithm that only ever backtracks to
the last ``*``: at most ``len(pattern) * len(word)`` steps, whatever the pattern. A pattern's size
is also capped when it is compiled (:data:`MAX_WILDCARDS`, :data:`MAX_PATTERN_CHARS`), with an
error that says so, at ``alerts add`` and ``topics validate`` time.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_WILDCARDS = 6  # * and ? in one pattern
MAX_PATTERN_CHARS = 100


class GlobError(ValueError):
    """The pattern is too large to be matched cheaply; the message says what to change."""


class Glob:
    """A compiled wildcard pattern over case-folded text (the caller folds both sides)."""

    __slots__ = ("pattern", "prefix", "literals")

    def __init__(self, pattern: str):
        wildcards = sum(c in "*?" for c in pattern)
        if wildcards > MAX_WILDCARDS:
            raise GlobError(f"'{pattern}' has {wildcards} wildcards; at most {MAX_WILDCARDS} are allowed in one word")
        if len(pattern) > MAX_PATTERN_CHARS:
            raise GlobError(f"a wildcard pattern may be at most {MAX_PATTERN_CHARS} characters long, got {len(pattern)}")
        self.pattern = pattern
        first = min((i for i, c in enumerate(pattern) if c in "*?"), default=len(pattern))
        self.prefix = pattern[:first]  # every match starts with it: lets a sorted vocabulary be cut by bisection
        self.literals = [part for chunk in pattern.split("*") for part in chunk.split("?") if part]

    def match(self, text: str) -> bool:
        """Whether the whole of ``text`` matches the pattern."""
        if not text.startswith(self.prefix) or any(lit not in text for lit in self.literals):
            return False
        p, t = self.pattern, text
        i = j = 0
        star = -1  # position in the pattern just after the last '*'
        resume = 0  # where in the text that '*' would continue
        while j < len(t):
            if i < len(p) and (p[i] == "?" or p[i] == t[j]):
                i += 1
                j += 1
            elif i < len(p) and p[i] == "*":
                star, resume = i + 1, j
                i += 1
            elif star >= 0:
                resume += 1
                i, j = star, resume
            else:
                return False
        while i < len(p) and p[i] == "*":
            i += 1
        return i == len(p)

    def filter(self, texts: Iterable[str]) -> list[str]:
        return [t for t in texts if self.match(t)]
