"""The input article, as users publish it to ``news.articles`` (schemas/article.schema.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


class Article(BaseModel):
    """One news article. Only ``body`` is required; anything else a producer wants kept goes in ``metadata``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    id: str | None = Field(default=None, min_length=1, max_length=512)
    title: str | None = None
    body: str = Field(min_length=1)
    url: str | None = Field(default=None, max_length=4096)
    source: str | None = Field(default=None, max_length=256)
    published_at: datetime | None = None
    language: str | None = Field(default=None, pattern=LANGUAGE_PATTERN)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("body")
    @classmethod
    def _body_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("body is empty (only whitespace)")
        return value
