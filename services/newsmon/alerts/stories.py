"""Stories: near-duplicate articles (syndicated copies, re-publications with small edits) share a ``story_id``.

Each article gets a MinHash signature of the word 5-shingles of its body, without dateline and
boilerplate lines (computed with the extraction, in the worker processes; :data:`CURRENT`). A
locality-sensitive hash index of the signatures seen in the last ``story_window_hours`` finds
earlier articles whose estimated overlap (shared shingles over those of the smaller article) is
at least ``story_similarity``; the new article joins the story of the most similar one, or
starts a story of its own (``story_id`` = its id). Assignments are published to
``news.stories`` and every worker replays that topic at start, so a restart or a second
worker does not forget which stories exist.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash


@dataclass(frozen=True)
class Scheme:
    """How signatures are made and compared. Stored records carry the version: records of another
    version (another shingling, another length) are never compared with this one's.

    Measured on the labelled pairs of ``data/eval/stories`` (``newsmon eval --stories``; docs/alerts.md).
    """

    version: int
    shingle_words: int
    num_perm: int
    bands: int  # locality-sensitive hashing: two articles are compared when one band of ``rows`` values is equal
    rows: int
    clean: bool  # leave out the title, the dateline or credit line and boilerplate lines before shingling
    measure: str  # "jaccard" (shared shingles over all) or "overlap" (shared shingles over the smaller article's)


# Version 1: word 5-shingles of title and body, estimated Jaccard. Kept to score it beside the current one.
LEGACY = Scheme(version=1, shingle_words=5, num_perm=64, bands=8, rows=8, clean=False, measure="jaccard")
# Version 2, tuned on the dev pairs: the title, dateline and boilerplate lines left out (a copy's new title,
# credit line and "Read more" links are not the story), 128 permutations (half the estimation noise of 64),
# 32 bands of 4 rows (a pair sharing 60% of its shingles is a candidate 99 times in 100, 50%: 87; with
# version 1's 8 bands of 8 rows, 70% of shingles shared gave 38), and the overlap measure, so a trimmed
# copy or one with an added paragraph still counts as the same story.
CURRENT = Scheme(version=2, shingle_words=5, num_perm=128, bands=32, rows=4, clean=True, measure="overlap")
# Below this many shingles in the smaller article, overlap is too easily reached (a two-line brief inside
# any long report): such pairs are compared by Jaccard similarity instead.
MIN_OVERLAP_SHINGLES = 50
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one scheme
_WORD = re.compile(r"\w+", re.UNICODE)
# A paragraph that is site furniture rather than the story: short lines (headers, link lists, "Read more:"),
# and lines of under 30 words that open with a link-list heading or carry a usual boilerplate marker.
_SHORT_LINE_WORDS, _FURNITURE_WORDS = 8, 30
_BOILERPLATE = re.compile(
    r"^\W*(?:read more|related|follow|share)\b|copyright|©|\(c\) \d|all rights reserved|newsletter|sign up|"
    r"subscri|on social media|reporting by|editing by|advertisement",
    re.IGNORECASE,
)
# A dateline or credit line opening the first paragraph: "PORT ELLISON, March 3 (Northwire) -",
# "Port Ellison, March 3 -- By Northwire staff --".
_DATELINE = re.compile(r"^(?:[^.!?\n]{0,60}?)(?:\([^)\n]{1,30}\)\s*)?(?:--|-|\u2014|\u2013)\s+(?:By [^-\n]{1,40}(?:--|-)\s+)?")


def story_text(title: str | None, body: str, scheme: Scheme = CURRENT) -> str:
    """The text a signature is made of: with ``scheme.clean``, the body without its dateline and boilerplate."""
    if not scheme.clean:
        return f"{title or ''}\n{body}"
    kept = [line for line in re.split(r"\n\s*\n|\n", body) if _is_story_line(line)]
    if kept:
        kept[0] = _DATELINE.sub("", kept[0], count=1)
    return "\n".join(kept) or body


def _is_story_line(line: str) -> bool:
    words = len(_WORD.findall(line))
    return words >= _SHORT_LINE_WORDS and not (words < _FURNITURE_WORDS and _BOILERPLATE.search(line))


def shingles(text: str, words_per_shingle: int = CURRENT.shingle_words) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < words_per_shingle:
        return {w.encode() for w in words}
    return {" ".join(words[i : i + words_per_shingle]).encode() for i in range(len(words) - words_per_shingle + 1)}


def signature(title: str | None, body: str, scheme: Scheme = CURRENT) -> list[int]:
    """The MinHash signature of an article's text, as plain ints (it crosses process boundaries).

    ``scheme.num_perm`` MinHash values, then (from version 2) the number of distinct shingles,
    which the overlap measure needs.
    """
    minhash = MinHash(num_perm=scheme.num_perm, scheme=SCHEME)
    grams = shingles(story_text(title, body, scheme), scheme.shingle_words)
    minhash.update_batch(list(grams))
    values = [int(v) for v in minhash.hashvalues]
    return values if scheme.version == 1 else [*values, len(grams)]


def similarity(first: list[int], second: list[int], scheme: Scheme = CURRENT) -> float:
    """The estimated similarity of two signatures under ``scheme.measure``."""
    a, b = np.asarray(first, dtype=np.uint64), np.asarray(second, dtype=np.uint64)
    return float(_scores(a[None, :], b, scheme)[0])


def _scores(candidates: np.ndarray, sig: np.ndarray, scheme: Scheme) -> np.ndarray:
    """Similarity of each row of ``candidates`` to ``sig`` (rows and sig in the stored layout)."""
    n = scheme.num_perm
    jaccard = (candidates[:, :n] == sig[:n]).mean(axis=1)
    if scheme.measure == "jaccard":
        return jaccard
    # |A & B| = J (|A| + |B|) / (1 + J); the overlap is that over the smaller set (Broder's containment)
    sizes = candidates[:, n].astype(np.float64)
    size = float(sig[n])
    smaller = np.minimum(sizes, size)
    shared = jaccard * (sizes + size) / (1.0 + jaccard)
    overlap = np.minimum(1.0, shared / np.maximum(1.0, smaller))
    return np.where(smaller >= MIN_OVERLAP_SHINGLES, overlap, jaccard)


@dataclass(frozen=True)
class StoryRecord:
    article_id: str
    story_id: str
    signature: list[int]
    seen_at: float
    version: int = CURRENT.version  # the Scheme the signature was made with; records before version 2 have none

    def to_json(self) -> bytes:
        return json.dumps({"article_id": self.article_id, "story_id": self.story_id, "signature": self.signature,
                           "seen_at": self.seen_at, "version": self.version}).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "StoryRecord":
        data = json.loads(raw)
        return cls(data["article_id"], data["story_id"], list(data["signature"]), float(data["seen_at"]),
                   int(data.get("version", 1)))


class StoryIndex:
    """Recent articles by signature; answers "which story is this article part of?".

    Memory is bounded by ``capacity`` articles, whatever the throughput: signatures live in a
    fixed ring of numpy arrays (129 x 4 bytes each under :data:`CURRENT`: 128 values and the shingle
    count, plus 32 band keys of 8 bytes), the oldest entry is overwritten when the ring is full, and
    entries older than the window are ignored and dropped. At the default 100,000 articles the arrays
    hold about 111 MB (``memory_bytes``; version 1's 64 values and 8 bands held about 40 MB), where the
    datasketch index they replaced held about 5 KB per article with no bound but time.

    Candidates are found by locality-sensitive hashing (a band of ``scheme.rows`` values equal in
    both signatures), then scored by the scheme's measure (estimated from the share of equal
    MinHash values); the best candidate at or above ``similarity`` gives the story.
    """

    def __init__(self, similarity: float = 0.7, window_hours: float = 48.0, capacity: int = 100_000,
                 scheme: Scheme = CURRENT):
        self.similarity = similarity
        self.window_s = window_hours * 3600
        self.capacity = capacity
        self.scheme = scheme
        self.width = scheme.num_perm + (0 if scheme.version == 1 else 1)  # values, then the shingle count
        self._sigs = np.zeros((capacity, self.width), dtype=np.uint32)
        self._bands = np.zeros((capacity, scheme.bands), dtype=np.int64)
        self._seen = np.full(capacity, -np.inf)  # seen_at per slot; -inf: empty
        self._ids: list[str | None] = [None] * capacity
        self._stories: list[str | None] = [None] * capacity
        self._slot: dict[str, int] = {}  # article id -> slot
        self._tables = [_BandTable(capacity) for _ in range(scheme.bands)]  # band key -> newest slot holding it
        self._next = 0  # the slot written next
        self._oldest = 0  # the oldest occupied slot (== _next when the ring is empty or full)

    def __len__(self) -> int:
        return len(self._slot)

    @property
    def memory_bytes(self) -> int:
        """What the arrays hold (the id strings and the id map come on top: about 200 bytes an article)."""
        return self._sigs.nbytes + self._bands.nbytes + self._seen.nbytes + sum(t.nbytes for t in self._tables)

    def story_of(self, article_id: str) -> str | None:
        slot = self._slot.get(article_id)
        return self._stories[slot] if slot is not None else None

    def assign(self, article_id: str, values: list[int], now: float | None = None) -> StoryRecord:
        """The story of an article: the one it was given before, else that of its closest recent copy, else its own."""
        now = time.time() if now is None else now
        self._expire(now)
        known = self.story_of(article_id)
        if known is not None:
            return StoryRecord(article_id, known, values, now, self.scheme.version)
        sig = np.asarray(values, dtype=np.uint32)
        bands = _band_keys(sig, self.scheme)
        found = {slot for band, table in enumerate(self._tables) if (slot := table.find(int(bands[band]), self._bands[:, band])) >= 0}
        candidates = np.array([c for c in found if self._seen[c] >= now - self.window_s], dtype=np.int64)
        story = article_id
        if candidates.size:
            scores = _scores(self._sigs[candidates], sig, self.scheme)
            best = int(np.argmax(scores))
            if scores[best] >= self.similarity:
                story = self._stories[int(candidates[best])] or article_id
        record = StoryRecord(article_id, story, values, now, self.scheme.version)
        self.remember(record, now)
        return record

    def remember(self, record: StoryRecord, now: float | None = None) -> None:
        """Add an assignment (ours, or replayed from ``news.stories``); known and expired ones are left out, and so
        are records of another signature version (they cannot be compared: a one-time break, docs/alerts.md)."""
        now = time.time() if now is None else now
        if (record.article_id in self._slot or now - record.seen_at > self.window_s
                or record.version != self.scheme.version or len(record.signature) != self.width):
            return
        slot = self._next
        evicted = self._ids[slot]
        if evicted is not None:  # the ring is full: the oldest entry makes room
            self._drop(slot)
            self._oldest = (slot + 1) % self.capacity
        sig = np.asarray(record.signature, dtype=np.uint32)
        self._sigs[slot] = sig
        self._bands[slot] = _band_keys(sig, self.scheme)
        for band, table in enumerate(self._tables):
            table.put(int(self._bands[slot, band]), slot, self._bands[:, band])
        self._seen[slot] = record.seen_at
        self._ids[slot] = record.article_id
        self._stories[slot] = record.story_id
        self._slot[record.article_id] = slot
        self._next = (slot + 1) % self.capacity

    def _expire(self, now: float) -> None:
        """Drop entries older than the window, oldest first (their slots are reused in ring order)."""
        while self._slot:
            slot = self._oldest
            article_id = self._ids[slot]
            if article_id is None or now - self._seen[slot] <= self.window_s:
                return
            self._drop(slot)
            self._oldest = (slot + 1) % self.capacity

    def _drop(self, slot: int) -> None:
        article_id = self._ids[slot]
        if article_id is not None:
            self._slot.pop(article_id, None)
        for band, table in enumerate(self._tables):
            table.remove(int(self._bands[slot, band]), slot)
        self._ids[slot] = self._stories[slot] = None
        self._seen[slot] = -np.inf


class _BandTable:
    """An open-addressing hash table in one int32 array: band key -> the newest slot with that key.

    Python dicts would cost about 100 bytes an entry (8 bands: 80 MB at 100,000 articles); this
    costs 8 bytes an entry. The key itself is not stored: it is read back from the index's band
    column. Two articles with the same band key are near-copies of one story, so keeping the
    newest is enough. Removed entries leave tombstones, swept by a rebuild when they pile up.
    """

    EMPTY, GONE = 0, -1

    def __init__(self, capacity: int):
        size = 1
        while size < 2 * capacity:
            size *= 2
        self.mask = size - 1
        self.cells = np.zeros(size, dtype=np.int32)  # slot + 1, EMPTY, or GONE
        self.used = 0  # live cells plus tombstones
        self.nbytes = self.cells.nbytes

    def _home(self, key: int) -> int:
        return (key ^ (key >> 29)) & self.mask

    def find(self, key: int, column: np.ndarray) -> int:
        cells, i = self.cells, self._home(key)
        while True:
            cell = int(cells[i])
            if cell == self.EMPTY:
                return -1
            if cell > 0 and int(column[cell - 1]) == key:
                return cell - 1
            i = (i + 1) & self.mask

    def put(self, key: int, slot: int, column: np.ndarray) -> None:
        cells, i = self.cells, self._home(key)
        reuse = -1
        while True:
            cell = int(cells[i])
            if cell == self.EMPTY:
                break
            if cell == self.GONE:
                reuse = i if reuse < 0 else reuse
            elif int(column[cell - 1]) == key and cell - 1 != slot:
                cells[i] = slot + 1  # the newer copy replaces the older one
                return
            i = (i + 1) & self.mask
        if reuse >= 0:
            cells[reuse] = slot + 1
            return
        cells[i] = slot + 1
        self.used += 1
        if self.used > 0.75 * (self.mask + 1):
            self._rebuild(column)

    def remove(self, key: int, slot: int) -> None:
        cells, i = self.cells, self._home(key)
        while True:
            cell = int(cells[i])
            if cell == self.EMPTY:
                return
            if cell == slot + 1:
                cells[i] = self.GONE
                return
            i = (i + 1) & self.mask

    def _rebuild(self, column: np.ndarray) -> None:
        live = [int(c) - 1 for c in self.cells if c > 0]
        self.cells[:] = self.EMPTY
        self.used = 0
        for slot in live:
            i = self._home(int(column[slot]))
            while self.cells[i] != self.EMPTY:
                i = (i + 1) & self.mask
            self.cells[i] = slot + 1
            self.used += 1


def _band_keys(sig: np.ndarray, scheme: Scheme) -> np.ndarray:
    """One 64-bit key per band of ``rows`` consecutive MinHash values (equal keys: equal bands, almost surely)."""
    rows = sig[: scheme.bands * scheme.rows].astype(np.uint64).reshape(scheme.bands, scheme.rows)
    keys = np.zeros(scheme.bands, dtype=np.uint64)
    for column in range(scheme.rows):  # a multiplicative hash, wrapping at 64 bits
        keys = keys * np.uint64(0x9E3779B97F4A7C15) + rows[:, column] + np.uint64(column + 1)
    return keys.view(np.int64)
