"""Rollover and retention for production clusters (ILM), one policy per index.

Only installed where the cluster has ILM (see :mod:`newsmon.index.features`); elsewhere
the indices simply grow, which is what a laptop or a test server wants.

Why these numbers: one primary shard per backing index is right for a monitor's volume,
and 30 GB or 30 days keeps a shard small enough to move and search quickly. Articles and
events are kept for a year (analysts compare with last year); alert deliveries are an
operational log and go after 90 days. Change them in Kibana (Stack Management > Index
Lifecycle Policies) or here; ``newsmon es setup`` puts the policies again on every run.
"""

from __future__ import annotations

from typing import Any

from .mappings import ALERTS, ARTICLES, EVENTS

ROLLOVER = {"max_primary_shard_size": "30gb", "max_age": "30d"}
RETENTION: dict[str, str] = {ARTICLES: "365d", EVENTS: "365d", ALERTS: "90d"}


def policy_name(alias: str) -> str:
    return f"{alias}-policy"


def policy(kind: str) -> dict[str, Any]:
    """The ILM policy body of one index kind: roll over while hot, delete after retention.

    No read-only, shrink or force-merge step: a redelivered or re-derived article is
    rewritten in whichever backing index holds it, so older indices must stay writable.
    """
    return {
        "_meta": {"managed_by": "newsmon"},
        "phases": {
            "hot": {"min_age": "0ms", "actions": {"rollover": dict(ROLLOVER)}},
            "delete": {"min_age": RETENTION[kind], "actions": {"delete": {}}},
        },
    }


def index_settings(alias: str) -> dict[str, Any]:
    """Template settings that attach a backing index to its policy and its rollover alias."""
    return {"index": {"lifecycle": {"name": policy_name(alias), "rollover_alias": alias}}}
