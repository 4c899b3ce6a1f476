"""Secrets kept out of what newsmon shows: one redaction layer for URLs, logs and output.

A webhook URL is often itself the secret: Slack's ``hooks.slack.com/services/T…/B…/…`` path
is the credential, and any URL may carry ``user:password@`` or a ``?token=`` query. Everything
that prints, logs, stores for display or answers with a target goes through
:func:`display_url`, so there is one place that decides what of a URL is safe to show.

Behind that, a safety net: :data:`REDACTOR` knows the value of every configured secret (the
``SecretStr`` settings, each rule's HMAC secret, the secret parts of channel URLs) and masks
them, and any URL with userinfo or a secret path, wherever they appear in text. It is applied
by :class:`RedactFilter` on every logging handler (newsmon's and third-party loggers such as
httpx or elastic_transport alike) and by :class:`RedactingStream` on the CLI's stdout and
stderr, so a message that forgot :func:`display_url` still shows no secret.
"""

from __future__ import annotations

import base64
import logging
import re
import sys
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlsplit, urlunsplit

MASK = "***"

# Hosts whose webhook path is the credential: everything after the prefix is masked.
SECRET_PATH_PREFIXES: dict[str, str] = {
    "hooks.slack.com": "/services/",
    "hooks.slack-gov.com": "/services/",
    "discord.com": "/api/webhooks/",
    "discordapp.com": "/api/webhooks/",
    "outlook.office.com": "/webhook/",
    "chat.googleapis.com": "/v1/spaces/",
}
# Slack-compatible incoming webhooks (Mattermost, Rocket.Chat and other self-hosted chats) use the
# same ``/services/<team>/<channel>/<token>`` path on any host: masked wherever it is served.
ANY_HOST_SECRET_PREFIX = "/services/"

# Values shorter than this are not searched for in free text: they would mask ordinary words.
MIN_SECRET_CHARS = 6

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def _secret_prefix(host: str, path: str) -> str | None:
    prefix = SECRET_PATH_PREFIXES.get(host.lower())
    if prefix is None and path.startswith(ANY_HOST_SECRET_PREFIX):
        prefix = ANY_HOST_SECRET_PREFIX
    if prefix and path.startswith(prefix) and len(path) > len(prefix):
        return prefix
    return None


def display_url(url: str | None) -> str:
    """``url`` without userinfo, with a secret path masked and query values hidden.

    ``https://user:pw@example.org/hook?token=abc`` -> ``https://example.org/hook?token=***``;
    ``https://hooks.slack.com/services/T0/B0/XYZ`` -> ``https://hooks.slack.com/services/***``
    (and the same ``/services/…`` path on any host). Text that is not a URL with a host comes
    back unchanged.
    """
    if not url:
        return url or ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return MASK  # unparseable: show nothing of it rather than something secret
    if not parts.scheme or not host:
        return url
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    path = parts.path
    prefix = _secret_prefix(host, path)
    if prefix:
        path = prefix + MASK
    query = "&".join(f"{pair.partition('=')[0]}={MASK}" if "=" in pair else MASK for pair in parts.query.split("&")) if parts.query else ""
    return urlunsplit(SplitResult(parts.scheme, netloc, path, query, ""))


def url_secrets(url: str | None) -> list[str]:
    """The parts of ``url`` that are secret: the password of its userinfo, a secret path's tail, query values.
    (A user name is not searched for in free text: ``newsmon`` would be masked everywhere.)"""
    if not url:
        return []
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return [url]
    found = [parts.password] if parts.password else []
    prefix = _secret_prefix(host, parts.path) if host else None
    if prefix:
        found.append(parts.path[len(prefix):])
    found.extend(v for _, v in parse_qsl(parts.query, keep_blank_values=False))
    return found


def _mask_url(url: str) -> str:
    """A URL found in free text: rewritten through display_url only if it has something secret."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return MASK if "@" in url else url
    if "@" in parts.netloc or (host and _secret_prefix(host, parts.path)):
        return display_url(url)
    return url  # article links and the like stay exact (their queries are not ours to hide)


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of ``words``, longest first, built as a trie so that
    matching costs the depth of the trie, not the number of words (a worker knows thousands)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def build(node: dict) -> str:
        run = []
        while True:  # a chain of single children is a literal run, not nested groups
            keys = [k for k in node if k]
            if len(keys) == 1 and "" not in node:
                run.append(re.escape(keys[0]))
                node = node[keys[0]]
                continue
            break
        if not keys:
            return "".join(run)
        group = "(?:" + "|".join(re.escape(k) + build(node[k]) for k in sorted(keys)) + ")"
        return "".join(run) + (group + "?" if "" in node else group)  # greedy: the longer word first

    return build(trie)


class Redactor:
    """The values of known secrets, masked wherever they appear in text."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._stale = False
        self._lock = threading.Lock()

    def add(self, *values: str | None) -> None:
        new = {v for v in values if v and len(v) >= MIN_SECRET_CHARS} - self._secrets
        if new:
            with self._lock:
                self._secrets |= new
                self._stale = True  # compiled on the next use: replaying thousands of rules compiles once

    def _compiled(self) -> re.Pattern[str] | None:
        if self._stale:
            with self._lock:
                if self._stale:
                    self._pattern = re.compile(_trie_pattern(self._secrets)) if self._secrets else None
                    self._stale = False
        return self._pattern

    def redact(self, text: str) -> str:
        if not text:
            return text
        pattern = self._compiled()
        if pattern is not None:
            text = pattern.sub(MASK, text)
        if "://" in text:
            text = _URL.sub(lambda m: _mask_url(m.group(0)), text)
        return text


REDACTOR = Redactor()


def redact(text: str) -> str:
    """``text`` with every known secret and every URL's userinfo or secret path masked."""
    return REDACTOR.redact(text)


def register(*values: str | None) -> None:
    REDACTOR.add(*values)


def register_url(url: str | None) -> None:
    REDACTOR.add(*url_secrets(url))


def register_settings(settings: Any) -> None:
    """Every secret of ``settings``: SecretStr fields (each key of a key list), credentials as they go on the wire."""
    from pydantic import SecretStr

    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            text = value.get_secret_value()
            register(text, *(part.strip() for part in text.split(",")))
    for user, secret in ((settings.es_username, settings.es_password), (settings.kafka_username, settings.kafka_password),
                         (settings.smtp_username, settings.smtp_password)):
        if user and secret is not None:  # HTTP basic auth and SASL PLAIN carry user:password in base64
            register(base64.b64encode(f"{user}:{secret.get_secret_value()}".encode()).decode())
    register_url(settings.es_url)


def register_channels(targets: Iterable[str | None]) -> None:
    for target in targets:
        register_url(target)


class RedactFilter(logging.Filter):
    """Masks secrets in a record's message, arguments and traceback before any handler formats it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's problem to report, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()  # () not None: some formatters (mode's) wrap None into (None,)
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_filter(root: logging.Logger | None = None) -> RedactFilter:
    """One RedactFilter on every handler there is (the root's, other loggers', logging's last resort)."""
    root = root or logging.getLogger()
    redactor = RedactFilter()
    loggers = [root, *(l for l in logging.Logger.manager.loggerDict.values() if isinstance(l, logging.Logger))]
    handlers = {h for logger in loggers for h in logger.handlers}
    if logging.lastResort is not None:
        handlers.add(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, RedactFilter) for f in handler.filters):
            handler.addFilter(redactor)
    return redactor


class RedactingStream:
    """A text stream that writes everything through :func:`redact` (the CLI's stdout and stderr)."""

    def __init__(self, stream: Any):
        self.raw = stream

    def write(self, text: str) -> int:
        self.raw.write(redact(text) if isinstance(text, str) else text)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def protect_process() -> None:
    """Route this process's stdout, stderr and log handlers through the redaction layer."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, RedactingStream):
            setattr(sys, name, RedactingStream(stream))
    install_filter()
