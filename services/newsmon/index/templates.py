"""Installing index templates and write aliases, idempotently.

Each logical index (``news-articles``) is an alias over versioned backing indices
(``news-articles-v1-000001``) created from a composable index template. Writers and
readers only ever use the alias, so mapping upgrades and rollover never touch them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

from newsmon.config import Settings

from .mappings import ARTICLES_MAPPINGS, MAPPING_VERSION

COMMON_SETTINGS_COMPONENT = "newsmon-settings"


@dataclass(frozen=True)
class IndexSpec:
    """One logical index: its alias, its mappings and the version of those mappings."""

    alias: str
    mappings: dict[str, Any]
    version: int = MAPPING_VERSION

    @property
    def template_name(self) -> str:
        return f"{self.alias}-template"

    @property
    def pattern(self) -> str:
        return f"{self.alias}-v*"

    def backing_index(self, generation: int = 1) -> str:
        return f"{self.alias}-v{self.version}-{generation:06d}"


def index_specs(settings: Settings) -> list[IndexSpec]:
    return [IndexSpec(settings.articles_index, ARTICLES_MAPPINGS)]


def _common_settings(es: Elasticsearch) -> dict[str, Any]:
    # One shard is right for a monitor's volume; replicas only where there is a second node.
    nodes = es.nodes.info(filter_path="nodes.*.name").get("nodes", {})
    return {"index": {"number_of_shards": 1, "number_of_replicas": 1 if len(nodes) > 1 else 0, "refresh_interval": "1s"}}


def install(es: Elasticsearch, settings: Settings) -> list[str]:
    """Put templates and create each alias's first backing index if missing. Returns what was created."""
    created: list[str] = []
    es.cluster.put_component_template(name=COMMON_SETTINGS_COMPONENT, template={"settings": _common_settings(es)})
    for spec in index_specs(settings):
        es.indices.put_index_template(
            name=spec.template_name,
            index_patterns=[spec.pattern],
            composed_of=[COMMON_SETTINGS_COMPONENT],
            template={"mappings": spec.mappings},
            priority=200,
            meta={"managed_by": "newsmon", "mapping_version": spec.version},
        )
        if not es.indices.exists_alias(name=spec.alias):
            index = spec.backing_index()
            if not es.indices.exists(index=index):
                es.indices.create(index=index, aliases={spec.alias: {"is_write_index": True}})
                created.append(index)
            else:
                es.indices.put_alias(index=index, name=spec.alias, is_write_index=True)
    return created
