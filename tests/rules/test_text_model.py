"""Learned topic models: the pure scorer agrees with scikit-learn, model items in topic files, explanations, training."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.cli.topics import topics as topics_cli
from newsmon.rules import TopicSet, default_topics_path, validate_topics_file
from newsmon.rules.text_model import FORMAT, ModelError, TextModel, text_features
from newsmon.rules.text_model_train import TrainingError, _fit, train
from newsmon.rules.topic_file import read_topics

from .conftest import make_article

# Invented sentences, short on purpose: what matters is that training and scoring agree.
ON = [
    "Rebels and the government agreed a truce in Idlib after talks in Astana",
    "The guarantors signed a memorandum on de-escalation zones for Syria",
    "Fighters left Ghouta on buses under an evacuation deal negotiated with Russia",
    "Delegations met in Geneva for a new round of Syria peace talks",
    "A ceasefire brokered by Turkey and Russia took hold across Syria",
    "The opposition boycotted the Sochi congress on Syria's constitution",
    "Envoy Pedersen convened the constitutional committee in Geneva",
    "Damascus and the SDF reached an agreement to integrate its forces",
    "Local elders negotiated a reconciliation deal for Daraa with the army",
    "The Security Council demanded a thirty-day cessation of hostilities in Syria",
    "Negotiators agreed a humanitarian pause in eastern Ghouta",
    "Talks on a prisoner exchange between Damascus and rebels resumed",
]
OFF = [
    "Air strikes hit a market in Idlib killing twelve people",
    "The army shelled rebel positions near Hama overnight",
    "Kazakhstan opened its expo in Astana with a concert",
    "Lavrov discussed trade with his Japanese counterpart in Tokyo",
    "Syrian refugees in Lebanon face a harsh winter in camps",
    "Islamic State fighters attacked a checkpoint in the desert",
    "The football club was fined by the league after a brawl",
    "A drone struck an air base in Latakia, the ministry said",
    "The currency fell again as prices rose in Damascus markets",
    "Israeli jets struck weapons depots near the capital",
    "Heavy fighting continued on the front line for a third day",
    "An earthquake destroyed homes across the north of the country",
]


def records() -> list[dict]:
    out = [{"id": f"on-{i}", "language": "en", "title": "", "body": t, "topics": ["t"]} for i, t in enumerate(ON)]
    return out + [{"id": f"off-{i}", "language": "en", "title": "", "body": t, "topics": []} for i, t in enumerate(OFF)]


def test_pure_scorer_gives_scikit_learns_probability():
    data = records()
    model, estimate = train(data, topic="t", languages=["en"], c=4.0, max_features=500, folds=3)
    docs = [text_features(r["title"], r["body"], "en") for r in data]
    vectorizer, classifier = _fit(docs, [bool(r["topics"]) for r in data], 4.0, 500)
    expected = classifier.predict_proba(vectorizer.transform(docs))[:, 1]
    got = [model.score_features(d).probability for d in docs]
    assert got == pytest.approx(list(expected), abs=1e-9)
    assert [f.cut for f in estimate] == [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    assert model.trained["articles"] == 24 and model.trained["on_topic"] == 12


def test_features_are_the_languages_analysis_and_word_pairs():
    assert text_features("Truces", "talks held", "en") == ["truce", "talk", "held", "talk held"]
    # Arabic: the conjunction and article come off before stemming, as topic terms are matched.
    assert text_features(None, "والهدنة", "ar") == text_features(None, "هدنة", "ar")


def test_round_trip_and_bad_files(tmp_path: Path):
    model, _ = train(records(), topic="t", languages=["en"], max_features=500, folds=2)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_dict()))
    again = TextModel.load(path)
    assert again.weights == model.weights and again.languages == ("en",)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ModelError, match="is not JSON"):
        TextModel.load(tmp_path / "bad.json")
    with pytest.raises(ModelError, match="is not a newsmon topic model"):
        TextModel.from_dict({"format": "something else"})
    with pytest.raises(ModelError, match="incomplete or malformed"):
        TextModel.from_dict({"format": FORMAT, "topic": "t", "languages": ["en"]})
    with pytest.raises(ModelError, match="no analysis for"):
        TextModel.from_dict({"format": FORMAT, "topic": "t", "languages": ["xx"], "intercept": 0, "vocabulary": {}})
    with pytest.raises(ModelError, match="cannot read the model file"):
        TextModel.load(tmp_path / "missing.json")


def test_training_needs_both_classes():
    with pytest.raises(TrainingError, match="at least 10 articles on the topic and 10 off it"):
        train(records()[:12], topic="t", languages=["en"])


def write_model(folder: Path, vocabulary: dict[str, list[float]], *, topic: str = "t", languages=("en",),
                name: str = "m.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"format": FORMAT, "topic": topic, "languages": list(languages), "intercept": 0.0,
                                "vocabulary": vocabulary, "trained": {}}))
    return path


def topic_file(folder: Path, model_item: str, *, mode: str = "optional", extra_group: str = "") -> Path:
    path = folder / "topics.yaml"
    path.write_text(textwrap.dedent(f"""\
        topics:
          - id: t
            name: Test topic
            description: A topic for tests.
            threshold: 3
            rules:
              - name: talks
                optional: [truce^3]
        {extra_group}      - name: model
                {mode}:
                  - {model_item}
        """))
    return path


def test_a_model_votes_with_the_terms_both_ways(tmp_path: Path):
    # "truce" pushes the model toward the topic, "sport" away (features are stems: "truces" is "truce"): one word each, so p is known.
    write_model(tmp_path, {"truce": [1.0, 4.0], "sport": [1.0, -8.0]})
    ts = TopicSet.load(topic_file(tmp_path, "{model: m.json, weight: 2}"))
    [on] = ts.explain(make_article("The truce held."))
    [off] = ts.explain(make_article("The truce in sport."))
    assert on.fired and on.score == pytest.approx(3 + 2 * (2 * 0.98201379 - 1), abs=1e-3)
    assert not off.fired and off.score < 3  # the model's doubt pulls a term's hit under the threshold
    model_item = on.groups[1].items[0]
    assert model_item.found[0].startswith("p=0.98: truce +4.00")
    assert any(e.rule == "model: model:m.json" and e.term == "truce" for e in model_item.evidence)
    # An article in a language the model was not trained for: the model says nothing.
    [other] = ts.explain(make_article("La truce.", language="fr"))
    assert not other.fired and not any(g.name == "model" and g.items for g in other.groups)


@pytest.mark.parametrize(("item", "mode", "message"), [
    ("{model: m.json, weight: 2}", "any", "a 'model' item adds or subtracts score, so it belongs in an 'optional' group"),
    ("{model: m.json}", "optional", "a 'model' item needs a positive 'weight'"),
    ("{model: missing.json, weight: 2}", "optional", "cannot read the model file"),
    ("{model: other.json, weight: 2}", "optional", "was trained for topic 'u', not 't'"),
    ("{model: fr.json, weight: 2}", "optional", "is for fr, but it is listed in the group's English list"),
])
def test_model_item_errors_name_line_and_column(tmp_path: Path, item: str, mode: str, message: str):
    write_model(tmp_path, {"truce": [1.0, 1.0]})
    write_model(tmp_path, {"truce": [1.0, 1.0]}, topic="u", name="other.json")
    write_model(tmp_path, {"truce": [1.0, 1.0]}, languages=("fr",), name="fr.json")
    errors = validate_topics_file(topic_file(tmp_path, item, mode=mode))
    assert len(errors) == 1 and message in errors[0].message, errors
    assert (errors[0].line, errors[0].column) in {(11, 14), (11, 21)}  # the key, or the file name


def test_a_copy_of_the_default_topics_file_finds_the_shipped_models(tmp_path: Path):
    copy = tmp_path / "my-topics.yaml"
    shutil.copy(default_topics_path(), copy)
    assert validate_topics_file(copy) == []
    text = copy.read_text()
    assert "{model: topic_models/" in text
    assert read_topics(text, str(copy))[1] == []


def test_train_command_writes_a_model_the_topic_file_can_use(tmp_path: Path):
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("".join(json.dumps(r) + "\n" for r in records()))
    out = tmp_path / "m.json"
    result = CliRunner().invoke(topics_cli, ["train", str(labelled), "--topic", "t", "--out", str(out), "--max-features", "500"])
    assert result.exit_code == 0, result.output
    assert "24 articles (12 on topic)" in result.output and "cross-validated" in result.output
    assert validate_topics_file(topic_file(tmp_path, "{model: m.json, weight: 2}")) == []
    result = CliRunner().invoke(topics_cli, ["train", str(labelled), "--topic", "nope", "--out", str(out)])
    assert result.exit_code == 1 and "needs at least 10 articles on the topic" in result.output
    assert "Traceback" not in result.output
