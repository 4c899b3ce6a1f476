"""An email channel whose SMTP server cannot be reached: `alerts add` warns at once, `status` reports it.

Real SMTP server (tests/support.py SmtpPeer), a closed port, and a listener that never greets; real Kafka rules topic.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from support import SmtpPeer, run_newsmon

from newsmon.alerts.channels.email import smtp_problem
from newsmon.cli.status_smtp import render_smtp
from newsmon.config import Settings
from newsmon.ops.status import SmtpPart, StatusReport, smtp_status
from newsmon.scratch import drop_scratch, free_port, scratch_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def peer() -> Iterator[SmtpPeer]:
    server = SmtpPeer()
    yield server
    server.close()


@pytest.fixture()
def silent() -> Iterator[int]:
    """A port that accepts connections and never says a word (a mail server hung, or not SMTP at all)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    yield listener.getsockname()[1]
    listener.close()


@pytest.fixture(scope="module")
def rules_run(stack: Settings) -> Iterator[Settings]:
    """A rules topic of our own, so "no email rule" means ours."""
    settings = scratch_settings(stack, prefix="t")
    yield settings
    drop_scratch(settings)


def test_the_check_passes_on_a_real_smtp_server(peer):
    assert smtp_problem(Settings(smtp_host="127.0.0.1", smtp_port=peer.port), timeout_s=3) is None
    assert peer.messages == []  # a check sends nothing


def test_a_closed_port_or_a_silent_server_is_one_sentence(silent):
    closed = free_port()
    problem = smtp_problem(Settings(smtp_host="127.0.0.1", smtp_port=closed), timeout_s=2)
    assert problem.startswith(f"the SMTP server 127.0.0.1:{closed} cannot be reached (")
    assert problem.endswith("check NEWSMON_SMTP_HOST and NEWSMON_SMTP_PORT, and that the mail server is up")
    hung = smtp_problem(Settings(smtp_host="127.0.0.1", smtp_port=silent), timeout_s=1)
    assert hung.startswith(f"the SMTP server 127.0.0.1:{silent} cannot be reached (") and "timed out" in hung


def test_alerts_add_warns_when_the_mail_server_does_not_answer(rules_run):
    closed = free_port()
    settings = rules_run.model_copy(update={"smtp_port": closed})
    result = run_newsmon(settings, "alerts", "add", "--name", "mailed-down", "--query", "harbour", "--channel", "email:desk@example.org")
    assert result.returncode == 0, result.stderr  # added: the server may come back; deliveries are retried and recorded
    assert "added rule mailed-down" in result.stdout
    warning = " ".join(result.stderr.split())
    assert (f"warning: rule mailed-down is added, but its email alerts will fail until this is fixed: the SMTP server "
            f"127.0.0.1:{closed} cannot be reached") in warning
    assert "Traceback" not in result.stderr
    listed = json.loads(run_newsmon(settings, "alerts", "list", "--json").stdout)
    assert "mailed-down" in [r["name"] for r in listed]


def test_alerts_add_is_quiet_when_the_mail_server_answers(rules_run, peer):
    settings = rules_run.model_copy(update={"smtp_port": peer.port})
    result = run_newsmon(settings, "alerts", "add", "--name", "mailed-up", "--query", "ferry", "--channel", "email:desk@example.org")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_status_checks_smtp_only_when_a_rule_has_an_email_channel(stack, peer):
    settings = scratch_settings(stack, prefix="t", smtp_host="127.0.0.1", smtp_port=free_port())
    try:
        none = smtp_status(settings, timeout_s=3)
        assert none.email_rules == [] and none.reachable is None and none.error is None
        added = run_newsmon(settings, "alerts", "add", "--name", "desk", "--query", "harbour", "--channel", "email:desk@example.org")
        assert added.returncode == 0, added.stderr
        down = smtp_status(settings, timeout_s=3)
        assert down.email_rules == ["desk"] and down.reachable is False
        assert f"the SMTP server 127.0.0.1:{settings.smtp_port} cannot be reached" in down.detail
        up = smtp_status(settings.model_copy(update={"smtp_port": peer.port}), timeout_s=3)
        assert up.reachable is True and up.detail.startswith("answers")
        report = run_newsmon(settings, "status", "--json")
        smtp = json.loads(report.stdout)["smtp"]
        assert smtp["reachable"] is False and smtp["email_rules"] == ["desk"], report.stderr
    finally:
        drop_scratch(settings)


def test_the_status_line_names_the_rules_left_mute():
    def line(part: SmtpPart) -> str:
        report = StatusReport.__new__(StatusReport)
        object.__setattr__(report, "smtp", part)
        return render_smtp(report).plain

    assert line(SmtpPart("mx:25")) == "smtp  mx:25 not checked: no rule has an email channel"
    assert line(SmtpPart("mx:25", ["a", "b"], False, "the SMTP server mx:25 cannot be reached (refused)")) == (
        "smtp  mx:25 unreachable: the SMTP server mx:25 cannot be reached (refused); email alerts of a, b fail until it answers")
    assert line(SmtpPart("mx:25", ["a"], True, "answers (EHLO)")) == "smtp  mx:25 reachable (answers (EHLO)), for rules a"
    assert "not checked" in line(SmtpPart("mx:25", error="alert rules cannot be read"))
