"""Every kind of bad input gets its documented outcome (docs/input.md), and the stream keeps flowing."""

from __future__ import annotations

import json
import uuid

import pytest
from kafka import KafkaProducer
from support import dead_letters, wait_for

from newsmon.articles import content_hash
from newsmon.index.client import make_client
from newsmon.stream.kafka import kafka_python_options

pytestmark = pytest.mark.integration

FRENCH = (
    "Les négociateurs des deux camps se sont réunis vendredi à Genève pour discuter d'un cessez-le-feu. "
    "Selon le médiateur, les discussions ont été longues mais constructives, et une nouvelle réunion "
    "est prévue la semaine prochaine afin de préparer un accord sur les échanges de prisonniers."
)
HTML = (
    "<html><head><title>x</title><style>p {color: red}</style></head><body>"
    "<h1>Floods close the river port</h1><p>Heavy rain flooded the river port of Valdora on Tuesday, "
    "officials said.</p><p>Ships were moved upstream &amp; roads were closed.</p>"
    "<script>track('view')</script></body></html>"
)


def get(es, settings, article_id):
    found = es.options(ignore_status=404).get(index=settings.articles_index, id=article_id)
    return found if found.get("found") else None


def test_each_kind_of_bad_input_gets_its_documented_outcome(worker):
    settings = worker.settings
    es = make_client(settings)
    m = uuid.uuid4().hex[:8]
    producer = KafkaProducer(max_request_size=32 * 1024 * 1024, **kafka_python_options(settings))

    def send(key: str, value: bytes) -> None:
        producer.send(settings.articles_topic, key=key.encode(), value=value)

    send(f"json-{m}", b'{"title": "unterminated')
    send(f"types-{m}", json.dumps({"title": "x", "body": 42}).encode())
    send(f"missing-{m}", json.dumps({"title": "no body here"}).encode())
    send(f"empty-{m}", json.dumps({"title": "empty", "body": ""}).encode())
    send(f"binary-{m}", bytes(range(256)) * 4)
    huge = ("The harbour stayed closed as storms continued along the coast. " * 340_000)[: 20 * 1024 * 1024]
    send(f"huge-{m}", json.dumps({"id": f"huge-{m}", "title": "Storm coverage", "body": huge}).encode())
    send(f"fr-{m}", json.dumps({"id": f"fr-{m}", "title": "Pourparlers à Genève", "body": FRENCH}).encode())
    send(f"html-{m}", json.dumps({"id": f"html-{m}", "title": "Floods", "body": HTML}).encode())
    send(f"dup-{m}", json.dumps({"id": f"dup-{m}", "title": "First version", "body": "The first version of the story."}).encode())
    send(f"dup-{m}", json.dumps({"id": f"dup-{m}", "title": "Corrected version", "body": "The corrected version of the story."}).encode())
    send(f"after-{m}", json.dumps({"id": f"after-{m}", "title": "Bridge opens", "body": "A new bridge opened on Monday."}).encode())
    producer.flush()
    producer.close()

    # The stream kept flowing past all of it.
    wait_for(lambda: get(es, settings, f"after-{m}"), timeout=120, what="the article sent after the bad ones")

    def ours() -> list[dict] | None:
        found = [d for d in dead_letters(settings) if d["key"] and d["key"].endswith(m)]
        return found if len(found) >= 5 else None

    letters = {d["key"]: d for d in wait_for(ours, timeout=60, what="five dead letters")}
    assert letters[f"json-{m}"]["reason"].startswith("invalid JSON at line 1")
    assert letters[f"types-{m}"]["reason"] == "'body': Input should be a valid string"
    assert letters[f"missing-{m}"]["reason"] == "'body' is required"
    assert letters[f"empty-{m}"]["reason"] == "'body': String should have at least 1 character"
    assert letters[f"binary-{m}"]["reason"].startswith("not UTF-8 text")
    assert letters[f"binary-{m}"]["value_encoding"] == "base64"
    assert all(d["stage"] == "decode" for d in letters.values())
    assert set(letters) == {f"{k}-{m}" for k in ("json", "types", "missing", "empty", "binary")}

    # Different keys, different partitions: each is waited for (the 20 MB one takes longest).
    for key in ("huge", "fr", "html"):
        wait_for(lambda key=key: get(es, settings, f"{key}-{m}"), timeout=120, what=f"the {key} article to be indexed")
    big = get(es, settings, f"huge-{m}")["_source"]
    assert big["truncated"] is True and "truncated" in big["warnings"]
    assert len(big["body"]) <= settings.max_body_chars

    french = get(es, settings, f"fr-{m}")["_source"]
    assert french["language"] == "fr" and "non_english" in french["warnings"]
    # another language: the names newsmon knows in it and no events; "Les" is not a person named Leș
    assert french["events"] == [] and not [a for a in french["actors"] if a["type"] == "person"]

    page = get(es, settings, f"html-{m}")["_source"]
    assert "html_stripped" in page["warnings"]
    assert "<" not in page["body"] and "track(" not in page["body"] and "& roads" in page["body"]
    assert page["body"].startswith("Floods close the river port")

    def corrected():
        doc = get(es, settings, f"dup-{m}")
        return doc if doc and doc["_source"]["title"] == "Corrected version" else None

    duplicate = wait_for(corrected, timeout=30, what="the corrected version to win")
    assert duplicate["_source"]["content_hash"] == content_hash("Corrected version", "The corrected version of the story.")
    assert es.count(index=settings.articles_index, query={"term": {"id": f"dup-{m}"}})["count"] == 1
    assert worker.alive()
