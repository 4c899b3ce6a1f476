"""Every error a topics file can have, with the line and column it is reported at (1-based)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.rules import RuleError, TopicFileError, TopicSet, validate_topics_file, validate_topics_text

HEAD = "topics:\n  - id: t\n    name: T\n    description: D\n"

CASES = [
    ('yaml', 'topics: [\n',
     [(2, 1, "invalid YAML: expected the node content, but found '<stream end>'")]),
    ('empty', '',
     [(1, 1, "the file is empty: expected a mapping with a 'topics' list")]),
    ('root-list', '- a\n',
     [(1, 1, 'the file must be a mapping, got a list')]),
    ('unknown-root', 'topic: []\n',
     [(1, 1, "unknown key 'topic' in the file (did you mean 'topics'?); expected one of: version, topics"), (1, 1, "missing 'topics': expected a list of topics")]),
    ('missing-topics', 'version: 1\n',
     [(1, 1, "missing 'topics': expected a list of topics")]),
    ('version', 'version: 2\ntopics: []\n',
     [(1, 10, "unsupported version '2': this newsmon reads version 1"), (2, 9, "'topics' must be a non-empty list of topics, got an empty list")]),
    ('topics-not-list', 'topics: {}\n',
     [(1, 9, "'topics' must be a non-empty list of topics, got an empty mapping")]),
    ('topic-not-map', 'topics:\n  - just a string\n',
     [(2, 5, "a topic must be a mapping, got 'just a string'")]),
    ('missing-keys', 'topics:\n  - id: t\n',
     [(2, 5, "topic is missing 'name'"), (2, 5, "topic is missing 'description'"), (2, 5, "topic is missing 'rules'")]),
    ('bad-id', 'topics:\n  - id: Syria Talks\n    name: T\n    description: D\n    rules: [{any: [x]}]\n',
     [(2, 9, "topic id 'Syria Talks' must be lower-case letters and digits joined by hyphens, e.g. syria-ceasefire-talks")]),
    ('unknown-key', HEAD + '    treshold: 3\n    rules: [{any: [x]}]\n',
     [(5, 5, "unknown key 'treshold' in a topic (did you mean 'threshold'?); expected one of: id, name, description, threshold, max_hits, rules")]),
    ('dup-key', HEAD + '    name: U\n    rules: [{any: [x]}]\n',
     [(5, 5, "duplicate key 'name' in a topic (first at line 3)")]),
    ('empty-name', "topics:\n  - id: t\n    name: ''\n    description: D\n    rules: [{any: [x]}]\n",
     [(3, 11, "'name' must not be empty")]),
    ('threshold', HEAD + '    threshold: high\n    rules: [{any: [x]}]\n',
     [(5, 16, "'threshold' must be a number, got 'high'")]),
    ('threshold0', HEAD + '    threshold: 0\n    rules: [{any: [x]}]\n',
     [(5, 16, "'threshold' must be greater than 0, got 0")]),
    ('maxhits', HEAD + '    max_hits: 1.5\n    rules: [{any: [x]}]\n',
     [(5, 15, "'max_hits' must be a whole number, got '1.5'")]),
    ('rules-empty', HEAD + '    rules: []\n',
     [(5, 12, "'rules' must be a non-empty list of groups, got an empty list")]),
    ('group-not-map', HEAD + '    rules: [x]\n',
     [(5, 13, "a group must be a mapping, got 'x'")]),
    ('group-no-mode', HEAD + '    rules:\n      - name: g\n',
     [(6, 9, 'a group needs one of: all, any, none, optional')]),
    ('group-two-modes', HEAD + '    rules:\n      - any: [x]\n        all: [y]\n',
     [(6, 9, 'a group has one of all, any, none, optional; this one has all and any: split it into groups')]),
    ('group-items-empty', HEAD + '    rules:\n      - any: []\n',
     [(6, 14, "'any' must be a non-empty list of items, got an empty list")]),
    ('min-not-any', HEAD + '    rules:\n      - all: [x]\n        min: 1\n',
     [(7, 9, "'min' only applies to an 'any' group, not 'all'")]),
    ('min-too-big', HEAD + '    rules:\n      - any: [x]\n        min: 2\n',
     [(7, 14, "'min' is 2 but the group has only 1 item")]),
    ('minhits-none', HEAD + '    rules:\n      - none: [x]\n        min_hits: 2\n',
     [(7, 9, "'min_hits' only applies to 'any' and 'all' groups, not 'none'")]),
    ('dup-group', HEAD + '    rules:\n      - name: g\n        any: [x]\n      - name: g\n        any: [y]\n',
     [(8, 9, "duplicate group name 'g' (first at line 6)")]),
    ('unreachable', HEAD + '    threshold: 10\n    rules:\n      - any: [x^2]\n',
     [(5, 16, "threshold 10 cannot be reached: the most topic 't' can score is 6")]),
    ('weight-none', HEAD + '    rules:\n      - any: [x]\n      - none: [y^2]\n',
     [(7, 16, "weights have no effect in a 'none' group: anything it matches vetoes the topic")]),
    ('weight-zero-optional', HEAD + '    rules:\n      - any: [x]\n      - optional: [y^0]\n',
     [(7, 20, "a weight of 0 does nothing in an 'optional' group: remove the item or give it a weight")]),
    ('weight-negative-any', HEAD + '    rules:\n      - any: [x^-1]\n',
     [(6, 15, "a negative weight only makes sense in an 'optional' group, not 'any'")]),
    ('caret-bad', HEAD + '    rules:\n      - any: [talk^x]\n',
     [(6, 20, "expected a number after '^', got 'x'")]),
    ('caret-nothing', "topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: ['^2']\n",
     [(6, 15, "expected a term before '^'")]),
    ('unclosed-quote', HEAD + '    rules:\n      - any: [\'"peace talks\']\n',
     [(6, 28, 'expected \'"\' to close the phrase')]),
    ('empty-phrase', HEAD + '    rules:\n      - any: [\'""\']\n',
     [(6, 15, 'expected a word inside the quotes, got an empty phrase')]),
    ('after-quote', HEAD + '    rules:\n      - any: [\'"peace talks" now\']\n',
     [(6, 29, "unexpected text after the closing quote: ' now'")]),
    ('tilde-bad', HEAD + '    rules:\n      - any: [\'"peace talks"~x\']\n',
     [(6, 30, "expected a number of words after '~', got 'x'")]),
    ('tilde-one-word', HEAD + '    rules:\n      - any: [\'"peace"~3\']\n',
     [(6, 15, '~N asks for words near each other: put at least two words in the quotes')]),
    ('tilde-unquoted', "topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: ['peace talks~3']\n",
     [(6, 27, '\'~N\' (words near each other) needs a quoted phrase, e.g. \'"evacuation deal"~5\'')]),
    ('inner-quote', HEAD + '    rules:\n      - any: [\'peace "talks"\']\n',
     [(6, 22, 'a phrase must be quoted as a whole: start the item with \'"\'')]),
    ('no-word', "topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: ['--']\n",
     [(6, 15, "expected a word (letters or digits), got '--'")]),
    ('wildcard-short', "topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: ['a*']\n",
     [(6, 15, "a wildcard needs at least two letters or digits beside it, got 'a*'")]),
    ('item-map-no-kind', HEAD + '    rules:\n      - any: [{weight: 2}]\n',
     [(6, 15, 'an item needs one of: term, near, model, actor, actor_type, country, event, cameo, topic, source, language, place')]),
    ('item-two-kinds', HEAD + '    rules:\n      - any: [{term: x, country: SYR}]\n',
     [(6, 25, 'an item has one of term, near, model, actor, actor_type, country, event, cameo, topic, source, language, place; this one has term and country')]),
    ('item-unknown-key', HEAD + '    rules:\n      - any: [{term: x, wieght: 2}]\n',
     [(6, 25, "unknown key 'wieght' in an item (did you mean 'weight'?); expected one of: term, near, within, weight, case, forms, model, actor, actor_type, country, event, cameo, topic, source, language, place")]),
    ('within-on-term', HEAD + '    rules:\n      - any: [{term: x, within: 2}]\n',
     [(6, 25, "'within' only applies to a 'near' item")]),
    ('case-bad', HEAD + '    rules:\n      - any: [{term: IS, case: upper}]\n',
     [(6, 32, "'case' must be 'sensitive' or 'insensitive', got 'upper'")]),
    ('case-wildcard', "topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: [{term: 'IS*', case: sensitive}]\n",
     [(6, 22, "a case-sensitive term cannot use wildcards: 'IS*'")]),
    ('forms-bad', HEAD + '    rules:\n      - any: [{term: x, forms: maybe}]\n',
     [(6, 32, "'forms' must be true or false, got 'maybe'")]),
    ('weight-twice', "topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: [{term: 'x^2', weight: 3}]\n",
     [(6, 22, "the weight is given twice: as '^' in the term and as 'weight'")]),
    ('weight-nan', HEAD + '    rules:\n      - any: [{term: x, weight: heavy}]\n',
     [(6, 33, "'weight' must be a number, got 'heavy'")]),
    ('near-short', HEAD + '    rules:\n      - any: [{near: [x], within: 3}]\n',
     [(6, 22, "'near' must be a list of at least two terms, got 1 term")]),
    ('near-no-within', HEAD + '    rules:\n      - any: [{near: [x, y]}]\n',
     [(6, 15, "a 'near' item needs 'within': the most words allowed between its terms")]),
    ('near-within-bad', HEAD + '    rules:\n      - any: [{near: [x, y], within: 0}]\n',
     [(6, 38, "'within' must be at least 1, got 0")]),
    ('near-part-weight', "topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: [{near: ['x^2', y], within: 3}]\n",
     [(6, 23, "put the weight on the 'near' item ('weight:'), not on one of its terms")]),
    ('country-bad', HEAD + '    rules:\n      - any: [{country: Syrai}]\n',
     [(6, 25, "'country': expected a country code (e.g. SYR, IGO) or a country name (e.g. Syria), got 'Syrai' "
              "(did you mean Syria (SYR)?)")]),
    ('event-bad', HEAD + '    rules:\n      - any: [{event: ACUSE}]\n',
     [(6, 23, "'event': expected a PLOVER event type, got 'ACUSE' (did you mean ACCUSE?)")]),
    ('field-empty-list', HEAD + '    rules:\n      - any: [{country: []}]\n',
     [(6, 25, "'country' needs a value or a list of values")]),
    ('item-empty', "topics:\n  - id: t\n    name: T\n    description: D\n    rules:\n      - any: ['']\n",
     [(6, 15, 'an item must not be empty')]),
    ('item-null', HEAD + '    rules:\n      - any: [~]\n',
     [(6, 15, 'an item must be text, got nothing')]),
    ('dup-topic', HEAD + '    rules: [{any: [x]}]\n  - id: t\n    name: U\n    description: D\n    rules: [{any: [y]}]\n',
     [(6, 9, "duplicate topic id 't' (first defined at line 2)")]),
    ('key-not-scalar', HEAD + '    ? [a]\n    : b\n    rules: [{any: [x]}]\n',
     [(5, 7, 'keys in a topic must be plain words, got a list')]),
    ('group-name-bad', HEAD + '    rules:\n      - name: [a]\n        any: [x]\n',
     [(6, 15, "group 'name' must be text, got a list")]),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_error_message_line_and_column(name, text, expected):
    errors = validate_topics_text(text, "t.yaml")
    assert [(e.line, e.column, e.message) for e in errors] == expected


def test_errors_print_as_path_line_column_message():
    [error] = validate_topics_text(HEAD + "    rules:\n      - any: [talk^x]\n", "topics.yaml")
    assert str(error) == "topics.yaml:6:20: expected a number after '^', got 'x'"
    # the column points at the character: line 6 is '      - any: [talk^x]'
    assert "      - any: [talk^x]"[error.column - 1] == "x"


def test_every_error_in_a_file_is_reported_not_just_the_first():
    text = HEAD + "    threshold: high\n    rules:\n      - any: [{country: Syrai}]\n      - none: [y^2]\n"
    errors = validate_topics_text(text)
    assert [e.line for e in errors] == [5, 7, 8]


def test_a_topic_with_errors_is_left_out_and_others_still_load():
    text = HEAD + "    rules: [{any: [x]}]\n  - id: bad id\n    name: B\n    description: D\n    rules: [{any: [y]}]\n"
    errors = validate_topics_text(text)
    assert len(errors) == 1 and errors[0].line == 6


def test_load_raises_with_every_error(tmp_path: Path):
    path = tmp_path / "topics.yaml"
    path.write_text(HEAD + "    treshold: 3\n    rules: [{any: ['\"open']}]\n")
    with pytest.raises(TopicFileError) as info:
        TopicSet.load(path)
    assert [(e.line, e.column) for e in info.value.errors] == [(5, 5), (6, 26)]
    assert str(info.value).startswith(f"{path}:5:5: unknown key 'treshold'")


def test_validate_a_missing_file(tmp_path: Path):
    [error] = validate_topics_file(tmp_path / "nope.yaml")
    assert error == RuleError(str(tmp_path / "nope.yaml"), 1, 1, "cannot read the file: No such file or directory")


def test_the_shipped_file_is_valid():
    assert validate_topics_file() == []
    assert validate_topics_file(None) == []


def test_yaml_type_guessing_does_not_change_values():
    # Plain YAML reads NO and on as booleans and 042 as the number 42.
    text = HEAD + "    rules:\n      - any: [{source: NO}, {cameo: 042}, on, 'yes']\n"
    assert validate_topics_text(text) == []
    topic = TopicSet.from_yaml(text).get("t")
    assert [i.source for i in topic.groups[0].items] == ["source:NO", "cameo:042", "on", "yes"]
