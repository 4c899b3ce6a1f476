"""Issue 14's error list, run as a user runs it: one sentence, the documented exit status, no traceback.

Exit statuses (README, "Exit status"): 1 for what the user fixes (usage, settings, files), 2 for a peer
(Kafka, Elasticsearch, the worker) that does not answer. Peers that are not there are ports nothing
listens on (newsmon.scratch.free_port) or a listener whose queue is full, which drops connection
attempts the way a firewall does.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import yaml

from newsmon.rules import default_topics_path
from newsmon.scratch import drop_scratch, free_port, scratch_settings

CRASH_WORDS = ("Traceback", "We experienced a crash")


def newsmon(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env={**os.environ, "COLUMNS": "80", **env},
                          input=stdin, capture_output=True, text=True, timeout=300)


def sentence(result: subprocess.CompletedProcess, says: str, code: int) -> str:
    """The one error line of ``result``, which must hold ``says``; the exit status must be ``code``."""
    assert result.returncode == code, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert not any(word in output for word in CRASH_WORDS), output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and says in errors[0], result.stderr
    return errors[0]


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "Talks in Geneva", "body": "Envoys met in Geneva to discuss a ceasefire."}))
    return path


@pytest.fixture
def broken_topics(tmp_path):
    path = tmp_path / "topics.yaml"
    path.write_text("topics:\n  - id: x\n    oops: [\n")
    return path


@pytest.fixture(scope="module")
def dropping_port() -> Iterator[int]:
    """A port whose listener never accepts and whose queue is full: connection attempts hang, as to a host behind a firewall."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    time.sleep(0.2)
    yield port
    for s in [*fillers, server]:
        s.close()


# --- usage and settings: 1


def test_a_usage_mistake_is_a_user_error_not_a_peer_down():
    result = newsmon("publish", "--no-such-option")
    assert result.returncode == 1 and "No such option: --no-such-option" in result.stderr, result.stderr


def test_a_broken_setting_is_a_user_error():
    sentence(newsmon("publish", "--dry-run", "-", stdin="", NEWSMON_CONNECT_TIMEOUT_S="soon"),
             "NEWSMON_CONNECT_TIMEOUT_S", 1)


# --- files: 1


def test_the_worker_with_a_broken_topics_file_stops_in_one_sentence(broken_topics):
    # Checked before Kafka and Elasticsearch are waited for: no peer is needed to say it.
    result = newsmon("worker", NEWSMON_TOPICS_FILE=str(broken_topics), NEWSMON_WEB_PORT=str(free_port()),
                     NEWSMON_KAFKA_BOOTSTRAP=f"127.0.0.1:{free_port()}", NEWSMON_STATE_DIR=str(broken_topics.parent))
    line = sentence(result, "the topics file has errors", 1)
    assert "newsmon topics validate" in line
    assert f"{broken_topics}:4:1: invalid YAML" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr  # the banner, the sentence, the file's line


def test_a_knowledge_base_with_an_unknown_section_is_one_sentence(tmp_path, article):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "extra.yaml").write_text("weapons: []\n")
    line = sentence(newsmon("extract", str(article), NEWSMON_KNOWLEDGE_DIR=str(kb)), "the knowledge base cannot be read", 1)
    assert "unknown section(s) ['weapons']" in line


def test_topics_validate_refuses_two_topics_with_one_id(tmp_path):
    data = yaml.safe_load(default_topics_path().read_text())
    data["topics"].append(dict(data["topics"][0]))
    twice = tmp_path / "twice.yaml"
    twice.write_text(yaml.safe_dump(data, sort_keys=False))
    result = newsmon("topics", "validate", str(twice))
    assert result.returncode == 1 and not any(w in result.stdout + result.stderr for w in CRASH_WORDS)
    assert f"duplicate topic id '{data['topics'][0]['id']}' (first defined at line" in result.stdout


def test_publishing_nothing_says_so_and_exits_1(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = newsmon("publish", "--dry-run", str(empty))
    sentence(result, f"no articles found in {empty}", 1)
    assert "would send 0 articles" in result.stdout
    sentence(newsmon("publish", "--dry-run", "-", stdin=""), "no articles found in standard input", 1)


def test_a_dry_run_reports_on_stdout(article):
    result = newsmon("publish", "--dry-run", str(article))
    assert result.returncode == 0, result.stderr
    assert "would send 1 article to" in result.stdout and f"ok {article} -> id " in result.stdout
    assert "would send" not in result.stderr


def test_topics_list_at_80_columns_keeps_descriptions_readable():
    listed = newsmon("topics", "list")
    assert listed.returncode == 0, listed.stderr
    assert "syria-ceasefire-talks · Syria ceasefire talks · threshold" in listed.stdout
    assert "  The article substantially reports on negotiations, talks" in listed.stdout  # a line of prose, not a word
    assert max(len(line.rstrip()) for line in listed.stdout.splitlines()) <= 80
    assert "┃ id" in newsmon("topics", "list", "--wide").stdout


# --- peers that are not there: 2


def test_kafka_on_a_closed_port_is_a_sentence_naming_what_to_check(article):
    closed = {"NEWSMON_KAFKA_BOOTSTRAP": f"127.0.0.1:{free_port()}", "NEWSMON_CONNECT_TIMEOUT_S": "1"}
    for args in (("publish", str(article)), ("alerts", "list"), ("feeds", "list")):
        line = sentence(newsmon(*args, **closed), "did not answer within 1 s", 2)
        assert "NEWSMON_KAFKA_BOOTSTRAP" in line and "NEWSMON_CONNECT_TIMEOUT_S" in line, args


def test_publish_to_a_kafka_that_drops_connections_gives_up_after_the_connect_timeout(article, dropping_port):
    began = time.monotonic()
    result = newsmon("publish", str(article), NEWSMON_KAFKA_BOOTSTRAP=f"127.0.0.1:{dropping_port}",
                     NEWSMON_CONNECT_TIMEOUT_S="1")
    took = time.monotonic() - began
    sentence(result, f"Kafka at 127.0.0.1:{dropping_port} did not answer within 1 s", 2)
    assert took < 25, took  # generous: it used to wait kafka-python's 30 s bootstrap


def test_elasticsearch_on_a_closed_port_is_a_sentence():
    closed = {"NEWSMON_ES_URL": f"http://127.0.0.1:{free_port()}"}
    for args in (("search", "ceasefire"), ("events",)):
        line = sentence(newsmon(*args, **closed), "refused the connection (nothing listens on that port)", 2)
        assert "NEWSMON_ES_URL" in line, args


def test_an_elasticsearch_that_drops_connections_gives_up_after_the_connect_timeout(dropping_port):
    began = time.monotonic()
    result = newsmon("search", "ceasefire", NEWSMON_ES_URL=f"http://127.0.0.1:{dropping_port}", NEWSMON_CONNECT_TIMEOUT_S="1")
    took = time.monotonic() - began
    sentence(result, "did not take the connection within 1 s", 2)
    assert took < 25, took  # generous: it used to wait the request's 30 s


def test_status_exits_2_when_the_stack_and_the_worker_are_down(tmp_path):
    port = free_port()
    down = {"NEWSMON_KAFKA_BOOTSTRAP": f"127.0.0.1:{port}", "NEWSMON_ES_URL": f"http://127.0.0.1:{port}",
            "NEWSMON_WEB_PORT": str(free_port()), "NEWSMON_STATE_DIR": str(tmp_path)}
    line = sentence(newsmon("status", "--timeout", "2", **down), "not everything is up", 2)
    assert "kafka is" in line and "elasticsearch is" in line and "no worker answers" in line
    as_json = newsmon("status", "--json", "--timeout", "2", **down)
    assert as_json.returncode == 2 and json.loads(as_json.stdout)["worker"]["reachable"] is False


# --- on the real stack: rules on scratch topics


@pytest.fixture(scope="module")
def scratch_env(stack):
    run = scratch_settings(stack, prefix="errs")
    yield run.as_env()
    drop_scratch(run)


@pytest.mark.integration
def test_a_rule_name_with_a_space_is_a_sentence_with_a_suggestion(scratch_env):
    line = sentence(newsmon("alerts", "add", "--name", "my rule", "--query", "ceasefire", "--channel", "kafka", **scratch_env),
                    "the rule name 'my rule' can hold only letters, digits", 1)
    assert "(e.g. 'my-rule')" in line and "pydantic" not in line and "should match pattern" not in line


@pytest.mark.integration
def test_alerts_test_on_a_missing_file_or_a_broken_topics_file_exits_1(scratch_env, tmp_path, article, broken_topics):
    added = newsmon("alerts", "add", "--name", "talks", "--query", "ceasefire", "--channel", "kafka", **scratch_env)
    assert added.returncode == 0, added.stderr
    missing = tmp_path / "missing.json"
    sentence(newsmon("alerts", "test", "talks", str(missing), **scratch_env),
             f"no article to test rule 'talks' on ({missing}: no such file or folder)", 1)
    line = sentence(newsmon("alerts", "test", "talks", str(article), **scratch_env, NEWSMON_TOPICS_FILE=str(broken_topics)),
                    "the topics file has errors", 1)
    assert "newsmon topics validate" in line


def test_es_setup_says_it_waits_and_kibana_setup_without_kibana_is_a_peer_down():
    closed = f"http://127.0.0.1:{free_port()}"
    setup = newsmon("es", "setup", "--wait", "1", NEWSMON_ES_URL=closed)
    sentence(setup, "refused the connection", 2)
    assert f"waiting up to 1 s for Elasticsearch at {closed}" in setup.stderr
    sentence(newsmon("kibana", "setup", "--wait", "1", NEWSMON_KIBANA_URL=closed), f"Kibana at {closed} is not ready", 2)
