"""The clear errors: ports taken by strangers, no Maven, a broken archive, a blocked path."""

from __future__ import annotations

import os
import socket
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsmon.config import Settings
from newsmon.stack import StackError, up
from newsmon.stack.elasticsearch import missing_search_permission
from newsmon.stack.maven import extract_zip, find_mvn


@pytest.fixture
def taken_port() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_up_refuses_a_kafka_port_held_by_another_process(tmp_path: Path, taken_port: int) -> None:
    settings = Settings(
        state_dir=tmp_path,
        kafka_bootstrap=f"127.0.0.1:{taken_port}",
        es_url=f"http://127.0.0.1:{_free_port()}",
    )
    with pytest.raises(StackError) as caught:
        up(settings, echo=lambda _line: None)
    message = str(caught.value)
    assert f"127.0.0.1:{taken_port}" in message
    assert f"pid {os.getpid()}" in message
    assert "NEWSMON_KAFKA_BOOTSTRAP" in message


def test_up_refuses_an_elasticsearch_port_held_by_another_process(tmp_path: Path, taken_port: int) -> None:
    kafka_port = _free_port()
    settings = Settings(
        state_dir=tmp_path, kafka_bootstrap=f"127.0.0.1:{kafka_port}", es_url=f"http://127.0.0.1:{taken_port}"
    )
    # The Kafka ports must be free for the check to reach Elasticsearch.
    for port in (kafka_port, kafka_port + 1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                pytest.fail(f"picked a Kafka test port ({port}) that is in use; rerun")
    with pytest.raises(StackError) as caught:
        up(settings, echo=lambda _line: None)
    assert f"127.0.0.1:{taken_port}" in str(caught.value)
    assert "NEWSMON_ES_URL" in str(caught.value)


def test_up_refuses_an_https_url(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="plain http"):
        up(Settings(state_dir=tmp_path, es_url="https://search.example:9200"), echo=lambda _line: None)


def test_no_maven_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(StackError, match="apt-get install maven"):
        find_mvn()


def test_extract_zip_sets_modes_and_drops_the_top_folder(tmp_path: Path) -> None:
    archive = tmp_path / "dist.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        script = zipfile.ZipInfo("dist-1.0/bin/run")
        script.external_attr = (stat.S_IFREG | 0o755) << 16
        zipped.writestr(script, "#!/bin/sh\n")
        plain = zipfile.ZipInfo("dist-1.0/lib/a.jar")
        plain.external_attr = (stat.S_IFREG | 0o600) << 16
        zipped.writestr(plain, "jar")
    target = tmp_path / "home"
    extract_zip(archive, target, "dist-1.0")
    assert stat.S_IMODE((target / "bin" / "run").stat().st_mode) == 0o755
    assert stat.S_IMODE((target / "lib" / "a.jar").stat().st_mode) == 0o644  # readable by the server's user
    assert stat.S_IMODE((target / "lib").stat().st_mode) == 0o755
    assert not (tmp_path / "home.partial").exists()


def test_extract_zip_refuses_entries_outside_the_top_folder(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("dist-1.0/../../escape", "x")
    with pytest.raises(StackError, match="unsafe path"):
        extract_zip(archive, tmp_path / "home", "dist-1.0")


def test_missing_search_permission_finds_closed_folders(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    inner = closed / "inner"
    inner.mkdir(parents=True)
    closed.chmod(0o700)
    inner.chmod(0o755)
    try:
        blocked = missing_search_permission(inner)
        assert closed in blocked
        assert inner not in blocked
    finally:
        closed.chmod(0o755)
