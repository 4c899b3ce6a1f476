"""``newsmon dlq list|show|replay`` on the real stack.

A real worker with fault injection on (newsmon.stream.faults) dead-letters two articles at the
enrich stage and a message that is not JSON at decode. It stops; "the fix" is a second worker
on the same topics and consumer group with the faults off. Replaying the articles gets them
indexed; replaying one twice is refused unless forced; the non-JSON message, replayed, comes
back as a new dead letter whose origin is the replayed message.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from kafka import KafkaProducer
from support import RunningWorker, dead_letters, run_newsmon, wait_for

from newsmon.config import Settings
from newsmon.index.client import make_client
from newsmon.ops.status import kafka_findings
from newsmon.scratch import drop_scratch, free_port, scratch_settings
from newsmon.stream.kafka import kafka_python_options

pytestmark = pytest.mark.integration

BODY = "The council voted on the harbour plan on Monday after a long debate, the mayor's office said."


@pytest.fixture(scope="module")
def dead(stack: Settings, tmp_path_factory) -> Iterator[tuple[Settings, dict[str, str]]]:
    """Settings of our own run, once a faulty worker has dead-lettered three messages (and stopped)."""
    settings = scratch_settings(stack, prefix="t", worker_processes=1, faults="enrich")
    marker = uuid.uuid4().hex[:8]
    keys = {"first": f"dlq-first-{marker}", "second": f"dlq-second-{marker}", "garbled": f"dlq-garbled-{marker}"}
    faulty = RunningWorker.start(settings, tmp_path_factory.mktemp("dlq") / "faulty.log")
    try:
        producer = KafkaProducer(**kafka_python_options(settings))
        for name in ("first", "second"):
            article = {"id": keys[name], "title": f"Harbour plan {name}", "body": BODY, "metadata": {"newsmon_fault": "enrich"}}
            producer.send(settings.articles_topic, key=keys[name].encode(), value=json.dumps(article).encode())
        producer.send(settings.articles_topic, key=keys["garbled"].encode(), value=b"this is not { json")
        producer.flush()
        producer.close()
        wait_for(lambda: len(dead_letters(settings)) >= 3, timeout=120, what="three dead letters")
        # Committed past them, so the worker after the fix does not read them again by itself.
        wait_for(lambda: kafka_findings(settings).lag.total == 0, timeout=60, what="the faulty worker to commit")
    finally:
        faulty.stop()
    yield settings.model_copy(update={"faults": None}), keys
    drop_scratch(settings)


@pytest.fixture(scope="module")
def fixed(dead, tmp_path_factory) -> Iterator[RunningWorker]:
    """The worker after the fix: same topics and consumer group, no faults."""
    settings, _ = dead
    running = RunningWorker.start(settings, tmp_path_factory.mktemp("dlq") / "fixed.log")
    yield running
    running.stop()


def dlq(settings, *args):
    result = run_newsmon(settings, "dlq", *args)
    assert "Traceback" not in result.stderr + result.stdout
    return result


def indexed(settings, article_id):
    es = make_client(settings)
    found = es.options(ignore_status=404).search(index=settings.articles_index, query={"ids": {"values": [article_id]}})
    return found.get("hits", {}).get("hits")


def test_list_shows_the_letters_newest_first_with_reason_stage_origin_key(dead):
    settings, keys = dead
    result = dlq(settings, "list", "--json")
    assert result.returncode == 0, result.stderr
    letters = json.loads(result.stdout)
    assert len(letters) == 3
    by_key = {x["key"]: x for x in letters}
    assert by_key[keys["first"]]["stage"] == "enrich" and by_key[keys["second"]]["stage"] == "enrich"
    assert by_key[keys["garbled"]]["stage"] == "decode"
    assert all(x["origin"].startswith(settings.articles_topic + "[") for x in letters)
    assert [x["offset"] for x in letters] == sorted((x["offset"] for x in letters), reverse=True)
    assert all(x["replayed"] is None for x in letters)
    table = dlq(settings, "list")
    assert table.returncode == 0 and "3 dead letters on" in table.stdout and keys["garbled"] in table.stdout
    stage = json.loads(dlq(settings, "list", "--stage", "decode", "--json").stdout)
    assert [x["key"] for x in stage] == [keys["garbled"]]


def test_show_prints_one_letter_and_its_original_message(dead):
    settings, keys = dead
    result = dlq(settings, "show", keys["first"])
    assert result.returncode == 0, result.stderr
    assert "stage: enrich" in result.stdout and "original message:" in result.stdout
    assert f'"id": "{keys["first"]}"' in result.stdout and '"newsmon_fault": "enrich"' in result.stdout  # indented JSON
    ref = next(x["ref"] for x in json.loads(dlq(settings, "list", "--json").stdout) if x["key"] == keys["garbled"])
    by_ref = json.loads(dlq(settings, "show", ref, "--json").stdout)
    assert by_ref["original"] == "this is not { json"


def test_mistakes_are_sentences(dead):
    settings, _ = dead
    unknown = dlq(settings, "show", "no-such-key")
    assert unknown.returncode == 1
    assert "no dead letter 'no-such-key' on" in unknown.stderr and "(3 there)" in unknown.stderr
    nothing = dlq(settings, "replay")
    assert nothing.returncode == 1 and "say which dead letters to replay" in nothing.stderr
    since = dlq(settings, "replay", "--since", "last week")
    assert since.returncode == 1 and "is not a time" in since.stderr
    down = settings.model_copy(update={"kafka_bootstrap": f"127.0.0.1:{free_port()}"})
    for args in (("list",), ("replay", "--all")):
        result = dlq(down, *args)
        assert result.returncode == 2
        assert f"Kafka at {down.kafka_bootstrap} is not reachable" in " ".join(result.stderr.split())


def test_replay_after_the_fix_indexes_the_articles_once(dead, fixed):
    settings, keys = dead
    assert not indexed(settings, keys["first"]) and not indexed(settings, keys["second"])
    dry = dlq(settings, "replay", "--stage", "enrich", "--dry-run")
    assert dry.returncode == 0 and "2 dead letters selected; nothing sent" in dry.stdout

    first = dlq(settings, "replay", keys["first"])
    assert first.returncode == 0, first.stderr
    assert "1 dead letter replayed to" in first.stdout
    wait_for(lambda: indexed(settings, keys["first"]), timeout=120, what="the replayed article in Elasticsearch")

    again = dlq(settings, "replay", keys["first"])
    assert again.returncode == 0 and "0 dead letters replayed" in again.stdout and "1 skipped" in again.stdout
    assert "already replayed at" in again.stderr and "--force" in again.stderr

    rest = dlq(settings, "replay", "--stage", "enrich")  # the first is skipped, the second goes
    assert "1 dead letter replayed" in rest.stdout and "1 skipped" in rest.stdout, rest.stdout + rest.stderr
    wait_for(lambda: indexed(settings, keys["second"]), timeout=120, what="the second replayed article")

    forced = dlq(settings, "replay", keys["first"], "--force")
    assert "1 dead letter replayed" in forced.stdout
    listed = {x["key"]: x for x in json.loads(dlq(settings, "list", "--json").stdout)}
    assert listed[keys["first"]]["replayed"]["times"] == 2 and listed[keys["second"]]["replayed"]["times"] == 1


def test_a_replayed_message_that_still_fails_is_a_new_dead_letter(dead, fixed):
    settings, keys = dead
    result = dlq(settings, "replay", keys["garbled"])
    assert result.returncode == 0 and "1 dead letter replayed" in result.stdout, result.stderr
    to = result.stdout.split("-> ", 1)[1].split()[0]
    letters = wait_for(lambda: [x for x in dead_letters(settings) if x["key"] == keys["garbled"]][1:], timeout=120,
                       what="the replayed message's new dead letter")
    again = letters[-1]
    assert again["stage"] == "decode" and f"{again['source']['topic']}[{again['source']['partition']}]@{again['source']['offset']}" == to
