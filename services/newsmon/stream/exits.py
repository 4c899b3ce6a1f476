"""Why a worker stopped, kept where ``newsmon status`` and ``make run`` can read it after the process is gone.

A worker that exits on a fatal error writes one small JSON file under the state folder
(``run/worker-<instance>.exit.json``): when, which pid, and the reason in one sentence. A worker
that starts and becomes ready removes it, so the file always describes the last run that ended
badly and is not older than the running one.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from newsmon.config import Settings


def exit_path(settings: Settings) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in settings.group_instance_id)
    return settings.state_dir / "run" / f"worker-{safe}.exit.json"


def record_exit(settings: Settings, reason: str) -> None:
    """Write the reason the worker is stopping (best effort: a read-only state folder costs only this)."""
    from newsmon.ops.redact import redact

    path = exit_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"at": time.time(), "pid": os.getpid(), "reason": redact(reason)[:2000]}))
    except OSError:
        pass


def clear_exit(settings: Settings) -> None:
    try:
        exit_path(settings).unlink()
    except OSError:
        pass


def last_exit(settings: Settings) -> dict[str, Any] | None:
    """The last fatal exit of this worker, or None."""
    try:
        data = json.loads(exit_path(settings).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("reason") else None
