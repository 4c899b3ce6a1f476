"""An httpx client that enforces the outbound policy where connections are made, pinned to the checked address.

httpx hands every new connection to a network backend as (host, port). :class:`PolicyBackend`
resolves the host once, checks every address it got (refusing if any is off limits), and then
connects to one of *those addresses* itself. So a DNS answer that changes between the check and
the connect (DNS rebinding) cannot move the request elsewhere. TLS still verifies the
certificate of, and sends SNI for, the URL's host name, and the Host header is the URL's: httpcore
takes both from the request, not from the socket.

:class:`PolicyTransport` checks the scheme of every request it is given, and a client that
follows redirects hands it every hop, so each hop passes both checks again. Redirects are not
followed unless a caller asks (:func:`outbound_client`). Proxies from the environment
(``HTTPS_PROXY``…) are not used: a proxy would make the connection for us, past the address check.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence

import httpcore
import httpx

from .policy import Address, OutboundPolicy, unique_addresses

AsyncResolver = Callable[[str, int], Awaitable[Sequence[Address]]]


async def resolve(host: str, port: int) -> list[Address]:
    """The system resolver, off the event loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return unique_addresses(info[4][0] for info in infos)


class PolicyBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check every address, connect to a checked address: one step, so nothing can slip in between."""

    def __init__(self, policy: OutboundPolicy, resolver: AsyncResolver | None = None,
                 inner: httpcore.AsyncNetworkBackend | None = None):
        self.policy = policy
        self._resolve = resolver or resolve
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable | None = None) -> httpcore.AsyncNetworkStream:
        try:
            addresses = list(await asyncio.wait_for(self._resolve(host, port), timeout))
        except (OSError, UnicodeError, asyncio.TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc or type(exc).__name__}") from None
        if not addresses:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        self.policy.check_host(host, port, addresses)  # OutboundRefused passes through httpx unchanged
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(str(address), port, timeout=timeout, local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("a Unix socket is not an outbound target")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PolicyTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with the scheme checked per request and :class:`PolicyBackend` under its pool."""

    def __init__(self, policy: OutboundPolicy, *, limits: httpx.Limits = httpx.Limits(),
                 verify: ssl.SSLContext | bool = True, resolver: AsyncResolver | None = None):
        # SSL_CERT_FILE / SSL_CERT_DIR still count (a private CA is no way past the policy); proxies do not (see above).
        context = httpx.create_ssl_context(verify=verify, trust_env=True)
        super().__init__(verify=context, trust_env=False, limits=limits)
        self.policy = policy
        # The pool httpx builds (see httpx.AsyncHTTPTransport), but connecting through the policy.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PolicyBackend(policy, resolver),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.policy.check_scheme(request.url.scheme)
        return await super().handle_async_request(request)


def outbound_client(policy: OutboundPolicy, *, timeout: float, follow_redirects: bool = False,
                    limits: httpx.Limits = httpx.Limits(), verify: ssl.SSLContext | bool = True,
                    resolver: AsyncResolver | None = None) -> httpx.AsyncClient:
    """The client for every request made on a user's behalf. ``follow_redirects`` stays off unless a caller
    needs it; when on, every hop is checked like the first. ``trust_env=False`` matters: with it on, httpx
    would mount transports of its own for proxies named in the environment, past this one."""
    return httpx.AsyncClient(transport=PolicyTransport(policy, limits=limits, verify=verify, resolver=resolver),
                             timeout=timeout, follow_redirects=follow_redirects, trust_env=False)
