"""Reading a query and its filter options, once for ``search``, ``events``, ``alerts add`` and ``alerts test``.

Every mistake becomes the same sentence whichever command it was typed into: the parser's
(:func:`newsmon.rules.parse_query`, with the position marked under the query), checked against
the configured topics, the PLOVER types and the country codes, with "did you mean" where
something is close. Options (``--topic``, ``--country``...) are compiled as the same clauses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsmon.rules import QueryError, parse_query
from newsmon.rules.fields import FieldValueError
from newsmon.rules.query import Node, Query
from newsmon.rules.query_syntax import field_node

from .common import fail, user_file_problem

# option -> query field: `--type ASSAULT` means `event:ASSAULT`.
FILTER_FIELDS = {"actor": "actor", "country": "country", "event_type": "event", "topic": "topic", "source": "source"}
OPTION_NAMES = {"actor": "--actor", "country": "--country", "event_type": "--type", "topic": "--topic", "source": "--source"}


def known_topics(settings) -> list[str]:
    """The configured topic ids (settings.topics_file, else the shipped topics), or fail with a sentence."""
    from newsmon.rules import TopicFileError
    from newsmon.rules.topic_file import read_topic_ids

    try:
        return read_topic_ids(settings.topics_file)
    except (TopicFileError, OSError) as exc:
        problem = user_file_problem(exc) if isinstance(exc, TopicFileError) else None
        fail(problem or f"the topics file {settings.topics_file} cannot be read ({exc}); fix NEWSMON_TOPICS_FILE")


def query_problem(text: str, exc: QueryError) -> str:
    """The one wording of a query mistake: what is wrong, then the query with a caret under the place."""
    return f"the query does not parse: {exc}\n  {text}\n  {' ' * exc.position}^"


def parse_checked(text: str, topics: list[str] | None) -> Query:
    """Parse ``text`` or fail (exit 1) with :func:`query_problem`."""
    try:
        return parse_query(text, topics=topics)
    except QueryError as exc:
        fail(query_problem(text, exc))


@dataclass
class Request:
    """A command's query and filters, checked."""

    query: Query | None
    filters: list[Node] = field(default_factory=list)


def read_request(settings, text: str, options: dict[str, str | None]) -> Request:
    """The query (None when empty or ``*``) and one clause per filter option given; fail on any mistake."""
    topics = known_topics(settings)
    query = parse_checked(text, topics) if text and text.strip() not in ("", "*") else None
    filters = []
    for name, value in options.items():
        if value is None:
            continue
        try:
            filters.append(field_node(FILTER_FIELDS[name], value, topics))
        except FieldValueError as exc:
            fail(f"{OPTION_NAMES[name]}: {exc.message}")
    return Request(query, filters)


def refused_as_sentence(call):
    """``call`` with Elasticsearch's refusals of a query (400) turned into one sentence.

    The parser keeps wildcards simple, but a cluster may still refuse (too many terms under a
    wildcard, a cursor from elsewhere): the reason is said, never a raw ``BadRequestError``.
    """
    from elasticsearch import BadRequestError

    def checked():
        try:
            return call()
        except BadRequestError as exc:
            error = exc.body.get("error") if isinstance(exc.body, dict) else None
            causes = (error.get("root_cause") if isinstance(error, dict) else None) or [{}]
            reason = causes[0].get("reason") or exc.message
            fail(f"Elasticsearch could not run this search ({reason}): use longer wildcards (more letters before *), "
                 "a simpler query, or a cursor this command printed.")
    return checked
