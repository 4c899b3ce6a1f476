"""What the Elasticsearch cluster can do, detected rather than configured.

The local test server (Elastic's minimal integ-test build) has no language analyzers and
no index lifecycle management; production clusters have both. newsmon asks the cluster
and uses a feature only where it answered yes, so the same code installs cleanly on both.
"""

from __future__ import annotations

from dataclasses import dataclass

from elasticsearch import ApiError, Elasticsearch


@dataclass(frozen=True)
class ClusterFeatures:
    """``english``: the built-in ``english`` analyzer exists (stemmed sub-fields are added).
    ``ilm``: index lifecycle management answers (rollover and retention policies are put).
    ``ilm_note``: why ILM is not used, when it is not."""

    english: bool
    ilm: bool
    ilm_note: str | None = None


def has_english_analyzer(es: Elasticsearch) -> bool:
    """True when ``_analyze`` knows the ``english`` analyzer (it stems: "talks" -> "talk").

    400 is the minimal build's "failed to find global analyzer [english]"; 401/403 means
    these credentials may not ask (the ``monitor`` cluster privilege is needed), and
    without knowing, the safe answer is no.
    """
    try:
        tokens = es.indices.analyze(analyzer="english", text="talks")["tokens"]
    except ApiError as exc:
        if exc.meta.status in (400, 401, 403):
            return False
        raise
    return [t["token"] for t in tokens] == ["talk"]


def ilm_availability(es: Elasticsearch) -> tuple[bool, str | None]:
    """(available, note). A cluster without the ILM module answers "no handler found";
    a user without the ``manage_ilm`` privilege gets 403: both mean "do not use it here"."""
    try:
        es.ilm.get_status()
    except ApiError as exc:
        status = exc.meta.status
        if status in (400, 404, 405, 410):
            return False, "this cluster has no index lifecycle management (ILM)"
        if status in (401, 403):
            return False, "ILM exists but these credentials may not manage it (needs the manage_ilm privilege)"
        raise
    return True, None


def detect(es: Elasticsearch) -> ClusterFeatures:
    ilm, note = ilm_availability(es)
    return ClusterFeatures(english=has_english_analyzer(es), ilm=ilm, ilm_note=note)
