"""The rules a worker knows: the compacted topic ``news.alert-rules``, replayed and followed.

The topic is the system of record: key = rule name, value = the rule as JSON, a null
value (tombstone) removes it. Kafka compaction keeps the latest version of each rule for
ever. Every worker reads the whole topic from the beginning at start, without a consumer
group (every worker needs every rule, unlike articles, which are shared out), and keeps
following it, so a rule added by ``newsmon alerts add`` or the HTTP API applies to the
next article without a restart.

The book checks every record against the settings it is given (:func:`rules.rule_context`):
a record written before a stricter policy, or straight onto the topic, that is no longer valid
is skipped with one log line naming the rule and what is wrong with it.

What of a rule is secret travels sealed: the HMAC secret and the channels (a Slack webhook's
path is its credential, a webhook URL may carry userinfo or a token) are encrypted together
with the Fernet key of :func:`newsmon.ops.keys.rule_cipher` into the record's ``sealed``
field; the record's ``channels`` then hold their display form only (``display_url``), for
whoever reads the topic. Records written before sealing (a clear ``secret``) are still read,
and ``newsmon alerts reencrypt`` rewrites every rule sealed under the newest key.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from cryptography.fernet import InvalidToken, MultiFernet
from kafka import KafkaProducer
from pydantic import ValidationError

from newsmon.config import Settings
from newsmon.ops import redact
from newsmon.ops.keys import rule_cipher
from newsmon.rules import Query
from newsmon.stream.follow import read_topic_to_end
from newsmon.stream.kafka import kafka_python_options

from .rules import AlertRule, problems, rule_context, validate_rule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActiveRule:
    rule: AlertRule
    query: Query


SEALED = "sealed"


class SealedRuleError(ValueError):
    """A rule's sealed part cannot be opened with the configured keys."""


def seal(record: dict, cipher: MultiFernet, display: list[str]) -> dict:
    """``record`` (AlertRule.to_record) with its secret and channels encrypted; ``display`` shown instead."""
    inner = {"secret": record["secret"], "channels": record["channels"]}
    sealed = {k: v for k, v in record.items() if k not in inner}
    sealed["channels"] = display
    sealed[SEALED] = cipher.encrypt(json.dumps(inner).encode()).decode()
    return sealed


def unseal(data: dict, cipher: MultiFernet | None) -> dict:
    """A record of the rules topic as AlertRule reads it: sealed records opened, clear ones as they are."""
    if SEALED not in data:
        return data  # written before rule secrets were encrypted
    if cipher is None:
        raise SealedRuleError("its secret is encrypted and no key is configured")
    try:
        inner = json.loads(cipher.decrypt(str(data[SEALED]).encode()))
    except InvalidToken:
        raise SealedRuleError("its secret cannot be decrypted with the configured key: set NEWSMON_SECRET_KEY "
                              "to the key it was written with (several may be listed, comma-separated, newest first)") from None
    return {**{k: v for k, v in data.items() if k != SEALED}, **inner}


class RuleBook:
    """Rules by name, with their queries compiled once when the rule arrives."""

    def __init__(self, settings: Settings | None = None, cipher: MultiFernet | None = None) -> None:
        self.settings = settings  # what records are checked against (None: their form only)
        self._rules: dict[str, ActiveRule] = {}
        self.version = 0  # bumped on every change, for caches keyed on the rule set
        self.cipher = cipher
        self.undecryptable: set[str] = set()  # rules whose latest record no configured key opens

    def apply(self, key: bytes | None, value: bytes | None) -> None:
        """Apply one record of the rules topic. A bad record is logged and skipped, never fatal.

        Skipping fails closed: the rule's earlier version is dropped too. A change that cannot be
        read (sealed under another key, now invalid) may have been the rule's disabling or the
        removal of a channel; going on with the old version would do what its owner undid.
        """
        if key is None:
            return
        name = key.decode("utf-8", "replace")
        self.version += 1
        self.undecryptable.discard(name)
        self._rules.pop(name, None)
        if value is None:
            return
        try:
            data = json.loads(value)
            opened = unseal(data, self.cipher) if isinstance(data, dict) else data
            rule = AlertRule.model_validate(opened, context=rule_context(self.settings))
            compiled = rule.compiled()
        except SealedRuleError as exc:
            self.undecryptable.add(name)
            log.warning("ignoring alert rule %r: %s", name, exc)
            return
        except ValidationError as exc:
            log.warning("ignoring unreadable alert rule %r: %s", name, problems(exc))
            return
        except (ValueError, RecursionError) as exc:
            log.warning("ignoring unreadable alert rule %r: %s", name, str(exc).splitlines()[0] if str(exc) else exc)
            return
        redact.register(rule.secret.get_secret_value())
        redact.register_channels(c.target for c in rule.channels)
        self._rules[name] = ActiveRule(rule, compiled)

    def get(self, name: str) -> AlertRule | None:
        active = self._rules.get(name)
        return active.rule if active else None

    def rules(self) -> list[AlertRule]:
        return [a.rule for a in sorted(self._rules.values(), key=lambda a: a.rule.name)]

    def active(self) -> list[ActiveRule]:
        return [a for a in self._rules.values() if a.rule.enabled]

    def __len__(self) -> int:
        return len(self._rules)


def encode(rule: AlertRule, cipher: MultiFernet | None = None) -> tuple[bytes, bytes]:
    """The record of ``rule`` on the rules topic: sealed with ``cipher`` (in clear without one: tests and benches)."""
    record = rule.to_record()
    if cipher is not None:
        record = seal(record, cipher, [c.display for c in rule.channels])
    return rule.name.encode(), json.dumps(record).encode()


# --- synchronous access, for the CLI -------------------------------------------------------

def read_rules(settings: Settings, timeout_s: float = 10) -> RuleBook:
    """Read the rules topic to its current end."""
    book = RuleBook(settings, rule_cipher(settings))
    read_topic_to_end(settings, settings.alert_rules_topic, book.apply, timeout_s)
    return book


class RuleWriter:
    """Writes rule changes to the rules topic and waits until Kafka has them."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.topic = settings.alert_rules_topic
        self.cipher = rule_cipher(settings)
        self._producer = KafkaProducer(acks="all", **kafka_python_options(settings))

    def put(self, rule: AlertRule) -> None:
        """Write ``rule`` once its channels pass the settings' checks (a RuleError says why not)."""
        key, value = encode(validate_rule(rule, self.settings), self.cipher)
        self._producer.send(self.topic, key=key, value=value).get(timeout=30)

    def delete(self, name: str) -> None:
        self._producer.send(self.topic, key=name.encode(), value=None).get(timeout=30)

    def close(self) -> None:
        self._producer.close(timeout=10)

    def __enter__(self) -> "RuleWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
