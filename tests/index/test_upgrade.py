"""Mapping upgrades on the real Elasticsearch: new backing indices, aliases moved, no document lost."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from newsmon.index.documents import alert_delivery_document, article_document
from newsmon.index.features import detect
from newsmon.index.templates import index_specs, index_version, install
from newsmon.index.upgrade import UpgradeFailed, backfill_events, copy_to_new_version, upgrade
from newsmon.models import Alert, AlertArticle
from tests.index.helpers import index_articles
from tests.index.test_templates import legacy_v1_articles_mappings

pytestmark = pytest.mark.integration


def alert() -> Alert:
    return Alert(id="a1", rule="syria-talks", query="syria AND ceasefire", fired_at=datetime(2017, 3, 18, 12, tzinfo=timezone.utc),
                 articles=[AlertArticle(id="x", title="Talks", url="https://example.invalid/x", source="reuters")],
                 matched=["syria", "ceasefire"], topics=["syria-ceasefire-talks"])


def snapshot(es, settings) -> dict[str, dict[str, dict]]:
    """Every document of the three aliases: alias -> _id -> _source."""
    found = {}
    for alias in (settings.articles_index, settings.events_index, settings.alerts_index):
        es.indices.refresh(index=alias)
        hits = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
        found[alias] = {h["_id"]: h["_source"] for h in hits}
    return found


def bumped(specs):
    """The same specs one mapping version later, with one more field each."""
    result = []
    for spec in specs:
        mappings = {**spec.mappings, "_meta": {**spec.mappings["_meta"], "mapping_version": spec.version + 1},
                    "properties": {**spec.mappings["properties"], "added_in_test": {"type": "keyword"}}}
        result.append(dataclasses.replace(spec, version=spec.version + 1, mappings=mappings))
    return result


def test_an_upgrade_to_a_new_mapping_version_keeps_every_document(es, fresh_prefix, seed):
    settings = fresh_prefix("upgrade")
    install(es, settings)
    other = seed.model_copy(update={"id": "second-article", "events": seed.events[:1]})
    index_articles(settings, [seed, other])
    doc_id, doc = alert_delivery_document(alert(), channel="ops-webhook", channel_type="webhook", status="sent")
    es.index(index=settings.alerts_index, id=doc_id, document=doc, refresh=True)
    before = snapshot(es, settings)
    assert len(before[settings.articles_index]) == 2
    assert len(before[settings.events_index]) == len(seed.events) + 1
    assert len(before[settings.alerts_index]) == 1

    features = detect(es)
    specs = bumped(index_specs(settings, features))
    seen = []
    results = upgrade(es, settings, specs=specs, features=features, progress=lambda *a: seen.append(a))

    assert [r.action for r in results] == ["upgraded"] * 3
    after = snapshot(es, settings)
    assert {alias: set(docs) for alias, docs in after.items()} == {alias: set(docs) for alias, docs in before.items()}
    for alias in (settings.events_index, settings.alerts_index):
        assert after[alias] == before[alias]
    for doc_id, source in before[settings.articles_index].items():
        migrated = after[settings.articles_index][doc_id]
        assert {k: v for k, v in migrated.items()} == source  # re-derived, same content
    for spec in specs:
        assert list(es.indices.get_alias(name=spec.alias)) == [spec.backing_index()]
        assert es.indices.get_alias(name=spec.alias)[spec.backing_index()]["aliases"][spec.alias]["is_write_index"]
        assert index_version(es, spec.backing_index()) == spec.version
        old = dataclasses.replace(spec, version=spec.version - 1).backing_index()
        assert not es.indices.exists(index=old)
    assert seen and seen[-1][1] == seen[-1][2]

    # Writers go on through the alias into the new backing index.
    assert index_articles(settings, [seed]).indexed == [seed.id]
    assert snapshot(es, settings)[settings.articles_index].keys() == before[settings.articles_index].keys()

    again = upgrade(es, settings, specs=specs, features=features)
    assert [r.action for r in again] == ["current"] * 3


def test_a_failed_copy_leaves_the_alias_and_the_documents_where_they_were(es, fresh_prefix, seed):
    settings = fresh_prefix("upgradefail")
    install(es, settings)
    index_articles(settings, [seed])
    spec = bumped(index_specs(settings))[0]

    def broken(source):
        raise RuntimeError("migration bug")

    old = list(es.indices.get_alias(name=spec.alias))
    with pytest.raises(RuntimeError, match="migration bug"):
        copy_to_new_version(es, dataclasses.replace(spec, migrate=broken), old)
    assert list(es.indices.get_alias(name=spec.alias)) == old
    assert not es.indices.exists(index=spec.backing_index())
    assert index_articles(settings, [seed]).indexed == [seed.id]  # the write block was lifted
    with pytest.raises(UpgradeFailed):
        copy_to_new_version(es, spec, [spec.backing_index()])


def test_upgrading_from_the_first_articles_mapping_fills_news_events(es, fresh_prefix, seed):
    """Installations from before news-events: v1 articles are upgraded and their events backfilled."""
    settings = fresh_prefix("fromv1")
    legacy_index = f"{settings.articles_index}-v1-000001"
    es.indices.create(index=legacy_index, mappings=legacy_v1_articles_mappings(),
                      aliases={settings.articles_index: {"is_write_index": True}})
    legacy_doc = {k: v for k, v in article_document(seed).items() if k not in ("@timestamp", "event_types", "event_count")}
    es.index(index=settings.articles_index, id=seed.id, document=legacy_doc, refresh=True)

    report = install(es, settings)  # what the worker does at start: keeps working on the old index
    assert settings.articles_index in report.outdated
    results = {r.alias: r for r in upgrade(es, settings)}

    assert results[settings.articles_index].action == "upgraded"
    assert results[settings.articles_index].from_indices == [legacy_index]
    assert not es.indices.exists(index=legacy_index)
    stored = es.get(index=settings.articles_index, id=seed.id)["_source"]
    assert stored["event_types"] == list(dict.fromkeys(e.type for e in seed.events))
    assert stored["@timestamp"] == stored["published_at"]

    assert backfill_events(es, settings) == len(seed.events)
    assert es.count(index=settings.events_index)["count"] == len(seed.events)
    assert backfill_events(es, settings) == 0  # only ever fills an empty news-events


def test_keep_old_leaves_the_old_index_write_blocked(es, fresh_prefix, seed):
    settings = fresh_prefix("keepold")
    install(es, settings)
    index_articles(settings, [seed])
    spec = bumped(index_specs(settings))[1]  # events
    old = list(es.indices.get_alias(name=spec.alias))
    put = upgrade(es, settings, specs=[spec], keep_old=True)
    assert put[0].action == "upgraded"
    assert es.count(index=old[0])["count"] == len(seed.events)
    blocks = es.indices.get_settings(index=old[0])[old[0]]["settings"]["index"]["blocks"]
    assert blocks["write"] == "true"
