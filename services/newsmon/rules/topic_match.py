"""Scoring topics on one article, and saying why each fired, failed or nearly fired.

A topic fires when every required group (``all``, ``any``) holds, no ``none`` group matched, and
its score reaches the threshold. The score adds, over every group but ``none``, each matched
item's weight times its occurrences (capped at the topic's ``max_hits``); a field clause
counts once. A topic *nearly fired* when exactly one of those conditions failed, and only just:
a required group that matched something but not enough, a veto, or a score short of the
threshold by less than a quarter of it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsmon.models import EnrichedArticle, TopicEvidence, TopicHit

from .index import TEXT_FIELDS, ArticleIndex
from .terms import WordSpan
from .topic_model import Group, Item, Topic

SentenceSpan = tuple[str, int, int]
NEAR_MARGIN = 0.25  # a score within this fraction of the threshold counts as nearly there
MAX_EVIDENCE = 25

_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+|\n\s*\n")


@dataclass
class ItemResult:
    """One item on one article: how often it matched, what that added, and where."""

    item: str
    weight: float
    count: int
    contribution: float
    found: list[str] = field(default_factory=list)  # surface forms or field-hit labels
    evidence: list[TopicEvidence] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.count > 0

    def to_dict(self) -> dict:
        return {
            "item": self.item, "weight": self.weight, "count": self.count, "contribution": self.contribution,
            "found": self.found, "evidence": [e.model_dump() for e in self.evidence],
        }


@dataclass
class GroupResult:
    """One group on one article. ``satisfied`` for a ``none`` group means it did not veto."""

    name: str
    mode: str
    satisfied: bool
    reason: str
    items: list[ItemResult] = field(default_factory=list)

    @property
    def matched_items(self) -> list[ItemResult]:
        return [i for i in self.items if i.matched]

    def to_dict(self) -> dict:
        return {
            "name": self.name, "mode": self.mode, "satisfied": self.satisfied, "reason": self.reason,
            "items": [i.to_dict() for i in self.items],
        }


@dataclass
class TopicExplanation:
    """Why a topic fired or not on one article, and whether it nearly did."""

    id: str
    name: str
    fired: bool
    score: float
    threshold: float
    groups: list[GroupResult]
    failed: list[str]  # the conditions that did not hold, in words
    nearly: bool = False
    hit: TopicHit | None = None

    @property
    def near_reason(self) -> str | None:
        return self.failed[0] if self.nearly and self.failed else None

    def to_dict(self) -> dict:
        return {
            "id": self.id, "name": self.name, "fired": self.fired, "nearly": self.nearly,
            "score": self.score, "threshold": self.threshold, "failed": self.failed,
            "groups": [g.to_dict() for g in self.groups],
        }


class Sentences:
    """Finds the sentence around a match, from the sentence spans the pipeline gave (or a plain split)."""

    def __init__(self, article: EnrichedArticle, spans: Sequence[SentenceSpan]):
        self.texts = {"title": article.title or "", "body": article.body}
        self.starts: dict[str, list[int]] = {}
        self.ends: dict[str, list[int]] = {}
        for name, start, end in sorted(spans, key=lambda s: (s[0], s[1])):
            self.starts.setdefault(name, []).append(start)
            self.ends.setdefault(name, []).append(end)

    def index(self, name: str, start: int) -> int:
        """Which sentence of field ``name`` a character offset is in: by the pipeline's spans, else by punctuation."""
        starts = self.starts.get(name)
        if starts:
            return bisect.bisect_right(starts, start) - 1
        text = self.texts[name]
        return sum(1 for _ in _SENTENCE_END.finditer(text, 0, start))

    def around(self, name: str, start: int, end: int) -> str:
        text = self.texts[name]
        starts = self.starts.get(name)
        if starts:
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and self.ends[name][i] >= start:
                j = bisect.bisect_left(starts, end) - 1  # a match may run into the next sentence
                return _within_paragraph(text, starts[i], max(self.ends[name][max(i, j)], end), start, end)
        return _plain_sentence(text, start, end)


def _within_paragraph(text: str, begin: int, finish: int, start: int, end: int) -> str:
    """The sentence [begin, finish), cut to the paragraph of the match: a parser may run a headline into the lede."""
    cut = text.rfind("\n\n", begin, start)
    if cut >= 0:
        begin = cut + 2
    cut = text.find("\n\n", end, finish)
    if cut >= 0:
        finish = cut
    return text[begin:finish].strip()


def _plain_sentence(text: str, start: int, end: int) -> str:
    """The sentence around [start, end) by punctuation alone, for callers with no sentence spans."""
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    m = _SENTENCE_END.search(text, end)
    finish = m.start() + len(m.group().rstrip()) if m else len(text)
    return text[begin:finish].strip()


class ArticleContext:
    """One article being scored: its index, its sentences, and text-term spans computed once."""

    def __init__(self, article: EnrichedArticle | ArticleIndex, sentences: Sequence[SentenceSpan] = ()):
        self.index = ArticleIndex.of(article)
        self.article = self.index.article
        code = self.index.language_code
        self.language = None if code in (None, "en") else code  # None: the English terms
        self.sentences = Sentences(self.article, sentences)
        self._spans: dict[int, dict[str, list[WordSpan]]] = {}
        self._present: dict[int, bool] = {}

    def spans(self, item: Item) -> dict[str, list[WordSpan]]:
        found = self._spans.get(id(item.term))
        if found is None:
            assert item.term is not None
            found = {}
            for name in TEXT_FIELDS:
                ft = self.index.field(name)
                spans = item.term.spans(ft) if item.term.present(ft) else []
                if spans:
                    found[name] = spans
            self._spans[id(item.term)] = found
        return found

    def sentence_count(self, items: Sequence[Item]) -> int:
        """In how many sentences the text items match. A match in the title counts twice: the headline
        is the point of the article, never a passing mention."""
        found: set[tuple[str, int]] = set()
        for item in items:
            if item.term is None:
                continue
            for name, spans in self.spans(item).items():
                ft = self.index.field(name)
                for span in spans:
                    start, _ = ft.char_span(*span)
                    found.add((name, self.sentences.index(name, start)))
        return len(found) + (1 if any(name == "title" for name, _ in found) else 0)

    def present(self, item: Item) -> bool:
        """Whether the item can match at all: every word of it occurs (no positions needed)."""
        key = id(item)
        found = self._present.get(key)
        if found is None:
            if item.term is not None:
                term = item.term
                found = term.present(self.index.body) or term.present(self.index.title)
            elif item.model is not None:
                found = item.model.applies_to(self.index.language_code)
            else:
                found = any(c.test(self.index) for c in item.clauses)
            self._present[key] = found
        return found


def _evaluate_item(item: Item, topic: Topic, ctx: ArticleContext) -> ItemResult:
    """How often an item matched and what that adds to the score (evidence comes later, if wanted)."""
    if item.term is not None:
        count = sum(len(s) for s in ctx.spans(item).values())
        return ItemResult(item.source, item.weight, count, round(item.weight * min(count, topic.max_hits), 3))
    if item.model is not None:
        score = item.model.score(ctx.index)
        if score is None:
            return ItemResult(item.source, item.weight, 0, 0.0)
        return ItemResult(item.source, item.weight, 1, round(item.weight * (2 * score.probability - 1), 3))
    matched = ctx.present(item)
    return ItemResult(item.source, item.weight, 1 if matched else 0, item.weight if matched else 0.0)


def _add_evidence(result: ItemResult, item: Item, group: Group, topic: Topic, ctx: ArticleContext, limit: int) -> None:
    """Fill in what an item matched and where, with the sentence around each match."""
    rule = f"{group.name}: {item.source}"
    if item.term is not None:
        spans = ctx.spans(item)
        for name in TEXT_FIELDS:
            ft = ctx.index.field(name)
            for span in spans.get(name, ()):
                if len(result.evidence) >= limit:
                    return
                start, end = ft.char_span(*span)
                surface = ft.text[start:end]
                if surface not in result.found:
                    result.found.append(surface)
                result.evidence.append(TopicEvidence.model_construct(
                    rule=rule, term=surface, field=name, start=start, end=end,  # type: ignore[arg-type]
                    sentence=ctx.sentences.around(name, start, end),
                ))
        return
    if item.model is not None:
        score = item.model.score(ctx.index)
        if score is not None:
            result.found.append(item.model.label(score))
            where = item.model.where(ctx.index, score)
            if where is not None:
                name, start, end = where
                result.evidence.append(TopicEvidence.model_construct(
                    rule=rule, term=ctx.sentences.texts[name][start:end], field=name, start=start, end=end,  # type: ignore[arg-type]
                    sentence=ctx.sentences.around(name, start, end),
                ))
        return
    for clause in item.clauses:
        for hit in clause.hits(ctx.index):
            if hit.label not in result.found:
                result.found.append(hit.label)
            if hit.location is not None and len(result.evidence) < min(limit, 3):
                name, start, end = hit.location
                result.evidence.append(TopicEvidence.model_construct(
                    rule=rule, term=ctx.sentences.texts[name][start:end], field=name, start=start, end=end,
                    sentence=hit.sentence or ctx.sentences.around(name, start, end),
                ))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _evaluate_group(group: Group, topic: Topic, ctx: ArticleContext) -> GroupResult:
    group_items = group.items_for(ctx.language)
    items = [_evaluate_item(i, topic, ctx) for i in group_items]
    matched = [r for r in items if r.matched]
    hits = sum(r.count for r in matched)
    sentences = None
    if group.min_sentences > 1 and group.mode in ("all", "any"):
        sentences = ctx.sentence_count([i for i, r in zip(group_items, items) if r.matched])
    spread = sentences is None or sentences >= group.min_sentences
    if group.mode == "all":
        missing = [r.item for r in items if not r.matched]
        ok = not missing and hits >= group.min_hits and spread
        reason = (f"missing {', '.join(missing)}" if missing
                  else f"{_n(hits, 'occurrence')}, needs {group.min_hits}" if hits < group.min_hits
                  else f"matches in {_n(sentences or 0, 'sentence')}, needs {group.min_sentences}" if not spread
                  else "all matched")
    elif group.mode == "any":
        ok = len(matched) >= group.min and hits >= group.min_hits and spread
        if len(matched) < group.min:
            reason = f"{len(matched)} of {len(items)} items matched, needs {group.min}"
        elif hits < group.min_hits:
            reason = f"{_n(hits, 'occurrence')}, needs {group.min_hits}"
        elif not spread:
            reason = f"matches in {_n(sentences or 0, 'sentence')}, needs {group.min_sentences} (a passing mention)"
        else:
            reason = f"{len(matched)} of {len(items)} items matched"
    elif group.mode == "none":
        ok = not matched
        reason = f"vetoed by {', '.join(r.item for r in matched)}" if matched else "nothing to veto"
    else:
        ok = True
        reason = f"{len(matched)} of {len(items)} items matched"
    return GroupResult(group.name, group.mode, ok, reason, items)


def _quick_fail(topic: Topic, ctx: ArticleContext) -> bool:
    """True when a required group surely fails: no item of it is present at all (no spans needed)."""
    for group in topic.groups:
        items = group.items_for(ctx.language)
        if group.mode == "any":
            if sum(1 for i in items if ctx.present(i)) < group.min:
                return True
        elif group.mode == "all":
            if not all(ctx.present(i) for i in items):
                return True
    return False


def evaluate_topic(topic: Topic, ctx: ArticleContext, *, detailed: bool = False) -> TopicExplanation | None:
    """Score one topic. With ``detailed`` False (the stream's path), a topic that cannot fire returns None early."""
    if not topic.covers(ctx.language):
        if not detailed:
            return None
        return TopicExplanation(topic.id, topic.name, False, 0.0, topic.threshold, [],
                                [f"the topic has no terms for language '{ctx.language}' (languages: "
                                 f"{', '.join(sorted(topic.languages))})"])
    if not detailed and _quick_fail(topic, ctx):
        return None
    groups = [_evaluate_group(g, topic, ctx) for g in topic.groups]
    score = round(sum(i.contribution for g in groups if g.mode != "none" for i in g.items), 3)
    failed = [f"group '{g.name}' ({g.mode}): {g.reason}" for g in groups if not g.satisfied]
    short = round(topic.threshold - score, 3)
    if short > 0:
        failed.append(f"score {score:g} is {short:g} below the threshold {topic.threshold:g}")
    fired = not failed
    if not fired and not detailed:
        return None
    nearly = False
    if len(failed) == 1 and score > 0:
        missed = [g for g in groups if not g.satisfied]
        if missed:  # one group failed: nearly only if it was partly met (a veto always is)
            nearly = missed[0].mode == "none" or bool(missed[0].matched_items)
        else:
            nearly = short <= max(NEAR_MARGIN * topic.threshold, 0.5)
    for group, result in zip(topic.groups, groups):
        for item, item_result in zip(group.items_for(ctx.language), result.items):
            if item_result.matched and (detailed or item.weight >= 0):
                limit = max(topic.max_hits, 10) if detailed else topic.max_hits
                _add_evidence(item_result, item, group, topic, ctx, limit)
    hit = _hit(topic, score, groups) if fired else None
    return TopicExplanation(topic.id, topic.name, fired, score, topic.threshold, groups, failed, nearly, hit)


def _hit(topic: Topic, score: float, groups: list[GroupResult]) -> TopicHit:
    """The topic as flagged on the article: evidence from positive items, in text order, nested matches dropped."""
    candidates = [e for g in groups if g.mode != "none" for r in g.items if r.weight >= 0 and r.contribution >= 0
                  for e in r.evidence]
    candidates.sort(key=lambda e: (e.field != "title", e.start, -(e.end - e.start)))
    evidence: list[TopicEvidence] = []
    for e in candidates:
        last = evidence[-1] if evidence else None
        if last is not None and last.field == e.field and last.start <= e.start and e.end <= last.end:
            continue  # "talks" inside "peace talks"
        evidence.append(e)
    # Built without re-validation: every value above is already of the schema's type.
    return TopicHit.model_construct(id=topic.id, name=topic.name, score=score, evidence=evidence[:MAX_EVIDENCE])
