"""``newsmon topics list|validate|check`` through click's runner (check runs the real extractor)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsmon.cli.topics import topics

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "topics"


def test_validate_the_default_file():
    result = CliRunner().invoke(topics, ["validate"])
    assert result.exit_code == 0, result.output
    assert "6 topics" in result.output or "topics" in result.output


def test_validate_prints_path_line_column_message_and_fails(tmp_path: Path):
    bad = tmp_path / "topics.yaml"
    bad.write_text("topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: [talk^x]\n")
    result = CliRunner().invoke(topics, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:6:20: expected a number after '^', got 'x'" in result.output


def test_list(tmp_path: Path):
    result = CliRunner().invoke(topics, ["list", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert "syria-ceasefire-talks" in [t["id"] for t in data["topics"]]
    result = CliRunner().invoke(topics, ["list"])
    assert result.exit_code == 0 and "syria-ceasefire-talks" in result.output


def test_list_with_a_broken_file_fails(tmp_path: Path):
    bad = tmp_path / "topics.yaml"
    bad.write_text("topics: [")
    result = CliRunner().invoke(topics, ["list", "--topics-file", str(bad)])
    assert result.exit_code == 1


def test_check_shows_what_fired_and_why(real_extractor):
    path = FIXTURES / "syria-ceasefire-talks" / "positive-astana-deescalation.json"
    libya = FIXTURES / "syria-ceasefire-talks" / "negative-libya-geneva-talks.json"
    result = CliRunner().invoke(topics, ["check", str(path), str(libya), "--json"])
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in result.output.splitlines()]
    assert first["fired"] == ["syria-ceasefire-talks"]
    assert second["fired"] == [] and second["nearly"] == ["syria-ceasefire-talks"]
    syria = next(t for t in first["topics"] if t["id"] == "syria-ceasefire-talks")
    assert syria["score"] >= syria["threshold"] and syria["groups"][1]["name"] == "talks"

    result = CliRunner().invoke(topics, ["check", str(path), str(libya)])
    assert result.exit_code == 0, result.output
    assert "FIRED" in result.output and "NEARLY" in result.output and "evidence" in result.output


def test_check_reports_invalid_records(tmp_path: Path, real_extractor):
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "no body"}')
    result = CliRunner().invoke(topics, ["check", str(bad)])
    assert result.exit_code == 1
