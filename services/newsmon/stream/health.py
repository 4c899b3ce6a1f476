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
    # The stage a held batch is stuck in and the first message of that batch (topic, partition, offset, key).
    stuck_stage: str | None = None
    stuck_message: dict | None = None
    retries: int = 0
    last_dead_letter: dict | None = None

    def degraded(self, reason: str, *, stage: str | None = None, message: dict | None = None) -> None:
        if self.degraded_reason is None:
            self.degraded_since = time.time()
            self.retries = 0
        self.retries += 1
        if self.degraded_reason != reason:
            self.error(reason, message)
        self.degraded_reason = reason
        self.stuck_stage, self.stuck_message = stage, message

    def recovered(self) -> None:
        self.degraded_reason = None
        self.degraded_since = None
        self.stuck_stage = self.stuck_message = None
        self.retries = 0

    def error(self, message: str, where: dict | None = None) -> None:
        entry = {"at": time.time(), "error": message}
        if where:
            entry["message"] = where
        self.recent_errors.append(entry)

    def dead_letter(self, stage: str, where: dict, reason: str) -> None:
        self.last_dead_letter = {"at": time.time(), "stage": stage, "message": where, "reason": reason}

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
            "stuck": None if self.degraded_reason is None else {
                "stage": self.stuck_stage, "message": self.stuck_message, "retries": self.retries,
                "reason": self.degraded_reason,
            },
            "last_dead_letter": self.last_dead_letter,
            "uptime_s": round(time.time() - self.started_at, 1),
            "last_batch_at": self.last_batch_at,
            "recent_errors": list(self.recent_errors),
        }
