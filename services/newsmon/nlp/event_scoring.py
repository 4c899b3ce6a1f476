"""How right the events are: per CAMEO root, per dyad, with targets and places, and what was confused with what.

``newsmon eval`` scores events on sentences coded by people who never saw newsmon's patterns
(``data/eval/events/wire-sentences.jsonl``, docs/extraction.md). The coarse score of
:mod:`newsmon.nlp.evaluation` (PLOVER type and the two countries) says whether an event is right
as a whole; this module says *where* it goes wrong, which is what tuning patterns needs:

- **root**: precision, recall and F1 of the CAMEO root (01-20), event by event, after aligning
  each sentence's predicted events with its gold events;
- **dyad**: the root with the source and target countries (either order for a symmetric event;
  a missing country on both sides agrees);
- **targets and places**: of the events found with the right root whose gold has a target (a
  place), the share that has one; and the share of every gold event with a target that newsmon
  found with one;
- **confusion**: gold root against predicted root over the aligned pairs, with ``-`` for an event
  only one side has.

CAMEO 01 (public statements) has no PLOVER type and newsmon does not code it: gold statements
are counted and left out, so they count neither for nor against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

NONE = "-"
STATEMENT_ROOT = "01"


@dataclass(frozen=True)
class CodedEvent:
    """One event, gold or predicted, reduced to what is scored."""

    root: str
    type: str | None
    source: str | None  # country code (IGO for intergovernmental bodies), None when unknown
    target: str | None
    has_target: bool
    location: bool
    negated: bool = False
    symmetric: bool = False
    parties: frozenset[str | None] = frozenset()
    dead: int | None = None
    injured: int | None = None


def gold_event(record: dict[str, Any]) -> CodedEvent:
    """A coded event of ``wire-sentences.jsonl``."""
    source = record.get("source") or {}
    target = record.get("target") or {}
    parties = frozenset(p.get("country") for p in record.get("parties") or () if isinstance(p, dict))
    return CodedEvent(
        root=str(record.get("root") or str(record["cameo"])[:2]), type=record.get("type"),
        source=source.get("country"), target=target.get("country") if record.get("target") else None,
        has_target=bool(record.get("target")), location=bool(record.get("location")),
        negated=bool(record.get("negated")), symmetric=bool(record.get("symmetric")), parties=parties,
        dead=_count(record.get("dead")), injured=_count(record.get("injured")),
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def predicted_event(event: Any) -> CodedEvent:
    """An :class:`~newsmon.models.Event` of an enriched article."""
    return CodedEvent(
        root=event.cameo[:2], type=event.type,
        source=event.source.country if event.source else None,
        target=event.target.country if event.target else None,
        has_target=event.target is not None, location=event.location is not None, negated=event.negated,
        parties=frozenset(p.country for p in getattr(event, "parties", ()) or ()),
        dead=getattr(event, "dead", None), injured=getattr(event, "injured", None),
    )


def _similarity(gold: CodedEvent, pred: CodedEvent) -> int:
    score = 4 * (gold.root == pred.root) + 2 * (gold.type is not None and gold.type == pred.type)
    score += (pred.source is not None and pred.source in {gold.source, gold.target, *gold.parties})
    score += (pred.target is not None and pred.target in {gold.source, gold.target, *gold.parties})
    return score


def align(gold: Sequence[CodedEvent], predicted: Sequence[CodedEvent]) -> list[tuple[int | None, int | None]]:
    """Pairs (gold index, predicted index) of one sentence, best first; None for an event only one side has.
    A pair needs the same root or type, or a shared party: otherwise the two are different events."""
    candidates = sorted(
        ((_similarity(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted)),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int | None, int | None]] = []
    for score, gi, pi in candidates:
        if score < 1 or gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi))
    pairs += [(gi, None) for gi in range(len(gold)) if gi not in used_gold]
    pairs += [(None, pi) for pi in range(len(predicted)) if pi not in used_pred]
    return pairs


def dyad_agrees(gold: CodedEvent, pred: CodedEvent) -> bool:
    if gold.root != pred.root:
        return False
    if gold.symmetric or gold.parties:
        parties = {gold.source, gold.target, *gold.parties} - {None}
        if not parties:
            return pred.source is None and pred.target is None
        return (pred.source in parties and (pred.target in parties or (pred.target is None and not gold.has_target))
                and (pred.source != pred.target or len(parties) == 1))
    return pred.source == gold.source and pred.target == gold.target


@dataclass
class Score:
    """True and false positives and misses, and the precision, recall and F1 they give (every score of eval)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Share:
    have: int = 0
    of: int = 0

    @property
    def value(self) -> float:
        return self.have / self.of if self.of else 0.0

    def add(self, ok: bool) -> None:
        self.of += 1
        self.have += bool(ok)

    def as_dict(self) -> dict[str, float | int]:
        return {"share": round(self.value, 4), "have": self.have, "of": self.of}


@dataclass
class EventQuality:
    """Accumulates sentence after sentence; :meth:`as_dict` is the report."""

    roots: dict[str, Score] = field(default_factory=dict)
    overall: Score = field(default_factory=Score)
    dyad: Score = field(default_factory=Score)
    target_when_found: Share = field(default_factory=Share)  # right root found, gold has a target: has one
    target_correct: Share = field(default_factory=Share)  # ... and it is the gold target's country
    target_of_gold: Share = field(default_factory=Share)  # every gold event with a target: found with one
    location_when_found: Share = field(default_factory=Share)
    negation: Share = field(default_factory=Share)  # right root found: negated as the gold says
    dead_when_found: Share = field(default_factory=Share)  # right root found, gold states the dead: same number
    injured_when_found: Share = field(default_factory=Share)
    casualties_invented: Share = field(default_factory=Share)  # an attack found whose gold states no toll: we state one
    confusion: Counter = field(default_factory=Counter)  # (gold root, predicted root) -> count
    statements_left_out: int = 0
    sentences: int = 0

    def add(self, gold: Iterable[CodedEvent], predicted: Iterable[CodedEvent]) -> None:
        self.sentences += 1
        gold_list = []
        for event in gold:
            if event.root == STATEMENT_ROOT:
                self.statements_left_out += 1
            else:
                gold_list.append(event)
        pred_list = list(predicted)
        for gi, pi in align(gold_list, pred_list):
            g = gold_list[gi] if gi is not None else None
            p = pred_list[pi] if pi is not None else None
            self.confusion[(g.root if g else NONE, p.root if p else NONE)] += 1
            if g is not None and g.has_target:
                self.target_of_gold.add(p is not None and p.root == g.root and p.has_target)
            if g is not None and p is not None and g.root == p.root:
                self._root(g.root).tp += 1
                self.overall.tp += 1
                if g.has_target:
                    self.target_when_found.add(p.has_target)
                    self.target_correct.add(p.has_target and p.target in ({g.target, g.source, *g.parties} if g.symmetric else {g.target}))
                if g.location:
                    self.location_when_found.add(p.location)
                self.negation.add(p.negated == g.negated)
                for stated, ours, share in ((g.dead, p.dead, self.dead_when_found), (g.injured, p.injured, self.injured_when_found)):
                    if stated is not None:
                        share.add(ours == stated)
                if g.type == "ASSAULT" and g.dead is None and g.injured is None:
                    self.casualties_invented.add(p.dead is not None or p.injured is not None)
            else:
                if g is not None:
                    self._root(g.root).fn += 1
                    self.overall.fn += 1
                if p is not None:
                    self._root(p.root).fp += 1
                    self.overall.fp += 1
            if g is not None and p is not None and dyad_agrees(g, p):
                self.dyad.tp += 1
            else:
                self.dyad.fn += g is not None
                self.dyad.fp += p is not None

    def _root(self, root: str) -> Score:
        return self.roots.setdefault(root, Score())

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "root": self.overall.as_dict(),
            "dyad": self.dyad.as_dict(),
            "per_root": {r: c.as_dict() for r, c in sorted(self.roots.items())},
            "target_when_found": self.target_when_found.as_dict(),
            "target_correct_when_found": self.target_correct.as_dict(),
            "target_of_gold": self.target_of_gold.as_dict(),
            "location_when_found": self.location_when_found.as_dict(),
            "negation_agrees": self.negation.as_dict(),
            "dead_when_found": self.dead_when_found.as_dict(),
            "injured_when_found": self.injured_when_found.as_dict(),
            "casualty_stated_where_gold_has_none": self.casualties_invented.as_dict(),
            "confusion": [{"gold": g, "predicted": p, "count": n} for (g, p), n in sorted(self.confusion.items())],
            "statements_left_out": self.statements_left_out,
        }
