"""Scoring extraction against annotated data: entities, actors and events, for newsmon and for the raw model.

Development data (described in ``newsmon/data/eval/README.md`` and docs/extraction.md):

- ``own``: articles written for this project and annotated by hand (``own/articles.jsonl``), and
  annotations of the demo articles and the topic test fixtures (``own/project-annotations.jsonl``,
  which points at those files instead of copying their text);
- ``seed``: newsmon's annotation of the seed article, whose text is read from the samples folder
  at evaluation time;
- ``plover``: the PLOVER gold-standard records (``plover/gsr.jsonl``, the CAMEO manual's examples coded
  in PLOVER; never PETRARCH2's validation records);
- ``wire``: sentences paraphrased from real wire coverage and coded in CAMEO and PLOVER by helpers
  who never saw newsmon's patterns (``events/wire-sentences.jsonl``), each record marked ``dev`` (for
  tuning) or ``test`` (sentences from other stories, scored when a change is done); scored in
  detail by :mod:`newsmon.nlp.event_scoring`;
- ``conll``: CoNLL-2003 English, read from a folder the user supplies (``--conll DIR``), from the
  training and development splits only. It is Reuters news text and is not shipped. The test
  split is never read.

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

from .event_scoring import CodedEvent, EventQuality, Score, gold_event, predicted_event
from .knowledge import normalize

# OntoNotes (spaCy) labels -> CoNLL-2003 classes. Numbers, dates, money... are not CoNLL entities.
LABEL_MAP = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC",
}
CONLL_CLASSES = ("PER", "ORG", "LOC", "MISC")
CORPORA = ("own", "seed", "plover", "wire", "conll")
SHIPPED_CORPORA = ("own", "seed", "plover", "wire")
WIRE_SPLITS = ("dev", "test")

# CoNLL-2003 file names: the original distribution's, and the train/valid/test names of many copies.
CONLL_SPLITS = {"train": ("eng.train", "train.txt"), "dev": ("eng.testa", "valid.txt")}
CONLL_TEST_NAMES = ("eng.testb", "test.txt")
DEFAULT_CONLL_DOCS = 200
CONLL_HOWTO = (
    "CoNLL-2003 was not included: it is Reuters news text that newsmon does not ship. To include it, "
    "get the English CoNLL-2003 data (eng.train and eng.testa, or train.txt and valid.txt) and run "
    "`newsmon eval --conll DIR` or set NEWSMON_CONLL_DIR. Its test split (eng.testb, test.txt) is never read."
)

_RAW_ACTOR_LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "location", "NORP": "group", "LOC": "location"}
_DATED = re.compile(r"\b(\d{4}-\d{2}-\d{2})\s*$")
_DETERMINER = re.compile(r"(?i)the\s+")

Span = tuple[str, int, int, str]  # (field, start, end, CoNLL class)


@dataclass
class EvalDoc:
    """One article of development data and what a perfect extractor would find in it."""

    id: str
    corpus: str
    body: str
    title: str | None = None
    published: date | None = None
    entities: set[Span] | None = None
    actors: list[dict[str, Any]] | None = None
    events: list[dict[str, Any]] | None = None
    subset: str = ""  # e.g. "new", "demo", "fixtures" for own; "dev", "train" for conll
    coded_events: list[CodedEvent] | None = None  # the detailed gold of a coded sentence (wire)
    text_start: int = 0  # where the coded sentence starts in the body (after its context)

    def prepared(self) -> PreparedArticle:
        record: dict[str, Any] = {"id": self.id, "body": self.body, "language": "en"}
        if self.title is not None:
            record["title"] = self.title
        if self.published is not None:
            record["published_at"] = datetime(self.published.year, self.published.month, self.published.day, 12, tzinfo=timezone.utc)
        return prepare(validate_article(record), max_body_chars=10_000_000)


@dataclass
class SystemOutput:
    # (field, start, end, CoNLL class, chars of a leading "the " in the span, 0 if none)
    entities: set[tuple[str, int, int, str, int]] = field(default_factory=set)
    actors: list[tuple[str, str | None, tuple[str, ...]]] = field(default_factory=list)  # (name, country, aliases)
    events: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (type, source, target)


class EvalDataError(RuntimeError):
    """Development data that cannot be read as it should (a changed text, a bad offset, a missing file)."""


class SampleMismatch(EvalDataError):
    """The seed article on disk is not the one the annotation was made on."""


class ConllError(EvalDataError):
    """The CoNLL-2003 location is missing, or holds no training or development split."""


class ConllTestSplitRefused(ConllError):
    """Only the CoNLL-2003 test split was offered; newsmon never reads it."""


# --- reading the development data -----------------------------------------------------------

def eval_data_dir() -> Path:
    return Path(str(resources.files("newsmon") / "data" / "eval"))


def _package_dir() -> Path:
    return Path(str(resources.files("newsmon")))


def check_spans(texts: dict[str, str | None], entities: Iterable[dict[str, Any]]) -> list[str]:
    """Problems with annotated spans: each ``text[start:end]`` must be the ``text`` stored beside it
    (when one is: the seed's annotations store none, its sha256 pins the text), the label an
    OntoNotes label of :data:`LABEL_MAP`, and no two spans may overlap."""
    problems: list[str] = []
    seen: dict[str, list[tuple[int, int]]] = {}
    for e in entities:
        source = texts.get(e.get("field", ""))
        start, end = e.get("start"), e.get("end")
        if source is None or not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(source):
            problems.append(f"bad span {e}")
            continue
        if "text" in e and source[start:end] != e["text"]:
            problems.append(f"{e['field']}[{start}:{end}] is {source[start:end]!r}, annotated as {e.get('text')!r}")
        if e.get("label") not in LABEL_MAP:
            problems.append(f"unknown label {e.get('label')!r} for {e.get('text')!r}")
        spans = seen.setdefault(e["field"], [])
        if any(start < b and a < end for a, b in spans):
            problems.append(f"{e['field']}[{start}:{end}] {e.get('text')!r} overlaps another span")
        spans.append((start, end))
    return problems


def _gold_entities(entities: Iterable[dict[str, Any]]) -> set[Span]:
    return {(e["field"], e["start"], e["end"], LABEL_MAP[e["label"]]) for e in entities if e["label"] in LABEL_MAP}


def _gold_events(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": ev["type"], "source": _as_list(ev.get("source_country")), "target": _as_list(ev.get("target_country")),
             "symmetric": bool(ev.get("symmetric"))} for ev in events]


def read_own_articles(path: Path) -> list[EvalDoc]:
    """The articles written for newsmon (JSON lines: id, title, body, published_at, entities, events)."""
    docs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record = json.loads(line)
        problems = check_spans({"title": record.get("title"), "body": record["body"]}, record["entities"])
        if problems:
            raise EvalDataError(f"{path.name}:{number} ({record.get('id')}): " + "; ".join(problems))
        events = _gold_events(record["events"]) if "events" in record else None
        docs.append(EvalDoc(record["id"], "own", record["body"], record.get("title"), date.fromisoformat(record["published_at"][:10]),
                            _gold_entities(record["entities"]), None, events, "new"))
    return docs


def find_repo_file(relative: str, repo_root: Path | None = None) -> Path | None:
    """A project file named by its path in the repository: package data is found where the package
    is installed; other files (the test fixtures) only in a source checkout."""
    if relative.startswith("services/newsmon/"):
        candidate = _package_dir() / relative[len("services/newsmon/"):]
        if candidate.is_file():
            return candidate
    roots = [repo_root] if repo_root is not None else [*_package_dir().parents, Path.cwd(), *Path.cwd().parents]
    for root in roots:
        candidate = root / relative
        if candidate.is_file():
            return candidate
    return None


def read_project_annotations(path: Path, repo_root: Path | None = None) -> tuple[list[EvalDoc], list[str]]:
    """The demo and test-fixture articles, read where they live, with their annotations.

    Returns the documents and notes on articles left out: a file that cannot be found (the test
    fixtures are not installed with the package) or whose text no longer matches its annotation
    (someone edited the fixture: re-annotate it).
    """
    docs: list[EvalDoc] = []
    notes: list[str] = []
    missing: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        found = find_repo_file(record["path"], repo_root)
        if found is None:
            missing.append(record["path"])
            continue
        article = json.loads(found.read_text(encoding="utf-8"))
        problems = check_spans({"title": article.get("title"), "body": article.get("body")}, record["entities"])
        if problems:
            notes.append(f"left out {record['path']}: its text no longer matches the annotation ({problems[0]})")
            continue
        published = article.get("published_at")
        subset = "demo" if "/data/demo/" in record["path"] else "fixtures"
        events = _gold_events(record["events"]) if "events" in record else None
        docs.append(EvalDoc(Path(record["path"]).stem if subset == "demo" else "/".join(Path(record["path"]).parts[-2:]),
                            "own", article["body"], article.get("title"),
                            date.fromisoformat(str(published)[:10]) if published else None,
                            _gold_entities(record["entities"]), None, events, subset))
    if missing:
        notes.append(f"left out {len(missing)} project article(s) not found from here (the test fixtures are only in a "
                     f"source checkout): {', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''}")
    return docs, notes


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


def wire_split(record: dict[str, Any]) -> str:
    """The record's own ``split``. Splits are written into the data, not derived from the id, so a
    test split that has been scored too often can be folded into ``dev`` and replaced by sentences
    from stories the tuning never saw (round 1 went to ``dev`` this way; docs/extraction.md)."""
    split = record.get("split", "dev")
    if split not in ("dev", "test"):
        raise EvalDataError(f"wire record {record.get('id')} has split {split!r}; write \"dev\" or \"test\" in its split field")
    return split


def _with_context(context: str | None, text: str) -> tuple[str | None, str, int]:
    """Title, body and the sentence's offset in it. The coder's context is what a wire story gives
    before the sentence: a dateline city ("MOGADISHU") becomes a dateline, a sentence the previous
    sentence, and a country or region ("DR Congo") the headline."""
    if not context:
        return None, text, 0
    if context.isupper() or context.split(",")[0].isupper():
        prefix = f"{context} - "
        return None, prefix + text, len(prefix)
    if context.rstrip().endswith(".") and len(context.split()) > 3:
        prefix = context.rstrip() + " "
        return None, prefix + text, len(prefix)
    return context, text, 0


def read_wire(path: Path, splits: Iterable[str] = ("dev",)) -> list[EvalDoc]:
    wanted = set(splits)
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        split = wire_split(record)
        if split not in wanted:
            continue
        title, body, start = _with_context(record.get("context"), record["text"])
        coded = [gold_event(ev) for ev in record["events"]]
        events = []
        for ev, c in zip(record["events"], coded):
            if c.type is None:
                continue  # a statement: no PLOVER type
            parties = [p.get("country") for p in ev.get("parties") or ()]
            events.append({"type": c.type, "source": [c.source, *parties] if parties else [c.source],
                           "target": [c.target] if c.has_target else [], "symmetric": c.symmetric or bool(parties)})
        published = date.fromisoformat(record["published_at"]) if record.get("published_at") else None
        docs.append(EvalDoc(record["id"], "wire", body, title, published, None, None, events, split, coded, start))
    return docs


def read_seed(annotations: Path, samples_dir: Path) -> EvalDoc:
    data = yaml.safe_load(annotations.read_text(encoding="utf-8"))
    raw = (samples_dir / data["article"]).read_text(encoding="utf-8")
    if hashlib.sha256(raw.encode("utf-8")).hexdigest() != data["sha256"]:
        raise SampleMismatch(f"{samples_dir / data['article']} differs from the annotated version (sha256)")
    record = text_to_record(raw)
    title, body = record.get("title"), record["body"]
    problems = check_spans({"title": title, "body": body}, data["entities"])  # the sha256 pinned the text
    if problems:
        raise SampleMismatch(f"seed annotations do not fit the article: {problems[0]}")
    entities = _gold_entities(data["entities"])
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


# --- CoNLL-2003, from a folder the user supplies --------------------------------------------

def parse_conll(text: str, *, subset: str = "", id_prefix: str = "conll") -> list[EvalDoc]:
    """Documents of CoNLL-2003 text: one article per ``-DOCSTART-`` document.

    One token a line, the token first and its NER tag last (the original four columns
    ``token POS chunk NER`` or the two of many copies); a blank line ends a sentence. Both the
    original IOB1 tags (``I-`` starts an entity unless it continues one of the same class) and
    IOB2 (``B-`` starts every entity) are read. The text of an article is its sentences, one a
    line, tokens joined by single spaces, as CoNLL tokenised them; the date of its dateline
    (``LONDON 1996-08-30``) is its publication date. Copies that dropped the ``-DOCSTART-``
    lines are cut into articles at their headlines (the sentence before a dateline, and a byline
    between them).
    """
    documents: list[list[list[tuple[str, str]]]] = [[]]
    sentence: list[tuple[str, str]] = []
    marked = False
    for raw in text.splitlines():
        parts = raw.split()
        if not parts or parts[0] == "-DOCSTART-":
            if sentence:
                documents[-1].append(sentence)
                sentence = []
            if parts:
                marked = True
                documents.append([])
            continue
        sentence.append((parts[0], parts[-1] if len(parts) > 1 else "O"))
    if sentence:
        documents[-1].append(sentence)
    if not marked:
        documents = _split_at_datelines([s for d in documents for s in d])
    return [_conll_doc(sentences, f"{id_prefix}-{number:04d}", subset)
            for number, sentences in enumerate((d for d in documents if d), 1)]


_DATELINE = re.compile(r"^[A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*)* \d{4}-\d{2}-\d{2}$")


def _split_at_datelines(sentences: list[list[tuple[str, str]]]) -> list[list[list[tuple[str, str]]]]:
    starts = []
    for i, tokens in enumerate(sentences):
        if i and _DATELINE.match(" ".join(t for t, _ in tokens)):
            head = i - 1
            if head > 0 and len(sentences[head]) <= 4 and all(tag.endswith("PER") for _, tag in sentences[head]):
                head -= 1  # a byline between headline and dateline
            starts.append(head)
    starts = sorted({0, *starts})
    return [sentences[a:b] for a, b in zip(starts, [*starts[1:], len(sentences)])]


def _conll_doc(sentences: list[list[tuple[str, str]]], doc_id: str, subset: str) -> EvalDoc:
    lines: list[str] = []
    entities: set[Span] = set()
    offset = 0
    published = None
    for tokens in sentences:
        open_label: str | None = None
        open_start = previous_end = offset
        start = offset
        for token, tag in tokens:
            prefix, _, label = tag.partition("-")
            continues = prefix == "I" and label == open_label
            if open_label is not None and not continues:
                entities.add(("body", open_start, previous_end, open_label))
                open_label = None
            if prefix in ("B", "I") and label in CONLL_CLASSES and not continues:
                open_label, open_start = label, start
            previous_end = start + len(token)
            start = previous_end + 1
        if open_label is not None:
            entities.add(("body", open_start, previous_end, open_label))
        line = " ".join(token for token, _ in tokens)
        if published is None and (dated := _DATED.search(line)):
            try:
                published = date.fromisoformat(dated.group(1))
            except ValueError:
                published = None
        lines.append(line)
        offset += len(line) + 1
    return EvalDoc(doc_id, "conll", "\n".join(lines), None, published, entities, None, None, subset)


def find_conll_files(location: Path) -> dict[str, Path]:
    """The training and development files at ``location`` (a folder, or one of those files).

    Raises :class:`ConllTestSplitRefused` when only the test split is there (or is named
    directly), :class:`ConllError` when nothing usable is.
    """
    location = Path(location).expanduser()
    if location.is_file():
        if location.name in CONLL_TEST_NAMES:
            raise ConllTestSplitRefused(
                f"{location} is the CoNLL-2003 TEST split: newsmon never reads it (it is held out for the final "
                "measurement). Point --conll at the folder with eng.train/eng.testa (or train.txt/valid.txt).")
        for split, names in CONLL_SPLITS.items():
            if location.name in names:
                return {split: location}
        raise ConllError(f"{location}: not a CoNLL-2003 training or development file (expected one of "
                         f"{', '.join(n for names in CONLL_SPLITS.values() for n in names)})")
    if not location.is_dir():
        raise ConllError(f"CoNLL-2003 location {location} does not exist")
    found: dict[str, Path] = {}
    for split, names in CONLL_SPLITS.items():
        for name in names:
            if (location / name).is_file():
                found[split] = location / name
                break
    if not found:
        tests = [name for name in CONLL_TEST_NAMES if (location / name).is_file()]
        if tests:
            raise ConllTestSplitRefused(
                f"{location} holds only the CoNLL-2003 TEST split ({', '.join(tests)}): newsmon never reads it (it is "
                "held out for the final measurement). Add eng.train/eng.testa (or train.txt/valid.txt).")
        raise ConllError(f"no CoNLL-2003 training or development file in {location} (expected eng.train and/or "
                         "eng.testa, or train.txt and/or valid.txt)")
    return found


def spread_sample(docs: Sequence[EvalDoc], n: int) -> list[EvalDoc]:
    """``n`` documents spread evenly over the file (the corpus is ordered by day and by desk)."""
    if n >= len(docs):
        return list(docs)
    if n <= 0:
        return []
    return [docs[i * len(docs) // n] for i in range(n)]


def load_conll(location: Path, max_docs: int = DEFAULT_CONLL_DOCS) -> tuple[list[EvalDoc], dict[str, Any]]:
    """Up to ``max_docs`` CoNLL-2003 documents, half from the development split and half from the
    training split (one split fills in for the other when short), and what was read."""
    files = find_conll_files(location)
    pools = {split: parse_conll(path.read_text(encoding="utf-8", errors="replace"), subset=split, id_prefix=f"conll-{split}")
             for split, path in files.items()}
    want_dev = min(len(pools.get("dev", [])), (max_docs + 1) // 2)
    want_train = min(len(pools.get("train", [])), max_docs - want_dev)
    want_dev = min(len(pools.get("dev", [])), max_docs - want_train)
    docs = spread_sample(pools.get("dev", []), want_dev) + spread_sample(pools.get("train", []), want_train)
    info = {"files": {split: str(path) for split, path in files.items()},
            "available": {split: len(pool) for split, pool in pools.items()},
            "used": {"dev": want_dev, "train": want_train}}
    return docs, info


def load_development_data(
    samples_dir: Path | None,
    corpora: Iterable[str] = SHIPPED_CORPORA,
    *,
    conll_dir: Path | None = None,
    conll_docs: int = DEFAULT_CONLL_DOCS,
    repo_root: Path | None = None,
    wire_splits: Iterable[str] = ("dev",),
) -> tuple[list[EvalDoc], list[str], dict[str, Any]]:
    """The selected corpora, notes on what was left out, and what was read of CoNLL-2003."""
    root = eval_data_dir()
    docs: list[EvalDoc] = []
    notes: list[str] = []
    conll_info: dict[str, Any] = {}
    wanted = set(corpora)
    if "own" in wanted:
        docs += read_own_articles(root / "own" / "articles.jsonl")
        project, project_notes = read_project_annotations(root / "own" / "project-annotations.jsonl", repo_root)
        docs += project
        notes += project_notes
    if "seed" in wanted:
        if samples_dir is None:
            notes.append("seed article left out: seed-article.txt not found (set NEWSMON_SAMPLES_DIR or --samples-dir)")
        else:
            docs.append(read_seed(root / "seed" / "seed-annotations.yaml", samples_dir))
    if "plover" in wanted:
        docs += read_plover(root / "plover" / "gsr.jsonl")
    if "wire" in wanted:
        docs += read_wire(root / "events" / "wire-sentences.jsonl", wire_splits)
    if "conll" in wanted:
        if conll_dir is None:
            notes.append(CONLL_HOWTO)
        else:
            conll, conll_info = load_conll(conll_dir, conll_docs)
            docs += conll
    return docs, notes, conll_info


# --- turning system output into comparable sets -----------------------------------------------

def _determiner(text: str) -> int:
    """Length of a leading "the " in an entity's text (0 if none)."""
    match = _DETERMINER.match(text)
    return match.end() if match and match.end() < len(text) else 0


def newsmon_output(enriched: EnrichedArticle, text_start: int = 0) -> SystemOutput:
    """What newsmon found, comparable with the gold; events only from ``text_start`` on (after a coded sentence's context)."""
    out = SystemOutput()
    for e in enriched.entities:
        if e.label in LABEL_MAP:
            out.entities.add((e.field, e.start, e.end, LABEL_MAP[e.label], _determiner(e.text)))
    out.actors = [(a.name, a.country, tuple(a.aliases)) for a in enriched.actors]
    out.events = [(ev.type, ev.source.country if ev.source else None, ev.target.country if ev.target else None)
                  for ev in enriched.events if not text_start or any(e.field == "body" and e.end > text_start for e in ev.evidence)]
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
                out.entities.add((field_name, ent.start_char, ent.end_char, LABEL_MAP[ent.label_], _determiner(ent.text)))
            if ent.label_ in _RAW_ACTOR_LABELS:
                names.setdefault(normalize(ent.text), []).append(ent.text)
    out.actors = [(texts[0], None, tuple(texts[1:])) for texts in names.values()]
    return out


# --- scoring ---------------------------------------------------------------------------------

def score_entities(predicted: Iterable[tuple], gold: set[Span]) -> Score:
    """Exact span and class. A leading "the" in a predicted span is forgiven, for every system:
    OntoNotes, which the model learned from, often includes it ("the United Nations"), CoNLL and
    newsmon's guidelines never do. Predictions are ``(field, start, end, class)``, optionally with
    a fifth item, the length of that leading "the " (see :func:`newsmon_output`)."""
    unmatched = set(gold)
    tp = fp = 0
    for item in sorted(predicted):
        field_name, start, end, label = item[:4]
        skip = item[4] if len(item) > 4 else 0
        candidates = [(field_name, start, end, label)]
        if skip:
            candidates.append((field_name, start + skip, end, label))
        hit = next((c for c in candidates if c in unmatched), None)
        if hit is None:
            fp += 1
        else:
            tp += 1
            unmatched.discard(hit)
    return Score(tp, fp, len(unmatched))


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
    scores: dict[str, dict[str, dict[str, Score]]]  # system -> task -> corpus (and "all") -> score
    throughput: dict[str, float]
    documents: dict[str, int]
    subsets: dict[str, dict[str, dict[str, Score]]] = field(default_factory=dict)  # system -> task -> "corpus/subset"
    notes: list[str] = field(default_factory=list)
    conll: dict[str, Any] = field(default_factory=dict)
    event_quality: dict[str, EventQuality] = field(default_factory=dict)  # "wire/dev" -> detailed event scores

    def as_dict(self) -> dict[str, Any]:
        def scores(tree: dict[str, dict[str, dict[str, Score]]]) -> dict[str, Any]:
            return {s: {t: {c: sc.as_dict() for c, sc in cs.items()} for t, cs in ts.items()} for s, ts in tree.items()}

        return {
            "scores": scores(self.scores),
            "subsets": scores(self.subsets),
            "throughput": {k: round(v, 2) for k, v in self.throughput.items()},
            "documents": self.documents,
            "notes": self.notes,
            "conll": self.conll,
            "event_quality": {k: q.as_dict() for k, q in self.event_quality.items()},
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

    tasks = ("entities", "actors", "events")
    scores: dict[str, dict[str, dict[str, Score]]] = {s: {t: {} for t in tasks} for s in ("raw", "newsmon")}
    subsets: dict[str, dict[str, dict[str, Score]]] = {s: {t: {} for t in tasks} for s in ("raw", "newsmon")}
    counts: dict[str, int] = {}
    quality: dict[str, EventQuality] = {}
    for i, doc in enumerate(docs):
        if doc.coded_events is not None:
            mine = [predicted_event(ev) for ev in enriched[i].events
                    if any(e.field == "body" and e.end > doc.text_start for e in ev.evidence)]
            quality.setdefault(f"{doc.corpus}/{doc.subset}", EventQuality()).add(doc.coded_events, mine)
        counts[doc.corpus] = counts.get(doc.corpus, 0) + 1
        if doc.subset:
            counts[f"{doc.corpus}/{doc.subset}"] = counts.get(f"{doc.corpus}/{doc.subset}", 0) + 1
        outputs = {
            "newsmon": newsmon_output(enriched[i], doc.text_start),
            "raw": raw_output(raw_docs[2 * i] if docs[i].title is not None else None, raw_docs[2 * i + 1]),
        }
        for system, out in outputs.items():
            results: dict[str, Score] = {}
            if doc.entities is not None:
                results["entities"] = score_entities(out.entities, doc.entities)
            if doc.actors is not None:
                results["actors"] = score_actors(out.actors, doc.actors)
            if doc.events is not None:
                results["events"] = score_events(out.events, doc.events)
            for task, result in results.items():
                _bucket(scores[system][task], doc.corpus).add(result)
                if doc.subset:
                    _bucket(subsets[system][task], f"{doc.corpus}/{doc.subset}").add(result)
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
    return EvalReport(scores, throughput, counts, subsets, event_quality=quality)


def _bucket(task: dict[str, Score], corpus: str) -> Score:
    return task.setdefault(corpus, Score())
