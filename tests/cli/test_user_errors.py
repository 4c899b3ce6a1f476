"""Mistakes a user makes in settings and files are one sentence that says what to do, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def newsmon(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("url, says", [
    ("127.0.0.1:9200", "needs http:// or https://"),
    ("http://localhost", "needs a port"),
    ("http://user:pw-in-url@localhost", "needs a port"),
    ("http://[::1", "is not a URL"),
])
def test_an_elasticsearch_url_that_is_not_whole_is_a_sentence(url, says):
    result = newsmon("search", "ceasefire", NEWSMON_ES_URL=url)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "NEWSMON_ES_URL" in result.stderr and says in result.stderr and "e.g. http://127.0.0.1:9200" in result.stderr
    assert "pw-in-url" not in result.stderr


def test_extract_with_a_broken_topics_file_says_which_line_and_what_to_run(tmp_path):
    topics = tmp_path / "topics.yaml"
    topics.write_text("topics:\n  - id: x\n    oops: [\n")
    article = tmp_path / "a.json"
    article.write_text('{"title": "Talks", "body": "Envoys met in Geneva."}')
    result = newsmon("extract", str(article), NEWSMON_TOPICS_FILE=str(topics))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: the topics file has errors") and "newsmon topics validate" in result.stderr
    assert f"{topics}:4:1: invalid YAML" in result.stderr
