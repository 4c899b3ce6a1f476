"""Calls to Elasticsearch and Kafka from the operations commands (``show``, ``alerts history``, ``dlq``),
with the exit statuses of issue 14: a peer that cannot be reached is status 2, a missing index or
topic (nothing stored yet) is the caller's choice, anything else Elasticsearch refuses is status 1.

One place so that the three commands word an unreachable peer the same way and say what to check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from newsmon.config import Settings
from newsmon.ops.redact import display_url

from .common import fail
from .errors import PEER_DOWN

T = TypeVar("T")


def elasticsearch(settings: Settings) -> Any:
    """A client that gives up after ``NEWSMON_CONNECT_TIMEOUT_S`` without retrying: an operator waiting on a
    command for a peer that is down wants to know within seconds."""
    from newsmon.index.client import make_client

    return make_client(settings).options(request_timeout=settings.connect_timeout_s, max_retries=0, retry_on_timeout=False)


def es_call(settings: Settings, index: str, call: Callable[[], T], *, missing: Callable[[], T] | None = None) -> T:
    """``call()``; unreachable Elasticsearch exits 2, a missing ``index`` returns ``missing()`` (or exits 1)."""
    from elasticsearch import ApiError, TransportError

    try:
        return call()
    except TransportError as exc:
        fail(f"Elasticsearch at {display_url(settings.es_url)} is not reachable ({type(exc).__name__}): start the stack "
             "with `newsmon stack up` or set NEWSMON_ES_URL", PEER_DOWN)
    except ApiError as exc:
        if exc.meta.status == 404:
            if missing is not None:
                return missing()
            fail(f"no index {index!r} yet: start the worker (`newsmon worker`) or run `newsmon es setup`")
        if exc.meta.status in (401, 403):
            fail(f"Elasticsearch at {display_url(settings.es_url)} refused access (HTTP {exc.meta.status}): check "
                 "NEWSMON_ES_API_KEY or NEWSMON_ES_USERNAME/NEWSMON_ES_PASSWORD", PEER_DOWN)
        fail(f"Elasticsearch refused the request on {index!r}: {exc.message}")


def kafka_unreachable(settings: Settings, exc: BaseException) -> None:
    """Exit 2 with what to check, for a Kafka client that could not connect or timed out."""
    from newsmon.ops.status import describe_error

    fail(f"Kafka at {settings.kafka_bootstrap} is not reachable ({describe_error(exc)}): start the stack with "
         "`newsmon stack up` or set NEWSMON_KAFKA_BOOTSTRAP", PEER_DOWN)
