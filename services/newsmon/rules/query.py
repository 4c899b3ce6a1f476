"""Alert queries, compiled: a tree of clauses evaluated against an :class:`ArticleIndex`.

Evaluation has two speeds. :meth:`Query.matches` short-circuits and records nothing: it is what
runs for every rule on every article. Only for the rare article that matches does
:meth:`Query.evaluate` walk the whole tree again to say what matched, for the alert's
``matched`` field. :meth:`Query.explain` gives every clause's truth, for ``newsmon alerts test``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsmon.models import EnrichedArticle

from .fields import FieldClause
from .index import TEXT_FIELDS, ArticleIndex
from .terms import TextTerm


@dataclass
class Clause:
    """One clause of a query and whether it was true for the article; ``detail`` says what matched."""

    text: str
    value: bool
    detail: str = ""
    children: list[Clause] = field(default_factory=list)

    def lines(self, indent: int = 0) -> list[str]:
        mark = "✓" if self.value else "✗"
        line = f"{'  ' * indent}{mark} {self.text}" + (f"  — {self.detail}" if self.detail else "")
        return [line, *(l for c in self.children for l in c.lines(indent + 1))]

    def to_dict(self) -> dict:
        out: dict = {"clause": self.text, "value": self.value}
        if self.detail:
            out["detail"] = self.detail
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out


class Node:
    """A clause of the query tree."""

    def test(self, ix: ArticleIndex) -> bool:
        raise NotImplementedError

    def collect(self, ix: ArticleIndex, out: list[str]) -> bool:
        """Evaluate fully, appending what matched (positive clauses only) to ``out``."""
        raise NotImplementedError

    def explain(self, ix: ArticleIndex) -> Clause:
        raise NotImplementedError

    def terms(self, positive: bool = True) -> list[str]:
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError


def _term_label(term: TextTerm) -> str:
    """How a term shows in ``matched``: always quoted (phrases keep their own quotes and ``~N``)."""
    return term.source if term.source.startswith('"') else f'"{term.source}"'


@dataclass(eq=False)
class TextNode(Node):
    """Words, a phrase or proximity in the title, the body, or either."""

    term: TextTerm
    fields: tuple[str, ...] = TEXT_FIELDS
    prefix: str = ""  # "title:" / "body:" as written, for display

    def test(self, ix: ArticleIndex) -> bool:
        for name in self.fields:
            if self.term.present(ix.title if name == "title" else ix.body):
                return True
        return False

    def _where(self, ix: ArticleIndex) -> list[str]:
        return [n for n in self.fields if self.term.present(ix.field(n))]

    def collect(self, ix: ArticleIndex, out: list[str]) -> bool:
        where = self._where(ix)
        if where:
            out.append(f"{_term_label(self.term)} in {' and '.join(where)}")
        return bool(where)

    def explain(self, ix: ArticleIndex) -> Clause:
        details = []
        for name in self.fields:
            ft = ix.field(name)
            spans = self.term.spans(ft)
            if spans:
                found = sorted({ft.text[slice(*ft.char_span(*s))] for s in spans}, key=str.lower)
                details.append(f"in {name}: {', '.join(found[:5])}" + (f" (x{len(spans)})" if len(spans) > 1 else ""))
        return Clause(self.text(), bool(details), "; ".join(details))

    def terms(self, positive: bool = True) -> list[str]:
        return [_term_label(self.term)] if positive else []

    def text(self) -> str:
        return f"{self.prefix}{self.term.source}"


@dataclass(eq=False)
class FieldNode(Node):
    clause: FieldClause

    def test(self, ix: ArticleIndex) -> bool:
        return self.clause.test(ix)

    def collect(self, ix: ArticleIndex, out: list[str]) -> bool:
        if not self.clause.test(ix):
            return False
        label = str(self.clause)
        if "*" in self.clause.value or "?" in self.clause.value:
            names = sorted({h.label for h in self.clause.hits(ix)})
            label += f" ({', '.join(names[:5])})"
        out.append(label)
        return True

    def explain(self, ix: ArticleIndex) -> Clause:
        hits = self.clause.hits(ix)
        names = sorted({h.label for h in hits})
        return Clause(self.text(), bool(hits), ", ".join(names[:8]))

    def terms(self, positive: bool = True) -> list[str]:
        return []

    def text(self) -> str:
        return str(self.clause)


def _wrap(node: Node, parent: type) -> str:
    text = node.text()
    if isinstance(node, (AndNode, OrNode)) and type(node) is not parent:
        return f"({text})"
    return text


@dataclass(eq=False)
class AndNode(Node):
    children: list[Node]

    def test(self, ix: ArticleIndex) -> bool:
        for child in self.children:
            if not child.test(ix):
                return False
        return True

    def collect(self, ix: ArticleIndex, out: list[str]) -> bool:
        found: list[str] = []
        for child in self.children:
            if not child.collect(ix, found):
                return False
        out.extend(found)
        return True

    def explain(self, ix: ArticleIndex) -> Clause:
        kids = [c.explain(ix) for c in self.children]
        return Clause(self.text(), all(k.value for k in kids), children=kids)

    def terms(self, positive: bool = True) -> list[str]:
        return [t for c in self.children for t in c.terms(positive)]

    def text(self) -> str:
        return " AND ".join(_wrap(c, AndNode) for c in self.children)


@dataclass(eq=False)
class OrNode(Node):
    children: list[Node]

    def test(self, ix: ArticleIndex) -> bool:
        for child in self.children:
            if child.test(ix):
                return True
        return False

    def collect(self, ix: ArticleIndex, out: list[str]) -> bool:
        any_true = False
        for child in self.children:
            if child.collect(ix, out):
                any_true = True
        return any_true

    def explain(self, ix: ArticleIndex) -> Clause:
        kids = [c.explain(ix) for c in self.children]
        return Clause(self.text(), any(k.value for k in kids), children=kids)

    def terms(self, positive: bool = True) -> list[str]:
        return [t for c in self.children for t in c.terms(positive)]

    def text(self) -> str:
        return " OR ".join(_wrap(c, OrNode) for c in self.children)


@dataclass(eq=False)
class NotNode(Node):
    child: Node

    def test(self, ix: ArticleIndex) -> bool:
        return not self.child.test(ix)

    def collect(self, ix: ArticleIndex, out: list[str]) -> bool:
        return not self.child.test(ix)

    def explain(self, ix: ArticleIndex) -> Clause:
        kid = self.child.explain(ix)
        return Clause(self.text(), not kid.value, children=[kid])

    def terms(self, positive: bool = True) -> list[str]:
        return self.child.terms(not positive)

    def text(self) -> str:
        return f"NOT {_wrap(self.child, NotNode)}"


@dataclass(frozen=True)
class QueryMatch:
    """A query matched an article; ``matched`` lists what matched, e.g. ``"ceasefire" in body``."""

    matched: list[str]

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class QueryExplanation:
    """Every clause of a query and whether it held, for ``newsmon alerts test``."""

    query: str
    matched: bool
    root: Clause

    def lines(self) -> list[str]:
        return self.root.lines()

    def render(self) -> str:
        verdict = "matches" if self.matched else "does not match"
        return "\n".join([f"query {verdict}: {self.query}", *self.root.lines(1)])

    def to_dict(self) -> dict:
        return {"query": self.query, "matched": self.matched, "clauses": self.root.to_dict()}


@dataclass(frozen=True)
class Query:
    """A parsed alert query (see :func:`newsmon.rules.parse_query` and docs/queries.md)."""

    text: str
    root: Node

    def matches(self, article: EnrichedArticle | ArticleIndex) -> bool:
        """True when the query holds for the article: the fast path, nothing recorded."""
        return self.root.test(ArticleIndex.of(article))

    def evaluate(self, article: EnrichedArticle | ArticleIndex) -> QueryMatch | None:
        """What matched, or None. Pass an :class:`ArticleIndex` to share one index across many queries."""
        ix = ArticleIndex.of(article)
        if not self.root.test(ix):
            return None
        found: list[str] = []
        self.root.collect(ix, found)
        return QueryMatch(list(dict.fromkeys(found)))

    def explain(self, article: EnrichedArticle | ArticleIndex) -> QueryExplanation:
        ix = ArticleIndex.of(article)
        root = self.root.explain(ix)
        return QueryExplanation(self.text, root.value, root)

    def terms(self) -> list[str]:
        """The words and phrases the query looks for in the text, outside any NOT (for prefilters)."""
        return list(dict.fromkeys(self.root.terms()))

    def __str__(self) -> str:
        return self.root.text()
