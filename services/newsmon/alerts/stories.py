"""Stories: near-duplicate articles (syndicated copies, re-publications with small edits) share a ``story_id``.

Each article gets a MinHash signature of its word 5-shingles (computed with the extraction,
in the worker processes). A locality-sensitive hash index of the signatures seen in the
last ``story_window_hours`` finds earlier articles whose estimated Jaccard similarity is at
least ``story_similarity``; the new article joins the story of the most similar one, or
starts a story of its own (``story_id`` = its id). Assignments are published to
``news.stories`` and every worker replays that topic at start, so a restart or a second
worker does not forget which stories exist.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one scheme
SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {w.encode() for w in words}
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(title: str | None, body: str) -> list[int]:
    """The MinHash signature of an article's text, as plain ints (it crosses process boundaries)."""
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(list(shingles(f"{title or ''}\n{body}")))
    return [int(v) for v in minhash.hashvalues]


def _minhash(values: list[int]) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.array(values, dtype=np.uint64), scheme=SCHEME)


@dataclass(frozen=True)
class StoryRecord:
    article_id: str
    story_id: str
    signature: list[int]
    seen_at: float

    def to_json(self) -> bytes:
        return json.dumps({"article_id": self.article_id, "story_id": self.story_id,
                           "signature": self.signature, "seen_at": self.seen_at}).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "StoryRecord":
        data = json.loads(raw)
        return cls(data["article_id"], data["story_id"], list(data["signature"]), float(data["seen_at"]))


class StoryIndex:
    """Recent articles by signature; answers "which story is this article part of?"."""

    def __init__(self, similarity: float = 0.7, window_hours: float = 48.0):
        self.similarity = similarity
        self.window_s = window_hours * 3600
        self._lsh = MinHashLSH(threshold=similarity, num_perm=NUM_PERM)
        self._known: dict[str, tuple[str, MinHash]] = {}  # article id -> (story id, minhash)
        self._order: deque[tuple[float, str]] = deque()  # (seen_at, article id), oldest first

    def __len__(self) -> int:
        return len(self._known)

    def story_of(self, article_id: str) -> str | None:
        known = self._known.get(article_id)
        return known[0] if known else None

    def assign(self, article_id: str, values: list[int], now: float | None = None) -> StoryRecord:
        """The story of an article: the one it was given before, else that of its closest recent copy, else its own."""
        now = time.time() if now is None else now
        self._expire(now)
        known = self.story_of(article_id)
        if known is not None:
            return StoryRecord(article_id, known, values, now)
        minhash = _minhash(values)
        best: tuple[float, str] | None = None
        for candidate in self._lsh.query(minhash):
            story_id, other = self._known[candidate]
            score = minhash.jaccard(other)
            if score >= self.similarity and (best is None or score > best[0]):
                best = (score, story_id)
        record = StoryRecord(article_id, best[1] if best else article_id, values, now)
        self.remember(record, now)
        return record

    def remember(self, record: StoryRecord, now: float | None = None) -> None:
        """Add an assignment (ours, or replayed from ``news.stories``); known and expired ones are left out."""
        now = time.time() if now is None else now
        if record.article_id in self._known or now - record.seen_at > self.window_s:
            return
        minhash = _minhash(record.signature)
        self._known[record.article_id] = (record.story_id, minhash)
        self._lsh.insert(record.article_id, minhash)
        self._order.append((record.seen_at, record.article_id))

    def _expire(self, now: float) -> None:
        while self._order and now - self._order[0][0] > self.window_s:
            _, article_id = self._order.popleft()
            if self._known.pop(article_id, None) is not None:
                self._lsh.remove(article_id)
