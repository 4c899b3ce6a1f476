"""Helpers for tests (importable as ``support``: pytest puts tests/ on the path)."""

from __future__ import annotations

import subprocess
import time

import pytest

from newsmon.config import Settings
from newsmon.scratch import free_port


class RunningWorker:
    def __init__(self, settings: Settings, process: subprocess.Popen, log_path):
        self.settings, self.process, self.log_path = settings, process, log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    @classmethod
    def start(cls, settings: Settings, log_path, timeout: float = 240) -> RunningWorker:
        """A real ``newsmon worker`` process, ready to consume; fails the test (pytrace off) if it never is."""
        from newsmon.stream.launcher import WorkerNotReady, start_worker, wait_until_ready

        running = cls(settings, start_worker(settings, log_path), log_path)
        try:
            wait_until_ready(settings, running.process, log_path, timeout=timeout)
        except WorkerNotReady as exc:
            running.stop()
            pytest.fail(str(exc), pytrace=False)
        return running

    def stop(self, timeout: float = 30) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_for(predicate, timeout: float = 60, interval: float = 0.5, what: str = "condition"):
    """Poll until ``predicate()`` returns something truthy; return it, or fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}", pytrace=False)
        time.sleep(interval)


class SmtpPeer:
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""

    def __init__(self, logins: dict[str, str] | None = None) -> None:
        """``logins``: accept AUTH (over a plain connection) with these user names and passwords,
        and record every login tried in ``self.logins``; without it, the server speaks no AUTH."""
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.messages: list = []
        self.logins: list[tuple[str, str]] = []
        peer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                from email import message_from_bytes

                peer.messages.append(message_from_bytes(envelope.content))
                return "250 OK"

        self.port = free_port()
        options = {}
        if logins is not None:
            def authenticator(server, session, envelope, mechanism, auth_data):
                if not isinstance(auth_data, LoginPassword):
                    return AuthResult(success=False, handled=False)
                user, password = auth_data.login.decode(), auth_data.password.decode()
                peer.logins.append((user, password))
                return AuthResult(success=logins.get(user) == password)

            options = {"authenticator": authenticator, "auth_require_tls": False}
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


def run_newsmon(settings: Settings, *args: str, stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The CLI as a user runs it, with the settings of a test session in its environment."""
    import os
    import sys

    env = {**os.environ, **settings.as_env(), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def publish_article(settings: Settings, article: dict) -> None:
    """``newsmon publish -`` of one article; fails the test if the CLI does."""
    import json

    result = run_newsmon(settings, "publish", "-", stdin=json.dumps(article) + "\n")
    assert result.returncode == 0, result.stderr


def dead_letters(settings: Settings) -> list[dict]:
    """Every dead letter on the session's dead-letter topic, oldest first."""
    import json

    from kafka import KafkaConsumer, TopicPartition

    from newsmon.stream.kafka import kafka_python_options

    consumer = KafkaConsumer(enable_auto_commit=False, consumer_timeout_ms=2000, **kafka_python_options(settings))
    partition = TopicPartition(settings.dlq_topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    letters = [json.loads(r.value) for r in consumer]
    consumer.close()
    return letters
