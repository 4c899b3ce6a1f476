"""SMTP passwords go only over TLS: refused in clear unless the operator insists (a real SMTP server on loopback)."""

import asyncio
from datetime import datetime, timezone

import pytest
from support import SmtpPeer

from newsmon.alerts.channels import EmailSender
from newsmon.alerts.channels.base import DeliveryError
from newsmon.alerts.channels.email import plaintext_auth_problem
from newsmon.alerts.rules import AlertRule
from newsmon.config import Settings
from newsmon.models import Alert, AlertArticle

PASSWORD = "smtp-password-0123456789"
RULE = AlertRule(name="harbour", query="harbour", channels=["email:desk@example.org"])
ALERT = Alert(id="a1", rule="harbour", query="harbour", fired_at=datetime.now(timezone.utc),
              articles=[AlertArticle(id="x1", title="Harbour closed")])


@pytest.fixture
def peer():
    server = SmtpPeer(logins={"newsmon": PASSWORD})
    yield server
    server.close()


def send(settings: Settings) -> None:
    asyncio.run(EmailSender(settings).send(ALERT, RULE, RULE.channels[0]))


def test_a_password_is_not_sent_in_clear_and_the_delivery_is_not_retried(peer):
    settings = Settings(smtp_port=peer.port, smtp_username="newsmon", smtp_password=PASSWORD)
    with pytest.raises(DeliveryError) as info:
        send(settings)
    assert not info.value.retryable
    assert str(info.value) == (
        f"not sent: the SMTP password would go to 127.0.0.1:{peer.port} in clear: set NEWSMON_SMTP_STARTTLS=true "
        "(or NEWSMON_SMTP_PORT=465 for TLS from the start), or NEWSMON_SMTP_ALLOW_PLAINTEXT_AUTH=true to send it anyway")
    assert peer.logins == [] and peer.messages == []
    assert plaintext_auth_problem(settings) in str(info.value)


def test_an_operator_who_insists_may_log_in_in_clear(peer):
    send(Settings(smtp_port=peer.port, smtp_username="newsmon", smtp_password=PASSWORD, smtp_allow_plaintext_auth=True))
    assert peer.logins == [("newsmon", PASSWORD)] and len(peer.messages) == 1


def test_with_starttls_a_server_that_offers_no_tls_never_sees_the_password(peer):
    settings = Settings(smtp_port=peer.port, smtp_username="newsmon", smtp_password=PASSWORD, smtp_starttls=True)
    assert plaintext_auth_problem(settings) is None
    with pytest.raises(DeliveryError, match="STARTTLS"):
        send(settings)
    assert peer.logins == [] and peer.messages == []


def test_without_credentials_mail_goes_as_before(peer):
    send(Settings(smtp_port=peer.port))
    assert peer.logins == [] and len(peer.messages) == 1


def test_port_465_counts_as_tls():
    assert plaintext_auth_problem(Settings(smtp_port=465, smtp_username="u", smtp_password="p")) is None
