"""Webhooks: the alert as JSON (schemas/alert.schema.json), signed with the rule's secret.

Receivers verify ``X-Newsmon-Signature: sha256=<hex>``, the HMAC-SHA256 of the exact body
bytes under the rule's secret, and may drop a retried delivery by ``X-Newsmon-Alert-Id``.
"""

from __future__ import annotations

import hashlib
import hmac

import httpx

from newsmon.models import Alert
from newsmon.ops.redact import display_url, redact

from ..rules import AlertRule, Channel
from .base import DeliveryError

SIGNATURE_HEADER = "X-Newsmon-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST and classify the outcome: 2xx is delivered, 5xx/429/network is retryable, other 4xx is not.
    Errors name the target as display_url shows it (a webhook URL may be its own credential)."""
    shown = display_url(url)
    try:
        response = await client.post(url, content=body, headers={"Content-Type": "application/json", **headers})
    except httpx.TimeoutException:
        raise DeliveryError(f"timed out posting to {shown}") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"cannot post to {shown}: {type(exc).__name__}: {redact(str(exc))}") from None
    if response.is_success:
        return
    retryable = response.status_code >= 500 or response.status_code == 429
    raise DeliveryError(f"{shown} answered {response.status_code} {response.reason_phrase}", retryable=retryable)


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient):
        self.client = client

    async def send(self, alert: Alert, rule: AlertRule, channel: Channel) -> None:
        body = alert.model_dump_json().encode()
        headers = {
            SIGNATURE_HEADER: sign(rule.secret.get_secret_value(), body),
            "X-Newsmon-Alert-Id": alert.id,
            "X-Newsmon-Rule": rule.name,
        }
        await post(self.client, channel.target or "", body, headers)
