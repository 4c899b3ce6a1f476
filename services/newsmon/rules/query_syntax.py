"""The alert query language: a hand-written lexer and recursive-descent parser.

Grammar (NOT binds tighter than AND, AND tighter than OR; adjacent clauses are ANDed)::

    query   := or EOF
    or      := and (OR and)*                      OR, or, ||
    and     := unary ([AND] unary)*               AND, and, &&, or nothing
    unary   := (NOT | '-') unary | '+' unary | primary      NOT, not, !
    primary := '(' or ')' | FIELD ':' value | WORD | PHRASE
    value   := WORD | PHRASE | '(' or ')'         inside: values of that field only
    PHRASE  := '"' words '"' ['~' N]

Every error is a :class:`QueryError` with the 0-based position, what was expected and what was
found, worded ``at position 14: expected ')' or a term, got end of query``.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass

from .fields import FIELD_NAMES, FieldValueError, compile_field, did_you_mean
from .query import AndNode, FieldNode, Node, NotNode, OrNode, Query, TextNode
from .terms import NearTerm, TermError, WordTerm, compile_words, text_term

TEXT_FIELD_NAMES = ("text", "title", "body")
#: Other names for fields, as analysts write them: ``type:ASSAULT``, ``lang:fr``.
FIELD_ALIASES = {"type": "event", "lang": "language"}
KNOWN_FIELDS: tuple[str, ...] = tuple(sorted((*TEXT_FIELD_NAMES, *FIELD_NAMES, *FIELD_ALIASES)))
_TEXT_FIELDS = {"text": ("title", "body"), "title": ("title",), "body": ("body",)}
_KEYWORDS = {"and": "AND", "or": "OR", "not": "NOT", "&&": "AND", "||": "OR"}
_STOP = set(' \t\r\n()":')


class QueryError(ValueError):
    """A query that cannot be parsed. ``position`` is a 0-based character offset into the query."""

    def __init__(self, position: int, expected: list[str], got: str, hint: str = ""):
        self.position = position
        self.expected = expected
        self.got = got
        self.hint = hint
        message = f"at position {position}: "
        if expected:
            message += f"expected {_either(expected)}, got {got}"
        else:
            message += got
        if hint:
            message += f" ({hint})"
        self.message = message
        super().__init__(message)


def _either(options: list[str]) -> str:
    if len(options) == 1:
        return options[0]
    return ", ".join(options[:-1]) + " or " + options[-1]


@dataclass(frozen=True)
class Token:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN AND OR NOT PLUS EOF
    text: str
    pos: int
    slop: int | None = None  # PHRASE~N

    def describe(self) -> str:
        if self.kind == "EOF":
            return "end of query"
        if self.kind in ("AND", "OR", "NOT"):
            return self.text if self.text in ("AND", "OR", "NOT") else f"'{self.text}'"
        if self.kind == "FIELD":
            return f"field '{self.text}:'"
        if self.kind == "PHRASE":
            return f'"{self.text}"'
        return f"'{self.text}'"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            tokens.append(Token("LPAREN", c, i))
            i += 1
        elif c == ")":
            tokens.append(Token("RPAREN", c, i))
            i += 1
        elif c == ":":
            raise QueryError(i, ["a term"], "':'", "a field name goes right before the colon, e.g. country:SYR")
        elif c == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise QueryError(n, ["'\"' to close the phrase opened at position %d" % i], "end of query")
            phrase = text[i + 1 : close]
            j = close + 1
            slop = None
            if j < n and text[j] == "~":
                k = j + 1
                while k < n and text[k].isdigit():
                    k += 1
                if k == j + 1:
                    got = f"'{text[k]}'" if k < n else "end of query"
                    raise QueryError(k, ["a number of words after '~'"], got)
                slop = int(text[j + 1 : k])
                j = k
            if j < n and text[j] == "^":
                raise QueryError(j, [], "boosts (^) are not supported in alert queries")
            tokens.append(Token("PHRASE", phrase, i, slop))
            i = j
        elif c in "-+!" and (i + 1 < n and not text[i + 1].isspace() and text[i + 1] != ")"):
            if c == "!" and text[i + 1] == "=":
                raise QueryError(i, ["a term"], "'!='", "write NOT field:value")
            tokens.append(Token("PLUS" if c == "+" else "NOT", c, i))
            i += 1
        elif c in "-+!":
            raise QueryError(i + 1, [f"a term right after '{c}'"], "end of query" if i + 1 >= n else "a space")
        else:
            j = i
            while j < n and text[j] not in _STOP:
                j += 1
            word = text[i:j]
            if j < n and text[j] == ":":
                _check_word(word, i)
                tokens.append(Token("FIELD", word, i))
                i = j + 1
                continue
            keyword = _KEYWORDS.get(word.lower())
            if keyword:
                tokens.append(Token(keyword, word, i))
            else:
                _check_word(word, i)
                tokens.append(Token("WORD", word, i))
            i = j
    tokens.append(Token("EOF", "", n))
    return tokens


def _check_word(word: str, pos: int) -> None:
    for k, c in enumerate(word):
        at = pos + k
        if c == "^":
            raise QueryError(at, [], "boosts (^) are not supported in alert queries")
        if c == "~":
            raise QueryError(
                at, [], "fuzzy matching (~ after a word) is not supported; for words near each other write \"word1 word2\"~5"
            )
        if c in "[]{}":
            raise QueryError(at, [], f"ranges ({c}) are not supported in alert queries")
        if c == "\\":
            raise QueryError(at, [], "backslash escapes are not supported; put the text in quotes instead")


_STARTS_UNARY = {"WORD", "PHRASE", "FIELD", "LPAREN", "NOT", "PLUS"}


class _Parser:
    def __init__(self, text: str, topics: Collection[str] | None = None):
        self.text = text
        self.topics = topics
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.field: str | None = None  # inside field:( ... )

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.parse_or()
        if self.tok.kind != "EOF":
            tok = self.tok
            if tok.kind == "RPAREN":
                raise QueryError(tok.pos, ["a term", "AND", "OR", "end of query"], "')'", "there is no '(' to close")
            raise QueryError(tok.pos, ["end of query"], tok.describe())  # pragma: no cover - the loops consume the rest
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.tok.kind == "OR":
            self.advance()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else OrNode(children)

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while True:
            if self.tok.kind == "AND":
                self.advance()
                children.append(self.parse_unary())
            elif self.tok.kind in _STARTS_UNARY:
                children.append(self.parse_unary())
            else:
                break
        return children[0] if len(children) == 1 else AndNode(children)

    def parse_unary(self) -> Node:
        tok = self.tok
        if tok.kind == "NOT":
            self.advance()
            return NotNode(self.parse_unary())
        if tok.kind == "PLUS":
            self.advance()
            return self.parse_unary()
        return self.parse_primary()

    def expected_term(self) -> list[str]:
        return [f"a value for {self.field}"] if self.field else ["a term"]

    def parse_primary(self) -> Node:
        tok = self.tok
        if tok.kind == "LPAREN":
            self.advance()
            if self.tok.kind == "RPAREN":
                raise QueryError(self.tok.pos, self.expected_term(), "')'", "empty parentheses")
            self.depth += 1
            node = self.parse_or()
            if self.tok.kind != "RPAREN":
                raise QueryError(self.tok.pos, ["')'", *self.expected_term()], self.tok.describe(),
                                 f"to close the '(' at position {tok.pos}")
            self.advance()
            self.depth -= 1
            return node
        if tok.kind == "FIELD":
            return self.parse_field()
        if tok.kind == "WORD":
            self.advance()
            return self.leaf(tok)
        if tok.kind == "PHRASE":
            self.advance()
            return self.leaf(tok)
        raise QueryError(tok.pos, self.expected_term(), tok.describe())

    def parse_field(self) -> Node:
        tok = self.advance()
        name = tok.text.lower()
        name = FIELD_ALIASES.get(name, name)
        if self.field is not None:
            raise QueryError(tok.pos, [f"a value for {self.field}"], tok.describe(), "field clauses cannot be nested")
        if name not in KNOWN_FIELDS:
            close = difflib.get_close_matches(name, KNOWN_FIELDS, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise QueryError(
                tok.pos, [], f"unknown field '{tok.text}'{guess}; known fields: {', '.join(KNOWN_FIELDS)}"
            )
        value = self.tok
        if value.kind in ("WORD", "PHRASE"):
            self.advance()
            self.field = name
            try:
                return self.leaf(value)
            finally:
                self.field = None
        if value.kind == "LPAREN":
            self.field = name
            try:
                return self.parse_primary()
            finally:
                self.field = None
        raise QueryError(value.pos, [f"a value for {name}"], value.describe())

    def leaf(self, tok: Token) -> Node:
        field = self.field
        inner = 1 if tok.kind == "PHRASE" else 0  # offsets inside a phrase start after the quote
        if field is None or field in _TEXT_FIELDS:
            fields = _TEXT_FIELDS[field or "text"]
            prefix = f"{field}:" if field else ""
            try:
                if tok.kind == "PHRASE":
                    if not tok.text.strip():
                        raise QueryError(tok.pos, ["a word inside the quotes"], "an empty phrase")
                    atoms = compile_words(tok.text, exact=True, offset=tok.pos + inner)
                    source = f'"{tok.text}"'
                    if tok.slop is not None:
                        if len(atoms) < 2:
                            raise QueryError(tok.pos, ["at least two words in the quotes"], f'"{tok.text}"',
                                             "~N asks for words near each other")
                        parts = tuple(WordTerm(a.source, a) for a in atoms)
                        return TextNode(NearTerm(f"{source}~{tok.slop}", parts, tok.slop), fields, prefix)
                    return TextNode(text_term(source, atoms), fields, prefix)
                atoms = compile_words(tok.text, offset=tok.pos)
                return TextNode(text_term(tok.text, atoms), fields, prefix)
            except TermError as exc:
                raise QueryError(exc.offset, [], exc.message) from None
        if tok.kind == "PHRASE" and tok.slop is not None:
            raise QueryError(tok.pos, [f"a value for {field}"], f'"{tok.text}"~{tok.slop}',
                             "~N (words near each other) only applies to text")
        try:
            return field_node(field, tok.text, self.topics)
        except FieldValueError as exc:
            got = f"'{tok.text}'" if tok.text.strip() else "an empty value"
            raise QueryError(tok.pos + inner, [exc.expected], got, exc.hint) from None


def field_node(field: str, value: str, topics: Collection[str] | None = None) -> FieldNode:
    """``field:value`` as a query clause, checked: the one place a field's value is validated.

    ``topics``: the configured topic ids; a topic id outside them (wildcards aside) is refused
    with the closest ids. None skips that check (the stream, whose rules were checked when added).
    """
    clause = compile_field(field, value)
    if field == "topic" and topics is not None and "*" not in clause.value and "?" not in clause.value:
        if clause.value not in topics:
            hint = did_you_mean(clause.value, set(topics), n=1) or "`newsmon topics list` shows the configured topics"
            raise FieldValueError("a configured topic id", value, hint)
    return FieldNode(clause)


def parse_query(text: str, *, topics: Collection[str] | None = None) -> Query:
    """Parse a query; raises :class:`QueryError` saying where and what was expected.

    The same parser serves alert rules (evaluated in the stream) and ``newsmon search`` /
    ``events`` (compiled to Elasticsearch by :mod:`newsmon.index.dsl`). ``topics``: see
    :func:`field_node`.
    """
    return Query(text, _Parser(text, topics).parse())
