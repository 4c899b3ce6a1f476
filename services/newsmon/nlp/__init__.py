"""The pure core: article text in, typed actors, entities, places, events and topics out. No I/O here
beyond reading the shipped knowledge base once.

Public names: :class:`Extractor` (the front door), :func:`load_model`, :func:`resolve_model_name`,
:func:`detect_language`, :func:`add_newsmon_pipes` (newsmon's spaCy components), the
:class:`TopicMatcher` protocol and :data:`SentenceSpan`.
"""

from .extract import Extractor, SentenceSpan, TopicMatcher
from .knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from .language import detect_language
from .model import load_model, resolve_model_name
from .pipeline import NEWSMON_PIPES, add_newsmon_pipes

__all__ = [
    "NEWSMON_PIPES", "Extractor", "KnowledgeBase", "KnowledgeError", "SentenceSpan", "TopicMatcher",
    "add_newsmon_pipes", "detect_language", "load_knowledge", "load_model", "resolve_model_name",
]
