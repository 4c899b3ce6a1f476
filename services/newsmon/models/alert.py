"""The alert newsmon delivers to every channel (schemas/alert.schema.json)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AlertArticle(BaseModel):
    """Enough of an article to act on without a second lookup."""

    model_config = ConfigDict(extra="forbid")

    id: str
    story_id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    snippet: str | None = None


class Alert(BaseModel):
    """One notification: a rule matched one article, or (digest) several over a window."""

    model_config = ConfigDict(extra="forbid")

    id: str
    rule: str
    query: str
    fired_at: datetime
    articles: list[AlertArticle] = Field(min_length=1)
    matched: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    digest: bool = False
    held_back: int = Field(default=0, ge=0)
