"""Email over SMTP (plain text), sent from a thread so the event loop never waits on the mail server.

The SMTP password goes only over TLS: after STARTTLS (``smtp_starttls``) or on a connection that
is TLS from the start (port 465, SMTPS). With a username and password and neither, newsmon does
not log in in clear: the delivery fails with the reason (not retried) unless the operator sets
``smtp_allow_plaintext_auth``. A server without credentials is used as it is.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage

from newsmon.config import Settings
from newsmon.models import Alert

from ..rules import AlertRule, Channel
from .base import DeliveryError, summary_lines


def email_message(alert: Alert, sender: str, recipient: str) -> EmailMessage:
    message = EmailMessage()
    first = alert.articles[0]
    subject = f"[newsmon] {alert.rule}: {first.title or first.id}"
    if len(alert.articles) > 1:
        subject += f" (+{len(alert.articles) - 1} more)"
    message["Subject"] = subject[:200]
    message["From"] = sender
    message["To"] = recipient
    message["X-Newsmon-Alert-Id"] = alert.id
    message.set_content("\n".join(summary_lines(alert)) + "\n")
    return message


IMPLICIT_TLS_PORT = 465  # SMTPS: TLS from the first byte


def plaintext_auth_problem(settings: Settings) -> str | None:
    """Why the configured SMTP login would send the password in clear (None when it would not)."""
    s = settings
    if not (s.smtp_username and s.smtp_password is not None):
        return None
    if s.smtp_starttls or s.smtp_port == IMPLICIT_TLS_PORT or s.smtp_allow_plaintext_auth:
        return None
    return (f"the SMTP password would go to {s.smtp_host}:{s.smtp_port} in clear: set NEWSMON_SMTP_STARTTLS=true "
            f"(or NEWSMON_SMTP_PORT={IMPLICIT_TLS_PORT} for TLS from the start), or NEWSMON_SMTP_ALLOW_PLAINTEXT_AUTH=true "
            "to send it anyway")


class EmailSender:
    def __init__(self, settings: Settings):
        self.settings = settings

    def _send_blocking(self, message: EmailMessage) -> None:
        s = self.settings
        context = ssl.create_default_context()
        if s.smtp_port == IMPLICIT_TLS_PORT:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.alert_timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.alert_timeout_s)
        with smtp:
            if s.smtp_starttls and s.smtp_port != IMPLICIT_TLS_PORT:
                smtp.starttls(context=context)  # raises if the server does not offer it: no login in clear
            if s.smtp_username and s.smtp_password is not None:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(message)

    async def send(self, alert: Alert, rule: AlertRule, channel: Channel) -> None:
        problem = plaintext_auth_problem(self.settings)
        if problem:
            raise DeliveryError(f"not sent: {problem}", retryable=False)
        message = email_message(alert, self.settings.smtp_from, channel.target or "")
        try:
            await asyncio.to_thread(self._send_blocking, message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"the mail server refused {channel.target}: {exc.recipients}", retryable=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"cannot send mail via {self.settings.smtp_host}:{self.settings.smtp_port}: {exc}") from None


def smtp_problem(settings: Settings, timeout_s: float = 5.0) -> str | None:
    """Why email alerts cannot reach the configured SMTP server now, or None when it answers.

    Connects (TLS from the start on port 465), says EHLO, and does STARTTLS when it is configured,
    since a delivery would fail there too; it does not log in (no password goes out for a check)
    and sends nothing. Answers within about ``timeout_s``. Used by ``alerts add`` and ``status``.
    """
    from newsmon.ops.redact import redact

    s = settings
    where = f"{s.smtp_host}:{s.smtp_port}"
    context = ssl.create_default_context()
    try:
        if s.smtp_port == IMPLICIT_TLS_PORT:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=timeout_s)
        with smtp:
            smtp.ehlo()
            if s.smtp_starttls and s.smtp_port != IMPLICIT_TLS_PORT:
                smtp.starttls(context=context)
            smtp.noop()
    except (smtplib.SMTPException, OSError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        return redact(f"the SMTP server {where} cannot be reached ({reason}): check NEWSMON_SMTP_HOST and "
                      "NEWSMON_SMTP_PORT, and that the mail server is up")
    return None
