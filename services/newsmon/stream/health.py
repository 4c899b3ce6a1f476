"""What the worker knows about its own health, for ``/healthz``, ``/readyz`` and ``newsmon status``."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from newsmon import PIPELINE_VERSION, __version__


@dataclass
class Health:
    """Mutable health state, updated by the stages as they run (single event loop: no locks)."""

    started_at: float = field(default_factory=time.time)
    model_ready: bool = False
    degraded_reason: str | None = None
    degraded_since: float | None = None
    last_batch_at: float | None = None
    recent_errors: deque = field(default_factory=lambda: deque(maxlen=20))

    def degraded(self, reason: str) -> None:
        if self.degraded_reason is None:
            self.degraded_since = time.time()
        self.degraded_reason = reason
        self.error(reason)

    def recovered(self) -> None:
        self.degraded_reason = None
        self.degraded_since = None

    def error(self, message: str) -> None:
        self.recent_errors.append({"at": time.time(), "error": message})

    @property
    def status(self) -> str:
        if not self.model_ready:
            return "starting"
        return "degraded" if self.degraded_reason else "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "version": __version__,
            "pipeline_version": PIPELINE_VERSION,
            "degraded_reason": self.degraded_reason,
            "degraded_since": self.degraded_since,
            "uptime_s": round(time.time() - self.started_at, 1),
            "last_batch_at": self.last_batch_at,
            "recent_errors": list(self.recent_errors),
        }
