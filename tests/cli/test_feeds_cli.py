"""`newsmon feeds`: every mistake is one sentence and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from newsmon.scratch import drop_scratch, free_port, scratch_settings


def newsmon(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def env(stack):
    run = scratch_settings(stack, prefix="fcli")
    yield run.as_env()
    drop_scratch(run)


def one_sentence(result: subprocess.CompletedProcess, says: str, code: int = 1) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert says in result.stderr, result.stderr


@pytest.mark.integration
@pytest.mark.parametrize("args, says", [
    (("add", "ftp://files.example.org/feed"), "is not an http(s) URL"),
    (("add", "https://news.example.org/rss", "--name", "two words"), "a name is up to 100 letters"),
    (("add", "https://news.example.org/rss", "--interval", "often"), "is not a duration"),
    (("add", "https://news.example.org/rss", "--language", "English"), "invalid feed: language"),
    (("add", "http://169.254.169.254/latest/meta-data"), "cloud metadata address"),
    (("remove", "no-such-feed"), "no feed named 'no-such-feed'"),
    (("run", "--feed", "x"), "--feed only goes with --once"),
    (("run", "--once", "--feed", "no-such-feed"), "no feed named 'no-such-feed'"),
])
def test_mistakes_are_sentences(env, args, says):
    one_sentence(newsmon("feeds", *args, **env), says)


@pytest.mark.integration
def test_an_import_of_something_that_is_no_opml_is_a_sentence(env, tmp_path):
    not_opml = tmp_path / "feeds.txt"
    not_opml.write_text("just some words\n")
    one_sentence(newsmon("feeds", "import", str(not_opml), **env), "is not an OPML feed list")
    one_sentence(newsmon("feeds", "import", str(tmp_path / "missing.opml"), **env), "No such file or directory")


def test_kafka_that_does_not_answer_is_a_sentence():
    result = newsmon("feeds", "list", NEWSMON_KAFKA_BOOTSTRAP=f"127.0.0.1:{free_port()}")
    one_sentence(result, "did not answer within 5 s", code=2)
    assert "NEWSMON_KAFKA_BOOTSTRAP" in result.stderr


@pytest.mark.integration
def test_an_opml_import_adds_each_feed_once(env, tmp_path):
    opml = tmp_path / "desk.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head><title>desk</title></head><body>'
                    '<outline text="Wire" xmlUrl="https://wire.example.org/rss"/>'
                    '<outline text="Regional" xmlUrl="https://regional.example.net/atom"/>'
                    '<outline text="Local" xmlUrl="http://127.0.0.1:8080/feed"/></body></opml>')
    first = newsmon("feeds", "import", str(opml), "--interval", "15m", **env)
    assert first.returncode == 0 and "imported 2 feeds" in first.stdout, first.stdout + first.stderr
    assert "left out:" in first.stderr and "127.0.0.1 is a loopback address" in first.stderr
    second = newsmon("feeds", "import", str(opml), **env)
    assert second.returncode == 0 and "imported 0 feeds" in second.stdout and "2 already listed" in second.stdout
    listed = newsmon("feeds", "list", "--json", **env)
    assert {f["name"]: f["interval_s"] for f in json.loads(listed.stdout)} == {"wire": 900, "regional": 900}
