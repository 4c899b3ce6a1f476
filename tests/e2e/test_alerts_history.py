"""``newsmon alerts history`` after a real worker fired a rule: one channel delivered, one failing for good."""

from __future__ import annotations

import json
import uuid

import pytest
from support import publish_article, run_newsmon, wait_for

pytestmark = pytest.mark.integration


def test_history_shows_what_the_worker_delivered_and_what_failed(worker, http_peer):
    settings = worker.settings
    marker = uuid.uuid4().hex[:8]
    path = f"/history-broken/{marker}"
    http_peer.fail_paths[path] = -1  # always 500
    rule = f"history-{marker}"
    added = run_newsmon(settings, "alerts", "add", "--name", rule, "--query", f"jetty{marker}",
                        "--channel", "kafka", "--channel", "webhook:" + http_peer.url_for(path))
    assert added.returncode == 0, added.stderr
    publish_article(settings, {"id": f"h-{marker}", "title": f"Jetty closed ({marker})",
                               "body": f"The old jetty{marker} was closed after the storm damaged it.", "source": "newsmon-test"})

    def settled():
        result = run_newsmon(settings, "alerts", "history", "--rule", rule, "--json")
        assert result.returncode == 0, result.stderr
        records = json.loads(result.stdout)
        return records if sorted(r["status"] for r in records) == ["failed", "sent"] else None

    records = {r["channel_type"]: r for r in wait_for(settled, timeout=120, what="a sent and a failed delivery in the history")}
    assert records["kafka"]["status"] == "sent" and records["kafka"]["article_ids"] == [f"h-{marker}"]
    assert records["webhook"]["status"] == "failed" and records["webhook"]["attempts"] == 3 and "500" in records["webhook"]["error"]

    failed = json.loads(run_newsmon(settings, "alerts", "history", "--rule", rule, "--status", "failed", "--json").stdout)
    assert [r["channel_type"] for r in failed] == ["webhook"]
    table = run_newsmon(settings, "alerts", "history", "--rule", rule, "--since", "1h")
    assert table.returncode == 0 and f"Jetty closed ({marker})" in table.stdout and "failed" in table.stdout
