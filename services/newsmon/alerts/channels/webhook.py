"""Webhooks: the alert as JSON (schemas/alert.schema.json), signed with the rule's secret.

Receivers verify ``X-Newsmon-Signature: sha256=<hex>``, the HMAC-SHA256 of the exact body
bytes under the rule's secret, and may drop a retried delivery by ``X-Newsmon-Alert-Id``.

The client handed in enforces the outbound policy (:mod:`newsmon.net.client`). What a failed
delivery records is deliberately coarse: a refused target, a refused connection, a reset, a
DNS or TLS failure all read "could not connect to the target" (or "not allowed by the outbound
policy"), so the ledger and the API cannot be used to map which internal ports are open. An
HTTP status is reported: the target chose to answer. The detail goes to the worker's log.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

import httpx

from newsmon.models import Alert
from newsmon.net.policy import OutboundRefused
from newsmon.ops.redact import display_url

from ..rules import AlertRule, Channel
from .base import DeliveryError

SIGNATURE_HEADER = "X-Newsmon-Signature"
REFUSED = "the target is not allowed by the outbound policy"
UNREACHABLE = "could not connect to the target"
NO_ANSWER = "the target did not answer in time"

log = logging.getLogger(__name__)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST and classify the outcome: 2xx is delivered, 5xx/429/network is retryable, a refused target and
    other answers (3xx: redirects are not followed, 4xx) are not."""
    try:
        response = await client.post(url, content=body, headers={"Content-Type": "application/json", **headers})
    except OutboundRefused as exc:
        log.warning("alert target %s is refused by the outbound policy: %s", display_url(url), exc.reason)
        raise DeliveryError(REFUSED, retryable=False) from None
    except (httpx.ReadTimeout, httpx.WriteTimeout):
        raise DeliveryError(NO_ANSWER) from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        log.debug("alert delivery to %s failed: %s: %s", display_url(url), type(exc).__name__, exc)
        raise DeliveryError(UNREACHABLE) from None
    if response.is_success:
        return
    retryable = response.status_code >= 500 or response.status_code == 429
    redirect = " (redirects are not followed)" if response.is_redirect else ""
    raise DeliveryError(f"the target answered {response.status_code} {response.reason_phrase}{redirect}", retryable=retryable)


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
