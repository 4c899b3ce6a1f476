"""Log output an operator can read during an outage: one line per peer problem per interval, with a count.

When Kafka or Elasticsearch goes away, their client libraries log the same error for every
retry, thousands of lines a second, which buries the one line that matters and costs a core.
:class:`RateLimit` lets the first record of each kind (logger, level, message template)
through, drops the repeats for ``interval_s``, and adds to the next one that gets through how
many were dropped. Only the noisy third-party loggers (and newsmon records marked
``extra={"rate_limited": True}``) are limited: newsmon's own lines, one per dead letter or
delivery, always pass.
"""

from __future__ import annotations

import logging
import time

NOISY = ("aiokafka", "kafka", "faust", "mode", "elastic_transport", "elasticsearch", "httpx", "httpcore", "asyncio", "aiohttp")


class RateLimit(logging.Filter):
    def __init__(self, interval_s: float = 10.0, prefixes: tuple[str, ...] = NOISY):
        super().__init__()
        self.interval_s = interval_s
        self.prefixes = prefixes
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}  # key -> (window start, dropped)

    def _limited(self, record: logging.LogRecord) -> bool:
        if getattr(record, "rate_limited", False):
            return True
        name = record.name
        return any(name == p or name.startswith(p + ".") for p in self.prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not self._limited(record):
            return True
        key = (record.name, record.levelno, str(record.msg)[:200])
        now = time.monotonic()
        start, dropped = self._seen.get(key, (None, 0))
        if start is not None and now - start < self.interval_s:
            self._seen[key] = (start, dropped + 1)
            return False
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if dropped:
            record.msg = f"{record.msg} [and {dropped} more like this in the last {self.interval_s:.0f}s]"
        if record.exc_info and dropped:
            record.exc_info = None  # the traceback was shown the first time
        return True


def install(root: logging.Logger | None = None, interval_s: float = 10.0) -> RateLimit:
    """Add one rate limit to every handler of the root logger, then the redaction of secrets to every
    handler there is (call after logging is configured). The rate limit goes first: it keys on the
    message template, which redaction replaces by the formatted message when it masks something."""
    from .redact import install_filter

    root = root or logging.getLogger()
    limit = RateLimit(interval_s)
    for handler in root.handlers:
        handler.addFilter(limit)
    install_filter(root)
    return limit
