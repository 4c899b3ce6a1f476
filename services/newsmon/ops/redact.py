"""Secrets kept out of what newsmon shows: URLs as people may see them.

A webhook URL is often itself the secret: Slack's ``hooks.slack.com/services/T…/B…/…`` path
is the credential, and any URL may carry ``user:password@`` or a ``?token=`` query. Everything
that prints, logs, stores for display or answers with a target goes through
:func:`display_url`, so there is one place that decides what of a URL is safe to show.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit, urlunsplit

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


def display_url(url: str | None) -> str:
    """``url`` without userinfo, with a secret path masked and query values hidden.

    ``https://user:pw@example.org/hook?token=abc`` -> ``https://example.org/hook?token=***``;
    ``https://hooks.slack.com/services/T0/B0/XYZ`` -> ``https://hooks.slack.com/services/***``.
    Text that is not a URL with a host comes back unchanged.
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
    prefix = SECRET_PATH_PREFIXES.get(host.lower())
    if prefix and path.startswith(prefix) and len(path) > len(prefix):
        path = prefix + MASK
    query = "&".join(f"{pair.partition('=')[0]}={MASK}" if "=" in pair else MASK for pair in parts.query.split("&")) if parts.query else ""
    return urlunsplit(SplitResult(parts.scheme, netloc, path, query, ""))
