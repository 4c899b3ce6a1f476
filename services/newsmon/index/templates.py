"""Installing index templates, lifecycle policies and write aliases, idempotently.

Each logical index (``news-articles``, ``news-events``, ``news-alerts``) is a write alias
over versioned backing indices (``news-articles-v2-000001``) created from a composable
index template (``<alias>-template``, pattern ``<alias>-v*``): the cluster-wide settings
component ``newsmon-settings`` (shards, replicas, refresh interval; the same for every
prefix) composed with the index's own mappings and, where the cluster has ILM, its
lifecycle settings. Writers and readers only ever use the alias, so mapping upgrades
(:mod:`newsmon.index.upgrade`) and ILM rollover never touch them.

:func:`install` runs at every worker start and in ``newsmon es setup``; running it again
changes nothing. It never copies documents: when an alias still points at backing indices
of an older mapping version, it adds the new fields to them in place where that is
possible (new fields only) and reports the alias as outdated, so the worker keeps
running until someone runs ``newsmon es setup --upgrade``. When the change cannot be
applied in place it raises :class:`MappingOutdated`, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from newsmon.config import Settings

from . import lifecycle
from .features import ClusterFeatures, detect
from .mappings import ALERTS, ARTICLES, EVENTS, MAPPING_VERSIONS, mappings_for

Migrate = Callable[[dict[str, Any]], dict[str, Any]]


class MappingOutdated(RuntimeError):
    """An alias points at backing indices whose mapping cannot take the current one in place."""


@dataclass(frozen=True)
class IndexSpec:
    """One logical index: its kind, alias, mappings, mapping version and how to carry a
    document of an older version over (``migrate``, used by ``newsmon es setup --upgrade``)."""

    kind: str
    alias: str
    mappings: dict[str, Any]
    version: int
    migrate: Migrate | None = None

    @property
    def template_name(self) -> str:
        return f"{self.alias}-template"

    @property
    def pattern(self) -> str:
        return f"{self.alias}-v*"

    def backing_index(self, generation: int = 1) -> str:
        return f"{self.alias}-v{self.version}-{generation:06d}"


def _migrate_article(source: dict[str, Any]) -> dict[str, Any]:
    from .documents import article_document, article_from_document

    doc = article_document(article_from_document(source))
    if source.get("indexed_at"):
        doc["indexed_at"] = source["indexed_at"]
    return doc


def index_specs(settings: Settings, features: ClusterFeatures | None = None) -> list[IndexSpec]:
    """The three logical indices of these settings. Without ``features``, the mappings are
    the baseline every cluster accepts (no English sub-fields)."""
    english = bool(features and features.english)
    return [
        IndexSpec(ARTICLES, settings.articles_index, mappings_for(ARTICLES, english=english), MAPPING_VERSIONS[ARTICLES],
                  migrate=_migrate_article),
        IndexSpec(EVENTS, settings.events_index, mappings_for(EVENTS, english=english), MAPPING_VERSIONS[EVENTS]),
        IndexSpec(ALERTS, settings.alerts_index, mappings_for(ALERTS, english=english), MAPPING_VERSIONS[ALERTS]),
    ]


COMMON_SETTINGS_COMPONENT = "newsmon-settings"


@dataclass
class InstallReport:
    """What :func:`install` did and found."""

    features: ClusterFeatures
    created: list[str] = field(default_factory=list)  # backing indices created
    outdated: dict[str, str] = field(default_factory=dict)  # alias -> what to do about it
    policies: list[str] = field(default_factory=list)  # ILM policies put
    notes: list[str] = field(default_factory=list)


def _common_settings(es: Elasticsearch) -> dict[str, Any]:
    # One shard is right for a monitor's volume; replicas only where there is a second node.
    nodes = es.nodes.info(filter_path="nodes.*.name").get("nodes", {})
    return {"index": {"number_of_shards": 1, "number_of_replicas": 1 if len(nodes) > 1 else 0, "refresh_interval": "1s"}}


_VERSION_IN_NAME = re.compile(r"-v(\d+)-\d+$")


def index_version(es: Elasticsearch, index: str) -> int:
    """The mapping version a backing index was created with (``_meta``, else its name)."""
    mapping = es.indices.get_mapping(index=index)[index]["mappings"]
    version = (mapping.get("_meta") or {}).get("mapping_version")
    if version is None:
        match = _VERSION_IN_NAME.search(index)
        version = int(match.group(1)) if match else 0
    return int(version)


def alias_indices(es: Elasticsearch, alias: str) -> dict[str, bool]:
    """Backing indices of ``alias`` -> whether each is the write index; empty if no alias."""
    try:
        found = es.indices.get_alias(name=alias)
    except ApiError as exc:
        if exc.meta.status == 404:
            return {}
        raise
    return {index: bool(info["aliases"][alias].get("is_write_index")) for index, info in found.items()}


def put_templates(es: Elasticsearch, settings: Settings, specs: list[IndexSpec], features: ClusterFeatures) -> None:
    """Put the shared settings component and each index's template."""
    es.cluster.put_component_template(
        name=COMMON_SETTINGS_COMPONENT, template={"settings": _common_settings(es)}, meta={"managed_by": "newsmon"},
    )
    for spec in specs:
        template: dict[str, Any] = {"mappings": spec.mappings}
        if features.ilm:
            template["settings"] = lifecycle.index_settings(spec.alias)
        es.indices.put_index_template(
            name=spec.template_name,
            index_patterns=[spec.pattern],
            composed_of=[COMMON_SETTINGS_COMPONENT],
            template=template,
            priority=200,
            meta={"managed_by": "newsmon", "mapping_version": spec.version},
        )


def _bring_up_to_date_in_place(es: Elasticsearch, spec: IndexSpec, indices: list[str], report: InstallReport) -> None:
    body = {k: v for k, v in spec.mappings.items() if k != "_meta"}  # the index keeps its own version
    for index in indices:
        try:
            es.indices.put_mapping(index=index, **body)
        except ApiError as exc:
            if exc.meta.status == 400:
                raise MappingOutdated(
                    f"{spec.alias} is on backing index {index}, whose mapping cannot take version {spec.version} "
                    f"in place ({exc.message}). Run `newsmon es setup --upgrade` to copy its documents into "
                    f"{spec.backing_index()} and move the alias."
                ) from exc
            raise
    report.outdated[spec.alias] = (
        f"on an older mapping version ({', '.join(indices)}); the new fields were added in place. "
        f"Run `newsmon es setup --upgrade` to rebuild it as {spec.backing_index()}."
    )


def install(es: Elasticsearch, settings: Settings, *, features: ClusterFeatures | None = None) -> InstallReport:
    """Put policies and templates; create each alias's first backing index if missing.

    Safe to run any number of times and from several workers at once.
    """
    features = features or detect(es)
    report = InstallReport(features=features)
    specs = index_specs(settings, features)
    if features.english:
        report.notes.append("English analyzer found: title, body and sentences get stemmed .english sub-fields")
    else:
        report.notes.append("no English analyzer on this cluster: text fields use the standard analyzer only")
    if features.ilm:
        for spec in specs:
            es.ilm.put_lifecycle(name=lifecycle.policy_name(spec.alias), policy=lifecycle.policy(spec.kind))
            report.policies.append(lifecycle.policy_name(spec.alias))
    else:
        report.notes.append(f"lifecycle policies skipped: {features.ilm_note}")
    put_templates(es, settings, specs, features)
    for spec in specs:
        indices = alias_indices(es, spec.alias)
        if not indices:
            index = spec.backing_index()
            try:
                if es.indices.exists(index=index):
                    es.indices.put_alias(index=index, name=spec.alias, is_write_index=True)
                else:
                    es.indices.create(index=index, aliases={spec.alias: {"is_write_index": True}})
                    report.created.append(index)
            except ApiError as exc:
                # Another worker created it a moment ago: that is the result we wanted.
                if exc.error != "resource_already_exists_exception":
                    raise
            continue
        old = [index for index in indices if index_version(es, index) < spec.version]
        if old:
            _bring_up_to_date_in_place(es, spec, old, report)
    return report
