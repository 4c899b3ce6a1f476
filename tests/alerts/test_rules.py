import pytest

from newsmon.alerts.rules import AlertRule, Channel, RuleError, parse_duration, parse_throttle


@pytest.mark.parametrize(("text", "kind", "target"), [
    ("webhook:https://example.org/hook?x=1", "webhook", "https://example.org/hook?x=1"),
    ("slack:https://hooks.slack.com/services/T/B/X", "slack", "https://hooks.slack.com/services/T/B/X"),
    ("email:desk@example.org", "email", "desk@example.org"),
    ("kafka", "kafka", None),
    ("kafka:news.alerts.ops", "kafka", "news.alerts.ops"),
    ("Webhook:http://127.0.0.1:8080/", "webhook", "http://127.0.0.1:8080/"),
])
def test_channels_parse(text, kind, target):
    channel = Channel.parse(text)
    assert (channel.type, channel.target) == (kind, target)
    assert Channel.parse(channel.name) == channel


@pytest.mark.parametrize(("text", "message"), [
    ("sms:+123", "unknown channel 'sms:+123': use one of webhook:URL, slack:URL, email:ADDRESS, kafka[:TOPIC]"),
    ("webhook", "channel 'webhook' needs an http(s) URL, e.g. webhook:https://example.org/hook"),
    ("slack:ftp://x", "channel 'slack:ftp://x' needs an http(s) URL, e.g. slack:https://example.org/hook"),
    ("email:nobody", "channel 'email:nobody' needs an email address, e.g. email:desk@example.org: "
                     "An email address must have an @-sign."),
])
def test_bad_channels_say_what_to_write(text, message):
    with pytest.raises(RuleError) as info:
        Channel.parse(text)
    assert str(info.value) == message


def test_durations_and_throttles():
    assert parse_duration("15m") == 900 and parse_duration("30s") == 30 and parse_duration("1.5h") == 5400
    assert parse_throttle("10/h") == 10 and parse_throttle("3") == 3
    with pytest.raises(RuleError, match="not a duration"):
        parse_duration("soon")
    with pytest.raises(RuleError, match="not a throttle"):
        parse_throttle("0/h")


def test_rule_validates_its_query_and_keeps_its_secret_out_of_view():
    rule = AlertRule(name="syria", query="ceasefire AND country:SYR", channels=["kafka", "email:a@b.org"])
    assert [c.name for c in rule.channels] == ["kafka", "email:a@b.org"]
    assert rule.public()["secret"] == "********"
    assert rule.to_record()["secret"] == rule.secret.get_secret_value() and len(rule.secret.get_secret_value()) >= 24
    assert AlertRule.model_validate(rule.to_record()) == rule
    with pytest.raises(ValueError, match="query does not parse: at position"):
        AlertRule(name="bad", query="ceasefire AND (", channels=["kafka"])
    with pytest.raises(ValueError):
        AlertRule(name="has space", query="x", channels=["kafka"])
    with pytest.raises(ValueError):
        AlertRule(name="none", query="x", channels=[])
