"""One article as one spaCy Doc: title and body side by side, and the way back to each field's own offsets.

The Doc's text is the title's parse text, a blank line, and the body's parse text (see
:mod:`.anatomy`: same lengths as the originals). So a Doc offset maps to a field offset by a
subtraction, and every span newsmon reports can be cut from the original strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .anatomy import Anatomy

SEPARATOR = "\n\n"


@dataclass
class ArticleLayout:
    """Where title and body sit in the Doc, their original text, and what anatomy found in them."""

    body: str
    body_anatomy: Anatomy
    title: str | None = None
    title_anatomy: Anatomy | None = None
    published: date | None = None

    @property
    def body_start(self) -> int:
        return len(self.title) + len(SEPARATOR) if self.title is not None else 0

    @property
    def doc_text(self) -> str:
        body = self.body_anatomy.parse_text
        if self.title is None or self.title_anatomy is None:
            return body
        return self.title_anatomy.parse_text + SEPARATOR + body

    def to_field(self, start: int, end: int) -> tuple[str, int, int] | None:
        """(field, start, end) of a Doc character range, or None when it straddles the fields."""
        if self.title is not None and end <= len(self.title):
            return ("title", start, end)
        offset = self.body_start
        if start >= offset:
            return ("body", start - offset, end - offset)
        return None

    def to_doc(self, field: str, start: int, end: int) -> tuple[int, int]:
        offset = 0 if field == "title" else self.body_start
        return (start + offset, end + offset)

    def original(self, start: int, end: int) -> str:
        """The original text (not the parse text) of a Doc character range."""
        where = self.to_field(start, end)
        if where is None:
            return ""
        field, s, e = where
        return (self.title or "")[s:e] if field == "title" else self.body[s:e]

    def anatomy_of(self, field: str) -> Anatomy | None:
        return self.title_anatomy if field == "title" else self.body_anatomy

    def is_masked(self, start: int, end: int) -> bool:
        where = self.to_field(start, end)
        if where is None:
            return False
        anatomy = self.anatomy_of(where[0])
        return bool(anatomy and anatomy.is_masked(where[1], where[2]))

    @property
    def paragraph_starts(self) -> list[int]:
        """Doc offsets where a paragraph (or the body) starts: sentences never cross them."""
        starts = [self.body_start + s for s in self.body_anatomy.paragraph_starts]
        if self.title is not None:
            starts.append(self.body_start)
        return sorted(set(starts))
