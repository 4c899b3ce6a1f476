"""Rule secrets on the rules topic: sealed with Fernet, rotated through a key list, never a crash on a wrong key."""

import json
import logging
import os
import stat

import pytest
from cryptography.fernet import Fernet, MultiFernet

from newsmon.alerts.ledger import AlertRecord, channel_key, find_channel
from newsmon.alerts.rulebook import RuleBook, encode
from newsmon.alerts.rules import AlertRule
from newsmon.config import Settings
from newsmon.ops.keys import SecretKeyError, key_file, new_key, rule_cipher

SLACK = "https://hooks.slack.com/services/T000/B000/slack-path-secret-42"


def a_rule(**changes) -> AlertRule:
    data = {"name": "harbour", "query": "harbour", "secret": "hmac-secret-0123456789abcdef",
            "channels": [f"slack:{SLACK}", "webhook:https://bob:pw-in-url@example.org/hook?token=tok-123456", "kafka"]}
    return AlertRule(**{**data, **changes})


def test_a_sealed_record_holds_no_secret_and_reads_back_the_same_rule():
    cipher = MultiFernet([Fernet(new_key())])
    rule = a_rule()
    key, value = encode(rule, cipher)
    for secret in ("hmac-secret-0123456789abcdef", "slack-path-secret-42", "pw-in-url", "tok-123456"):
        assert secret.encode() not in value
    shown = json.loads(value)
    assert "secret" not in shown and shown["channels"] == [c.display for c in rule.channels]
    assert shown["channels"][0] == "slack:https://hooks.slack.com/services/***"
    book = RuleBook(cipher=cipher)
    book.apply(key, value)
    assert book.get("harbour") == rule


def test_rotation_reads_old_and_new_keys_and_writes_with_the_newest():
    old, new = Fernet(new_key()), Fernet(new_key())
    rule = a_rule()
    key, written_before = encode(rule, MultiFernet([old]))
    rotated = RuleBook(cipher=MultiFernet([new, old]))  # the new key added first
    rotated.apply(key, written_before)
    assert rotated.get("harbour") is not None
    _, rewritten = encode(rotated.get("harbour"), rotated.cipher)  # what `alerts reencrypt` writes
    only_new = RuleBook(cipher=MultiFernet([new]))  # the old key dropped
    only_new.apply(key, rewritten)
    assert only_new.get("harbour") == rule
    stale = RuleBook(cipher=MultiFernet([old]))  # a worker not yet given the new key skips the rewritten rule
    stale.apply(key, rewritten)
    assert stale.undecryptable == {"harbour"}


def test_a_record_under_a_key_we_do_not_have_is_skipped_with_one_line_naming_the_rule(caplog):
    key, value = encode(a_rule(), MultiFernet([Fernet(new_key())]))
    book = RuleBook(cipher=MultiFernet([Fernet(new_key())]))
    with caplog.at_level(logging.WARNING, logger="newsmon.alerts.rulebook"):
        book.apply(key, value)
    assert book.get("harbour") is None and book.undecryptable == {"harbour"}
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith("ignoring alert rule 'harbour': its secret cannot be decrypted") and "NEWSMON_SECRET_KEY" in line


def test_records_written_before_sealing_are_still_read():
    rule = a_rule()
    book = RuleBook(cipher=MultiFernet([Fernet(new_key())]))
    book.apply(b"harbour", json.dumps(rule.to_record()).encode())  # the clear form of earlier versions
    assert book.get("harbour") == rule


def test_without_a_setting_one_key_is_made_once_in_the_state_folder(tmp_path):
    settings = Settings(state_dir=tmp_path)
    first = rule_cipher(settings)
    path = key_file(settings)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    token = first.encrypt(b"x")
    assert rule_cipher(settings).decrypt(token) == b"x"  # the CLI and the worker agree
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]  # no temporary file left behind


@pytest.mark.parametrize(("text", "message"), [
    ("not-a-key", "key 1 of 1 in NEWSMON_SECRET_KEY is not a Fernet key"),
    (f"{new_key()},short", "key 2 of 2 in NEWSMON_SECRET_KEY is not a Fernet key"),
    (" , ", "NEWSMON_SECRET_KEY holds no key"),
])
def test_a_bad_key_setting_is_one_sentence(text, message):
    with pytest.raises(SecretKeyError) as info:
        rule_cipher(Settings(secret_key=text))
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_the_ledger_names_secret_channels_by_display_form_and_fingerprint():
    rule = a_rule(channels=[f"slack:{SLACK}", "slack:https://hooks.slack.com/services/T000/B000/other-secret-1",
                            "email:desk@example.org"])
    slack, other, email = rule.channels
    assert channel_key(email, rule) == "email:desk@example.org"
    assert channel_key(slack, rule).startswith("slack:https://hooks.slack.com/services/***#")
    assert channel_key(slack, rule) != channel_key(other, rule)
    assert find_channel(rule, channel_key(other, rule)) == other
    # The fingerprint is keyed by the rule's secret: the same channel of another rule has another one,
    # so a reader of news-alerts cannot try guesses of the masked part against it.
    assert channel_key(slack, rule) != channel_key(slack, a_rule(channels=[f"slack:{SLACK}"], secret="another-secret-0123456789"))
    from datetime import datetime, timezone

    from newsmon.models import Alert, AlertArticle

    alert = Alert(id="a1", rule=rule.name, query=rule.query, fired_at=datetime.now(timezone.utc),
                  articles=[AlertArticle(id="x1", title="t")])
    record = AlertRecord(alert, rule, slack, "failed", error=f"cannot post to {SLACK}: refused")
    stored = json.dumps({"_id": record.doc_id, **record.document()})
    assert "slack-path-secret-42" not in stored and "services/***" in stored


def test_public_shows_channels_without_credentials_and_to_record_keeps_them():
    rule = a_rule()
    assert rule.public()["channels"] == ["slack:https://hooks.slack.com/services/***",
                                         "webhook:https://example.org/hook?token=***", "kafka"]
    assert rule.public()["secret"] == "********"
    assert rule.to_record()["channels"] == [c.name for c in rule.channels]
    assert AlertRule.model_validate(rule.to_record()) == rule
