"""The query language, compiled to Elasticsearch query DSL: ``newsmon search`` and ``events`` speak it.

One parser (:func:`newsmon.rules.parse_query`) reads every query; alert rules evaluate its tree
in the stream, and this module turns the same tree into a ``bool`` query, so a search and a
rule with the same text select the same articles. How each clause maps, and why:

* a word matches its word family, as in the stream: the forms the rule language generates
  (``talk``: talk, talks, talked, talking) plus their possessives (the standard analyzer keeps
  ``putin's`` whole, the stream drops the ``'s``), in ``title`` or ``body``;
* phrases and ``"a b"~N`` are ``intervals`` queries (each word any of its forms, in order and
  adjacent; or unordered within N words); ``negotiat*`` is a prefix, ``t?lks`` a wildcard;
* name fields (``actor:``, ``place:``, ``source:``) match when the value's words appear in order
  in a name or alias: a case-insensitive ``regexp`` on the keyword with word boundaries;
* code fields (``country:``, ``event:``, ``topic:``, ``cameo:``...) are exact ``term`` filters
  that do not change scores.

A :class:`Target` names the fields of one index: :data:`ARTICLES` (``news-articles``) or
:data:`EVENTS` (``news-events``, where text is the evidence sentence and the article's title).
Known differences from the stream, documented in docs/queries.md: accents are folded by the
stream, not by the standard analyzer (a query written with the accent finds text written with
it); ``"a b c"~N`` allows N-1 gaps per pair of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from newsmon.rules.fields import FieldClause
from newsmon.rules.query import AndNode, FieldNode, Node, NotNode, OrNode, Query, TextNode
from newsmon.rules.terms import (
    Atom, FormsAtom, NearTerm, PatternAtom, PhraseTerm, PrefixAtom, TextTerm, WordTerm,
)
from newsmon.rules.tokens import PATTERN_WORD

Dsl = dict[str, Any]


class DslError(ValueError):
    """A query clause this index cannot answer (e.g. ``actor_type:`` on events)."""


@dataclass(frozen=True)
class Target:
    """The Elasticsearch fields one index answers each query field with."""

    name: str
    text: dict[str, tuple[str, ...]]  # query text field -> index fields
    boosts: dict[str, float] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # actor/place/source -> keyword fields
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # country/event/topic/... -> keyword fields
    language: str | None = None


ARTICLES = Target(
    "articles",
    text={"title": ("title",), "body": ("body",)},
    boosts={"title": 3.0},
    names={"actor": ("actors.name.keyword", "actors.aliases"), "place": ("places.name", "dateline.place"),
           "source": ("source",)},
    # The stream's countries: each actor's, and each event's source and target's (newsmon.rules.index).
    codes={"country": ("actors.country", "events.source.country", "events.target.country"),
           "event": ("event_types",), "topic": ("topics.id",), "cameo": ("events.cameo",),
           "actor_type": ("actors.type",)},
    language="language",
)

EVENTS = Target(
    "events",
    text={"title": ("article.title",), "body": ("sentence",)},
    boosts={"article.title": 2.0},
    names={"actor": ("source.name.keyword", "target.name.keyword", "parties.name.keyword"),
           "place": ("location.name",), "source": ("article.source",)},
    codes={"country": ("countries",), "event": ("type",), "topic": ("topics",), "cameo": ("cameo",)},
    language="article.language",
)


def _any(clauses: list[Dsl]) -> Dsl:
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


# --- text ---------------------------------------------------------------------------------

def _forms(atom: FormsAtom) -> list[str]:
    """The written forms to ask Elasticsearch for: the family and their possessives."""
    words = {atom.source.lower(), *atom.keys}
    return sorted(words | {f"{w}'s" for w in words if not w.endswith("'s")})


def _glob_value(atom: PatternAtom | PrefixAtom) -> str:
    return atom.prefix + "*" if isinstance(atom, PrefixAtom) else atom.glob.pattern


def _atom_query(atom: Atom, name: str, boost: float) -> Dsl:
    if isinstance(atom, FormsAtom):
        return {"match": {name: {"query": " ".join(_forms(atom)), "operator": "or", "boost": boost}}}
    if isinstance(atom, PrefixAtom):
        return {"prefix": {name: {"value": atom.prefix, "case_insensitive": True, "boost": boost}}}
    if isinstance(atom, PatternAtom):
        return {"wildcard": {name: {"value": atom.glob.pattern, "case_insensitive": True, "boost": boost}}}
    raise DslError(f"the word '{atom.source}' cannot be searched in Elasticsearch")  # pragma: no cover - parser makes no others


def _atom_interval(atom: Atom) -> Dsl:
    if isinstance(atom, FormsAtom):
        rules = [{"match": {"query": w}} for w in _forms(atom)]
        return rules[0] if len(rules) == 1 else {"any_of": {"intervals": rules}}
    if isinstance(atom, PrefixAtom):
        return {"prefix": {"prefix": atom.prefix}}
    if isinstance(atom, PatternAtom):
        return {"wildcard": {"pattern": atom.glob.pattern}}
    raise DslError(f"the word '{atom.source}' cannot be searched in Elasticsearch")  # pragma: no cover


def _term_interval(term: TextTerm) -> Dsl:
    if isinstance(term, WordTerm):
        return _atom_interval(term.atom)
    if isinstance(term, PhraseTerm):
        return {"all_of": {"intervals": [_atom_interval(a) for a in term.parts], "ordered": True, "max_gaps": 0}}
    if isinstance(term, NearTerm):
        gaps = max(term.within - 1, 0) * (len(term.parts) - 1)
        return {"all_of": {"intervals": [_term_interval(p) for p in term.parts], "ordered": False, "max_gaps": gaps}}
    raise DslError(f"'{term.source}' cannot be searched in Elasticsearch")  # pragma: no cover


def _text(node: TextNode, target: Target) -> Dsl:
    names = [n for f in node.fields for n in target.text[f]]
    out = []
    for name in names:
        boost = target.boosts.get(name, 1.0)
        if isinstance(node.term, WordTerm):
            out.append(_atom_query(node.term.atom, name, boost))
        else:
            out.append({"intervals": {name: {**_term_interval(node.term), "boost": boost}}})
    return _any(out)


# --- fields -------------------------------------------------------------------------------

_SEPARATOR = "[^a-zA-Z0-9]"  # word boundary in a keyword name (regexps compare case-insensitively)
_REGEXP_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')


def _regexp_word(word: str) -> str:
    out = []
    for chunk in re.split(r"([*?])", word):
        if chunk == "*":
            out.append(".*")
        elif chunk == "?":
            out.append(".")
        else:
            out.append(_REGEXP_SPECIAL.sub(r"\\\1", chunk))
    return "".join(out)


def name_regexp(value: str) -> str:
    """A Lucene regexp for "the value's words, in order, as whole words of a name"."""
    words = PATTERN_WORD.findall(value.lower()) or [value.lower()]
    inner = f"{_SEPARATOR}+".join(_regexp_word(w) for w in words)
    return f"(.*{_SEPARATOR})?{inner}({_SEPARATOR}.*)?"


def _terms(names: tuple[str, ...], value: str, *, wildcard: bool = False, prefix: bool = False) -> Dsl:
    if wildcard:
        return _any([{"wildcard": {n: {"value": value}}} for n in names])
    if prefix:
        return _any([{"prefix": {n: {"value": value}}} for n in names])
    return _any([{"term": {n: value}} for n in names])


def _field(clause: FieldClause, target: Target) -> Dsl:
    name, value = clause.field, clause.value
    wild = "*" in value or "?" in value
    if name in target.names:
        return _any([{"regexp": {n: {"value": name_regexp(value), "case_insensitive": True}}} for n in target.names[name]])
    if name == "language":
        if target.language is None:  # pragma: no cover - both targets have one
            raise DslError(f"lang: is not available in {target.name}")
        return _any([{"term": {target.language: {"value": value, "case_insensitive": True}}},
                     {"prefix": {target.language: {"value": f"{value}-", "case_insensitive": True}}}])
    if name not in target.codes:
        raise DslError(f"{name}: is not available when searching {target.name}; search articles for it")
    fields = target.codes[name]
    if name == "cameo" and value.endswith("*"):
        return _terms(fields, value[:-1], prefix=True)
    return _terms(fields, value, wildcard=wild and name == "topic")


# --- the tree -----------------------------------------------------------------------------

def node_to_dsl(node: Node, target: Target = ARTICLES) -> Dsl:
    """One clause of a parsed query as a query DSL object."""
    if isinstance(node, TextNode):
        return _text(node, target)
    if isinstance(node, FieldNode):
        return {"constant_score": {"filter": _field(node.clause, target), "boost": 0.0}}
    if isinstance(node, AndNode):
        must = [node_to_dsl(c, target) for c in node.children if not isinstance(c, NotNode)]
        must_not = [node_to_dsl(c.child, target) for c in node.children if isinstance(c, NotNode)]
        body: Dsl = {"must": must} if must else {"must": [{"match_all": {}}]}
        if must_not:
            body["must_not"] = must_not
        return {"bool": body}
    if isinstance(node, OrNode):
        return {"bool": {"should": [node_to_dsl(c, target) for c in node.children], "minimum_should_match": 1}}
    if isinstance(node, NotNode):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [node_to_dsl(node.child, target)]}}
    raise DslError(f"unknown clause {node!r}")  # pragma: no cover


def to_dsl(query: Query | None, target: Target = ARTICLES, *, filters: list[Node] = (),
           date_field: str | None = None, since: str | None = None, until: str | None = None) -> Dsl:
    """The whole search: the query (scored) AND the filters and dates (not scored).

    ``query`` None or empty means every document; ``filters`` are clauses from the command's
    options (``--topic``...), compiled like the query's own; ``since``/``until`` are already
    resolved date expressions (see :mod:`newsmon.index.dates`).
    """
    must = [node_to_dsl(query.root, target)] if query is not None else [{"match_all": {}}]
    flt = [_field(f.clause, target) if isinstance(f, FieldNode) else node_to_dsl(f, target) for f in filters]
    bounds = {k: v for k, v in (("gte", since), ("lte", until)) if v}
    if bounds and date_field:
        flt.append({"range": {date_field: bounds}})
    return {"bool": {"must": must, "filter": flt}}
