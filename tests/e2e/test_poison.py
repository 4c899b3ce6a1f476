"""No message can stop the stream: each poison input is isolated, and a valid article sent right after it on
the same partition is indexed within seconds by the same worker process (docs/input.md)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from kafka import KafkaProducer
from support import run_newsmon as newsmon
from support import dead_letters, wait_for

from newsmon.bench.longform import distinct_names, long_article
from newsmon.index.client import make_client
from newsmon.stream.kafka import kafka_python_options

pytestmark = pytest.mark.integration

FOLLOWER = "A ferry service between the two islands resumed on Tuesday after storms, the harbour office said."


def producer(settings) -> KafkaProducer:
    return KafkaProducer(max_request_size=settings.producer_max_request_bytes, **kafka_python_options(settings))


def get(es, settings, article_id):
    found = es.options(ignore_status=404).get(index=settings.articles_index, id=article_id)
    return found["_source"] if found.get("found") else None


def letter_for(settings, key: str, timeout: float = 90) -> dict:
    def find():
        return next((d for d in dead_letters(settings) if d.get("key") == key), None)

    return wait_for(find, timeout=timeout, what=f"the dead letter of {key}")


def send_then_follow(worker, key: str, value: bytes, partition: int = 0, timeout: float = 90) -> tuple[str, float]:
    """Send a message and then a valid article on the same partition; wait for the follower to be indexed."""
    settings = worker.settings
    es = make_client(settings)
    follower = f"follow-{uuid.uuid4().hex[:10]}"
    p = producer(settings)
    p.send(settings.articles_topic, key=key.encode(), value=value, partition=partition)
    p.send(settings.articles_topic, key=follower.encode(), partition=partition,
           value=json.dumps({"id": follower, "title": "Ferry resumes", "body": FOLLOWER}).encode())
    p.flush()
    p.close()
    started = time.monotonic()
    wait_for(lambda: get(es, settings, follower), timeout=timeout, what=f"the article sent after {key} on partition {partition}")
    return follower, time.monotonic() - started


@pytest.mark.slow
@pytest.mark.parametrize(("chars", "how"), [(50_000, "cli"), (200_000, "cli"), (1_000_000, "producer"), (5_000_000, "producer")])
def test_long_articles_full_of_names_are_indexed_and_the_stream_goes_on(worker, tmp_path, chars, how):
    settings = worker.settings
    es = make_client(settings)
    pid = worker.process.pid
    article = {"id": f"long-{chars}-{uuid.uuid4().hex[:8]}", **long_article(chars, seed=chars)}
    names = distinct_names(article["body"])
    assert names > min(chars / 150, 2000), names  # the weight of real long news: names grow with length
    if how == "cli":
        path = tmp_path / "long.jsonl"
        path.write_text(json.dumps(article) + "\n")
        result = newsmon(settings, "publish", str(path))
        assert result.returncode == 0, result.stderr
        _, waited = send_then_follow(worker, "after-cli", json.dumps({"id": "after-cli-" + article["id"], "body": FOLLOWER}).encode(),
                                     partition=0, timeout=240)
    else:
        _, waited = send_then_follow(worker, article["id"], json.dumps(article).encode(), partition=1, timeout=240)
    doc = wait_for(lambda: get(es, settings, article["id"]), timeout=240, what=f"the {chars:,}-character article")
    assert len(doc["body"]) <= settings.max_body_chars
    assert doc["truncated"] is (chars > settings.max_body_chars)
    assert doc["counts"]["entities"] >= len(doc["entities"]) and doc["actors"] and doc["events"]
    if chars >= 200_000:  # thousands of mentions: the size budget capped the lists, the totals are kept
        assert doc["reduced"] is True and "reduced" in doc["warnings"]
        assert doc["counts"]["entities"] > len(doc["entities"])
    assert worker.process.pid == pid and worker.alive()
    print(f"{chars:,} characters, {names} distinct names, via {how}: follower indexed {waited:.1f}s after it was sent; "
          f"{doc['counts']}")


POISON = {
    "surrogate-title": b'{"title": "Storm \\ud800 warning", "body": "Heavy rain closed the coastal road on Monday."}',
    "nested-500": ('{"body": "x y z", "metadata": ' + '{"a": ' * 500 + "1" + "}" * 500 + "}").encode(),
    "nested-990": ('{"body": "x y z", "metadata": ' + '{"a": ' * 990 + "1" + "}" * 990 + "}").encode(),
    "surrogate-metadata": b'{"body": "The bridge reopened after repairs.", "metadata": {"note": "bad \\udc80 byte"}}',
    "keys-100k": json.dumps({"body": "A short article.", "metadata": {f"k{i}": i for i in range(100_000)}}).encode(),
    "id-bytes": json.dumps({"id": "€" * 300, "body": "An article whose id is 900 bytes in UTF-8."}).encode(),
}


@pytest.mark.parametrize("kind", sorted(POISON))
def test_poison_input_is_isolated_and_the_next_article_on_its_partition_goes_through(worker, kind):
    settings = worker.settings
    es = make_client(settings)
    pid = worker.process.pid
    key = f"{kind}-{uuid.uuid4().hex[:8]}"
    _, waited = send_then_follow(worker, key, POISON[kind], partition=2)
    assert worker.process.pid == pid and worker.alive()
    if kind.startswith("surrogate"):
        # The rest of the text is good: unpaired surrogates become U+FFFD and the article is flagged.
        found = wait_for(lambda: es.search(index=settings.articles_index, query={"term": {"id": key}})["hits"]["hits"]
                         or None, timeout=30, what=f"the {kind} article")
        doc = found[0]["_source"]
        if kind == "surrogate-title":
            assert doc["title"] == "Storm \ufffd warning" and "invalid_characters_replaced" in doc["warnings"]
        else:
            assert doc["metadata"]["note"] == "bad \ufffd byte"
    else:
        letter = letter_for(settings, key)
        assert letter["stage"] == "decode"
        expected = {"nested-500": "nested more than 16 levels", "nested-990": "nested too deeply",
                    "keys-100k": "keys and items in all", "id-bytes": "900 bytes in UTF-8"}[kind]
        assert expected in letter["reason"], letter["reason"]
    print(f"{kind}: the next article on its partition was indexed {waited:.1f}s after it was sent")


@pytest.mark.parametrize("stage", ["enrich", "index", "bulk", "alert"])
def test_an_article_failing_at_a_stage_is_a_dead_letter_of_that_stage_and_its_batch_goes_on(worker, stage):
    """Fault injection (newsmon.stream.faults) makes the real code fail for one marked article: the extractor
    raises, Elasticsearch rejects the document, Elasticsearch refuses the whole bulk request, alert matching raises."""
    settings = worker.settings
    es = make_client(settings)
    pid = worker.process.pid
    marker = uuid.uuid4().hex[:8]
    p = producer(settings)
    key = f"fault-{stage}-{marker}"
    neighbours = [f"n{i}-{stage}-{marker}" for i in range(3)]
    for n in neighbours[:2]:
        p.send(settings.articles_topic, key=n.encode(), partition=3,
               value=json.dumps({"id": n, "title": "Ferry resumes", "body": FOLLOWER}).encode())
    p.send(settings.articles_topic, key=key.encode(), partition=3, value=json.dumps(
        {"id": key, "title": "Council votes on harbour plan", "body": "The council voted on the harbour plan on Monday.",
         "metadata": {"newsmon_fault": stage}}).encode())
    p.send(settings.articles_topic, key=neighbours[2].encode(), partition=3,
           value=json.dumps({"id": neighbours[2], "title": "Ferry resumes", "body": FOLLOWER}).encode())
    p.flush()
    p.close()
    for n in neighbours:
        wait_for(lambda n=n: get(es, settings, n), timeout=90, what=f"neighbour {n} of the failing article")
    letter = letter_for(settings, key)
    assert letter["stage"] == {"bulk": "index"}.get(stage, stage), letter  # a refused bulk is found by splitting it
    if stage == "index":
        assert "rejected the article document" in letter["reason"] and get(es, settings, key) is None
    elif stage == "bulk":
        assert "refused the request (400" in letter["reason"] and get(es, settings, key) is None
    elif stage == "enrich":
        assert "injected" in letter["reason"] and get(es, settings, key) is None
    else:  # alert: the article is indexed; matching alerts on it failed, which its dead letter says
        assert "injected" in letter["reason"] and get(es, settings, key) is not None
    assert worker.process.pid == pid and worker.alive()
