from pathlib import Path

from click.testing import CliRunner

from newsmon.cli.topics import topics
from newsmon.rules.topic_eval import Judged, score


def judged(id_, gold, fired, language="en"):
    return Judged(id=id_, language=language, gold=frozenset(gold), fired=frozenset(fired), judged=frozenset({"a", "b"}))


def test_precision_recall_and_f1_per_topic_and_language_and_every_error_kept():
    report = score([
        judged("1", {"a"}, {"a"}), judged("2", {"a"}, set()), judged("3", set(), {"a"}), judged("4", set(), set()),
        judged("5", {"a", "b"}, {"a", "b"}, "ru"), judged("6", set(), {"b"}, "ru"),
    ], ["a", "b"])
    a, b = report.by_topic["a"], report.by_topic["b"]
    assert (a.tp, a.fp, a.fn) == (2, 1, 1) and round(a.precision, 3) == 0.667 and a.recall == 2 / 3
    assert (b.tp, b.fp, b.fn) == (1, 1, 0) and b.precision == 0.5 and b.recall == 1.0
    assert report.by_language["ru"].tp == 2 and report.by_language["ru"].fp == 1
    assert {(e.kind, e.topic, e.id) for e in report.errors} == {("miss", "a", "2"), ("false alarm", "a", "3"), ("false alarm", "b", "6")}
    assert report.overall.f1 == 2 * (3 / 5) * (3 / 4) / (3 / 5 + 3 / 4)


def test_a_topic_nobody_judged_is_not_counted():
    record = Judged(id="1", language="en", gold=frozenset(), fired=frozenset({"b"}), judged=frozenset({"a"}))
    assert score([record], ["a", "b"]).by_topic["b"].articles == 0


def test_topics_eval_runs_the_pipeline_on_labelled_articles_and_explains_errors(tmp_path: Path):
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        '{"id": "on", "language": "en", "title": "Syria truce talks resume in Astana", "body": "Delegations of the Syrian '
        'government and the armed opposition resumed ceasefire negotiations in Astana on Monday, the Kazakh foreign ministry said.", '
        '"topics": ["syria-ceasefire-talks"]}\n'
        '{"id": "off", "language": "en", "title": "Harvest festival opens", "body": "The harvest festival opened in the valley.", '
        '"topics": ["syria-ceasefire-talks"]}\n', encoding="utf-8")
    result = CliRunner().invoke(topics, ["eval", str(labelled), "--topic", "syria-ceasefire-talks", "--errors", "-1"])
    assert result.exit_code == 0, result.output
    assert "syria-ceasefire-talks" in result.output and "miss: syria-ceasefire-talks on off" in result.output
    assert "0.500" in result.output  # recall: one of two
    bad = CliRunner().invoke(topics, ["eval", str(labelled), "--topic", "nosuch"])
    assert bad.exit_code == 1 and "no topic 'nosuch'" in bad.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"body": "x"}\n')
    result = CliRunner().invoke(topics, ["eval", str(broken)])
    assert result.exit_code == 1 and "broken.jsonl:1: a labelled article needs 'body' and 'topics'" in result.output
