import time

import pytest

from newsmon.rules import QueryError, parse_query
from newsmon.rules.glob import Glob, GlobError
from newsmon.rules.terms import TermError, compile_words


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    ("negotiat*", "negotiations", True), ("ne*ot*at*", "negotiation", True), ("ne*ot*at*", "negation", False),
    ("c?ase*", "ceasefire", True), ("*fire", "ceasefire", True), ("*fire", "firemen", False),
    ("a*b", "ab", True), ("a*b", "a", False), ("??", "ab", True), ("??", "abc", False), ("*", "", True),
])
def test_wildcards_match_whole_words(pattern, text, expected):
    assert Glob(pattern).match(text) is expected


def test_a_pathological_pattern_against_a_long_word_takes_microseconds_not_minutes():
    # With backtracking regular expressions this pair took minutes (issue 9).
    glob = Glob("*a*a*a*a*a*")
    word = "a" * 300 + "b"
    start = time.perf_counter()
    for _ in range(100):
        glob.match(word)
    assert time.perf_counter() - start < 1.0
    assert Glob("a*a*a*a*a*b").match("a" * 299 + "b")


def test_too_many_wildcards_are_refused_when_a_rule_or_query_is_compiled():
    with pytest.raises(GlobError, match="at most 6"):
        Glob("a*a*a*a*a*a*a*b")
    with pytest.raises(TermError, match="at most 6"):
        compile_words("a*a*a*a*a*a*a*b")
    with pytest.raises(QueryError, match="at most 6"):
        parse_query("ceasefire AND a*a*a*a*a*a*a*b")
    with pytest.raises(QueryError, match="simpler pattern"):
        parse_query("actor:a*a*a*a*a*a*a*b")
