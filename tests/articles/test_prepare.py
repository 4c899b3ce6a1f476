from datetime import datetime, timezone

from newsmon.articles import prepare, validate_article
from newsmon.articles.prepare import HTML_PER_TEXT_CHAR, looks_like_html


def test_plain_text_passes_untouched():
    article = validate_article({"title": "T", "body": "Prices rose 3% as x < y for a <while>.", "published_at": "2026-03-01T10:00:00Z"})
    prepared = prepare(article, max_body_chars=1000)
    assert prepared.article is article and prepared.warnings == () and not prepared.truncated
    assert prepared.published_at_source == "article"


RECEIVED = datetime(2026, 3, 4, 9, 15, tzinfo=timezone.utc)


def test_an_undated_article_gets_the_time_it_was_received_and_says_so():
    prepared = prepare(validate_article({"body": "Talks ended."}), max_body_chars=1000, received_at=RECEIVED)
    assert prepared.article.published_at == RECEIVED and prepared.published_at_source == "received"
    dated = prepare(validate_article({"body": "Talks ended.", "published_at": "2026-02-01T08:00:00Z"}),
                    max_body_chars=1000, received_at=RECEIVED)
    assert dated.article.published_at == datetime(2026, 2, 1, 8, tzinfo=timezone.utc) and dated.published_at_source == "article"


def test_without_a_receipt_time_an_undated_article_gets_now():
    before = datetime.now(timezone.utc)
    prepared = prepare(validate_article({"body": "Talks ended."}), max_body_chars=1000)
    assert before <= prepared.article.published_at <= datetime.now(timezone.utc)
    assert prepared.published_at_source == "received"


def test_a_producer_can_flag_its_date_as_a_receipt_time():
    record = {"body": "Talks ended.", "published_at": "2026-02-01T08:00:00Z", "metadata": {"published_at_source": "received"}}
    prepared = prepare(validate_article(record), max_body_chars=1000, received_at=RECEIVED)
    assert prepared.article.published_at == datetime(2026, 2, 1, 8, tzinfo=timezone.utc)
    assert prepared.published_at_source == "received"


def test_html_is_stripped_and_flagged():
    body = "<html><body><h1>Storm</h1><p>Winds hit the coast &amp; ports.</p><script>var x=1;</script><p>Ships stayed in.</p></body></html>"
    assert looks_like_html(body)
    prepared = prepare(validate_article({"body": body}), max_body_chars=1000)
    assert prepared.article.body == "Storm\n\nWinds hit the coast & ports.\n\nShips stayed in."
    assert prepared.warnings == ("html_stripped",)
    assert prepared.article.metadata["extraction"] == {"extractor": "trafilatura", "version": "2.3.1", "mode": "fast", "fallback": None}


def test_the_extraction_record_joins_the_producers_metadata_and_plain_text_gets_none():
    prepared = prepare(validate_article({"body": "<p>One.</p><p>Two.</p>", "metadata": {"feed": "f1"}}), max_body_chars=1000)
    assert prepared.article.metadata["feed"] == "f1" and prepared.article.metadata["extraction"]["extractor"] == "trafilatura"
    assert "extraction" not in prepare(validate_article({"body": "One.\n\nTwo."}), max_body_chars=1000).article.metadata


def test_a_heading_that_repeats_the_title_is_not_kept_in_the_body():
    body = "<h1>Storm</h1><p>Winds hit the coast.</p><p>Ships stayed in.</p>"
    prepared = prepare(validate_article({"title": "Storm", "body": body}), max_body_chars=1000)
    assert prepared.article.body == "Winds hit the coast.\n\nShips stayed in."


def test_an_html_title_becomes_one_line_of_text():
    prepared = prepare(validate_article({"title": "<b>Storm</b> hits the <i>coast</i>", "body": "Winds."}), max_body_chars=1000)
    assert prepared.article.title == "Storm hits the coast"


def test_markup_without_text_is_kept_as_it_came_and_flagged():
    body = "<div><script>track()</script><img src='a.png'></div>"
    prepared = prepare(validate_article({"body": body}), max_body_chars=1000)
    assert prepared.article.body == body and prepared.warnings == ("html_stripped", "no_text_after_html_strip")


def test_html_far_longer_than_the_body_cap_is_cut_before_conversion_and_flagged():
    body = "<p>Kept paragraph.</p>" + "<div class='x'></div>" * (HTML_PER_TEXT_CHAR * 100 // 20) + "<p>Never read.</p>"
    prepared = prepare(validate_article({"body": body}), max_body_chars=100)
    assert prepared.article.body == "Kept paragraph." and prepared.truncated
    assert prepared.warnings == ("html_stripped", "truncated")


def test_long_body_is_truncated_at_a_paragraph_and_flagged():
    body = ("word " * 30 + "\n") * 100
    prepared = prepare(validate_article({"body": body}), max_body_chars=1000)
    assert prepared.truncated and "truncated" in prepared.warnings
    assert len(prepared.article.body) <= 1000 and prepared.article.body.endswith("word ")


def test_content_hash_is_of_the_text_as_received():
    a = prepare(validate_article({"body": "<p>x</p><p>y</p>"}), max_body_chars=100)
    b = prepare(validate_article({"body": "x\n\ny"}), max_body_chars=100)
    assert a.article.body == b.article.body and a.content_hash != b.content_hash


def test_prose_with_angle_brackets_is_not_html():
    assert not looks_like_html("Prices rose 3% as x < y for a <while>.")
    assert looks_like_html("<p>a</p>") and looks_like_html("Text with <b>bold</b> in it")
