"""The policy where connections are made: real local HTTP receivers, real sockets, no mocks of httpx.

Each receiver listens on loopback, which the policy refuses; a test lets one through by listing
only that receiver's address and port (or its name), so what is refused is refused by the policy,
not by a missing server.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import threading

import pytest

from newsmon.alerts.channels.base import DeliveryError
from newsmon.alerts.channels.webhook import NO_ANSWER, REFUSED, UNREACHABLE, post
from newsmon.alerts.receiver import WebhookReceiver
from newsmon.net.client import outbound_client
from newsmon.net.policy import OutboundPolicy, OutboundRefused, parse_allowed_hosts
from newsmon.scratch import free_port


def client(allowed: str = "", **kw):
    return outbound_client(OutboundPolicy(allowed=parse_allowed_hosts(allowed)), timeout=5, **kw)


@pytest.fixture
def receiver():
    peer = WebhookReceiver()
    yield peer
    peer.close()


@pytest.fixture
def other():
    peer = WebhookReceiver()
    yield peer
    peer.close()


async def test_loopback_is_refused_at_connect_time_and_nothing_is_sent(receiver):
    async with client() as http:
        with pytest.raises(OutboundRefused, match="127.0.0.1 is a loopback address"):
            await http.post(receiver.url_for("/x"), content=b"{}")
    assert receiver.received() == []


async def test_ipv6_loopback_is_refused_and_passes_once_listed():
    peer = WebhookReceiver("::1")
    try:
        async with client() as http:
            with pytest.raises(OutboundRefused, match="::1 is a loopback address"):
                await http.post(peer.url_for("/v6"), content=b"{}")
        async with client(peer.allowed_host) as http:
            assert (await http.post(peer.url_for("/v6"), content=b"{}")).status_code == 200
        assert [r.path for r in peer.received()] == ["/v6"]
    finally:
        peer.close()


async def test_localhost_is_refused_by_what_it_resolves_to(receiver):
    async with client() as http:
        with pytest.raises(OutboundRefused, match=r"^localhost resolves to .*a loopback address$"):
            await http.post(f"http://localhost:{receiver.port}/x", content=b"{}")
    assert receiver.received() == []


@pytest.mark.parametrize("host", ["0.0.0.0", "10.255.255.1", "169.254.169.254"])
async def test_unspecified_private_and_metadata_addresses_are_refused_before_any_connection(host):
    async with client() as http:
        with pytest.raises(OutboundRefused, match=f"^{host} is an? "):
            await http.post(f"http://{host}:9/x", content=b"{}")


async def test_listing_the_address_and_port_lets_only_that_receiver_through(receiver, other):
    async with client(receiver.allowed_host) as http:
        assert (await http.post(receiver.url_for("/ok"), content=b"{}")).status_code == 200
        with pytest.raises(OutboundRefused):
            await http.post(other.url_for("/not-listed"), content=b"{}")
    assert [r.path for r in receiver.received()] == ["/ok"] and other.received() == []


async def test_listing_a_range_or_a_name_lets_a_target_through(receiver):
    async with client("127.0.0.0/8") as http:
        assert (await http.post(receiver.url_for("/range"), content=b"{}")).status_code == 200
    async with client("localhost") as http:
        assert (await http.post(f"http://localhost:{receiver.port}/name", content=b"{}")).status_code == 200
        with pytest.raises(OutboundRefused):  # the name is listed, not the address it resolves to
            await http.post(receiver.url_for("/address"), content=b"{}")
    assert [r.path for r in receiver.received()] == ["/range", "/name"]


async def test_the_connection_is_pinned_to_the_address_that_was_checked(receiver):
    """One resolution per connection, and the socket goes to its answer: a resolver that would answer
    differently the second time (DNS rebinding) is never asked again. Host header keeps the name."""
    answers = [[ipaddress.ip_address("127.0.0.1")], [ipaddress.ip_address("10.0.0.1")]]
    asked: list[str] = []

    async def rebinding(host, port):
        asked.append(host)
        return answers[len(asked) - 1]

    policy = OutboundPolicy(allowed=parse_allowed_hosts(receiver.allowed_host))
    async with outbound_client(policy, timeout=5, resolver=rebinding) as http:
        response = await http.post(f"http://rebind.test:{receiver.port}/pinned", content=b"{}")
    assert response.status_code == 200 and asked == ["rebind.test"]
    (got,) = receiver.received("/pinned")
    assert got.headers["Host"] == f"rebind.test:{receiver.port}"


async def test_any_forbidden_address_among_several_refuses_the_host(receiver):
    async def mixed(host, port):
        return [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.0.0.7")]

    policy = OutboundPolicy(allowed=parse_allowed_hosts(receiver.allowed_host))
    async with outbound_client(policy, timeout=5, resolver=mixed) as http:
        with pytest.raises(OutboundRefused, match="mixed.test resolves to 10.0.0.7, a private address"):
            await http.post(f"http://mixed.test:{receiver.port}/x", content=b"{}")
    assert receiver.received() == []


async def test_a_redirect_to_loopback_is_refused_even_when_redirects_are_followed(receiver, other):
    """The first hop is allowed (only its own address and port are listed); it answers 302 to another
    loopback receiver, which the policy refuses on the second hop."""
    receiver.redirect_paths["/jump"] = other.url_for("/landing")
    async with client(receiver.allowed_host, follow_redirects=True) as http:
        with pytest.raises(OutboundRefused, match="127.0.0.1 is a loopback address"):
            await http.post(receiver.url_for("/jump"), content=b"{}")
    assert [r.status for r in receiver.received("/jump")] == [302]
    assert other.received() == []


async def test_a_redirect_from_a_host_allowed_by_name_to_its_address_is_refused(receiver):
    receiver.redirect_paths["/jump"] = receiver.url_for("/landing")  # http://127.0.0.1:<port>/landing
    async with client(f"localhost:{receiver.port}", follow_redirects=True) as http:
        with pytest.raises(OutboundRefused, match="127.0.0.1 is a loopback address"):
            await http.post(f"http://localhost:{receiver.port}/jump", content=b"{}")
    assert receiver.received("/landing") == []


async def test_a_redirect_to_an_allowed_target_is_followed_hop_by_hop(receiver):
    receiver.redirect_paths["/jump"] = receiver.url_for("/landing")
    async with client(receiver.allowed_host, follow_redirects=True) as http:
        assert (await http.post(receiver.url_for("/jump"), content=b"{}")).status_code == 200
    assert len(receiver.received("/landing")) == 1


async def test_redirects_are_not_followed_by_default(receiver, other):
    receiver.redirect_paths["/jump"] = other.url_for("/landing")
    async with client(f"{receiver.allowed_host},{other.allowed_host}") as http:
        assert (await http.post(receiver.url_for("/jump"), content=b"{}")).status_code == 302
    assert other.received() == []


async def test_plain_http_is_refused_per_request_when_switched_off(receiver):
    policy = OutboundPolicy(allow_http=False, allowed=parse_allowed_hosts(receiver.allowed_host))
    async with outbound_client(policy, timeout=5) as http:
        with pytest.raises(OutboundRefused, match="plain http is not allowed"):
            await http.post(receiver.url_for("/x"), content=b"{}")
    assert receiver.received() == []


# --- what a delivery records: refusals and network failures say nothing about the target's ports ------------


async def delivery_error(url: str, allowed: str = "") -> DeliveryError:
    async with client(allowed) as http:
        with pytest.raises(DeliveryError) as info:
            await post(http, url, b"{}", {})
    return info.value


async def test_a_refused_target_fails_with_a_generic_reason_and_is_not_retried():
    error = await delivery_error("http://127.0.0.1:9200/news-articles/_doc")
    assert str(error) == REFUSED == "the target is not allowed by the outbound policy"
    assert error.retryable is False


async def test_connection_refused_dns_failure_reset_and_tls_errors_read_the_same(receiver):
    closed = free_port()
    with socket.socket() as resetting:
        resetting.bind(("127.0.0.1", 0))
        resetting.listen()
        reset_port = resetting.getsockname()[1]

        def reset_each():
            for _ in range(3):
                conn, _ = resetting.accept()
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()  # RST

        threading.Thread(target=reset_each, daemon=True).start()
        allowed = f"127.0.0.1:{closed},127.0.0.1:{reset_port},{receiver.allowed_host}"
        errors = {
            "connection refused": await delivery_error(f"http://127.0.0.1:{closed}/x", allowed),
            "dns failure": await delivery_error("http://nowhere.invalid/x", allowed),
            "reset": await delivery_error(f"http://127.0.0.1:{reset_port}/x", allowed),
            "tls error": await delivery_error(f"https://127.0.0.1:{receiver.port}/x", allowed),  # a plain-HTTP peer
        }
    assert {name: str(e) for name, e in errors.items()} == {name: UNREACHABLE for name in errors}
    assert all(e.retryable for e in errors.values())


async def test_an_http_answer_is_reported_and_a_redirect_is_not_followed(receiver, other):
    receiver.fail_paths["/fails"] = -1
    receiver.redirect_paths["/moved"] = other.url_for("/landing")
    failing = await delivery_error(receiver.url_for("/fails"), receiver.allowed_host)
    moved = await delivery_error(receiver.url_for("/moved"), receiver.allowed_host)
    assert str(failing) == "the target answered 500 Internal Server Error" and failing.retryable
    assert str(moved) == "the target answered 302 Found (redirects are not followed)" and not moved.retryable
    assert other.received() == []


async def test_a_target_that_does_not_answer_in_time(receiver):
    receiver.hang_paths["/hang"] = 3.0
    policy = OutboundPolicy(allowed=parse_allowed_hosts(receiver.allowed_host))
    async with outbound_client(policy, timeout=0.5) as http:
        with pytest.raises(DeliveryError) as info:
            await post(http, receiver.url_for("/hang"), b"{}", {})
    assert str(info.value) == NO_ANSWER


async def test_proxies_named_in_the_environment_are_not_used(receiver, other, monkeypatch):
    """A proxy would connect on our behalf, past the address check: HTTP_PROXY must change nothing."""
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(variable, other.url)
    async with client(receiver.allowed_host) as http:
        assert (await http.post(receiver.url_for("/direct"), content=b"{}")).status_code == 200
        with pytest.raises(OutboundRefused):
            await http.post("http://10.0.0.1/via-proxy", content=b"{}")
    assert [r.path for r in receiver.received()] == ["/direct"] and other.received() == []
