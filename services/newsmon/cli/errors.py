"""How a command ends: its exit status, and the sentence for a peer that does not answer.

Why one module: every command and the worker's start-up meet the same failures (a broker that
does not answer, an Elasticsearch that refuses the connection, a setting that is wrong) and
must say them the same way, with statuses a script can act on (README, "Exit status"):

- 0: done;
- 1 (:data:`USER_ERROR`): the command, a file it reads or a setting is wrong; fix it and run again;
- 2 (:data:`PEER_DOWN`): Kafka, Elasticsearch, an SMTP server or the worker does not answer or is
  unhealthy; the same command may work once it is back.
"""

from __future__ import annotations

from newsmon.config import Settings
from newsmon.ops.redact import display_url

OK = 0
USER_ERROR = 1
PEER_DOWN = 2

_CHECK = "`newsmon status` shows what runs; `newsmon stack up` starts the local stack"


def kafka_down(settings: Settings, exc: BaseException | None = None) -> str:
    """The sentence for a Kafka that did not answer (kafka-python says only "Unable to bootstrap")."""
    from kafka.errors import KafkaTimeoutError

    text = f"{type(exc).__name__}: {exc}" if exc is not None else ""
    if exc is None or isinstance(exc, KafkaTimeoutError) or "bootstrap" in text.lower():
        reason = f"did not answer within {settings.connect_timeout_s:g} s"
    else:
        reason = f"failed ({_short(text)})"
    return (f"Kafka at {settings.kafka_bootstrap} {reason}: check that it runs and NEWSMON_KAFKA_BOOTSTRAP "
            f"({_CHECK}; NEWSMON_CONNECT_TIMEOUT_S sets the wait).")


def elasticsearch_down(settings: Settings, exc: BaseException) -> str:
    """The sentence for an Elasticsearch connection that failed, naming the likely cause."""
    from elasticsearch import ConnectionTimeout

    text = " ".join(_causes(exc))
    if isinstance(exc, ConnectionTimeout):
        from urllib3.exceptions import ReadTimeoutError

        if any(isinstance(e, ReadTimeoutError) for e in getattr(exc, "errors", ())):
            reason = "took the connection but did not answer in time (it may be starting or overloaded)"
        else:
            reason = f"did not take the connection within {settings.connect_timeout_s:g} s"
    elif "Connection refused" in text:
        reason = "refused the connection (nothing listens on that port)"
    elif any(s in text for s in ("Name or service not known", "nodename nor servname", "Temporary failure in name resolution")):
        reason = "cannot be found (its host name does not resolve)"
    else:
        reason = f"is not reachable ({_short(str(exc))})"
    return (f"Elasticsearch at {display_url(settings.es_url)} {reason}: check that it runs and NEWSMON_ES_URL "
            f"({_CHECK}; NEWSMON_CONNECT_TIMEOUT_S sets the wait).")


def peer_problem(exc: BaseException, settings: Settings) -> str | None:
    """The sentence for a peer failure that reached the top of a command uncaught, or None if ``exc`` is none."""
    from elasticsearch import ApiError, TransportError
    from kafka.errors import KafkaConnectionError, KafkaTimeoutError

    from newsmon.peers import PeerUnavailable

    if isinstance(exc, TransportError) and not isinstance(exc, ApiError):
        return elasticsearch_down(settings, exc)
    if isinstance(exc, (KafkaTimeoutError, KafkaConnectionError)):
        return kafka_down(settings, exc)
    if isinstance(exc, PeerUnavailable):
        return f"{exc.peer} is unavailable ({_short(str(exc))}): {_CHECK}."
    return None


def _causes(exc: BaseException, depth: int = 0) -> list[str]:
    """The texts of ``exc`` and what it wraps: elastic_transport keeps the socket's error in ``errors``,
    and says only "Connection error" itself when it did not retry."""
    found = [str(exc)]
    if depth < 5:
        for inner in [*getattr(exc, "errors", ()), exc.__cause__, exc.__context__]:
            if isinstance(inner, BaseException):
                found += _causes(inner, depth + 1)
    return found


def _short(text: str, limit: int = 200) -> str:
    """The last, most specific part of a nested transport error, on one line."""
    text = " ".join(text.split())
    if "caused by: " in text:  # elastic_transport nests the same error three deep
        text = text.rsplit("caused by: ", 1)[1].rstrip(")")
    return text if len(text) <= limit else text[: limit - 1] + "…"
