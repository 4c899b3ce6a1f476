"""``newsmon kibana setup`` against a stand-in for Kibana's HTTP API.

There is no Kibana on this machine; a small local HTTP server answers ``/api/status`` and
``/api/saved_objects/_import`` the way Kibana documents them, and records what it got. The
saved objects themselves are checked by test_kibana_objects.py.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.cli.kibana import kibana, load_objects, retarget
from newsmon.config import get_settings

KIBANA_DIR = Path(__file__).resolve().parents[2] / "deploy" / "kibana"


class FakeKibana(BaseHTTPRequestHandler):
    version = "9.5.4"
    import_status = 200
    import_errors: list = []
    requests: list = []

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        type(self).requests.append(("GET", self.path, dict(self.headers), b""))
        if self.path == "/api/status":
            return self._send(200, {"version": {"number": type(self).version}})
        self._send(404, {})

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests.append(("POST", self.path, dict(self.headers), body))
        if "/api/saved_objects/_import" not in self.path:
            return self._send(404, {})
        if type(self).import_status != 200:
            return self._send(type(self).import_status, {"message": "nope"})
        errors = type(self).import_errors
        count = body.count(b'"coreMigrationVersion"')
        self._send(200, {"success": not errors, "successCount": count - len(errors), "errors": errors})


@pytest.fixture
def fake_kibana():
    FakeKibana.version, FakeKibana.import_status, FakeKibana.import_errors, FakeKibana.requests = "9.5.4", 200, [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKibana)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def run(*args, prefix="news"):
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(kibana, ["setup", *args, "--objects", str(KIBANA_DIR)],
                                  env={"NEWSMON_INDEX_PREFIX": prefix, "COLUMNS": "250"})
    finally:
        get_settings.cache_clear()


def test_imports_every_object_with_overwrite_and_xsrf_header(fake_kibana):
    result = run("--url", fake_kibana, "--username", "elastic", "--password", "secret", "--space", "analysts")
    assert result.exit_code == 0, result.output
    method, path, headers, body = FakeKibana.requests[-1]
    assert (method, path) == ("POST", "/s/analysts/api/saved_objects/_import?overwrite=true")
    assert headers["kbn-xsrf"] and headers["Authorization"].startswith("Basic ")
    assert headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="file"; filename="newsmon.ndjson"' in body
    expected = load_objects(KIBANA_DIR)
    assert body.count(b'"coreMigrationVersion"') == len(expected)
    assert f"imported {len(expected)} objects" in result.output
    assert "/s/analysts/app/dashboards#/view/newsmon-dashboard" in result.output


def test_api_key_authentication(fake_kibana):
    result = run("--url", fake_kibana, "--api-key", "abc123")
    assert result.exit_code == 0, result.output
    assert FakeKibana.requests[-1][2]["Authorization"] == "ApiKey abc123"
    assert FakeKibana.requests[-1][1] == "/api/saved_objects/_import?overwrite=true"


def test_a_different_major_version_is_refused_before_importing(fake_kibana):
    FakeKibana.version = "8.17.0"
    result = run("--url", fake_kibana)
    assert result.exit_code == 1
    assert "8.17.0" in result.output and "9.x" in result.output
    assert not any(method == "POST" for method, *_ in FakeKibana.requests)


@pytest.mark.parametrize("status, words", [(401, "credentials"), (403, "Saved Objects Management")])
def test_auth_problems_are_explained(fake_kibana, status, words):
    FakeKibana.import_status = status
    result = run("--url", fake_kibana, "--username", "reader", "--password", "x")
    assert result.exit_code == 1
    assert words in result.output


def test_import_errors_are_listed(fake_kibana):
    FakeKibana.import_errors = [{"id": "newsmon-dashboard", "type": "dashboard", "title": "News monitor",
                                 "error": {"type": "unknown", "message": "Document has a typeMigrationVersion higher than the current"}}]
    result = run("--url", fake_kibana)
    assert result.exit_code == 1
    assert "newsmon-dashboard" in result.output and "Kibana 9.x" in result.output


def test_data_views_follow_the_index_prefix():
    objects = retarget(load_objects(KIBANA_DIR), "prod")
    titles = sorted(o["attributes"]["title"] for o in objects if o["type"] == "index-pattern")
    assert titles == ["prod-alerts", "prod-articles", "prod-events"]
    assert sorted(o["attributes"]["title"] for o in load_objects(KIBANA_DIR) if o["type"] == "index-pattern") == \
        ["news-alerts", "news-articles", "news-events"]
