"""One validator for every channel: text or JSON object, CLI, API or the rules topic, with the settings' checks."""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import ValidationError

from newsmon.alerts.api import rule_from_request
from newsmon.alerts.rulebook import RuleBook
from newsmon.alerts.rules import AlertRule, Channel, RuleError, problems, rule_context, validate_rule
from newsmon.config import Settings

SETTINGS = Settings()  # the defaults: news.articles, news.alerts, prefix news.alerts.


def refused(channel, settings=SETTINGS, resolve=True) -> str:
    """The sentence a channel (text or object) is refused with."""
    with pytest.raises((RuleError, ValidationError)) as info:
        if isinstance(channel, str):
            Channel.parse(channel, settings, resolve=resolve)
        else:
            Channel.model_validate(channel, context=rule_context(settings, resolve=resolve))
    return problems(info.value) if isinstance(info.value, ValidationError) else str(info.value)


@pytest.mark.parametrize(("target", "reason"), [
    ("http://127.0.0.1:9200/x", "127.0.0.1 is a loopback address"),
    ("http://[::1]:6066/alerts/rules/other/disable", "::1 is a loopback address"),
    ("http://0.0.0.0:9200/", "0.0.0.0 is an unspecified address"),
    ("http://10.0.0.1/hook", "10.0.0.1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
    ("http://metadata.google.internal/", "metadata.google.internal is the name of a cloud metadata service"),
])
def test_webhook_and_slack_targets_inside_are_refused_at_add_time(target, reason):
    for kind in ("webhook", "slack"):
        assert refused(f"{kind}:{target}") == (
            f"{kind} target {target} is refused: {reason}; add it to NEWSMON_ALLOWED_HOSTS if this is intended")


def test_a_host_name_resolving_to_loopback_is_refused_at_add_time():
    message = refused("webhook:http://localhost:9200/news-articles/_doc")
    assert message.startswith("webhook target http://localhost:9200/news-articles/_doc is refused: localhost resolves to ")
    assert "a loopback address" in message


def test_the_sentence_shows_the_target_as_display_url_does():
    message = refused("slack:http://user:pw@10.0.0.1/services/T0/B0/XYZ?token=abc")
    assert "pw" not in message and "abc" not in message and "token=***" in message


@pytest.mark.parametrize("channel", [
    {"type": "webhook", "target": "file:///etc/passwd"},
    {"type": "slack", "target": "gopher://example.org:70/_x"},
    {"type": "webhook", "target": "http://127.0.0.1:9200/x"},
    {"type": "email", "target": "desk@example.org\r\nBcc: all@example.org"},
    {"type": "kafka", "target": "news.articles"},
    {"type": "gopher", "target": "example.org"},
])
def test_a_json_object_channel_goes_through_the_same_checks(channel):
    as_text = f"{channel['type']}:{channel['target']}"
    assert refused(channel) == refused(as_text) if channel["type"] != "gopher" else "unknown channel type 'gopher'" in refused(channel)


def test_an_object_channel_is_checked_even_without_settings():
    """The form is always checked, whichever way the channel is built: pydantic, the constructor, a rule."""
    with pytest.raises(ValidationError, match="needs an http\\(s\\) URL"):
        Channel(type="webhook", target="file:///etc/passwd")
    with pytest.raises(ValidationError, match="needs an http\\(s\\) URL"):
        AlertRule(name="x", query="harbour", channels=[{"type": "webhook", "target": "gopher://x/"}])


def test_file_url_is_refused():
    assert refused("webhook:file:///etc/passwd") == (
        "channel 'webhook:file:///etc/passwd' needs an http(s) URL, e.g. webhook:https://example.org/hook")


def test_plain_http_is_refused_when_switched_off():
    strict = Settings(allow_http_targets=False)
    assert refused("webhook:http://example.org/hook", strict) == (
        "webhook target http://example.org/hook is refused: plain http is not allowed (NEWSMON_ALLOW_HTTP_TARGETS is off): "
        "use an https URL")
    Channel.parse("webhook:https://example.org/hook", strict)


def test_allowed_hosts_let_targets_through_by_name_address_and_range():
    settings = Settings(allowed_hosts="hooks.internal,127.0.0.1:9999,10.0.0.0/8")
    for target in ("http://127.0.0.1:9999/x", "http://10.1.2.3/x", "http://hooks.internal/x"):
        assert Channel.parse(f"webhook:{target}", settings, resolve=True).target == target
    assert "127.0.0.1 is a loopback address" in refused("webhook:http://127.0.0.1:9200/x", settings)


@pytest.mark.parametrize("address", [
    "desk@example.org\r\nBcc: everyone@example.org",
    "desk@example.org\nSubject: hi",
    "desk@example.org\rX-Injected: 1",
])
def test_a_line_break_in_an_email_address_is_refused(address):
    message = f"the email address {address!r} contains a line break: write one plain address, e.g. email:desk@example.org"
    assert refused(f"email:{address}") == message
    assert refused({"type": "email", "target": address}) == message


def test_a_trailing_line_break_is_refused_in_an_object_and_trimmed_from_text():
    assert "contains a line break" in refused({"type": "email", "target": "desk@example.org\r\n"})
    assert Channel.parse("email:desk@example.org\r\n").target == "desk@example.org"  # text is trimmed, as always


@pytest.mark.parametrize("address", ["Desk <desk@example.org>", "desk@[127.0.0.1]", "desk", "desk@example.org,other@example.org"])
def test_email_addresses_are_validated(address):
    assert "needs an email address" in refused(f"email:{address}")


def test_a_plain_email_address_passes_without_any_dns_lookup():
    assert Channel.parse("email:desk@newsroom.invalid-but-fine.example", SETTINGS, resolve=True).target


@pytest.mark.parametrize(("topic", "why"), [
    ("news.articles", "is newsmon's own topic of articles"),
    ("news.enriched", "is newsmon's own topic of enriched articles"),
    ("news.articles.dlq", "is newsmon's own topic of dead letters"),
    ("news.alert-rules", "is newsmon's own topic of alert rules"),
    ("news.stories", "is newsmon's own topic of stories"),
    ("newsmon-__assignor-__leader", "is internal to newsmon's worker"),
    ("ops", "is not an alerts topic"),
    ("news.alerts.", "is not an alerts topic"),
])
def test_kafka_channels_never_go_to_newsmons_own_or_foreign_topics(topic, why):
    assert refused(f"kafka:{topic}") == (
        f"kafka topic {topic!r} {why}: alerts go to 'news.alerts' or a topic starting with 'news.alerts.' "
        f"(NEWSMON_ALERT_TOPIC_PREFIX)")


@pytest.mark.parametrize("topic", ["__consumer_offsets", "__transaction_state", "_schemas"])
def test_kafka_internal_topics_are_refused_even_without_settings(topic):
    message = f"kafka topic {topic!r} is internal to Kafka (names starting with '_'): alerts cannot go there"
    assert refused(f"kafka:{topic}") == message
    assert refused(f"kafka:{topic}", settings=None) == message


@pytest.mark.parametrize("topic", ["news alerts", "news/alerts", "x" * 250, ".."])
def test_kafka_topic_names_must_be_valid(topic):
    assert "is not a Kafka topic name" in refused(f"kafka:{topic}")


def test_kafka_channels_to_the_alerts_topics_pass():
    assert Channel.parse("kafka", SETTINGS).target is None
    assert Channel.parse("kafka:news.alerts", SETTINGS).target == "news.alerts"
    assert Channel.parse("kafka:news.alerts.desk-1", SETTINGS).target == "news.alerts.desk-1"
    assert Channel.parse("kafka:ops.alerts.x", Settings(alert_topic_prefix="ops.alerts.")).target == "ops.alerts.x"


def test_the_own_topics_are_those_of_the_settings():
    scratch = Settings(articles_topic="t1.news.articles", alerts_topic="t1.news.alerts", alert_topic_prefix="t1.news.alerts.")
    assert "is newsmon's own topic of articles" in refused("kafka:t1.news.articles", scratch)
    assert "is not an alerts topic" in refused("kafka:news.alerts.x", scratch)


def test_hmac_secrets_need_16_bytes_and_are_generated_when_not_given():
    with pytest.raises(ValidationError) as info:
        AlertRule(name="x", query="harbour", channels=["kafka"], secret="")
    assert problems(info.value) == ("secret: the HMAC secret has 0 bytes and needs at least 16: give a longer one, "
                                    "or leave it out to have a random one generated")
    with pytest.raises(ValidationError, match="has 15 bytes"):
        AlertRule(name="x", query="harbour", channels=["kafka"], secret="x" * 15)
    assert AlertRule(name="x", query="harbour", channels=["kafka"], secret="x" * 16)
    generated = AlertRule(name="x", query="harbour", channels=["kafka"]).secret.get_secret_value()
    assert len(generated.encode()) >= 16


def test_the_api_body_goes_through_the_same_checks():
    body = {"name": "x", "query": "harbour", "channels": [{"type": "webhook", "target": "http://10.0.0.1/x"}]}
    with pytest.raises(RuleError) as info:
        rule_from_request(body, settings=SETTINGS, resolve=True)
    assert str(info.value) == ("channels.0: webhook target http://10.0.0.1/x is refused: 10.0.0.1 is a private address; "
                               "add it to NEWSMON_ALLOWED_HOSTS if this is intended")
    with pytest.raises(RuleError, match="secret: the HMAC secret has 5 bytes"):
        rule_from_request({"name": "x", "query": "harbour", "channels": ["kafka"], "secret": "short"}, settings=SETTINGS)


def test_the_api_refuses_a_topic_that_is_not_configured_with_a_suggestion():
    body = {"name": "x", "query": "topic:syria-ceasefire", "channels": ["kafka"]}
    with pytest.raises(RuleError, match="did you mean syria-ceasefire-talks"):
        rule_from_request(body, settings=SETTINGS)
    ok = rule_from_request({**body, "query": "topic:syria-ceasefire-talks"}, settings=SETTINGS)
    assert ok.query == "topic:syria-ceasefire-talks"


def test_validate_rule_checks_a_rule_however_it_was_built():
    rule = AlertRule(name="built", query="harbour", channels=["kafka", "webhook:http://127.0.0.1:9200/x"])  # no settings
    with pytest.raises(RuleError) as info:
        validate_rule(rule, SETTINGS)
    assert str(info.value).startswith("rule 'built': channels.1: webhook target http://127.0.0.1:9200/x is refused: ")
    assert validate_rule(rule, Settings(allowed_hosts="127.0.0.1:9200")) is rule


def test_the_rule_book_skips_a_record_that_is_now_invalid_with_one_line_saying_which_and_why(caplog):
    book = RuleBook(SETTINGS)
    fine = AlertRule(name="fine", query="harbour", channels=["kafka"])
    record = {**fine.to_record(), "name": "inward", "channels": ["webhook:http://127.0.0.1:9200/news-articles/_doc"]}
    objects = {**fine.to_record(), "name": "objects", "channels": [{"type": "email", "target": "a@b.org\r\nBcc: c@d.org"}]}
    with caplog.at_level(logging.WARNING, logger="newsmon.alerts.rulebook"):
        book.apply(b"fine", json.dumps(fine.to_record()).encode())
        book.apply(b"inward", json.dumps(record).encode())
        book.apply(b"objects", json.dumps(objects).encode())
    assert [r.name for r in book.rules()] == ["fine"]
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "ignoring unreadable alert rule 'inward': channels.0: webhook target http://127.0.0.1:9200/news-articles/_doc "
        "is refused: 127.0.0.1 is a loopback address; add it to NEWSMON_ALLOWED_HOSTS if this is intended",
        "ignoring unreadable alert rule 'objects': channels.0: the email address 'a@b.org\\r\\nBcc: c@d.org' contains a "
        "line break: write one plain address, e.g. email:desk@example.org",
    ]


def test_a_change_the_rule_book_cannot_read_drops_the_rule_instead_of_keeping_the_old_version():
    from cryptography.fernet import Fernet, MultiFernet

    from newsmon.alerts.rulebook import encode

    book = RuleBook(SETTINGS, MultiFernet([Fernet(Fernet.generate_key())]))
    active = AlertRule(name="r", query="harbour", channels=["kafka"])
    book.apply(*encode(active))
    assert book.get("r") is not None
    # Its owner disabled it from a machine with another key: the worker cannot read the change...
    disabled = active.model_copy(update={"enabled": False})
    book.apply(*encode(disabled, MultiFernet([Fernet(Fernet.generate_key())])))
    assert book.get("r") is None and book.undecryptable == {"r"}  # ...so the rule stops, it does not go on enabled
    book.apply(*encode(active))
    assert book.get("r") is not None and not book.undecryptable
    inward = {**active.to_record(), "channels": ["webhook:http://127.0.0.1:9200/x"]}
    book.apply(b"r", json.dumps(inward).encode())
    assert book.get("r") is None  # an invalid change does not leave the earlier version running either


def test_a_rule_names_at_most_twenty_channels():
    with pytest.raises(ValueError, match="at most 20"):
        AlertRule(name="many", query="harbour", channels=[f"email:desk{n}@example.org" for n in range(21)])
    assert len(AlertRule(name="some", query="harbour", channels=[f"email:desk{n}@example.org" for n in range(20)]).channels) == 20
