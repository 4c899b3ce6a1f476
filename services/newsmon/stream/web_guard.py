"""Who may talk to the worker's web server: an API key, same-origin requests, JSON bodies of bounded size.

The alert-rules API changes where matching articles are sent, so it is a way out of the
building: a rule posted by anyone ships articles to anyone. Three kinds of caller must be kept
out, each by its own check:

* **Anyone on the network** — with ``NEWSMON_API_TOKEN`` set, every request but the probes
  (``/healthz``, ``/readyz``, ``/metrics``) carries ``Authorization: Bearer <token>``, compared
  in constant time. Without a token the server may only listen on loopback:
  :func:`check_bind` refuses anything else at start.
* **A web page the user has open** (cross-site request forgery) — browsers send a foreign
  ``Origin`` (or ``Sec-Fetch-Site: cross-site``) with such requests: refused. The forms a page
  can post without asking (``text/plain``, form encodings) are refused too, since only
  ``application/json`` bodies are accepted. No CORS headers are ever sent.
* **A page that rebinds its own host name to 127.0.0.1** (DNS rebinding) — its requests are
  same-origin to the browser, but they name the attacker's host in ``Host``. Without a token,
  only loopback host names are accepted.

Bodies are bounded (:data:`MAX_BODY_BYTES`, :data:`MAX_RULE_BYTES`) so a request cannot make the
worker buffer gigabytes. Every refusal is JSON ``{"error": <one sentence>}``.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from newsmon.config import ConfigError, Settings

PROBES = frozenset({"/healthz", "/readyz", "/metrics"})  # what monitoring scrapes without a key
MAX_BODY_BYTES = 4 * 1024 * 1024  # the largest body: an article posted to /alerts/rules/<name>/test
MAX_RULE_BYTES = 64 * 1024  # a rule is a name, a query and a few channels
MIN_TOKEN_CHARS = 16
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback_host(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost``: names and addresses that cannot leave this machine."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings) -> None:
    """Refuse a configuration that would expose the API beyond this machine without a key."""
    token = settings.api_token.get_secret_value() if settings.api_token else ""
    if settings.api_token is not None and len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"NEWSMON_API_TOKEN is {len(token)} characters long; use at least {MIN_TOKEN_CHARS} random ones, "
            "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
    if not token and not is_loopback_host(settings.web_host):
        raise ConfigError(
            f"NEWSMON_WEB_HOST={settings.web_host} would let anyone who reaches it change the alert rules: "
            "set NEWSMON_API_TOKEN to a random key of 16 characters or more, or listen on 127.0.0.1")


def _refuse(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers={**headers, **SECURITY_HEADERS})


SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def _host_of(value: str) -> str:
    """The host of a ``Host`` header (``127.0.0.1:6066``, ``[::1]:6066``, ``localhost``)."""
    value = value.strip()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _foreign_origin(request: web.Request) -> str | None:
    """The Origin of a cross-site request, or None when the request is same-origin or not from a browser."""
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        return request.headers.get("Origin") or "another site"
    origin = request.headers.get("Origin")
    if origin is None:
        return None
    if origin == "null":  # sandboxed frames, file:// pages, redirects across origins
        return origin
    parts = urlsplit(origin)
    own = request.headers.get("Host", "")
    if (parts.netloc or "").lower() != own.lower():
        return origin
    return None


def _bearer(request: web.Request) -> bytes:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip().encode() if scheme.lower() == "bearer" else b""


def guard(settings: Settings) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """The aiohttp middleware that applies the checks of this module to every request."""
    token = settings.api_token.get_secret_value().encode() if settings.api_token else None

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = _foreign_origin(request)
        if origin is not None:
            return _refuse(403, f"requests from {origin} are refused: the newsmon API does not serve other web sites")
        if token is None and not is_loopback_host(_host_of(request.headers.get("Host", ""))):
            return _refuse(403, "this worker has no API token and answers only requests addressed to 127.0.0.1 or localhost")
        probe = request.path in PROBES and request.method in ("GET", "HEAD")
        if token is not None and not probe:
            if not hmac.compare_digest(_bearer(request), token):
                return _refuse(401, "missing or wrong API token: send the header 'Authorization: Bearer <NEWSMON_API_TOKEN>'",
                               **{"WWW-Authenticate": 'Bearer realm="newsmon"'})
        if request.method in UNSAFE_METHODS:
            content_type = request.headers.get("Content-Type")
            has_body = (request.content_length or 0) > 0 or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
            if (content_type is not None or has_body) and request.content_type != "application/json":
                return _refuse(415, f"the body must be JSON sent as 'Content-Type: application/json', not {content_type or 'untyped'}")
            limit = MAX_RULE_BYTES if request.path.rstrip("/") == "/alerts/rules" else MAX_BODY_BYTES
            if request.content_length is not None and request.content_length > limit:
                return _refuse(413, f"the body is {request.content_length:,} bytes; this endpoint takes at most {limit:,}")
            if request.content_length is None and has_body:
                # Chunked: no length to check up front. Read it here (aiohttp stops at client_max_size and
                # keeps what it read for the handler) and measure what actually came.
                try:
                    size = len(await request.read())
                except web.HTTPRequestEntityTooLarge:
                    size = MAX_BODY_BYTES + 1
                if size > limit:
                    return _refuse(413, f"the body is over {limit:,} bytes, the most this endpoint takes")
        try:
            response = await handler(request)
        except web.HTTPRequestEntityTooLarge:
            return _refuse(413, f"the body is larger than the {MAX_BODY_BYTES:,} bytes the API takes")
        for name in [h for h in response.headers if h.lower().startswith("access-control-")]:
            del response.headers[name]  # never CORS: no page elsewhere may read an answer
        response.headers.update(SECURITY_HEADERS)
        return response

    return middleware


def application_options(settings: Settings) -> dict:
    """Faust's ``web_application_options``: the guard, and aiohttp's own cap on what a handler may read."""
    return {"middlewares": [guard(settings)], "client_max_size": MAX_BODY_BYTES}
