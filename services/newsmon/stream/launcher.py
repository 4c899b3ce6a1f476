"""Starting a worker in the background and waiting until it is ready, for ``newsmon demo`` and the tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from newsmon.config import Settings


class WorkerNotReady(RuntimeError):
    """The worker did not become ready in time; the message quotes its log."""


def worker_url(settings: Settings) -> str:
    host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(settings.web_host, settings.web_host)  # a wildcard bind is reached locally
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.web_port}"


def api_headers(settings: Settings) -> dict[str, str]:
    """What a client of the worker's API sends: the key from ``NEWSMON_API_TOKEN`` when one is set."""
    return {"Authorization": f"Bearer {settings.api_token.get_secret_value()}"} if settings.api_token else {}


def probe(settings: Settings, path: str = "/readyz", timeout: float = 2.0) -> tuple[int, dict] | None:
    """(status, body) of a worker endpoint, or None when nothing answers."""
    request = urllib.request.Request(worker_url(settings) + path, headers=api_headers(settings))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}
    except (OSError, ValueError):
        return None


def start_worker(settings: Settings, log_path: Path, extra_args: list[str] | None = None) -> subprocess.Popen:
    """Run ``newsmon worker`` detached from the terminal, logging to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **settings.as_env()}
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "newsmon.cli.main", "worker", *(extra_args or [])],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )


# The background worker of `newsmon demo` / `make run`: a pid file and a log under the state folder.
WORKER_MARKER = "newsmon.cli.main"


def background_paths(settings: Settings) -> tuple[Path, Path]:
    """(pid file, log file) of the background worker."""
    return settings.state_dir / "run" / "worker.pid", settings.state_dir / "logs" / "worker.log"


def background_worker_pid(settings: Settings) -> int | None:
    """The pid of the background worker, if it runs (a stale or foreign pid does not count)."""
    from newsmon.stack import processes

    return processes.our_pid(background_paths(settings)[0], WORKER_MARKER)


def start_background_worker(settings: Settings) -> subprocess.Popen:
    from newsmon.stack import processes

    pid_path, log_path = background_paths(settings)
    process = start_worker(settings, log_path)
    processes.write_pid(pid_path, process.pid)
    return process


def stop_background_worker(settings: Settings, grace_s: float = 30) -> bool:
    """Stop the background worker (TERM, then KILL after ``grace_s``). True if one was running."""
    from newsmon.stack import processes

    pid_path = background_paths(settings)[0]
    pid = background_worker_pid(settings)
    if pid is not None:
        processes.stop(pid, grace_s)
    processes.remove_pid(pid_path)
    return pid is not None


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until_ready(settings: Settings, process: subprocess.Popen | None, log_path: Path, timeout: float = 180) -> dict:
    """Poll ``/readyz`` until it says ready; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise WorkerNotReady(f"the worker exited with status {process.returncode}; last lines of {log_path}:\n{tail(log_path)}")
        answer = probe(settings)
        if answer is not None and answer[0] == 200:
            return answer[1]
        time.sleep(0.5)
    raise WorkerNotReady(f"the worker was not ready after {timeout:.0f}s; last lines of {log_path}:\n{tail(log_path)}")
