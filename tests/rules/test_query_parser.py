"""The alert query parser: the tree it builds (precedence, implicit AND) and every error, with its position."""

from __future__ import annotations

import pytest

from newsmon.rules import KNOWN_FIELDS, QueryError, parse_query


@pytest.mark.parametrize(("query", "canonical"), [
    ("ceasefire", "ceasefire"),
    ("ceasefire truce", "ceasefire AND truce"),  # implicit AND
    ("a OR b AND c", "a OR (b AND c)"),  # AND binds tighter; the canonical form says so
    ("(a OR b) AND c", "(a OR b) AND c"),
    ("NOT a AND b", "NOT a AND b"),  # NOT binds tighter: (NOT a) AND b
    ("NOT (a AND b)", "NOT (a AND b)"),
    ("a or b and not c", "a OR (b AND NOT c)"),  # lower-case operators
    ("a && b || !c", "(a AND b) OR NOT c"),  # Lucene's symbols
    ("a -b +c", "a AND NOT b AND c"),
    ("-(a OR b)", "NOT (a OR b)"),
    ('"peace talks"', '"peace talks"'),
    ('"evacuation deal"~5', '"evacuation deal"~5'),
    ("negotiat* OR tal?s", "negotiat* OR tal?s"),
    ('actor:"Sergei Lavrov"', 'actor:"Sergei Lavrov"'),
    ("country: syr", "country:SYR"),  # space after the colon; codes upper-cased
    ("Country:SYR", "country:SYR"),  # field names are case-insensitive
    ("country:(SYR OR IRQ)", "country:SYR OR country:IRQ"),
    ("title:(ceasefire OR truce) body:talks", "(title:ceasefire OR title:truce) AND body:talks"),
    ("event:accuse cameo:04*", "event:ACCUSE AND cameo:04*"),
    ("de-escalation", "de-escalation"),  # a hyphen inside a word is not NOT
])
def test_structure(query, canonical):
    assert str(parse_query(query)) == canonical


def test_precedence_is_not_over_and_over_or():
    tree = parse_query("a OR NOT b AND c").root
    assert type(tree).__name__ == "OrNode"
    a, right = tree.children
    assert type(right).__name__ == "AndNode"
    assert type(right.children[0]).__name__ == "NotNode"


def test_terms_are_the_positive_text_terms():
    q = parse_query('(ceasefire OR "peace talks") AND NOT football AND country:SYR AND NOT NOT truce')
    assert q.terms() == ['"ceasefire"', '"peace talks"', '"truce"']


ERRORS = [
    # (query, position, expected, message)
    ("", 0, ["a term"], "at position 0: expected a term, got end of query"),
    ("   ", 3, ["a term"], "at position 3: expected a term, got end of query"),
    ("(ceasefire OR truce", 19, ["')'", "a term"],
     "at position 19: expected ')' or a term, got end of query (to close the '(' at position 0)"),
    ("(talks AND peace", 16, ["')'", "a term"],
     "at position 16: expected ')' or a term, got end of query (to close the '(' at position 0)"),
    ("ceasefire AND", 13, ["a term"], "at position 13: expected a term, got end of query"),
    ("ceasefire OR", 12, ["a term"], "at position 12: expected a term, got end of query"),
    ("AND truce", 0, ["a term"], "at position 0: expected a term, got AND"),
    ("ceasefire AND OR truce", 14, ["a term"], "at position 14: expected a term, got OR"),
    ("ceasefire and or truce", 14, ["a term"], "at position 14: expected a term, got 'or'"),
    ("NOT", 3, ["a term"], "at position 3: expected a term, got end of query"),
    ("truce )", 6, ["a term", "AND", "OR", "end of query"],
     "at position 6: expected a term, AND, OR or end of query, got ')' (there is no '(' to close)"),
    ("()", 1, ["a term"], "at position 1: expected a term, got ')' (empty parentheses)"),
    ("(a OR )", 6, ["a term"], "at position 6: expected a term, got ')'"),
    ('"peace talks', 12, ["'\"' to close the phrase opened at position 0"],
     "at position 12: expected '\"' to close the phrase opened at position 0, got end of query"),
    ('""', 0, ["a word inside the quotes"], "at position 0: expected a word inside the quotes, got an empty phrase"),
    ('"  "', 0, ["a word inside the quotes"], "at position 0: expected a word inside the quotes, got an empty phrase"),
    ('"a b"~', 6, ["a number of words after '~'"], "at position 6: expected a number of words after '~', got end of query"),
    ('"a b"~x', 6, ["a number of words after '~'"], "at position 6: expected a number of words after '~', got 'x'"),
    ('"peace"~3', 0, ["at least two words in the quotes"],
     "at position 0: expected at least two words in the quotes, got \"peace\" (~N asks for words near each other)"),
    ('"a b"^2', 5, [], "at position 5: boosts (^) are not supported in alert queries"),
    ("talks^2", 5, [], "at position 5: boosts (^) are not supported in alert queries"),
    ("talks~2", 5, [],
     'at position 5: fuzzy matching (~ after a word) is not supported; for words near each other write "word1 word2"~5'),
    ("date:[2020 TO 2021]", 5, [], "at position 5: ranges ([) are not supported in alert queries"),
    ("title:[a", 6, [], "at position 6: ranges ([) are not supported in alert queries"),
    ("a\\:b", 1, [], "at position 1: backslash escapes are not supported; put the text in quotes instead"),
    ("- truce", 1, ["a term right after '-'"], "at position 1: expected a term right after '-', got a space"),
    ("truce -", 7, ["a term right after '-'"], "at position 7: expected a term right after '-', got end of query"),
    ("!= x", 0, ["a term"], "at position 0: expected a term, got '!=' (write NOT field:value)"),
    ("a : b", 2, ["a term"], "at position 2: expected a term, got ':' (a field name goes right before the colon, e.g. country:SYR)"),
    ("contry:SYR", 0, [], None),
    ("title:", 6, ["a value for title"], "at position 6: expected a value for title, got end of query"),
    ("country: )", 9, ["a value for country"], "at position 9: expected a value for country, got ')'"),
    ("country:AND", 8, ["a value for country"], "at position 8: expected a value for country, got AND"),
    ("country:(SYR OR actor:x)", 16, ["a value for country"],
     "at position 16: expected a value for country, got field 'actor:' (field clauses cannot be nested)"),
    ("country:(SYR OR", 15, ["a value for country"], "at position 15: expected a value for country, got end of query"),
    ("country:(SYR", 12, ["')'", "a value for country"],
     "at position 12: expected ')' or a value for country, got end of query (to close the '(' at position 8)"),
    ("country:Syrai", 8, ["a country code (e.g. SYR, IGO) or a country name (e.g. Syria)"],
     "at position 8: expected a country code (e.g. SYR, IGO) or a country name (e.g. Syria), got 'Syrai' "
     "(did you mean Syria (SYR)?)"),
    ("country:SDM", 8, None, "at position 8: expected a country code (e.g. SYR, IGO) or a country name (e.g. Syria), "
     "got 'SDM' (did you mean SDN?)"),
    ('country:"a b"~3', 8, ["a value for country"],
     "at position 8: expected a value for country, got \"a b\"~3 (~N (words near each other) only applies to text)"),
    ("event:ACUSE", 6, ["a PLOVER event type"],
     "at position 6: expected a PLOVER event type, got 'ACUSE' (did you mean ACCUSE?)"),
    ("type:ATTACK", 5, None, "at position 5: expected a PLOVER event type, got 'ATTACK' (did you mean ASSAULT?)"),
    ("event:XYZ", 6, None,
     "at position 6: expected a PLOVER event type, got 'XYZ' (one of AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, "
     "RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT)"),
    ("cameo:x1", 6, ["a CAMEO code (2 to 4 digits, or digits and a trailing *)"],
     "at position 6: expected a CAMEO code (2 to 4 digits, or digits and a trailing *), got 'x1'"),
    ("cameo:12345", 6, None, "at position 6: expected a CAMEO code (2 to 4 digits, or digits and a trailing *), got '12345'"),
    ("actor_type:man", 11, None,
     "at position 11: expected an actor type (person, organization, country, igo, group, location), got 'man'"),
    ("actor_type:persn", 11, None,
     "at position 11: expected an actor type (person, organization, country, igo, group, location), got 'persn' "
     "(did you mean person?)"),
    ("language:english", 9, ["a language code (e.g. en or en-GB)"],
     "at position 9: expected a language code (e.g. en or en-GB), got 'english'"),
    ("topic:Syria_Talks", 6, ["a topic id (lower-case letters, digits and hyphens)"],
     "at position 6: expected a topic id (lower-case letters, digits and hyphens), got 'Syria_Talks'"),
    ('actor:"..."', 7, ["a name for actor (letters or digits)"],
     "at position 7: expected a name for actor (letters or digits), got '...'"),
    ('actor:""', 7, ["a value for actor"], "at position 7: expected a value for actor, got an empty value"),
    ("*", 0, [], "at position 0: a wildcard needs at least two letters or digits beside it, got '*'"),
    ("ceasefire a*", 10, [], "at position 10: a wildcard needs at least two letters or digits beside it, got 'a*'"),
    ('"peace ?"', 7, [], "at position 7: a wildcard needs at least two letters or digits beside it, got '?'"),
    ("...", 0, [], "at position 0: expected a word (letters or digits), got '...'"),
]


@pytest.mark.parametrize(("query", "position", "expected", "message"), ERRORS, ids=[e[0] or "<empty>" for e in ERRORS])
def test_error(query, position, expected, message):
    with pytest.raises(QueryError) as info:
        parse_query(query)
    error = info.value
    assert error.position == position
    if expected is not None:
        assert error.expected == expected
    if message is not None:
        assert str(error) == message


def test_unknown_field_names_the_known_fields_and_guesses():
    with pytest.raises(QueryError) as info:
        parse_query("truce contry:SYR")
    assert info.value.position == 6
    assert str(info.value) == (
        "at position 6: unknown field 'contry' (did you mean 'country'?); known fields: " + ", ".join(KNOWN_FIELDS)
    )
    for name in ("actor", "actor_type", "body", "cameo", "country", "event", "language", "place", "source",
                 "text", "title", "topic"):
        assert name in KNOWN_FIELDS


def test_unknown_field_without_a_close_match():
    with pytest.raises(QueryError) as info:
        parse_query("(a OR xyz:1)")
    assert str(info.value) == "at position 6: unknown field 'xyz'; known fields: " + ", ".join(KNOWN_FIELDS)


def test_error_is_a_value_error_with_a_message_attribute():
    with pytest.raises(ValueError) as info:
        parse_query("a AND")
    assert info.value.message == str(info.value)
