"""Scoring topic flags against labelled articles: precision, recall and F1 per topic and per language.

The input is what a person decided (``topics``: the ids an article is on, following the written
definitions in docs/topic-definitions.md); the output counts agreements and keeps every miss
and false alarm with the same explanation ``newsmon topics check`` gives, so whoever tunes a
topic sees which group failed and what nearly matched. Pure: the caller runs the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .topic_match import TopicExplanation


@dataclass(frozen=True)
class Judged:
    """One labelled article after the pipeline ran: what the labeller said and what fired."""

    id: str
    language: str
    gold: frozenset[str]
    fired: frozenset[str]
    judged: frozenset[str]  # the topic ids the labeller judged (all of the file's, unless the record says)
    explanations: tuple[TopicExplanation, ...] = ()
    title: str | None = None


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    articles: int = 0

    def add(self, gold: bool, fired: bool) -> None:
        self.articles += 1
        self.tp += gold and fired
        self.fp += fired and not gold
        self.fn += gold and not fired

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def as_dict(self) -> dict:
        return {"articles": self.articles, "positives": self.positives, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Error:
    """A miss (on topic, not flagged) or a false alarm (flagged, not on topic), with why."""

    kind: str  # miss | false alarm
    topic: str
    id: str
    language: str
    title: str | None
    explanation: TopicExplanation | None


@dataclass
class TopicReport:
    by_topic: dict[str, Counts] = field(default_factory=dict)
    by_language: dict[str, Counts] = field(default_factory=dict)  # micro over the topics scored
    by_topic_language: dict[tuple[str, str], Counts] = field(default_factory=dict)
    errors: list[Error] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.by_topic.values():
            total.tp, total.fp, total.fn, total.articles = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn, total.articles + c.articles
        return total

    def as_dict(self) -> dict:
        return {
            "overall": self.overall.as_dict(),
            "topics": {t: c.as_dict() for t, c in self.by_topic.items()},
            "languages": {lang: c.as_dict() for lang, c in self.by_language.items()},
            "topic_languages": {f"{t}/{lang}": c.as_dict() for (t, lang), c in self.by_topic_language.items()},
            "errors": [{"kind": e.kind, "topic": e.topic, "id": e.id, "language": e.language, "title": e.title,
                        "explanation": e.explanation.to_dict() if e.explanation else None} for e in self.errors],
        }


def score(articles: Iterable[Judged], topics: Sequence[str]) -> TopicReport:
    """Count each topic on each article that judged it; keep every error with its explanation."""
    report = TopicReport()
    for t in topics:
        report.by_topic[t] = Counts()
    for a in articles:
        explained = {e.id: e for e in a.explanations}
        for t in topics:
            if t not in a.judged:
                continue
            gold, fired = t in a.gold, t in a.fired
            report.by_topic[t].add(gold, fired)
            report.by_language.setdefault(a.language, Counts()).add(gold, fired)
            report.by_topic_language.setdefault((t, a.language), Counts()).add(gold, fired)
            if gold != fired:
                report.errors.append(Error("miss" if gold else "false alarm", t, a.id, a.language, a.title, explained.get(t)))
    return report
