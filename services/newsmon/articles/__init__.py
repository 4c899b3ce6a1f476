"""Getting articles in: reading files, assigning ids, validating, and preparing text for the pipeline.

Pure functions over data; the CLI and the worker do the I/O around them.
"""

from .ids import assign_id, canonical_url, content_hash
from .prepare import PreparedArticle, prepare
from .reading import RawRecord, read_paths, read_stream
from .validation import InvalidArticle, parse_article, validate_article

__all__ = [
    "InvalidArticle", "PreparedArticle", "RawRecord", "assign_id", "canonical_url", "content_hash",
    "parse_article", "prepare", "read_paths", "read_stream", "validate_article",
]
