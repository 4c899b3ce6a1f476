"""Pid files, port checks and stops, against real sockets and real child processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsmon.stack import processes


@pytest.fixture
def listening_socket() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server
    server.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_port_owner_names_the_process_holding_the_port(listening_socket: socket.socket) -> None:
    port = listening_socket.getsockname()[1]
    owner = processes.port_owner("127.0.0.1", port)
    assert owner is not None
    assert owner.port == port
    assert owner.pid == os.getpid()
    assert owner.name  # "python" or "pytest", depending on how the tests were started
    assert str(os.getpid()) in owner.describe()


def test_a_free_port_has_no_owner() -> None:
    assert processes.port_owner("127.0.0.1", _free_port()) is None
    assert not processes.port_open("127.0.0.1", _free_port())


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1:9092", ("127.0.0.1", 9092)),
        ("localhost:19092,other:9092", ("localhost", 19092)),
        ("[::1]:9092", ("::1", 9092)),
        ("PLAINTEXT://127.0.0.1:9092", ("127.0.0.1", 9092)),
    ],
)
def test_split_host_port(address: str, expected: tuple[str, int]) -> None:
    assert processes.split_host_port(address) == expected


def test_split_host_port_rejects_a_missing_port() -> None:
    with pytest.raises(ValueError):
        processes.split_host_port("127.0.0.1")


def test_pid_file_round_trip(tmp_path: Path) -> None:
    pid_file = tmp_path / "run" / "x.pid"
    assert processes.read_pid(pid_file) is None
    processes.write_pid(pid_file, 4242)
    assert processes.read_pid(pid_file) == 4242
    pid_file.write_text("garbage\n")
    assert processes.read_pid(pid_file) is None


def test_a_pid_that_is_not_ours_is_refused_and_its_file_removed(tmp_path: Path) -> None:
    marker = f"{tmp_path}{os.sep}"
    pid_file = tmp_path / "run" / "kafka.pid"
    # This test process is alive, but its command line does not mention the state folder.
    processes.write_pid(pid_file, os.getpid())
    assert not processes.is_ours(os.getpid(), marker)
    assert processes.our_pid(pid_file, marker) is None
    assert not pid_file.exists()


def test_a_dead_pid_is_refused(tmp_path: Path) -> None:
    pid_file = tmp_path / "x.pid"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    processes.write_pid(pid_file, dead.pid)
    assert processes.our_pid(pid_file, str(tmp_path)) is None


def test_a_sibling_state_folder_is_not_ours(tmp_path: Path) -> None:
    """/tmp/nm is a prefix of /tmp/nm-fresh: the marker must end with a separator."""
    ours, sibling = tmp_path / "nm", tmp_path / "nm-fresh"
    sibling.mkdir()
    log = tmp_path / "child.log"
    child = processes.start_detached(
        [sys.executable, "-c", "import time; print('hello', flush=True); time.sleep(60)", str(sibling / "server.properties")],
        env=os.environ,
        cwd=tmp_path,
        log=log,
    )
    # as in test_start_detached_then_stop_our_own_process: until the child has exec'd, /proc shows the
    # forked parent's command line; its first output comes after the exec (a clean-clone run failed here once)
    for _ in range(200):
        if "hello" in log.read_text():
            break
        time.sleep(0.05)
    try:
        assert processes.is_ours(child.pid, f"{sibling}{os.sep}")
        assert not processes.is_ours(child.pid, f"{ours}{os.sep}")
    finally:
        child.kill()
        child.wait()


def test_start_detached_then_stop_our_own_process(tmp_path: Path) -> None:
    marker = f"{tmp_path}{os.sep}"
    log = tmp_path / "logs" / "child.log"
    child = processes.start_detached(
        [sys.executable, "-c", "import sys, time; print('hello', flush=True); time.sleep(60)", str(tmp_path / "cfg")],
        env=os.environ,
        cwd=tmp_path,
        log=log,
    )
    # Until the child has exec'd, /proc shows the forked parent's command line (without the
    # marker): wait for its first line of output, which comes after the exec.
    for _ in range(200):
        if log.exists() and "hello" in log.read_text():
            break
        time.sleep(0.05)
    pid_file = tmp_path / "run" / "child.pid"
    processes.write_pid(pid_file, child.pid)
    assert processes.our_pid(pid_file, marker) == child.pid
    assert os.getsid(child.pid) == child.pid  # its own session: a Ctrl-C to us does not reach it
    assert processes.stop(child.pid, grace_s=10) is True
    assert not processes.alive(child.pid)
    assert processes.our_pid(pid_file, marker) is None
    assert "starting:" in log.read_text()


def test_stop_kills_a_process_that_ignores_term(tmp_path: Path) -> None:
    code = "import signal, time, sys; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    child = processes.start_detached([sys.executable, "-c", code], env=os.environ, cwd=tmp_path, log=tmp_path / "c.log")
    # wait until the handler is installed
    for _ in range(200):
        if "\nready\n" in (tmp_path / "c.log").read_text():
            break
        time.sleep(0.05)
    assert processes.stop(child.pid, grace_s=0.5) is False
    assert not processes.alive(child.pid)


def test_the_lock_can_be_taken_twice_in_a_row(tmp_path: Path) -> None:
    with processes.locked(tmp_path / "run" / "stack.lock"):
        pass
    with processes.locked(tmp_path / "run" / "stack.lock"):
        pass
