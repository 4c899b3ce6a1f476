from newsmon.articles import assign_id, canonical_url, content_hash
from newsmon.articles.ids import ID_LENGTH


def test_canonical_url_ignores_what_does_not_change_the_article():
    a = canonical_url("https://www.Example.com/world/story-1/?utm_source=tw&b=2&a=1#comments")
    b = canonical_url("http://example.com/world/story-1?a=1&b=2")
    assert a == b == "http://example.com/world/story-1?a=1&b=2"


def test_canonical_url_keeps_what_does():
    assert canonical_url("https://example.com/story?id=1") != canonical_url("https://example.com/story?id=2")
    assert canonical_url("https://example.com/a") != canonical_url("https://example.com/b")


def test_id_from_url_is_stable_across_tracking_variants():
    first = assign_id("https://news.example.org/a/1?utm_medium=email", "Title", "Body one")
    second = assign_id("http://news.example.org/a/1/", "Another title", "Edited body")
    assert first == second
    assert len(first) == ID_LENGTH and all(c in "0123456789abcdef" for c in first)


def test_id_without_url_comes_from_title_and_body():
    base = assign_id(None, "A title", "A body")
    assert base == assign_id("", " A title ", "A body\n")  # surrounding whitespace does not matter
    assert base != assign_id(None, "A title", "Another body")
    assert base != assign_id(None, "Another title", "A body")
    assert base != assign_id("https://example.com/x", "A title", "A body")


def test_content_hash_tells_an_edit_from_a_resend():
    assert content_hash("T", "B") == content_hash("T", "B")
    assert content_hash("T", "B") != content_hash("T", "B.")
    assert content_hash(None, "B") == content_hash("", "B")
