"""Training a topic's text model from labelled articles, with scikit-learn (the ``train`` extra).

Kept apart from :mod:`newsmon.rules.text_model` so the worker never imports scikit-learn: a
model is trained once, by whoever tunes a topic, and shipped as a JSON file that the pure
scorer reads. The features are :func:`~newsmon.rules.text_model.text_features`, handed to
scikit-learn's ``TfidfVectorizer`` as a callable analyser, so training and scoring cannot
drift apart; ``tests/rules/test_text_model.py`` checks that both give the same probability.

Besides the model, training reports what to expect from it on articles it has not seen: a
stratified k-fold cross-validation on the same labelled articles, precision and recall of the
model alone at several cuts. That estimate is what a user should look at before choosing a
cut; the held-out score of the whole topic is still ``newsmon topics eval`` on a test split.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .text_model import FORMAT, TextModel, text_features

CUTS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


class TrainingError(ValueError):
    """Training cannot run: the message says why and what to do."""


@dataclass(frozen=True)
class Fold:
    cut: float
    precision: float | None
    recall: float | None
    f1: float | None


def _sklearn():
    try:
        import sklearn  # noqa: F401
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
    except ImportError:
        raise TrainingError("training a topic model needs scikit-learn: pip install 'newsmon[train]'") from None
    return sklearn, TfidfVectorizer, LogisticRegression, StratifiedKFold


def _identity(feats: list[str]) -> list[str]:
    return feats


def _fit(docs: Sequence[list[str]], labels: Sequence[bool], c: float, max_features: int):
    _, TfidfVectorizer, LogisticRegression, _ = _sklearn()
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2, max_features=max_features)
    matrix = vectorizer.fit_transform(docs)
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    classifier.fit(matrix, list(labels))
    return vectorizer, classifier


def train(records: Sequence[dict[str, Any]], *, topic: str, languages: Sequence[str], c: float = 4.0,
          max_features: int = 12_000, folds: int = 5, source: str = "") -> tuple[TextModel, list[Fold]]:
    """A model for ``topic`` from the records in ``languages`` (``topics`` is the gold), and its cross-validated estimate.

    Records are the labelled JSON lines ``newsmon topics eval`` reads; those whose ``judged`` list
    leaves the topic out are not used. A model for several languages pools their articles: each
    language's words are its own features, and names written alike (Astana, Idlib) are shared.
    """
    wanted = tuple(dict.fromkeys(code.lower() for code in languages))
    shown = ", ".join(wanted)
    sklearn, *_ , StratifiedKFold = _sklearn()
    chosen = [r for r in records if str(r.get("language") or "en").lower().split("-")[0] in wanted
              and (not r.get("judged") or topic in r["judged"])]
    labels = [topic in (r.get("topics") or []) for r in chosen]
    positives = sum(labels)
    if positives < 10 or len(labels) - positives < 10:
        raise TrainingError(f"training '{topic}' in '{shown}' needs at least 10 articles on the topic and 10 off it; "
                            f"the labelled files have {positives} on and {len(labels) - positives} off")
    docs = [text_features(r.get("title"), str(r.get("body") or ""), str(r.get("language") or "en").lower().split("-")[0])
            for r in chosen]
    estimate = _cross_validate(docs, labels, c, max_features, min(folds, positives), StratifiedKFold)
    vectorizer, classifier = _fit(docs, labels, c, max_features)
    coefficients = classifier.coef_[0]
    weights = {feature: (float(vectorizer.idf_[i]), float(coefficients[i]))
               for feature, i in vectorizer.vocabulary_.items()}
    digest = hashlib.sha256("\n".join(sorted(str(r.get("id")) for r in chosen)).encode()).hexdigest()[:16]
    trained = {
        "articles": len(labels), "on_topic": positives, "data": source, "ids_sha256": digest,
        "date": dt.date.today().isoformat(), "library": f"scikit-learn {sklearn.__version__}",
        "C": c, "max_features": max_features, "class_weight": "balanced",
        "cross_validation": [{"cut": f.cut, "precision": f.precision, "recall": f.recall, "f1": f.f1} for f in estimate],
    }
    model = TextModel(path="<trained>", topic=topic, languages=wanted,
                      intercept=float(classifier.intercept_[0]), weights=weights, trained=trained)
    return model, estimate


def _cross_validate(docs, labels, c, max_features, k, StratifiedKFold) -> list[Fold]:
    if k < 2:
        return []
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=0)
    probabilities = [0.0] * len(docs)
    for train_at, test_at in splitter.split(docs, labels):
        vectorizer, classifier = _fit([docs[i] for i in train_at], [labels[i] for i in train_at], c, max_features)
        predicted = classifier.predict_proba(vectorizer.transform([docs[i] for i in test_at]))[:, 1]
        for i, p in zip(test_at, predicted):
            probabilities[i] = float(p)
    out = []
    for cut in CUTS:
        tp = sum(1 for p, y in zip(probabilities, labels) if y and p >= cut)
        fp = sum(1 for p, y in zip(probabilities, labels) if not y and p >= cut)
        fn = sum(1 for p, y in zip(probabilities, labels) if y and p < cut)
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        f1 = (2 * precision * recall / (precision + recall) if precision and recall else
              (0.0 if precision is not None and recall is not None else None))
        out.append(Fold(cut, precision, recall, f1))
    return out


__all__ = ["CUTS", "FORMAT", "Fold", "TrainingError", "train"]
