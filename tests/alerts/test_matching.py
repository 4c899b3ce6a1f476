import json
from datetime import datetime, timezone

from newsmon import PIPELINE_VERSION
from newsmon.alerts.channels.base import summary_lines
from newsmon.alerts.channels.email import email_message
from newsmon.alerts.channels.slack import slack_payload
from newsmon.alerts.channels.webhook import sign
from newsmon.alerts.dispatcher import make_alert, match_rules
from newsmon.alerts.ledger import AlertRecord, alert_id
from newsmon.alerts.rulebook import RuleBook, encode
from newsmon.alerts.rules import AlertRule, Channel
from newsmon.models import Actor, EnrichedArticle


def article(id_, body, story=None, **kw) -> EnrichedArticle:
    return EnrichedArticle(id=id_, body=body, story_id=story or id_, content_hash="h", pipeline_version=PIPELINE_VERSION,
                           processed_at=datetime.now(timezone.utc), **kw)


def book(*rules: AlertRule) -> RuleBook:
    b = RuleBook()
    for r in rules:
        b.apply(*encode(r))
    return b


def test_rule_book_applies_puts_tombstones_and_ignores_garbage():
    r = AlertRule(name="r", query="truce", channels=["kafka"])
    b = book(r)
    assert b.get("r") == r and len(b.active()) == 1
    b.apply(b"r", json.dumps({**r.to_record(), "enabled": False}).encode())
    assert b.active() == [] and len(b) == 1
    b.apply(b"junk", b"{not json")
    assert b.get("junk") is None
    b.apply(b"r", None)
    assert len(b) == 0


def test_match_rules_finds_each_matching_pair_once():
    syria = AlertRule(name="syria", query="truce AND country:SYR", channels=["kafka"])
    any_truce = AlertRule(name="truce", query="truce", channels=["kafka"])
    actors = [Actor(id="syria", name="Syria", type="country", country="SYR")]
    a = article("a", "A truce was agreed in Syria.", actors=actors)
    b = article("b", "A truce was agreed in the north.")
    c = article("c", "Markets rose.")
    found = {(rule.name, art.id) for rule, art, _ in match_rules(book(syria, any_truce), [a, b, c]).found}
    assert found == {("syria", "a"), ("truce", "a"), ("truce", "b")}


def test_alert_ids_are_per_rule_and_story():
    r1 = AlertRule(name="r1", query="truce", channels=["kafka"])
    r2 = AlertRule(name="r2", query="truce", channels=["kafka"])
    assert alert_id(r1, "s") == alert_id(r1, "s") != alert_id(r2, "s")
    assert alert_id(r1, "s") != alert_id(r1, "t")
    recreated = AlertRule(name="r1", query="truce", channels=["kafka"], created_at=datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert alert_id(recreated, "s") != alert_id(r1, "s")  # a rule created again starts afresh


def test_alert_payloads_for_each_channel():
    rule = AlertRule(name="truce", query="truce", channels=["kafka", "email:desk@example.org"])
    art = article("a", "A truce was agreed in the north. " * 20, title="Truce agreed", url="https://e.org/a", source="e")
    (match,) = [m for _, _, m in match_rules(book(rule), [art]).found]
    alert = make_alert(rule, art, match)
    assert alert.id == alert_id(rule, "a") and alert.articles[0].snippet.endswith("…")
    record = AlertRecord(alert, rule, Channel.parse("email:desk@example.org"), "pending")
    doc = record.document()
    assert record.doc_id == f"{alert.id}:email:desk@example.org"
    assert doc["article_ids"] == ["a"] and doc["channel_type"] == "email" and doc["status"] == "pending"
    assert summary_lines(alert)[0] == "newsmon alert 'truce'"
    mail = email_message(alert, "newsmon@localhost", "desk@example.org")
    assert mail["Subject"] == "[newsmon] truce: Truce agreed" and "https://e.org/a" in mail.get_content()
    slack = slack_payload(alert)
    assert "<https://e.org/a|Truce agreed>" in slack["blocks"][1]["text"]["text"]
    assert sign("k", b"body") == "sha256=" + __import__("hmac").new(b"k", b"body", "sha256").hexdigest()
