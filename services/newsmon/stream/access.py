"""Why Kafka refuses us, in one sentence: wrong credentials, an untrusted certificate, the wrong protocol.

Why this exists: kafka-python and aiokafka both retry a failed bootstrap until a timeout and then
say only "Unable to bootstrap", whatever the broker answered. On a secured cluster (SASL_SSL, SCRAM,
a private CA) most first-start failures are configuration, not an absent broker, and retrying for
three minutes does not fix a wrong password. So after a bootstrap failure one connection is opened
to the first broker with the same settings (aiokafka's ``create_conn``, which raises what it met)
and the answer is turned into a sentence naming the setting to fix. Secrets never appear in it.
"""

from __future__ import annotations

import asyncio
import ssl
import threading

from newsmon.config import Settings

from .kafka import aiokafka_options


class KafkaAccessError(RuntimeError):
    """Kafka answered but did not let us in: retrying with the same settings will not help."""


def _first_broker(settings: Settings) -> tuple[str, int]:
    host, _, port = settings.kafka_bootstrap.split(",")[0].strip().rpartition(":")
    return host.strip("[]"), int(port or 9092)


async def _connect(settings: Settings, timeout_s: float) -> None:
    from aiokafka.conn import create_conn

    options = aiokafka_options(settings)
    host, port = _first_broker(settings)
    conn = await asyncio.wait_for(
        create_conn(
            host,
            port,
            client_id="newsmon-access-check",
            request_timeout_ms=int(timeout_s * 1000),
            ssl_context=options.get("ssl_context"),
            security_protocol=options["security_protocol"],
            sasl_mechanism=options.get("sasl_mechanism", "PLAIN"),
            sasl_plain_username=options.get("sasl_plain_username"),
            sasl_plain_password=options.get("sasl_plain_password"),
        ),
        timeout_s,
    )
    conn.close()


def explain(settings: Settings, exc: BaseException) -> str | None:
    """The sentence for a refusal that ``exc`` (the connection check's error) shows, or None when it is no refusal."""
    from aiokafka import errors as ak

    where = f"Kafka at {settings.kafka_bootstrap}"
    protocol = settings.kafka_security_protocol.upper()
    if isinstance(exc, (ak.SaslAuthenticationFailed, ak.IllegalSaslStateError)):
        return (f"{where} refused the credentials of user {settings.kafka_username!r} "
                f"({settings.kafka_sasl_mechanism} authentication failed): check NEWSMON_KAFKA_USERNAME and "
                "NEWSMON_KAFKA_PASSWORD.")
    if isinstance(exc, ak.UnsupportedSaslMechanismError):
        return (f"{where} does not accept the SASL mechanism {settings.kafka_sasl_mechanism}: set "
                "NEWSMON_KAFKA_SASL_MECHANISM to one it enables (e.g. SCRAM-SHA-512).")
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or str(exc)
        return (f"{where} presented a certificate this machine does not trust ({why}): set "
                "NEWSMON_KAFKA_CA_FILE to the CA certificate that signed it.")
    if isinstance(exc, ssl.SSLError):
        return (f"the TLS handshake with {where} failed ({getattr(exc, 'reason', None) or exc}): check that its listener speaks TLS "
                "and NEWSMON_KAFKA_SECURITY_PROTOCOL.")
    if isinstance(exc, (ak.KafkaConnectionError, ConnectionResetError)) and "SSL" not in protocol:
        if "closed" in str(exc).lower() or isinstance(exc, ConnectionResetError):
            return (f"{where} closed the connection during the handshake, as a listener expecting TLS or SASL "
                    f"does with a {protocol} client: check NEWSMON_KAFKA_SECURITY_PROTOCOL (e.g. SASL_SSL) and "
                    "NEWSMON_KAFKA_SASL_MECHANISM.")
    return None


def refusal(settings: Settings, timeout_s: float | None = None) -> str | None:
    """One connection to the first broker: the sentence saying why Kafka refuses us, or None if it does not
    (it let us in, or is simply not there: then the caller's own message applies). Waits up to
    ``timeout_s``, by default the settings' ``connect_timeout_s``."""
    timeout_s = settings.connect_timeout_s if timeout_s is None else timeout_s
    found: list[BaseException] = []

    def check() -> None:  # in a thread of its own: the caller may be inside an event loop
        try:
            asyncio.run(_connect(settings, timeout_s))
        except Exception as exc:  # noqa: BLE001 - classified by explain()
            found.append(exc)

    thread = threading.Thread(target=check, name="newsmon-kafka-access-check", daemon=True)
    thread.start()
    thread.join(timeout_s + 1)
    return explain(settings, found[0]) if found else None
