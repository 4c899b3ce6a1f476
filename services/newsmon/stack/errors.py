"""The one exception of the local stack, and the log excerpt every failure message carries."""

from __future__ import annotations

from collections import deque
from pathlib import Path


class StackError(RuntimeError):
    """The local stack could not do what was asked. The message says what to do next."""


def tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file, or a note that it is missing: failure messages quote it."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            last = deque(handle, maxlen=lines)
    except OSError:
        return f"({path} does not exist yet)"
    text = "".join(last).rstrip()
    return text or f"({path} is empty)"


def with_log(message: str, log: Path, lines: int = 15) -> StackError:
    """A StackError that names the log to read and quotes its last lines."""
    return StackError(f"{message}\nRead {log}; its last lines:\n{tail(log, lines)}")
