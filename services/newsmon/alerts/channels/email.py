"""Email over SMTP (plain text), sent from a thread so the event loop never waits on the mail server."""

from __future__ import annotations

import asyncio
import smtplib
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


class EmailSender:
    def __init__(self, settings: Settings):
        self.settings = settings

    def _send_blocking(self, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.alert_timeout_s) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username and s.smtp_password is not None:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(message)

    async def send(self, alert: Alert, rule: AlertRule, channel: Channel) -> None:
        message = email_message(alert, self.settings.smtp_from, channel.target or "")
        try:
            await asyncio.to_thread(self._send_blocking, message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"the mail server refused {channel.target}: {exc.recipients}", retryable=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"cannot send mail via {self.settings.smtp_host}:{self.settings.smtp_port}: {exc}") from None
