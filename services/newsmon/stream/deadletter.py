"""Dead letters: messages newsmon could not process, with the reason, on ``news.articles.dlq``.

A dead letter keeps the original bytes (as text when they are UTF-8, else base64) and
where they came from, so an operator can fix and re-publish them. Writing one is part of
processing its message: the source offset is committed only once the dead letter is in Kafka.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timezone

# Enough of a huge bad message to see what it was, without a 20 MB dead letter.
MAX_KEPT_BYTES = 64 * 1024


@dataclass(frozen=True)
class SourceMessage:
    """A message as it came off ``news.articles``."""

    key: bytes | None
    value: bytes | None
    topic: str
    partition: int
    offset: int
    timestamp: int | None = None  # ms, as the producer (or the broker) stamped it; orders versions of an article

    def where(self) -> str:
        """``topic[partition]@offset key=...``, for logs and health."""
        key = self.key.decode("utf-8", "replace")[:80] if self.key else None
        return f"{self.topic}[{self.partition}]@{self.offset}" + (f" key={key!r}" if key else "")

    def describe(self) -> dict:
        return {"topic": self.topic, "partition": self.partition, "offset": self.offset,
                "key": self.key.decode("utf-8", "replace")[:200] if self.key else None}


@dataclass(frozen=True)
class DeadLetter:
    message: SourceMessage
    stage: str  # decode, prepare, enrich, story, index, publish, alert
    reason: str

    def to_json(self) -> bytes:
        raw = self.message.value or b""
        kept = raw[:MAX_KEPT_BYTES]
        try:
            value, encoding = kept.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            value, encoding = base64.b64encode(kept).decode("ascii"), "base64"
        record = {
            "reason": self.reason,
            "stage": self.stage,
            "failed_at": datetime.now(timezone.utc).isoformat(),
            "source": {"topic": self.message.topic, "partition": self.message.partition, "offset": self.message.offset},
            "key": self.message.key.decode("utf-8", "replace") if self.message.key else None,
            "value": value,
            "value_encoding": encoding,
            "value_bytes": len(raw),
            "value_truncated": len(raw) > MAX_KEPT_BYTES,
        }
        return json.dumps(record, ensure_ascii=False).encode("utf-8")
