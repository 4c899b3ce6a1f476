"""Pid files, port checks, detached starts and careful stops.

A pid file alone is not proof: pids are reused, and after a reboot ``run/kafka.pid`` may name some
unrelated process. So a pid counts as ours only while that process is alive and its command line
mentions our state folder (every server we start is given paths inside it). ``down`` signals nothing
else, and a port held by anything else is reported, never taken over or killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import os
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

# Servers started by this Python process. Holding the Popen objects keeps them from being garbage
# collected while the server still runs (which warns), and lets us reap one that died young, so a
# zombie is never mistaken for a live server.
_children: list[subprocess.Popen] = []


@dataclass(frozen=True)
class RunAs:
    """An account to start a server as (only used when newsmon runs as root)."""

    name: str
    uid: int
    gid: int


@dataclass(frozen=True)
class PortOwner:
    """Who listens on a port, as far as psutil can tell (pid and name may be unknown)."""

    port: int
    pid: int | None
    name: str | None

    def describe(self) -> str:
        if self.pid is None:
            return "another process (psutil cannot see which; try `ss -ltnp`)"
        return f"pid {self.pid} ({self.name or 'unknown'})"


# --- pid files


def read_pid(path: Path) -> int | None:
    """The pid stored in ``path``, or None when the file is missing or does not hold a number."""
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def write_pid(path: Path, pid: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{pid}\n")
    temporary.replace(path)


def remove_pid(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _reap() -> None:
    for child in list(_children):
        if child.poll() is not None:
            _children.remove(child)


def is_ours(pid: int, marker: str) -> bool:
    """True when ``pid`` is a live process whose command line mentions ``marker`` (our state folder)."""
    _reap()
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return any(marker in arg for arg in process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def our_pid(path: Path, marker: str) -> int | None:
    """The pid in ``path`` if it is still our server; a stale or foreign pid file is deleted."""
    pid = read_pid(path)
    if pid is None:
        return None
    if is_ours(pid, marker):
        return pid
    remove_pid(path)
    return None


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` so two ``up``/``down`` runs do not interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- ports


def split_host_port(address: str) -> tuple[str, int]:
    """``host:port`` (or ``[v6]:port``) into its parts; the first entry of a comma list."""
    first = address.split(",")[0].strip()
    if "://" in first:
        first = first.split("://", 1)[1]
    host, sep, port = first.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"{address!r} is not host:port")
    return host.strip("[]") or "127.0.0.1", int(port)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _covers(listening_ip: str, host: str) -> bool:
    if listening_ip == host:
        return True
    try:
        return ipaddress.ip_address(listening_ip).is_unspecified
    except ValueError:
        return False


def port_owner(host: str, port: int) -> PortOwner | None:
    """Who listens on host:port, or None when nothing does."""
    if not port_open(host, port):
        return None
    try:
        resolved = socket.gethostbyname(host)
    except OSError:
        resolved = host
    try:
        connections = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, OSError):
        connections = []
    for conn in connections:
        if conn.status != psutil.CONN_LISTEN or not conn.laddr or conn.laddr.port != port:
            continue
        if not _covers(conn.laddr.ip, resolved) and not _covers(conn.laddr.ip, host):
            continue
        name = None
        if conn.pid is not None:
            with contextlib.suppress(psutil.Error):
                name = psutil.Process(conn.pid).name()
        return PortOwner(port, conn.pid, name)
    return PortOwner(port, None, None)


# --- starting and stopping


def start_detached(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    run_as: RunAs | None = None,
) -> subprocess.Popen:
    """Start ``argv`` in its own session, stdout and stderr appended to ``log``, stdin closed.

    Its own session means a Ctrl-C in the terminal that ran ``newsmon stack up`` does not reach the
    server, and the server outlives us. With ``run_as`` the process drops to that account first.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(argv)}\n".encode())
        out.flush()
        extra = {}
        if run_as is not None:
            extra = {"user": run_as.uid, "group": run_as.gid, "extra_groups": []}
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            **extra,
        )
    _children.append(process)
    return process


def alive(pid: int) -> bool:
    _reap()
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def stop(pid: int, grace_s: float) -> bool:
    """TERM, then KILL after ``grace_s`` seconds. True when it stopped cleanly (no KILL needed).

    Raises PermissionError when the process belongs to someone we may not signal.
    """
    try:
        process = psutil.Process(pid)
        process.terminate()
    except psutil.NoSuchProcess:
        return True
    except psutil.AccessDenied as exc:
        raise PermissionError(f"not allowed to stop pid {pid}") from exc
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.2)
    with contextlib.suppress(psutil.NoSuchProcess):
        process.kill()
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return False


def running_as_root() -> bool:
    return os.geteuid() == 0
