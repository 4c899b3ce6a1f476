import json

import pytest

from newsmon.articles import InvalidArticle, parse_article, prepare
from newsmon.articles.limits import MAX_ID_BYTES, clean_text


def test_unpaired_surrogates_become_replacement_characters_and_are_flagged():
    article = parse_article(b'{"title": "Storm \\ud800 warning", "body": "Rain \\udfff fell.", "metadata": {"k\\ud801": ["v\\udc00"]}}')
    assert article.title == "Storm \ufffd warning" and article.body == "Rain \ufffd fell."
    assert article.metadata == {"k\ufffd": ["v\ufffd"]}
    article.model_dump_json().encode("utf-8")  # encodable all the way down
    assert "invalid_characters_replaced" in prepare(article, max_body_chars=1000).warnings


def test_paired_surrogates_are_an_ordinary_character():
    assert parse_article(b'{"body": "emoji \\ud83d\\ude00 ok"}').body == "emoji \U0001F600 ok"
    assert clean_text("plain") == ("plain", 0)


@pytest.mark.parametrize(("metadata", "reason"), [
    ("{\"a\": " * 20 + "1" + "}" * 20, "nested more than 16 levels deep"),
    (json.dumps({f"k{i}": i for i in range(3000)}), "more than 2,000 keys and items"),
    (json.dumps({"text": "x" * 300_000}), "more than 262,144 characters"),
])
def test_metadata_too_deep_or_too_large_is_refused_with_the_numbers(metadata, reason):
    with pytest.raises(InvalidArticle) as caught:
        parse_article(('{"body": "b", "metadata": ' + metadata + "}").encode())
    assert reason in caught.value.reason


def test_json_nested_beyond_what_python_reads_is_a_reason_not_a_crash():
    deep = '{"body": "b", "metadata": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"
    with pytest.raises(InvalidArticle, match="nested too deeply"):
        parse_article(deep.encode())


def test_ids_are_limited_in_bytes_as_elasticsearch_counts_them():
    with pytest.raises(InvalidArticle, match="900 bytes in UTF-8"):
        parse_article(json.dumps({"id": "€" * 300, "body": "b"}).encode())
    with pytest.raises(InvalidArticle, match="message key used as id"):
        parse_article(b'{"body": "b"}', key="k" * (MAX_ID_BYTES + 1))
    assert parse_article(json.dumps({"id": "€" * 160, "body": "b"}).encode()).id == "€" * 160
