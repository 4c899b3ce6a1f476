"""Slack (and compatible: Mattermost, Rocket.Chat) incoming webhooks: ``{"text": ..., "blocks": [...]}``."""

from __future__ import annotations

import json

import httpx

from newsmon.models import Alert

from ..rules import AlertRule, Channel
from .base import summary_lines
from .webhook import post


def slack_payload(alert: Alert) -> dict:
    lines = summary_lines(alert)
    links = [
        f"• <{a.url}|{a.title or a.id}>" if a.url else f"• {a.title or a.id}" for a in alert.articles
    ]
    return {
        "text": lines[0] + ": " + "; ".join(a.title or a.id for a in alert.articles),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{lines[0]}*\n`{alert.query}`"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(links)[:2900]}},
        ],
    }


class SlackSender:
    def __init__(self, client: httpx.AsyncClient):
        self.client = client

    async def send(self, alert: Alert, rule: AlertRule, channel: Channel) -> None:
        await post(self.client, channel.target or "", json.dumps(slack_payload(alert)).encode(), {})
