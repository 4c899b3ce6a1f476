"""Event scoring per root and dyad, and the coded wire sentences it reads."""

from __future__ import annotations

import json

import pytest

from newsmon.nlp.evaluation import EvalDataError, _with_context, eval_data_dir, read_wire, wire_split
from newsmon.nlp.event_scoring import CodedEvent, EventQuality, align, dyad_agrees, gold_event


def ev(root, source, target, **kw) -> CodedEvent:
    return CodedEvent(root=root, type=kw.pop("type", None), source=source, target=target, has_target=target is not None,
                      location=kw.pop("location", False), **kw)


def test_alignment_pairs_the_same_event_and_leaves_the_rest_unpaired():
    gold = [ev("19", "SYR", "SYR"), ev("04", "USA", "CHN")]
    pred = [ev("04", "USA", "CHN"), ev("11", "GBR", None)]
    pairs = align(gold, pred)
    assert (1, 0) in pairs and (0, None) in pairs and (None, 1) in pairs


def test_per_root_dyad_targets_and_confusion():
    quality = EventQuality()
    quality.add([ev("19", "ISR", "LBN", location=True), ev("11", "LBN", "ISR"), ev("01", "LBN", None)],
                [ev("19", "ISR", None), ev("12", "LBN", "ISR")])
    report = quality.as_dict()
    assert report["per_root"]["19"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 1, "fp": 0, "fn": 0}
    assert report["per_root"]["11"]["fn"] == 1 and report["per_root"]["12"]["fp"] == 1
    assert report["root"]["tp"] == 1 and report["root"]["fp"] == 1 and report["root"]["fn"] == 1
    assert report["dyad"]["tp"] == 0  # the strike has no target
    assert report["target_when_found"] == {"share": 0.0, "have": 0, "of": 1}
    assert report["location_when_found"] == {"share": 0.0, "have": 0, "of": 1}
    assert report["statements_left_out"] == 1
    confusion = {(c["gold"], c["predicted"]): c["count"] for c in report["confusion"]}
    assert confusion == {("19", "19"): 1, ("11", "12"): 1}


def test_a_symmetric_dyad_takes_either_order_and_any_two_parties():
    assert dyad_agrees(ev("04", "USA", "CHN", symmetric=True), ev("04", "CHN", "USA"))
    assert not dyad_agrees(ev("04", "USA", "CHN"), ev("04", "CHN", "USA"))
    meeting = ev("04", "RUS", "TUR", parties=frozenset({"RUS", "TUR", "IRN"}))
    assert dyad_agrees(meeting, ev("04", "IRN", "TUR"))
    assert not dyad_agrees(meeting, ev("04", "IRN", "USA"))


def test_gold_events_read_the_coding():
    coded = gold_event({"cameo": "0841", "root": "08", "type": "CONCEDE", "source": {"text": "Russia", "country": "RUS"},
                        "target": {"text": "215 Ukrainian soldiers", "country": "UKR"}, "location": None})
    assert (coded.root, coded.type, coded.source, coded.target, coded.has_target, coded.location) == ("08", "CONCEDE", "RUS", "UKR", True, False)


def test_context_becomes_a_dateline_a_previous_sentence_or_a_headline():
    assert _with_context("MOGADISHU", "Troops ended the siege.") == (None, "MOGADISHU - Troops ended the siege.", 12)
    assert _with_context("Syria's top diplomat in Washington was expelled.", "He left.")[2] > 0
    assert _with_context("DR Congo", "Kinshasa branded the claim a declaration of war.") == ("DR Congo", "Kinshasa branded the claim a declaration of war.", 0)


def test_the_wire_test_split_is_written_in_the_data_and_holds_other_stories():
    path = eval_data_dir() / "events" / "wire-sentences.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    test = [r for r in records if wire_split(r) == "test"]
    assert all(r["split"] in ("dev", "test") for r in records)
    assert len(test) >= 90 and len(records) - len(test) >= 150
    dev_stories = {r["source_url"] for r in records if wire_split(r) == "dev"}
    assert not dev_stories & {r["source_url"] for r in test}  # no story is tuned on and tested
    assert len({r["id"] for r in records}) == len(records)
    with pytest.raises(EvalDataError, match="split"):
        wire_split({"id": "x", "split": "train"})
    dev = read_wire(path, ["dev"])
    assert len(dev) == len(records) - len(test) and all(d.subset == "dev" for d in dev)
    assert all(d.body[d.text_start:] in {r["text"] for r in records} for d in dev)
    roots = {e["root"] for r in records for e in r["events"]}
    assert roots == {f"{n:02d}" for n in range(1, 21)}  # every CAMEO root is coded somewhere
