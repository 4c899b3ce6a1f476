"""A learned text model as one item of a topic: a linear classifier over an article's words.

Why: hand-written terms are precise, but on news nobody tuned them against they miss the
on-topic stories told in words nobody thought to list ("fighters prepare to quit the valley
under an arrangement"), and fire on battlefield reports that happen to name a de-escalation
zone. A logistic regression trained on articles labelled by the topic's written definition
(``newsmon topics train``) weighs the whole article's vocabulary, and stays explainable: its
score is a sum of per-word contributions, so ``topics check`` can say which words pushed it,
as it says which terms fired.

A model is a JSON file (format in docs/topics.md, "Learned models"), referenced from an
``optional`` group as ``{model: models/syria-ceasefire-talks.en.json, weight: 8}``. On an article
in the model's language it adds ``weight * (2p - 1)`` to the topic's score: up to ``+weight``
when the model is sure the article is on topic, down to ``-weight`` when it is sure it is not.
So the terms and the model vote together, and the topic's required groups (is it about Syria
at all?) still decide. Scoring is pure Python over the words :mod:`newsmon.rules.index` already
cut: the same features the trainer (:mod:`newsmon.rules.text_model_train`) used, so a model
scores here exactly as scikit-learn scored it when it was trained.

Features: each word's key in the article's language analysis (normalised, clitics stripped,
Snowball stem), and each pair of neighbouring words, from the title and the body (never
across the two). Weighting as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``:
``(1 + ln count) * idf``, L2-normalised, dotted with the coefficients, plus the intercept.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .analysis import Language, get_language
from .index import TEXT_FIELDS, ArticleIndex, FieldText

FORMAT = "newsmon-topic-model/1"
SHOWN_WORDS = 6  # contributions an explanation lists


class ModelError(ValueError):
    """A model file that cannot be used; the message says what is wrong with it."""


def word_features(keys: Sequence[str], language: Language | None) -> list[str]:
    """The model's word features of one field: each word's analysed key, in order.

    ``keys`` are the field's word keys as :class:`~newsmon.rules.index.FieldText` holds them
    (English: folded, possessive dropped; another language: its normalised key).
    """
    analysis = language if language is not None else get_language("en")
    out = []
    for key in keys:
        if analysis is None:
            out.append(key)
            continue
        bases = analysis.bases(key)
        out.append(analysis.stem(min(bases, key=len)) or key)
    return out


def features(fields: Iterable[Sequence[str]]) -> list[str]:
    """Unigrams and bigrams of each field's word features (a bigram never spans two fields)."""
    out: list[str] = []
    for words in fields:
        out.extend(words)
        out.extend(f"{a} {b}" for a, b in zip(words, words[1:]))
    return out


def text_features(title: str | None, body: str, language: str | None) -> list[str]:
    """The features of an article given as text: what training uses, through the same index code."""
    analysis = get_language(language)
    analysis = analysis if analysis is not None and not analysis.is_english else None
    fields = [FieldText(name, text, analysis) for name, text in (("title", title or ""), ("body", body))]
    return features(word_features(f.keys, f.language) for f in fields)


@dataclass(frozen=True)
class Contribution:
    feature: str
    value: float


@dataclass(frozen=True)
class Score:
    probability: float
    contributions: tuple[Contribution, ...]  # largest first, by absolute value


@dataclass(frozen=True, eq=False)
class TextModel:
    """A trained linear model for one topic in one language."""

    path: str
    topic: str
    languages: tuple[str, ...]  # the languages it was trained on, and scores
    intercept: float
    weights: dict[str, tuple[float, float]]  # feature -> (idf, coefficient)
    trained: dict[str, Any]

    @classmethod
    def load(cls, path: Path | str) -> TextModel:
        """Read a model file; :class:`ModelError` says what is wrong with one that cannot be used."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ModelError(f"cannot read the model file {path}: {exc.strerror or exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"the model file {path} is not JSON ({exc}); train it again with `newsmon topics train`") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: Any, path: str = "<memory>") -> TextModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{path} is not a newsmon topic model (it needs \"format\": \"{FORMAT}\"); "
                             "train one with `newsmon topics train`")
        try:
            vocabulary = data["vocabulary"]
            weights = {str(f): (float(v[0]), float(v[1])) for f, v in vocabulary.items()}
            codes = data["languages"]
            if not isinstance(codes, list) or not codes:
                raise ValueError("'languages' must be a non-empty list of language codes")
            model = cls(path=path, topic=str(data["topic"]), languages=tuple(str(c) for c in codes),
                        intercept=float(data["intercept"]), weights=weights, trained=dict(data.get("trained") or {}))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ModelError(f"the model file {path} is incomplete or malformed ({type(exc).__name__}: {exc}); "
                             "train it again with `newsmon topics train`") from None
        unknown = [c for c in model.languages if get_language(c) is None]
        if unknown:
            raise ModelError(f"the model file {path} is for language '{unknown[0]}', which newsmon has no analysis for")
        return model

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "topic": self.topic, "languages": list(self.languages),
            "intercept": self.intercept, "trained": self.trained,
            "vocabulary": {f: [idf, coef] for f, (idf, coef) in sorted(self.weights.items())},
        }

    def score_features(self, feats: Iterable[str]) -> Score:
        return self.score_counts(Counter(feats))

    def score_counts(self, counts: Counter[str]) -> Score:
        """The score of an article's feature counts (features the model does not know are ignored)."""
        values = {f: (1.0 + math.log(n)) * self.weights[f][0] for f, n in counts.items() if f in self.weights}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        parts = [Contribution(f, v / norm * self.weights[f][1]) for f, v in values.items()]
        logit = self.intercept + sum(p.value for p in parts)
        parts.sort(key=lambda p: -abs(p.value))
        probability = 1.0 / (1.0 + math.exp(-logit)) if logit > -500 else 0.0
        return Score(probability, tuple(parts))

    def applies_to(self, language: str | None) -> bool:
        return (language or "en") in self.languages

    def score(self, index: ArticleIndex) -> Score | None:
        """The article's probability and the words behind it; None when the model is not for the article's language."""
        if not self.applies_to(index.language_code):
            return None
        memo = index.memo.get(("model", id(self)))
        if memo is None:
            memo = index.memo[("model", id(self))] = self.score_counts(_feature_counts(index))
        return memo

    def label(self, score: Score) -> str:
        """A line saying why: the probability, and the words that weighed most either way."""
        shown = ", ".join(f"{c.feature} {c.value:+.2f}" for c in score.contributions[:SHOWN_WORDS])
        return f"p={score.probability:.2f}: {shown}" if shown else f"p={score.probability:.2f}: no word the model knows"

    def where(self, index: ArticleIndex, score: Score) -> tuple[str, int, int] | None:
        """Where the word that pushed hardest toward the model's verdict first occurs (for the evidence sentence)."""
        sign = 1 if score.probability >= 0.5 else -1
        for contribution in score.contributions:
            if contribution.value * sign <= 0 or " " in contribution.feature:
                continue
            for name in TEXT_FIELDS:
                words = _field_features(index, index.field(name))
                if contribution.feature in words:
                    i = words.index(contribution.feature)
                    start, end = index.field(name).char_span(i, i + 1)
                    return (name, start, end)
        return None


def _feature_counts(index: ArticleIndex) -> Counter[str]:
    """The article's features, counted once and shared by every model of its language."""
    memo = index.memo.get("feature counts")
    if memo is None:
        fields = [_field_features(index, index.field(name)) for name in TEXT_FIELDS]
        memo = index.memo["feature counts"] = Counter(features(fields))
    return memo


def _field_features(index: ArticleIndex, field: FieldText) -> list[str]:
    memo = index.memo.get(("words", field.name))
    if memo is None:
        memo = index.memo[("words", field.name)] = word_features(field.keys, field.language)
    return memo
