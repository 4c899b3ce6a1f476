import json
from datetime import datetime, timezone

import pytest

from newsmon.articles import InvalidArticle, assign_id, parse_article, validate_article


def reason(data, **kwargs):
    with pytest.raises(InvalidArticle) as info:
        validate_article(data, **kwargs) if not isinstance(data, (bytes, str)) else parse_article(data, **kwargs)
    return info.value.reason


def test_minimal_article_gets_an_id_from_title_and_body():
    article = validate_article({"title": "T", "body": "B"})
    assert article.id == assign_id(None, "T", "B")


def test_id_precedence_own_id_then_key_then_url():
    assert validate_article({"id": "own", "body": "B"}, key="k").id == "own"
    assert validate_article({"body": "B", "url": "https://x.org/1"}, key="k").id == "k"
    assert validate_article({"body": "B", "url": "https://x.org/1"}).id == assign_id("https://x.org/1", None, "B")


def test_dates_are_parsed_and_a_bare_date_is_accepted():
    assert validate_article({"body": "B", "published_at": "2017-03-18T10:00:00Z"}).published_at == datetime(2017, 3, 18, 10, tzinfo=timezone.utc)
    assert validate_article({"body": "B", "published_at": "2017-03-18"}).published_at.date().isoformat() == "2017-03-18"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"title": "no body"}, "'body' is required"),
        ({"body": ""}, "'body': String should have at least 1 character"),
        ({"body": "  \n\t"}, "'body': body is empty (only whitespace)"),
        ({"body": 42}, "'body': Input should be a valid string"),
        ({"body": "x", "published_at": "last tuesday"}, "'published_at': Input should be a valid datetime"),
        ({"body": "x", "language": "English"}, "'language': String should match pattern"),
        ({"body": "x", "author": "me"}, "unknown field 'author' (put extra data under 'metadata')"),
        (["body"], "an article must be a JSON object, got list"),
    ],
)
def test_invalid_articles_say_what_is_wrong(data, expected):
    assert expected in reason(data)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"body": "x"', "invalid JSON at line 1 column 13"),
        (b"", "empty message"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text (byte 0 is 0xff)"),
        (b"null", "an article must be a JSON object, got NoneType"),
    ],
)
def test_undecodable_messages_say_why(raw, expected):
    assert expected in reason(raw)


def test_parse_article_round_trip():
    data = {"id": "a1", "title": "T", "body": "B", "metadata": {"feed": "x"}}
    assert parse_article(json.dumps(data).encode()).model_dump(exclude_none=True) == data
