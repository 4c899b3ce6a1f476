"""The one distinction the stream's failure handling rests on: a peer's failure, or a message's.

A **peer** (Kafka, Elasticsearch) that is away, overloaded or not ready yet makes every message
fail the same way, so the batch is held and retried with backoff until the peer is back:
nothing is dropped, nothing is dead-lettered for it. Anything else that goes wrong belongs to
a message and is isolated to it (see :mod:`newsmon.stream.processor`). Code that talks to a
peer raises :class:`PeerUnavailable` (or a subclass) for the first kind and lets everything
else through.
"""

from __future__ import annotations


class PeerUnavailable(RuntimeError):
    """Kafka or Elasticsearch cannot take the work now; retry later, keep the offsets uncommitted."""

    peer = "a peer"


class KafkaUnavailable(PeerUnavailable):
    """Kafka did not acknowledge in time or said to retry (no leader, not enough replicas...)."""

    peer = "Kafka"
