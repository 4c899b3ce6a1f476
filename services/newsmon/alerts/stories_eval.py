"""Precision and recall of "same story" on the labelled pairs of ``data/eval/stories`` (``newsmon eval --stories``).

Each pair goes through a fresh :class:`StoryIndex` exactly as the worker would see it: the first
article is assigned, then the second; the pair is predicted "same story" when the second joins
the first's story. So the figures include locality-sensitive hashing (a pair never compared is a
miss), not only the similarity measure. The pairs and how they were made: ``data/eval/stories/README.md``.
Tune on ``dev``; score ``test`` once a change is done.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from newsmon.nlp.event_scoring import Score

from .stories import CURRENT, LEGACY, Scheme, StoryIndex, signature

SPLITS = ("dev", "test")


class PairArticle(BaseModel):
    site: str
    title: str
    body: str


class StoryPair(BaseModel):
    id: str
    group: str
    split: str
    same: bool
    kind: str
    note: str
    a: PairArticle
    b: PairArticle


@dataclass
class StoryScore:
    """Counts and rates of "same story" on one split under one scheme and threshold (P and R as every score of eval)."""

    split: str
    version: int
    similarity: float
    pairs: int
    counts: Score  # tp: same story, joined; fp: different stories, joined; fn: same story, kept apart
    tn: int
    errors: list[str] = field(default_factory=list)  # ids of the pairs decided wrongly

    @property
    def precision(self) -> float:
        return self.counts.precision

    @property
    def recall(self) -> float:
        return self.counts.recall

    def as_dict(self) -> dict:
        return {"split": self.split, "version": self.version, "similarity": self.similarity, "pairs": self.pairs,
                "tp": self.counts.tp, "fp": self.counts.fp, "fn": self.counts.fn, "tn": self.tn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "errors": self.errors}


def pairs_path() -> Path:
    return Path(str(resources.files("newsmon") / "data" / "eval" / "stories" / "pairs.jsonl"))


def load_pairs(splits: tuple[str, ...] = ("dev",), path: Path | None = None) -> list[StoryPair]:
    lines = (path or pairs_path()).read_text(encoding="utf-8").splitlines()
    pairs = [StoryPair.model_validate(json.loads(line)) for line in lines if line.strip()]
    return [p for p in pairs if p.split in splits]


def same_story(pair: StoryPair, scheme: Scheme = CURRENT, similarity: float = 0.75) -> bool:
    """Would the worker put the pair's second article in the first's story?"""
    index = StoryIndex(similarity=similarity, window_hours=48, capacity=100, scheme=scheme)
    index.assign("a", signature(pair.a.title, pair.a.body, scheme), now=0)
    return index.assign("b", signature(pair.b.title, pair.b.body, scheme), now=60).story_id == "a"


def score(pairs: list[StoryPair], split: str, scheme: Scheme = CURRENT, similarity: float = 0.75) -> StoryScore:
    counts: Counter = Counter()
    errors = []
    for pair in pairs:
        predicted = same_story(pair, scheme, similarity)
        counts[(pair.same, predicted)] += 1
        if predicted != pair.same:
            errors.append(pair.id)
    return StoryScore(split, scheme.version, similarity, len(pairs),
                      Score(tp=counts[(True, True)], fp=counts[(False, True)], fn=counts[(True, False)]),
                      counts[(False, False)], errors)


def evaluate(splits: tuple[str, ...], similarity: float, legacy_similarity: float = 0.7) -> list[StoryScore]:
    """Scores per split: version 1 at its old threshold (the "before"), then the current scheme at ``similarity``."""
    scores = []
    for split in splits:
        pairs = load_pairs((split,))
        scores.append(score(pairs, split, LEGACY, legacy_similarity))
        scores.append(score(pairs, split, CURRENT, similarity))
    return scores
