"""The outbound policy: which URLs and addresses newsmon may contact on a user's behalf.

Whoever writes an alert rule chooses its webhook URL, and the worker sits inside the
deployment: next to Elasticsearch, its own API, the cloud's metadata service. So a target
is allowed only if it is ``https`` (or ``http`` while ``NEWSMON_ALLOW_HTTP_TARGETS`` is on)
and every address its host resolves to is public. Loopback, private (RFC 1918, fc00::/7),
link-local, multicast, unspecified, reserved, carrier-grade NAT (100.64/10), cloud-metadata
addresses and names, and IPv6 forms that embed any of these (::ffff:127.0.0.1, NAT64, 6to4)
are refused unless ``NEWSMON_ALLOWED_HOSTS`` lists them.

The checks here are pure: name resolution is handed in. The same rules serve at ``alerts add``
time (:meth:`OutboundPolicy.check_url`: scheme, literal address, and the host's addresses if it
resolves now) and at connect time (:mod:`newsmon.net.client`, on every connection and every
hop), which is the check that counts: a name can resolve elsewhere tomorrow.

URLs are parsed with httpx, the library that makes the request, so the host checked is the host
connected to (two URL parsers that disagree are a classic way past such checks).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[Address]]

ALLOWLIST_HINT = "add it to NEWSMON_ALLOWED_HOSTS if this is intended"
DEFAULT_PORTS = {"http": 80, "https": 443}

# Cloud metadata services hand out instance credentials: the prize of a request turned inward.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, Google Cloud, Azure, OpenStack, DigitalOcean, Oracle Cloud
    "169.254.170.2",  # AWS ECS task metadata
    "fd00:ec2::254",  # AWS over IPv6
    "100.100.100.200",  # Alibaba Cloud
    "168.63.129.16",  # Azure WireServer: a public address, so it has to be named
))
METADATA_NAMES = frozenset({
    "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
})
_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_ULA = ipaddress.ip_network("fc00::/7")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")


class OutboundRefused(Exception):
    """The policy refuses a URL or an address.

    ``reason`` says why ("127.0.0.1 is a loopback address"); ``listable`` is True when listing
    the host in NEWSMON_ALLOWED_HOSTS would let it through (not so for a wrong scheme).
    """

    def __init__(self, reason: str, *, listable: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.listable = listable

    def sentence(self, what: str) -> str:
        """``<what> is refused: <reason>``, with the NEWSMON_ALLOWED_HOSTS hint where it helps."""
        return f"{what} is refused: {self.reason}" + (f"; {ALLOWLIST_HINT}" if self.listable else "")


def forbidden_kind(address: Address) -> str | None:
    """What puts ``address`` off limits ("a loopback address"), or None for a public address."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            inner = forbidden_kind(embedded)
            return f"an IPv6 form of {embedded}, {inner}" if inner else None
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address in _ULA or any(address in network for network in _RFC1918):
        return "a private address"
    if address in _CGNAT:
        return "a carrier-grade NAT (shared) address"
    if address.is_reserved:
        return "a reserved address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if not address.is_global:
        return "an address that is not publicly routable"
    return None


def as_address(host: str) -> Address | None:
    """``host`` as an IP address if it is one (IPv6 with or without brackets), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def normalize_host(host: str) -> str:
    """The form hosts are compared in: lower case, no trailing dot, IDNA (as httpx sends it)."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return httpx.URL(f"http://{host}/").raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError):
        return host


@dataclass(frozen=True)
class AllowEntry:
    """One NEWSMON_ALLOWED_HOSTS entry: a host name or a network, optionally for one port only."""

    name: str | None = None
    network: Network | None = None
    port: int | None = None

    def _port_ok(self, port: int) -> bool:
        return self.port is None or self.port == port

    def covers_name(self, host: str, port: int) -> bool:
        return self.name is not None and self.name == host and self._port_ok(port)

    def covers_address(self, address: Address, port: int) -> bool:
        if self.network is None or not self._port_ok(port):
            return False
        mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        return address in self.network or (mapped is not None and mapped in self.network)


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{entry!r} has no valid port after ':'")
    return int(text)


def parse_allowed_entry(entry: str) -> AllowEntry:
    """``hooks.internal``, ``10.1.2.3``, ``10.0.0.0/8``, ``fd00::/8``, ``[::1]``; each optionally with
    ``:port`` (IPv6 in brackets then: ``[::1]:8080``)."""
    entry = entry.strip()
    text, port = entry, None
    if text.startswith("["):
        inner, closed, rest = text[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            raise ValueError(f"{entry!r} is not a valid [IPv6]:port entry")
        text, port = inner, (_port(rest[1:], entry) if rest else None)
    elif text.count(":") == 1:
        text, _, port_text = text.partition(":")
        port = _port(port_text, entry)
    try:
        return AllowEntry(network=ipaddress.ip_network(text, strict=False), port=port)
    except ValueError:
        pass
    name = normalize_host(text)
    if not _HOST_NAME.match(name) or re.fullmatch(r"[0-9.]+", name):
        raise ValueError(f"{entry!r} is not a host name, an address or a CIDR range (each optionally with :port)")
    return AllowEntry(name=name, port=port)


def parse_allowed_hosts(text: str | None) -> tuple[AllowEntry, ...]:
    """The comma-separated NEWSMON_ALLOWED_HOSTS value; a ValueError names the entry that is wrong."""
    return tuple(parse_allowed_entry(part) for part in (text or "").split(",") if part.strip())


def system_resolver(host: str, port: int) -> list[Address]:
    """Every address the system resolver gives for ``host``, in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return unique_addresses(info[4][0] for info in infos)


def unique_addresses(texts: Iterable[str]) -> list[Address]:
    seen: list[Address] = []
    for text in texts:
        address = ipaddress.ip_address(text)
        if address not in seen:
            seen.append(address)
    return seen


@dataclass(frozen=True)
class OutboundPolicy:
    """What may be contacted. Public https (and http, if allowed) targets always; others only if listed."""

    allow_http: bool = True
    allowed: tuple[AllowEntry, ...] = ()

    @classmethod
    def from_settings(cls, settings) -> "OutboundPolicy":
        """The policy of ``allowed_hosts`` and ``allow_http_targets`` (newsmon.config.Settings)."""
        return _policy(settings.allowed_hosts or "", settings.allow_http_targets)

    def check_scheme(self, scheme: str) -> None:
        if scheme == "https" or (scheme == "http" and self.allow_http):
            return
        if scheme == "http":
            raise OutboundRefused("plain http is not allowed (NEWSMON_ALLOW_HTTP_TARGETS is off): use an https URL",
                                  listable=False)
        raise OutboundRefused(f"only http and https URLs can be contacted, not {scheme or 'a URL without a scheme'}",
                              listable=False)

    def name_allowed(self, host: str, port: int) -> bool:
        host = normalize_host(host)
        return any(entry.covers_name(host, port) for entry in self.allowed)

    def address_allowed(self, address: Address, port: int) -> bool:
        return any(entry.covers_address(address, port) for entry in self.allowed)

    def check_host(self, host: str, port: int, addresses: Iterable[Address] = ()) -> None:
        """``host`` as written in the URL, and every address it resolved to: refused if any address is off limits.

        A host listed by name in NEWSMON_ALLOWED_HOSTS passes whatever it resolves to; an address passes
        if a listed address or range covers it.
        """
        host = normalize_host(host)
        if self.name_allowed(host, port):
            return
        if host in METADATA_NAMES:
            raise OutboundRefused(f"{host} is the name of a cloud metadata service")
        literal = as_address(host)
        for address in [literal] if literal is not None else addresses:
            kind = forbidden_kind(address)
            if kind and not self.address_allowed(address, port):
                raise OutboundRefused(f"{address} is {kind}" if literal is not None else f"{host} resolves to {address}, {kind}")

    def check_form(self, url: str) -> tuple[str, int]:
        """A URL with an allowed scheme and a host: its (host, port) as httpx will connect to them."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise OutboundRefused(f"it is not a valid URL ({exc})", listable=False) from None
        self.check_scheme(parsed.scheme)
        host = parsed.raw_host.decode("ascii")
        if not host:
            raise OutboundRefused("the URL has no host", listable=False)
        return host, parsed.port or DEFAULT_PORTS[parsed.scheme]

    def check_url(self, url: str, resolve: Resolver | None = None) -> None:
        """The checks that can be made before any request: scheme, host, a literal address, and, given
        ``resolve``, the addresses the host resolves to now. A name that does not resolve passes here;
        it is checked again, with every other target, each time a connection is made."""
        host, port = self.check_form(url)
        addresses: Sequence[Address] = ()
        if resolve is not None and as_address(host) is None and not self.name_allowed(host, port):
            try:
                addresses = resolve(host, port)
            except (OSError, UnicodeError):
                addresses = ()  # does not resolve (yet): checked at delivery
        self.check_host(host, port, addresses)


@lru_cache(maxsize=16)
def _policy(allowed_hosts: str, allow_http: bool) -> OutboundPolicy:
    return OutboundPolicy(allow_http=allow_http, allowed=parse_allowed_hosts(allowed_hosts))
