"""Configured topics and alert queries: the pure rule core (no Kafka, no Elasticsearch, no I/O but reading a rules file).

* Topics (``data/topics.yaml``, docs/topics.md): :class:`TopicSet` flags them on every article
  and explains why; it is the extractor's :class:`~newsmon.nlp.TopicMatcher`.
* Alert queries (docs/queries.md): :func:`parse_query` turns Kibana-style text into a
  :class:`Query`, evaluated against an :class:`ArticleIndex` built once per article.
"""

from .fields import FIELD_NAMES
from .index import ArticleIndex
from .query import Clause, Query, QueryExplanation, QueryMatch
from .query_syntax import KNOWN_FIELDS, QueryError, parse_query
from .topic_file import RuleError, TopicFileError, default_topics_path, validate_topics_file, validate_topics_text
from .topics import GroupResult, ItemResult, Topic, TopicExplanation, TopicSet

__all__ = [
    "FIELD_NAMES", "KNOWN_FIELDS", "ArticleIndex", "Clause", "GroupResult", "ItemResult", "Query",
    "QueryError", "QueryExplanation", "QueryMatch", "RuleError", "Topic", "TopicExplanation",
    "TopicFileError", "TopicSet", "default_topics_path", "parse_query", "validate_topics_file",
    "validate_topics_text",
]
