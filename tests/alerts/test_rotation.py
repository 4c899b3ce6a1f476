"""The documented key rotation, on a real rules topic: add the new key first, reencrypt, drop the old key."""

import pytest
from cryptography.fernet import Fernet
from support import run_newsmon

from newsmon.alerts.rulebook import RuleWriter, read_rules
from newsmon.alerts.rules import AlertRule
from newsmon.scratch import drop_scratch, scratch_settings
from newsmon.stream.kafka import ensure_topics

pytestmark = pytest.mark.integration


@pytest.fixture
def rules_topic(stack):
    settings = scratch_settings(stack, prefix="k")
    ensure_topics(settings)
    yield settings
    drop_scratch(settings)


def keyed(settings, keys: str):
    return type(settings).model_validate({**settings.model_dump(), "secret_key": keys})


def test_rotation_by_key_list_and_reencrypt(rules_topic):
    old, new, stranger = (Fernet.generate_key().decode() for _ in range(3))
    with_old, rotating, only_new = keyed(rules_topic, old), keyed(rules_topic, f"{new},{old}"), keyed(rules_topic, new)
    rule = AlertRule(name="harbour", query="harbour", channels=["webhook:https://example.org/hook"],
                     secret="hmac-secret-0123456789abcdef")
    with RuleWriter(with_old) as writer:
        writer.put(rule)
    assert read_rules(only_new).get("harbour") is None  # the new key alone cannot open it yet

    result = run_newsmon(rotating, "alerts", "reencrypt")
    assert result.returncode == 0, result.stderr
    assert "1 rule sealed under the newest key" in result.stdout
    reread = read_rules(only_new).get("harbour")  # the old key can go
    assert reread is not None and reread.secret.get_secret_value() == "hmac-secret-0123456789abcdef"

    # A rule under a key nobody listed: `alerts list` still works, `alerts reencrypt` refuses and names it.
    with RuleWriter(keyed(rules_topic, stranger)) as writer:
        writer.put(rule.model_copy(update={"name": "foreign"}))
    listed = run_newsmon(only_new, "alerts", "list", "--json")
    assert listed.returncode == 0 and '"harbour"' in listed.stdout and '"foreign"' not in listed.stdout
    assert "ignoring alert rule 'foreign': its secret cannot be decrypted" in listed.stderr
    refused = run_newsmon(only_new, "alerts", "reencrypt")
    assert refused.returncode == 1
    assert "1 rule(s) cannot be decrypted with the configured keys (foreign)" in refused.stderr
