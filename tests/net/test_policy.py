"""The outbound policy's pure checks: which URLs and addresses are refused, and what lets one through."""

from __future__ import annotations

import ipaddress

import pytest

from newsmon.config import ConfigError, load_settings
from newsmon.net.policy import OutboundPolicy, OutboundRefused, forbidden_kind, parse_allowed_hosts, system_resolver

STRICT = OutboundPolicy()


def policy(allowed: str = "", allow_http: bool = True) -> OutboundPolicy:
    return OutboundPolicy(allow_http=allow_http, allowed=parse_allowed_hosts(allowed))


def refusal(url: str, p: OutboundPolicy = STRICT, resolve=None) -> str:
    with pytest.raises(OutboundRefused) as info:
        p.check_url(url, resolve=resolve)
    return info.value.reason


@pytest.mark.parametrize(("url", "reason"), [
    ("http://127.0.0.1:9200/news-articles/_doc", "127.0.0.1 is a loopback address"),
    ("http://[::1]:6066/alerts/rules/x/disable", "::1 is a loopback address"),
    ("http://0.0.0.0:9200/", "0.0.0.0 is an unspecified address"),
    ("http://[::]/", ":: is an unspecified address"),
    ("http://10.0.0.1/hook", "10.0.0.1 is a private address"),
    ("http://172.16.5.4/", "172.16.5.4 is a private address"),
    ("http://192.168.1.1/", "192.168.1.1 is a private address"),
    ("http://[fd12::1]/", "fd12::1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
    ("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"),
    ("http://169.254.1.1/", "169.254.1.1 is a link-local address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
    ("http://[ff02::1]/", "ff02::1 is a multicast address"),
    ("http://100.64.0.1/", "100.64.0.1 is a carrier-grade NAT (shared) address"),
    ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ("http://192.0.2.10/", "192.0.2.10 is an address that is not publicly routable"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1 is an IPv6 form of 127.0.0.1, a loopback address"),
    ("http://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe is an IPv6 form of 169.254.169.254, a cloud metadata address"),
    ("http://[64:ff9b::a00:1]/", "64:ff9b::a00:1 is an IPv6 form of 10.0.0.1, a private address"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is the name of a cloud metadata service"),
    ("http://METADATA./", "metadata is the name of a cloud metadata service"),
])
def test_internal_targets_are_refused_with_the_reason(url, reason):
    assert refusal(url) == reason


def test_a_refusal_is_one_sentence_that_says_what_to_do():
    with pytest.raises(OutboundRefused) as info:
        STRICT.check_url("http://127.0.0.1:9200/x")
    assert info.value.sentence("webhook target http://127.0.0.1:9200/x") == (
        "webhook target http://127.0.0.1:9200/x is refused: 127.0.0.1 is a loopback address; "
        "add it to NEWSMON_ALLOWED_HOSTS if this is intended")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.org:70/_x", "ftp://example.org/", "//example.org/x"])
def test_only_http_and_https_schemes(url):
    with pytest.raises(OutboundRefused, match="only http and https URLs") as info:
        STRICT.check_url(url)
    assert not info.value.listable  # no NEWSMON_ALLOWED_HOSTS hint: listing a host cannot help


def test_plain_http_is_refused_when_switched_off():
    assert "NEWSMON_ALLOW_HTTP_TARGETS is off" in refusal("http://example.org/hook", policy(allow_http=False))
    policy(allow_http=False).check_url("https://example.org/hook")


def test_public_targets_pass():
    for url in ("https://example.org/hook", "http://93.184.215.14:8080/x", "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/",
                "https://hooks.slack.com/services/T0/B0/XYZ", "http://[::ffff:8.8.8.8]/"):
        STRICT.check_url(url)
    assert forbidden_kind(ipaddress.ip_address("8.8.8.8")) is None


def test_a_host_name_is_checked_by_what_it_resolves_to_and_every_address_counts():
    def resolver(host, port):
        return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.1.2.3")]

    assert refusal("https://mixed.example/", resolve=resolver) == "mixed.example resolves to 10.1.2.3, a private address"


def test_localhost_is_refused_because_it_resolves_to_loopback():
    """The real system resolver: no special case for the name."""
    reason = refusal("http://localhost:9200/", resolve=system_resolver)
    assert reason.startswith("localhost resolves to ") and reason.endswith("a loopback address")


def test_a_name_that_does_not_resolve_passes_at_add_time():
    STRICT.check_url("https://nowhere.invalid/hook", resolve=system_resolver)


def test_decimal_and_short_forms_of_loopback_are_caught_by_resolution():
    assert refusal("http://127.1/", resolve=system_resolver) == "127.1 resolves to 127.0.0.1, a loopback address"
    assert refusal("http://2130706433/", resolve=system_resolver) == "2130706433 resolves to 127.0.0.1, a loopback address"


def test_allowed_hosts_by_address_range_name_and_port():
    by_address = policy("127.0.0.1")
    by_address.check_url("http://127.0.0.1:9200/")
    assert refusal("http://10.0.0.1/", by_address) == "10.0.0.1 is a private address"

    by_range = policy("10.0.0.0/8, fd00::/8")
    by_range.check_url("http://10.20.30.40/")
    by_range.check_url("http://[fd00::5]/")
    by_range.check_url("http://[::ffff:10.0.0.1]/")  # the mapped form of a listed address
    assert refusal("http://192.168.0.1/", by_range) == "192.168.0.1 is a private address"

    by_name = policy("hooks.internal")
    to_private = lambda host, port: [ipaddress.ip_address("10.9.9.9")]  # noqa: E731
    by_name.check_url("http://HOOKS.internal./x", resolve=to_private)
    assert refusal("http://other.internal/", by_name, resolve=to_private) == "other.internal resolves to 10.9.9.9, a private address"

    by_port = policy("127.0.0.1:8123,[::1]:8123,receiver.local:8080")
    by_port.check_url("http://127.0.0.1:8123/")
    by_port.check_url("http://[::1]:8123/")
    by_port.check_url("http://receiver.local:8080/", resolve=lambda h, p: [ipaddress.ip_address("127.0.0.1")])
    assert refusal("http://127.0.0.1:9200/", by_port) == "127.0.0.1 is a loopback address"
    assert refusal("http://[::1]:6066/", by_port) == "::1 is a loopback address"


def test_metadata_names_pass_only_when_listed():
    policy("metadata.google.internal").check_url("http://metadata.google.internal/")


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "host name", "127.0.0.1:http", "[::1", "[::1]x", "999.1.1.1", "a:70000"])
def test_a_malformed_allowed_hosts_entry_is_a_configuration_error_naming_it(entry):
    with pytest.raises(ConfigError) as info:
        load_settings({"NEWSMON_ALLOWED_HOSTS": f"example.org, {entry}"})
    assert str(info.value).startswith("invalid configuration: NEWSMON_ALLOWED_HOSTS: ")
    assert repr(entry) in str(info.value)
