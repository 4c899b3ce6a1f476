"""Scoring extraction against annotated data: entities, actors and events, for newsmon and for the raw model.

Development data (``newsmon/data/eval``, described in docs/extraction.md):

- ``conll2003/*-sample.txt``: CoNLL-2003 train and development documents (never the test split);
- ``plover/gsr-sample.jsonl``: PLOVER gold-standard example sentences (never PETRARCH2's validation records);
- ``seed/seed-annotations.yaml``: newsmon's annotation of the seed article, whose text is read from
  the samples folder at evaluation time.

Entities are scored on exact span and label after mapping both systems' OntoNotes labels to the
four CoNLL classes (:data:`LABEL_MAP`); actors on name (or alias) and country; events on type,
source country and target country. The raw model is the same spaCy model without newsmon's
components; its "actors" are its entities grouped by text, as the minimal core did, and it codes
no events.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from newsmon.articles import PreparedArticle, prepare, validate_article
from newsmon.articles.reading import text_to_record
from newsmon.models import EnrichedArticle

from .knowledge import normalize

# OntoNotes (spaCy) labels -> CoNLL-2003 classes. Numbers, dates, money... are not CoNLL entities.
LABEL_MAP = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC",
}
_RAW_ACTOR_LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "location", "NORP": "group", "LOC": "location"}
_BRACKET = re.compile(r"\[(PER|ORG|LOC|MISC) ([^\[\]]+?)\]")
_DATED = re.compile(r"\b(\d{4}-\d{2}-\d{2})\s*$")


@dataclass
class EvalDoc:
    """One article of development data and what a perfect extractor would find in it."""

    id: str
    corpus: str
    body: str
    title: str | None = None
    published: date | None = None
    entities: set[tuple[str, int, int, str]] | None = None  # (field, start, end, CoNLL class)
    actors: list[dict[str, Any]] | None = None
    events: list[dict[str, Any]] | None = None

    def prepared(self) -> PreparedArticle:
        record: dict[str, Any] = {"id": self.id, "body": self.body, "language": "en"}
        if self.title is not None:
            record["title"] = self.title
        if self.published is not None:
            record["published_at"] = datetime(self.published.year, self.published.month, self.published.day, 12, tzinfo=timezone.utc)
        return prepare(validate_article(record), max_body_chars=10_000_000)


@dataclass
class Score:
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
class SystemOutput:
    entities: set[tuple[str, int, int, str]] = field(default_factory=set)
    actors: list[tuple[str, str | None, tuple[str, ...]]] = field(default_factory=list)  # (name, country, aliases)
    events: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (type, source, target)


# --- reading the development data -----------------------------------------------------------

def eval_data_dir() -> Path:
    return Path(str(resources.files("newsmon") / "data" / "eval"))


def read_conll_compact(path: Path, corpus: str) -> list[EvalDoc]:
    """Documents of a compact CoNLL file (format in the file's header): one article per document."""
    docs: list[EvalDoc] = []
    lines: list[str] = []

    def flush() -> None:
        if not lines:
            return
        body_parts: list[str] = []
        entities: set[tuple[str, int, int, str]] = set()
        offset = 0
        published = None
        for line in lines:
            text_parts: list[str] = []
            pos = 0
            cursor = offset
            for m in _BRACKET.finditer(line):
                before = line[pos:m.start()]
                text_parts.append(before)
                cursor += len(before)
                surface = m.group(2)
                entities.add(("body", cursor, cursor + len(surface), m.group(1)))
                text_parts.append(surface)
                cursor += len(surface)
                pos = m.end()
            text_parts.append(line[pos:])
            sentence = "".join(text_parts)
            if published is None and (dated := _DATED.search(sentence)):
                try:
                    published = date.fromisoformat(dated.group(1))
                except ValueError:
                    published = None
            body_parts.append(sentence)
            offset += len(sentence) + 1
        docs.append(EvalDoc(f"{corpus}-{len(docs) + 1:03d}", corpus, "\n".join(body_parts), None, published, entities))
        lines.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        if raw.strip() == "-DOCSTART-":
            flush()
            continue
        lines.append(raw.strip())
    flush()
    return docs


def read_plover(path: Path) -> list[EvalDoc]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        event = {"type": record["type"], "source": record.get("source") or [], "target": record.get("target") or [],
                 "symmetric": bool(record.get("symmetric"))}
        docs.append(EvalDoc(record["id"], "plover", record["text"], None, date(2000, 1, 1), None, None, [event]))
    return docs


class SampleMismatch(RuntimeError):
    """The seed article on disk is not the one the annotation was made on."""


def read_seed(annotations: Path, samples_dir: Path) -> EvalDoc:
    data = yaml.safe_load(annotations.read_text(encoding="utf-8"))
    raw = (samples_dir / data["article"]).read_text(encoding="utf-8")
    if hashlib.sha256(raw.encode("utf-8")).hexdigest() != data["sha256"]:
        raise SampleMismatch(f"{samples_dir / data['article']} differs from the annotated version (sha256)")
    record = text_to_record(raw)
    title, body = record.get("title"), record["body"]
    entities = set()
    for e in data["entities"]:
        source = title if e["field"] == "title" else body
        if source is None or source[e["start"]:e["end"]] != e["text"]:
            raise SampleMismatch(f"annotation {e} does not match the text")
        if e["label"] in LABEL_MAP:
            entities.add((e["field"], e["start"], e["end"], LABEL_MAP[e["label"]]))
    events = []
    for ev in data["events"]:
        target = ev.get("target")
        events.append({"type": ev["type"], "source": _as_list(ev.get("source")), "target": _as_list(target),
                       "symmetric": bool(ev.get("symmetric"))})
    return EvalDoc("seed", "seed", body, title, date.fromisoformat(str(data["published_at"])), entities, data["actors"], events)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def load_development_data(samples_dir: Path | None, corpora: Iterable[str] = ("conll", "plover", "seed")) -> list[EvalDoc]:
    root = eval_data_dir()
    docs: list[EvalDoc] = []
    wanted = set(corpora)
    if "conll" in wanted:
        docs += read_conll_compact(root / "conll2003" / "dev-sample.txt", "conll-dev")
        docs += read_conll_compact(root / "conll2003" / "train-sample.txt", "conll-train")
    if "plover" in wanted:
        docs += read_plover(root / "plover" / "gsr-sample.jsonl")
    if "seed" in wanted and samples_dir is not None:
        docs.append(read_seed(root / "seed" / "seed-annotations.yaml", samples_dir))
    return docs


# --- turning system output into comparable sets -----------------------------------------------

def newsmon_output(enriched: EnrichedArticle) -> SystemOutput:
    out = SystemOutput()
    for e in enriched.entities:
        if e.label in LABEL_MAP:
            out.entities.add((e.field, e.start, e.end, LABEL_MAP[e.label]))
    out.actors = [(a.name, a.country, tuple(a.aliases)) for a in enriched.actors]
    out.events = [(ev.type, ev.source.country if ev.source else None, ev.target.country if ev.target else None) for ev in enriched.events]
    return out


def raw_output(title_doc: Any, body_doc: Any) -> SystemOutput:
    """The raw model's entities, and its entities grouped by text as actors (no country, no events)."""
    out = SystemOutput()
    names: dict[str, list[str]] = {}
    for field_name, doc in (("title", title_doc), ("body", body_doc)):
        if doc is None:
            continue
        for ent in doc.ents:
            if ent.label_ in LABEL_MAP:
                out.entities.add((field_name, ent.start_char, ent.end_char, LABEL_MAP[ent.label_]))
            if ent.label_ in _RAW_ACTOR_LABELS:
                names.setdefault(normalize(ent.text), []).append(ent.text)
    out.actors = [(texts[0], None, tuple(texts[1:])) for texts in names.values()]
    return out


# --- scoring ---------------------------------------------------------------------------------

def score_entities(predicted: set, gold: set) -> Score:
    tp = len(predicted & gold)
    return Score(tp, len(predicted) - tp, len(gold) - tp)


def score_actors(predicted: Sequence[tuple[str, str | None, tuple[str, ...]]], gold: Sequence[dict[str, Any]]) -> Score:
    """An actor counts when its name or an alias is the gold actor's name or alias, and its country is the gold one."""
    unmatched = list(range(len(gold)))
    score = Score()
    for name, country, aliases in predicted:
        names = {normalize(n) for n in (name, *aliases)}
        hit = next((i for i in unmatched
                    if names & {normalize(n) for n in (gold[i]["name"], *(gold[i].get("aliases") or ()))}
                    and country == gold[i].get("country")), None)
        if hit is None:
            score.fp += 1
        else:
            score.tp += 1
            unmatched.remove(hit)
    score.fn += len(unmatched)
    return score


def _event_matches(pred: tuple[str, str | None, str | None], gold: dict[str, Any]) -> bool:
    kind, source, target = pred
    if kind != gold["type"]:
        return False
    sources, targets = gold["source"], gold["target"]
    if gold.get("symmetric"):
        parties = set(sources) | set(targets)
        return source in parties and (target in parties or target is None) and source != target
    source_ok = source in sources
    target_ok = (target is None) if not targets else (target in targets)
    return source_ok and target_ok


def score_events(predicted: Sequence[tuple[str, str | None, str | None]], gold: Sequence[dict[str, Any]]) -> Score:
    unmatched = list(range(len(gold)))
    score = Score()
    for pred in predicted:
        hit = next((i for i in unmatched if _event_matches(pred, gold[i])), None)
        if hit is None:
            score.fp += 1
        else:
            score.tp += 1
            unmatched.remove(hit)
    score.fn += len(unmatched)
    return score


@dataclass
class EvalReport:
    scores: dict[str, dict[str, dict[str, Score]]]  # system -> task -> corpus -> score
    throughput: dict[str, float]
    documents: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scores": {s: {t: {c: sc.as_dict() for c, sc in cs.items()} for t, cs in ts.items()} for s, ts in self.scores.items()},
            "throughput": {k: round(v, 2) for k, v in self.throughput.items()},
            "documents": self.documents,
            "label_map": LABEL_MAP,
        }


def evaluate(docs: Sequence[EvalDoc], extractor: Any, raw_nlp: Any, *, batch_size: int = 32, repeat: int = 1) -> EvalReport:
    """Score newsmon (``extractor``) and the raw model (``raw_nlp``) on ``docs``, and time both on the same texts."""
    prepared = [d.prepared() for d in docs]
    texts: list[str] = []
    for item in prepared:
        texts.append(item.article.title or "")
        texts.append(item.article.body)

    # warm up both, then time: the same articles, the same batch size, interleaved runs
    extractor.extract(prepared[: min(8, len(prepared))])
    list(raw_nlp.pipe(texts[:16], batch_size=batch_size))
    newsmon_time = raw_time = 0.0
    enriched: list[EnrichedArticle] = []
    raw_docs: list[Any] = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        enriched = extractor.extract(prepared)
        newsmon_time += time.perf_counter() - start
        start = time.perf_counter()
        raw_docs = list(raw_nlp.pipe(texts, batch_size=batch_size))
        raw_time += time.perf_counter() - start
    n = len(prepared) * max(1, repeat)

    scores: dict[str, dict[str, dict[str, Score]]] = {
        s: {t: {} for t in ("entities", "actors", "events")} for s in ("raw", "newsmon")
    }
    counts: dict[str, int] = {}
    for i, doc in enumerate(docs):
        counts[doc.corpus] = counts.get(doc.corpus, 0) + 1
        outputs = {
            "newsmon": newsmon_output(enriched[i]),
            "raw": raw_output(raw_docs[2 * i] if docs[i].title is not None else None, raw_docs[2 * i + 1]),
        }
        for system, out in outputs.items():
            if doc.entities is not None:
                _bucket(scores[system]["entities"], doc.corpus).add(score_entities(out.entities, doc.entities))
            if doc.actors is not None:
                _bucket(scores[system]["actors"], doc.corpus).add(score_actors(out.actors, doc.actors))
            if doc.events is not None:
                _bucket(scores[system]["events"], doc.corpus).add(score_events(out.events, doc.events))
    for system in scores.values():
        for task in system.values():
            if task:
                total = Score()
                for score in task.values():
                    total.add(score)
                task["all"] = total
    throughput = {
        "newsmon_articles_per_s": n / newsmon_time if newsmon_time else 0.0,
        "raw_articles_per_s": n / raw_time if raw_time else 0.0,
    }
    throughput["ratio"] = throughput["newsmon_articles_per_s"] / throughput["raw_articles_per_s"] if throughput["raw_articles_per_s"] else 0.0
    counts["articles_timed"] = n
    return EvalReport(scores, throughput, counts)


def _bucket(task: dict[str, Score], corpus: str) -> Score:
    return task.setdefault(corpus, Score())
