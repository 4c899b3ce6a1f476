"""The guard of the worker's web server, on a real aiohttp server with the guard and a stand-in API.

The stand-in routes answer what they were given, so these tests see exactly what the guard let
through; the worker's own routes behind the same guard are covered in tests/e2e/test_api_security.py.
"""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from aiohttp import web

from newsmon.config import ConfigError, Settings
from newsmon.stream.web_guard import MAX_RULE_BYTES, application_options, check_bind, is_loopback_host

TOKEN = "t0k3n-" + "x" * 26


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _echo(request: web.Request) -> web.Response:
    body = await request.read()
    response = web.json_response({"path": request.path, "bytes": len(body)})
    response.headers["Access-Control-Allow-Origin"] = "*"  # a handler that gets it wrong: the guard strips it
    return response


class Server:
    """A guarded aiohttp app on a loopback port, run in the test's event loop."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.port = free_port()
        self.app = web.Application(**application_options(settings))
        for path in ("/healthz", "/metrics", "/alerts/rules", "/alerts/rules/{name}/{action}"):
            self.app.router.add_route("*", path, _echo)

    async def __aenter__(self) -> "Server":
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()

    async def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", timeout=10) as client:
            return await client.request(method, path, **kwargs)


def run(coro):
    return asyncio.run(coro)


def with_token() -> Settings:
    return Settings(api_token=TOKEN)


def test_without_the_token_or_with_a_wrong_one_the_api_answers_401_but_the_probes_answer():
    async def scenario():
        async with Server(with_token()) as server:
            missing = await server.request("GET", "/alerts/rules")
            wrong = await server.request("GET", "/alerts/rules", headers={"Authorization": "Bearer " + TOKEN[:-1] + "y"})
            basic = await server.request("GET", "/alerts/rules", headers={"Authorization": "Basic " + TOKEN})
            right = await server.request("GET", "/alerts/rules", headers={"Authorization": f"Bearer {TOKEN}"})
            probe = await server.request("GET", "/healthz")
            metrics = await server.request("GET", "/metrics")
            probe_write = await server.request("POST", "/healthz")
            return missing, wrong, basic, right, probe, metrics, probe_write

    missing, wrong, basic, right, probe, metrics, probe_write = run(scenario())
    for refused in (missing, wrong, basic):
        assert refused.status_code == 401
        assert "Authorization: Bearer" in refused.json()["error"]
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert right.status_code == 200 and right.json()["path"] == "/alerts/rules"
    assert probe.status_code == 200 and metrics.status_code == 200
    assert probe_write.status_code == 401  # only reading a probe is free


def test_a_text_plain_or_form_body_is_refused_and_json_passes():
    auth = {"Authorization": f"Bearer {TOKEN}"}
    rule = '{"name":"x","query":"y","channels":["kafka"]}'

    async def scenario():
        async with Server(with_token()) as server:
            plain = await server.request("POST", "/alerts/rules", content=rule, headers={**auth, "Content-Type": "text/plain"})
            form = await server.request("POST", "/alerts/rules", data={"name": "x"}, headers=auth)
            untyped = await server.request("POST", "/alerts/rules", content=rule.encode(), headers=auth)
            json_body = await server.request("POST", "/alerts/rules", content=rule, headers={**auth, "Content-Type": "application/json"})
            bodyless = await server.request("POST", "/alerts/rules/x/disable", headers=auth)
            return plain, form, untyped, json_body, bodyless

    plain, form, untyped, json_body, bodyless = run(scenario())
    assert plain.status_code == 415 and "application/json" in plain.json()["error"]
    assert form.status_code == 415
    assert untyped.status_code == 415
    assert json_body.status_code == 200 and json_body.json()["bytes"] == len(rule)
    assert bodyless.status_code == 200  # enable/disable carry no body


def test_a_request_from_a_foreign_origin_is_refused_even_with_the_token():
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    async def scenario():
        async with Server(with_token()) as server:
            evil = await server.request("POST", "/alerts/rules", content="{}", headers={**auth, "Origin": "http://evil.example"})
            null = await server.request("POST", "/alerts/rules", content="{}", headers={**auth, "Origin": "null"})
            fetch = await server.request("GET", "/alerts/rules", headers={**auth, "Sec-Fetch-Site": "cross-site"})
            own = await server.request("POST", "/alerts/rules", content="{}",
                                       headers={**auth, "Origin": f"http://127.0.0.1:{server.port}"})
            return evil, null, fetch, own

    evil, null, fetch, own = run(scenario())
    assert evil.status_code == 403 and "evil.example" in evil.json()["error"]
    assert null.status_code == 403 and fetch.status_code == 403
    assert own.status_code == 200
    assert not [h for h in own.headers if h.lower().startswith("access-control-")]  # never CORS


def test_without_a_token_only_requests_addressed_to_loopback_are_served():
    async def scenario():
        async with Server(Settings()) as server:
            local = await server.request("GET", "/alerts/rules")
            rebound = await server.request("GET", "/alerts/rules", headers={"Host": f"attacker.example:{server.port}"})
            named = await server.request("GET", "/alerts/rules", headers={"Host": f"localhost:{server.port}"})
            return local, rebound, named

    local, rebound, named = run(scenario())
    assert local.status_code == 200 and named.status_code == 200
    assert rebound.status_code == 403 and "127.0.0.1 or localhost" in rebound.json()["error"]


def test_bodies_over_the_limit_are_refused_with_413():
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    async def scenario():
        async with Server(with_token()) as server:
            big_rule = await server.request("POST", "/alerts/rules", content=b"[" + b"1," * MAX_RULE_BYTES + b"1]", headers=auth)

            async def chunks():
                for _ in range(80):
                    yield b" " * 65536  # 5 MiB without a Content-Length

            streamed = await server.request("POST", "/alerts/rules/x/test", content=chunks(), headers=auth)

            async def rule_chunks():
                for _ in range(4):
                    yield b" " * 50_000  # 200 kB of rule, chunked: over the rule limit, under the article one

            chunked_rule = await server.request("POST", "/alerts/rules", content=rule_chunks(), headers=auth)
            return big_rule, streamed, chunked_rule

    big_rule, streamed, chunked_rule = run(scenario())
    assert big_rule.status_code == 413 and "at most" in big_rule.json()["error"]
    assert streamed.status_code == 413
    assert chunked_rule.status_code == 413 and "65,536" in chunked_rule.json()["error"]


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "::", "worker.internal"])
def test_the_worker_refuses_to_listen_beyond_loopback_without_a_token(host):
    with pytest.raises(ConfigError, match="NEWSMON_API_TOKEN"):
        check_bind(Settings(web_host=host))
    check_bind(Settings(web_host=host, api_token=TOKEN))  # with a key it may


def test_a_short_token_is_refused():
    with pytest.raises(ConfigError, match="at least 16"):
        check_bind(Settings(api_token="secret"))


@pytest.mark.parametrize("host,loopback", [("127.0.0.1", True), ("127.3.4.5", True), ("::1", True), ("[::1]", True),
                                           ("localhost", True), ("LOCALHOST.", True), ("0.0.0.0", False),
                                           ("192.168.1.2", False), ("example.org", False), ("localhost.example.org", False)])
def test_loopback_hosts(host, loopback):
    assert is_loopback_host(host) is loopback
