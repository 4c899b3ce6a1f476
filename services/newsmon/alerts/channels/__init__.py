"""Alert channels. Each sends one :class:`~newsmon.models.Alert` and raises :class:`DeliveryError` on failure;
retrying is the dispatcher's job, so every channel gets the same policy."""

from .base import DeliveryError, Sender
from .email import EmailSender
from .kafka import KafkaSender
from .slack import SlackSender
from .webhook import WebhookSender, sign

__all__ = ["DeliveryError", "EmailSender", "KafkaSender", "Sender", "SlackSender", "WebhookSender", "sign"]
