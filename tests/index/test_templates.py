"""Templates, aliases and cluster features on the real local Elasticsearch."""

from __future__ import annotations

import pytest
from elasticsearch import ApiError

from newsmon.index import lifecycle
from newsmon.index.features import detect
from newsmon.index.mappings import (
    ARTICLE_PROPERTIES, ARTICLES, ENGLISH_FIELDS, EVENTS, MAPPING_VERSIONS, field_types, mappings_for,
)
from newsmon.index.templates import COMMON_SETTINGS_COMPONENT, MappingOutdated, index_specs, install

pytestmark = pytest.mark.integration


def test_features_are_detected_not_assumed(es):
    features = detect(es)
    try:
        es.indices.analyze(analyzer="english", text="talks")
        english = True
    except ApiError:
        english = False
    try:
        es.ilm.get_status()
        ilm = True
    except ApiError:
        ilm = False
    assert (features.english, features.ilm) == (english, ilm)
    if not ilm:
        assert features.ilm_note


def test_install_on_an_empty_cluster_then_again(es, fresh_prefix):
    settings = fresh_prefix("install")
    specs = index_specs(settings)
    assert not any(es.indices.exists_alias(name=spec.alias) for spec in specs)

    first = install(es, settings)
    assert sorted(first.created) == sorted(spec.backing_index() for spec in specs)
    for spec in specs:
        aliases = es.indices.get_alias(name=spec.alias)
        assert aliases == {spec.backing_index(): {"aliases": {spec.alias: {"is_write_index": True}}}}
        mapping = es.indices.get_mapping(index=spec.alias)[spec.backing_index()]["mappings"]
        assert mapping["dynamic"] == "strict"
        assert mapping["_meta"]["mapping_version"] == MAPPING_VERSIONS[spec.kind]
        template = es.indices.get_index_template(name=spec.template_name)["index_templates"][0]["index_template"]
        assert template["index_patterns"] == [spec.pattern]
        assert template["composed_of"] == [COMMON_SETTINGS_COMPONENT]
        assert template["template"]["mappings"]["_meta"]["mapping_version"] == spec.version
        has_english = any(f.endswith(".english") for f in field_types(mapping))
        assert has_english == first.features.english
        index_settings = es.indices.get_settings(index=spec.backing_index())[spec.backing_index()]["settings"]["index"]
        assert ("lifecycle" in index_settings) == first.features.ilm
    mapping_before = es.indices.get_mapping(index=f"{settings.index_prefix}-*")

    second = install(es, settings)
    assert second.created == [] and second.outdated == {}
    assert es.indices.get_mapping(index=f"{settings.index_prefix}-*") == mapping_before
    for spec in specs:
        assert list(es.indices.get_alias(name=spec.alias)) == [spec.backing_index()]


def test_strict_mapping_refuses_unknown_fields(es, fresh_prefix):
    settings = fresh_prefix("strict")
    install(es, settings)
    with pytest.raises(ApiError) as caught:
        es.index(index=settings.events_index, id="x", document={"type": "CONSULT", "surprise": 1})
    assert caught.value.meta.status == 400
    assert "strict_dynamic_mapping_exception" in str(caught.value)


def legacy_v1_articles_mappings() -> dict:
    """The articles mapping newsmon shipped as version 1 (before @timestamp, event_types, event_count)."""
    properties = {k: v for k, v in ARTICLE_PROPERTIES.items() if k not in ("@timestamp", "event_types", "event_count")}
    return {"dynamic": "strict", "_meta": {"mapping_version": 1}, "properties": properties}


def test_an_alias_on_an_older_version_gets_new_fields_in_place(es, fresh_prefix):
    settings = fresh_prefix("inplace")
    old = f"{settings.articles_index}-v1-000001"
    es.indices.create(index=old, mappings=legacy_v1_articles_mappings(), aliases={settings.articles_index: {"is_write_index": True}})

    report = install(es, settings)

    assert settings.articles_index in report.outdated
    assert "newsmon es setup --upgrade" in report.outdated[settings.articles_index]
    mapping = es.indices.get_mapping(index=old)[old]["mappings"]
    assert mapping["properties"]["event_types"] == {"type": "keyword", "ignore_above": 1024}
    assert mapping["_meta"]["mapping_version"] == 1  # the index still says what it was created as
    assert list(es.indices.get_alias(name=settings.articles_index)) == [old]


def test_an_incompatible_older_mapping_says_to_upgrade(es, fresh_prefix):
    settings = fresh_prefix("incompatible")
    old = f"{settings.articles_index}-v1-000001"
    legacy = legacy_v1_articles_mappings()
    legacy["properties"]["source"] = {"type": "text"}  # the current mapping says keyword: cannot change in place
    es.indices.create(index=old, mappings=legacy, aliases={settings.articles_index: {"is_write_index": True}})
    with pytest.raises(MappingOutdated, match="newsmon es setup --upgrade"):
        install(es, settings)


def test_english_sub_fields_only_with_the_analyzer():
    for kind, fields in ENGLISH_FIELDS.items():
        plain = field_types(mappings_for(kind, english=False))
        stemmed = field_types(mappings_for(kind, english=True))
        assert not any(name.endswith(".english") for name in plain)
        for name in fields:
            assert plain[name] == "text"
            assert stemmed[f"{name}.english"] == "text"
        assert set(stemmed) - set(plain) == {f"{name}.english" for name in fields}
    english = mappings_for(ARTICLES, english=True)
    assert english["properties"]["title"]["fields"]["english"] == {"type": "text", "analyzer": "english"}
    assert english["properties"]["title"]["fields"]["keyword"]["type"] == "keyword"


def test_lifecycle_policies_roll_over_and_expire():
    for kind in (ARTICLES, EVENTS):
        body = lifecycle.policy(kind)
        assert body["phases"]["hot"]["actions"]["rollover"]["max_age"] == "30d"
        assert body["phases"]["delete"]["min_age"] == "365d"
        assert set(body["phases"]) == {"hot", "delete"}  # no read-only phase: re-indexing rewrites in place
    settings = lifecycle.index_settings("news-articles")
    assert settings == {"index": {"lifecycle": {"name": "news-articles-policy", "rollover_alias": "news-articles"}}}
