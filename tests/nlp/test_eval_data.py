"""``newsmon eval``'s data: the CoNLL-2003 reader (on text written here), the refusal of the test
split, the shipped annotations (every offset checked), and the report's rows."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.cli.eval import eval_command
from newsmon.nlp.evaluation import (
    CONLL_HOWTO, CONLL_TEST_NAMES, LABEL_MAP, ConllError, ConllTestSplitRefused, EvalDoc, check_spans, eval_data_dir, evaluate,
    find_conll_files, find_repo_file, load_conll, load_development_data, parse_conll, read_own_articles,
    read_project_annotations, score_entities, spread_sample,
)
from newsmon.nlp.model import load_model
from tests.conftest import REPO_ROOT

# Invented sentences in the original four-column format (token POS chunk NER), IOB1 tags as in
# eng.train/eng.testa: I- opens an entity, B- only between two adjacent entities of one class.
FOUR_COLUMNS = """\
-DOCSTART- -X- -X- O

GLOBEX NNP I-NP I-ORG
OPENS VBZ I-VP O
PLANT NN I-NP O
IN IN I-PP O
LAGOS NNP I-NP I-LOC
. . O O

LAGOS NNP I-NP I-LOC
2001-05-04 CD I-NP O

Globex NNP I-NP I-ORG
Corp NNP I-NP I-ORG
chief NN I-NP O
Ada NNP I-NP I-PER
Obi NNP I-NP I-PER
said VBD I-VP O
Nigerian JJ I-NP I-MISC
and CC O O
Ghanaian JJ I-NP I-MISC
buyers NNS I-NP O
came VBD I-VP O
. . O O

-DOCSTART- -X- -X- O

Berlin NNP I-NP I-LOC
Paris NNP I-NP B-LOC
talks NNS I-NP O
"""

# The two-column IOB2 form many copies use (train.txt / valid.txt).
TWO_COLUMNS = """\
-DOCSTART- O

Tom B-PER
Kelly I-PER
joins O
Red B-ORG
Rovers I-ORG

TOKYO B-LOC
2001-06-01 O
"""


def test_conll_reader_four_columns_iob1():
    docs = parse_conll(FOUR_COLUMNS, subset="dev", id_prefix="t")
    assert [d.id for d in docs] == ["t-0001", "t-0002"]
    first = docs[0]
    assert first.body == ("GLOBEX OPENS PLANT IN LAGOS .\nLAGOS 2001-05-04\n"
                          "Globex Corp chief Ada Obi said Nigerian and Ghanaian buyers came .")
    assert first.title is None and first.corpus == "conll" and first.subset == "dev"
    assert first.published == date(2001, 5, 4)
    spans = sorted((first.body[s:e], label) for _, s, e, label in first.entities)
    assert spans == sorted([("GLOBEX", "ORG"), ("LAGOS", "LOC"), ("LAGOS", "LOC"), ("Globex Corp", "ORG"),
                            ("Ada Obi", "PER"), ("Nigerian", "MISC"), ("Ghanaian", "MISC")])
    # B- between two adjacent entities of one class: two entities, not one
    second = docs[1]
    assert sorted(second.body[s:e] for _, s, e, _ in second.entities) == ["Berlin", "Paris"]


def test_conll_reader_two_columns_iob2():
    (doc,) = parse_conll(TWO_COLUMNS)
    assert doc.body == "Tom Kelly joins Red Rovers\nTOKYO 2001-06-01"
    assert sorted((doc.body[s:e], c) for _, s, e, c in doc.entities) == [("Red Rovers", "ORG"), ("TOKYO", "LOC"), ("Tom Kelly", "PER")]
    assert doc.published == date(2001, 6, 1)


def test_conll_reader_without_docstart_cuts_at_headlines():
    text = "\n".join(line for line in (FOUR_COLUMNS + "\n" + FOUR_COLUMNS).splitlines() if not line.startswith("-DOCSTART-"))
    docs = parse_conll(text)
    heads = [d.body.splitlines()[0] for d in docs]
    assert heads.count("GLOBEX OPENS PLANT IN LAGOS .") == 2


def _write(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(FOUR_COLUMNS, encoding="utf-8")
    return folder


def test_only_the_test_split_is_refused(tmp_path):
    with pytest.raises(ConllTestSplitRefused, match="TEST split"):
        find_conll_files(_write(tmp_path / "a", "eng.testb"))
    with pytest.raises(ConllTestSplitRefused):
        find_conll_files(_write(tmp_path / "b", "test.txt"))
    with pytest.raises(ConllTestSplitRefused):
        find_conll_files(_write(tmp_path / "c", "eng.testb") / "eng.testb")  # named directly


def test_test_split_beside_train_and_dev_is_never_read(tmp_path, monkeypatch):
    folder = _write(tmp_path, "eng.train", "eng.testa", "eng.testb", "test.txt")
    files = find_conll_files(folder)
    assert files == {"train": folder / "eng.train", "dev": folder / "eng.testa"}
    opened: list[str] = []
    read_text = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: (opened.append(self.name), read_text(self, *a, **k))[1])
    docs, info = load_conll(folder, 10)
    assert {d.subset for d in docs} == {"dev", "train"}
    assert sorted(opened) == ["eng.testa", "eng.train"]
    assert not set(CONLL_TEST_NAMES) & {Path(p).name for p in info["files"].values()}


def test_copy_names_and_missing_data(tmp_path):
    assert set(find_conll_files(_write(tmp_path / "copy", "train.txt", "valid.txt"))) == {"train", "dev"}
    with pytest.raises(ConllError, match="no CoNLL-2003"):
        find_conll_files(_write(tmp_path / "empty"))
    with pytest.raises(ConllError, match="does not exist"):
        find_conll_files(tmp_path / "nowhere")


def test_sub_sample_takes_half_from_each_split(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    doc = FOUR_COLUMNS.split("-DOCSTART- -X- -X- O\n")[1]
    (folder / "eng.testa").write_text("".join(f"-DOCSTART- -X- -X- O\n{doc}" for _ in range(30)), encoding="utf-8")
    (folder / "eng.train").write_text("".join(f"-DOCSTART- -X- -X- O\n{doc}" for _ in range(4)), encoding="utf-8")
    docs, info = load_conll(folder, 10)
    assert Counter(d.subset for d in docs) == {"dev": 6, "train": 4}  # train is short: dev fills in
    assert info["available"] == {"dev": 30, "train": 4}
    ids = [d.id for d in docs if d.subset == "dev"]
    assert ids == sorted(ids) and ids[0] == "conll-dev-0001" and ids[-1] != "conll-dev-0006"  # spread, not the first six
    assert spread_sample(list(range(10)), 3) == [0, 3, 6]


def test_without_conll_the_report_says_how_to_include_it(seed_article_path):
    docs, notes, info = load_development_data(seed_article_path.parent, ("own", "seed", "plover", "wire", "conll"))
    assert CONLL_HOWTO in notes and info == {}
    assert {d.corpus for d in docs} == {"own", "seed", "plover", "wire"}
    assert not [n for n in notes if n.startswith("left out")]  # every project article found and unchanged


def test_cli_refuses_the_test_split_before_loading_anything(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSMON_CONLL_DIR", raising=False)
    result = CliRunner().invoke(eval_command, ["--conll", str(_write(tmp_path, "eng.testb"))])
    assert result.exit_code == 1
    assert "REFUSED" in result.output and "TEST split" in result.output
    result = CliRunner().invoke(eval_command, ["--corpus", "conll"])
    assert result.exit_code == 1 and "NEWSMON_CONLL_DIR" in result.output


# --- the shipped annotations ---------------------------------------------------------------------

OWN = eval_data_dir() / "own"
PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
                "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def _records(name: str) -> list[dict]:
    return [json.loads(line) for line in (OWN / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _check_events(events: list[dict]) -> None:
    for ev in events:
        assert ev["type"] in PLOVER_TYPES, ev
        for key in ("source_country", "target_country"):
            codes = ev.get(key)
            for code in ([] if codes is None else codes if isinstance(codes, list) else [codes]):
                assert code == "IGO" or (len(code) == 3 and code.isupper()), ev
        assert ev.get("source_country"), ev


def test_own_articles_offsets_labels_and_length():
    records = _records("articles.jsonl")
    assert len(records) >= 20
    assert len({r["id"] for r in records}) == len(records)
    for record in records:
        problems = check_spans({"title": record["title"], "body": record["body"]}, record["entities"])
        assert not problems, (record["id"], problems)
        for e in record["entities"]:
            source = record[e["field"]]
            assert source[e["start"]:e["end"]] == e["text"]
            assert e["label"] in LABEL_MAP
        assert 120 <= len(record["body"].split()) <= 300, record["id"]
        _check_events(record.get("events", []))
    assert len(read_own_articles(OWN / "articles.jsonl")) == len(records)


def test_project_annotations_point_at_unchanged_articles():
    records = _records("project-annotations.jsonl")
    paths = {r["path"] for r in records}
    assert {p for p in paths if p.startswith("services/newsmon/data/demo/")} == {
        f"services/newsmon/data/demo/{p.name}" for p in (REPO_ROOT / "services/newsmon/data/demo").glob("*.json")}
    assert {p for p in paths if p.startswith("tests/fixtures/topics/")} == {
        str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "tests/fixtures/topics").glob("*/*.json")}
    for record in records:
        found = find_repo_file(record["path"], REPO_ROOT)
        assert found is not None, record["path"]
        article = json.loads(found.read_text(encoding="utf-8"))
        problems = check_spans({"title": article.get("title"), "body": article["body"]}, record["entities"])
        assert not problems, (record["path"], problems)
        _check_events(record.get("events", []))
    docs, notes = read_project_annotations(OWN / "project-annotations.jsonl", REPO_ROOT)
    assert len(docs) == len(records) and notes == []


def test_check_spans_reports_bad_offsets():
    texts = {"title": "Kenya votes", "body": "NAIROBI - Kenyans vote."}
    assert check_spans(texts, [{"field": "title", "start": 0, "end": 5, "label": "GPE", "text": "Kenya"}]) == []
    assert check_spans(texts, [{"field": "body", "start": 0, "end": 6, "label": "GPE", "text": "NAIROBI"}])
    assert check_spans(texts, [{"field": "body", "start": 10, "end": 17, "label": "DEMONYM", "text": "Kenyans"}])
    overlapping = [{"field": "body", "start": 0, "end": 7, "label": "GPE", "text": "NAIROBI"},
                   {"field": "body", "start": 3, "end": 7, "label": "GPE", "text": "ROBI"}]
    assert any("overlaps" in p for p in check_spans(texts, overlapping))


def test_a_leading_the_is_forgiven_for_every_system():
    gold = {("body", 4, 18, "ORG")}  # "United Nations" in "The United Nations said"
    assert score_entities({("body", 0, 18, "ORG", 4)}, gold).tp == 1
    assert score_entities({("body", 0, 18, "ORG")}, gold).tp == 0  # without the marker: exact only
    assert score_entities({("body", 4, 18, "ORG", 0), ("body", 0, 18, "ORG", 4)}, gold).as_dict()["fp"] == 1


def test_report_rows_per_dataset(extractor):
    own = read_own_articles(OWN / "articles.jsonl")[:2]
    plover = EvalDoc("p1", "plover", "Russia and France agreed on Monday to cooperate.", None, date(2017, 3, 18), None, None,
                     [{"type": "COOPERATE", "source": ["RUS"], "target": ["FRA"], "symmetric": True}])
    report = evaluate([*own, plover], extractor, load_model(), repeat=1)
    assert set(report.scores["newsmon"]["entities"]) == {"own", "all"}
    assert set(report.scores["raw"]["events"]) == {"own", "plover", "all"}
    assert set(report.subsets["newsmon"]["entities"]) == {"own/new"}
    assert report.throughput["ratio"] > 0
    assert report.as_dict()["documents"]["own"] == 2
