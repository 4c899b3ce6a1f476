from newsmon.articles import prepare, validate_article
from newsmon.articles.prepare import looks_like_html, strip_html


def test_plain_text_passes_untouched():
    article = validate_article({"title": "T", "body": "Prices rose 3% as x < y for a <while>."})
    prepared = prepare(article, max_body_chars=1000)
    assert prepared.article is article and prepared.warnings == () and not prepared.truncated


def test_html_is_stripped_and_flagged():
    body = "<html><body><h1>Storm</h1><p>Winds hit the coast &amp; ports.</p><script>var x=1;</script><p>Ships stayed in.</p></body></html>"
    assert looks_like_html(body)
    prepared = prepare(validate_article({"body": body}), max_body_chars=1000)
    assert prepared.article.body == "Storm\n\nWinds hit the coast & ports.\n\nShips stayed in."
    assert prepared.warnings == ("html_stripped",)


def test_long_body_is_truncated_at_a_paragraph_and_flagged():
    body = ("word " * 30 + "\n") * 100
    prepared = prepare(validate_article({"body": body}), max_body_chars=1000)
    assert prepared.truncated and "truncated" in prepared.warnings
    assert len(prepared.article.body) <= 1000 and prepared.article.body.endswith("word ")


def test_content_hash_is_of_the_text_as_received():
    a = prepare(validate_article({"body": "<p>x</p><p>y</p>"}), max_body_chars=100)
    b = prepare(validate_article({"body": "x\n\ny"}), max_body_chars=100)
    assert a.article.body == b.article.body and a.content_hash != b.content_hash


def test_strip_html_drops_the_head_scripts_and_styles():
    page = "<html><head><title>Site name</title><style>p{}</style></head><body><p>Text</p><script>x()</script></body></html>"
    assert strip_html(page) == "Text"


def test_strip_html_keeps_blocks_apart():
    assert strip_html("<div>a</div><div>b<br>c</div>") == "a\n\nb\n\nc"
