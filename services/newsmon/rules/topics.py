"""The configured topics, as the pipeline uses them: load a file once, flag every article.

:class:`TopicSet` is the extractor's ``TopicMatcher``: ``match`` is the stream's path (a topic
that cannot fire is dropped as soon as one required group has nothing in the article), and
``explain`` the slow, complete path behind ``newsmon topics check``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from newsmon.models import EnrichedArticle, TopicHit

from .index import ArticleIndex
from .topic_file import TopicFileError, default_topics_path, load_topics, read_topics
from .topic_match import ArticleContext, GroupResult, ItemResult, SentenceSpan, TopicExplanation, evaluate_topic
from .topic_model import Group, Item, Topic

__all__ = ["Group", "GroupResult", "Item", "ItemResult", "Topic", "TopicExplanation", "TopicSet"]


class TopicSet:
    """An ordered set of compiled topics."""

    def __init__(self, topics: Sequence[Topic], origin: str = "<memory>"):
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.origin = origin
        self._by_id = {t.id: t for t in self.topics}

    @classmethod
    def load(cls, path: Path | str | None = None) -> TopicSet:
        """Read and compile a topics file; None reads the default shipped in the package.

        Raises :class:`~newsmon.rules.TopicFileError` listing every error with its line and column.
        """
        topics, origin = load_topics(path)
        return cls(topics, origin)

    @classmethod
    def from_yaml(cls, text: str, origin: str = "<string>") -> TopicSet:
        topics, errors = read_topics(text, origin)
        if errors:
            raise TopicFileError(errors)
        return cls(topics, origin)

    @staticmethod
    def default_path() -> Path:
        return default_topics_path()

    def __len__(self) -> int:
        return len(self.topics)

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics)

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    def get(self, topic_id: str) -> Topic | None:
        return self._by_id.get(topic_id)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    @property
    def languages(self) -> frozenset[str]:
        """Every language some topic has terms for (English always)."""
        return frozenset({"en", *(code for t in self.topics for code in t.languages)})

    def covers(self, language: str | None) -> bool:
        """Whether any topic can fire on an article in ``language`` (None: English)."""
        return language is None or language.lower().split("-")[0] in self.languages

    def match(self, article: EnrichedArticle | ArticleIndex, sentences: Sequence[SentenceSpan] = ()) -> list[TopicHit]:
        """The topics the article is flagged with, best score first, each with its evidence.

        ``sentences`` are ``(field, start, end)`` spans (the extractor passes spaCy's); without
        them, evidence sentences are cut at punctuation.
        """
        ctx = ArticleContext(article, sentences)
        hits = []
        for topic in self.topics:
            result = evaluate_topic(topic, ctx)
            if result is not None and result.hit is not None:
                hits.append(result.hit)
        hits.sort(key=lambda h: -h.score)
        return hits

    def explain(self, article: EnrichedArticle | ArticleIndex,
                sentences: Sequence[SentenceSpan] = ()) -> list[TopicExplanation]:
        """For every topic, in file order: fired or not, score against threshold, every group and item, nearly fired."""
        ctx = ArticleContext(article, sentences)
        out = []
        for topic in self.topics:
            result = evaluate_topic(topic, ctx, detailed=True)
            assert result is not None
            out.append(result)
        return out
