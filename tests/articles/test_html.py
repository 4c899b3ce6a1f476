"""HTML to text through trafilatura (newsmon.articles.html), on pages written for the project."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newsmon.articles.html import decode_html, extract_page, html_to_text, page_language, parse_date
from trafilatura.utils import load_html

ARTICLE = [
    "PORTHAVEN (Tidewater Wire) - The harbour board of Porthaven voted on Thursday to approve a new ferry "
    "timetable that adds two crossings a day to the island of Skelholm, after months of complaints from commuters.",
    "Under the plan, the first ferry will leave at six in the morning instead of seven, and a late crossing "
    "will run at eleven at night on weekdays. The board said the changes would start in April.",
    "Board chair Ottilie Brackwater said the decision followed a public consultation in which more than four "
    "hundred residents took part. \u201cPeople told us the old schedule no longer matched their day,\u201d she said.",
    "The ferry operator, Skelholm Crossings, said it would hire six more crew members to cover the extra "
    "sailings and that fares would not rise this year.",
]
# Words that only the page's furniture uses: none of them may reach the text.
FURNITURE = ["Menuword", "Cookieword", "Sideword", "Commentword", "Footerword", "Newsletterword", "trackingword"]
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc)


def news_page(*, head: str = "", lang: str = 'lang="en-GB"', charset: str = "utf-8") -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in ARTICLE)
    return f"""<!DOCTYPE html>
<html {lang}>
<head>
<meta charset="{charset}">
<title>Harbour board approves new ferry timetable | The Tidewater Gazette</title>
<meta property="og:site_name" content="The Tidewater Gazette">
<meta property="og:title" content="Harbour board approves new ferry timetable">
{head}
<style>body {{ font-family: sans-serif }}</style>
<script>window.trackingword = {{id: 1}};</script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>Cookieword: we use cookies to improve your experience.
Accept all cookies or manage your preferences.</p><button>Accept</button></div>
<header class="site-header"><a href="/">The Tidewater Gazette</a>
<nav class="menu"><ul><li><a href="/local">Menuword Local</a></li><li><a href="/sport">Menuword Sport</a></li>
<li><a href="/weather">Menuword Weather</a></li><li><a href="/subscribe">Menuword Subscribe</a></li></ul></nav>
</header>
<main>
<article>
<h1>Harbour board approves new ferry timetable</h1>
<p class="byline">By Mara Quillfeather</p>
{paragraphs}
</article>
<aside class="sidebar"><h3>Most read</h3><ul>
<li><a href="/a">Sideword: lighthouse keeper retires after forty years on the rock</a></li>
<li><a href="/b">Sideword: gull numbers fall again along the northern cliffs</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>Commentword from Greybeard42: about time they fixed this, the queue was dreadful every single morning.</p></div>
<div class="comment"><p>Commentword from Sandpiper: will the late boat run on bank holidays too, or only on weekdays?</p></div>
</section>
</main>
<footer class="site-footer"><p>Footerword. Copyright 2026 The Tidewater Gazette. All rights reserved.</p>
<form action="/newsletter"><label>Newsletterword: sign up for our morning briefing</label><input name="email"><button>Join</button></form>
</footer>
</body>
</html>"""


def test_a_news_page_gives_only_its_four_paragraphs_in_order():
    page = extract_page(news_page(), now=NOW)
    assert page.text.split("\n\n") == ARTICLE
    assert not [word for word in FURNITURE if word in page.text]
    assert page.extraction == {"extractor": "trafilatura", "version": "2.3.1", "mode": "precision", "fallback": None}


def test_a_news_page_posted_as_a_body_keeps_the_dateline_first():
    text, extraction = html_to_text(news_page(), title="Harbour board approves new ferry timetable")
    assert text.split("\n\n") == ARTICLE  # the heading repeating the title is left out
    assert text.startswith("PORTHAVEN (Tidewater Wire) -")
    assert extraction["fallback"] is None


def test_a_nav_menu_right_before_the_dateline_is_not_glued_onto_it():
    body = ("<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li><li><a href='/biz'>Business</a></li>"
            "</ul></nav><p>MOSCOW (Reuters) - Officials of two ministries met on Tuesday to discuss the grain corridor, "
            "two sources said.</p><p>The talks will resume next week in the capital.</p>")
    text, _ = html_to_text(body)
    assert text.split("\n\n")[0].startswith("MOSCOW (Reuters) -")
    assert "Home" not in text and "Business" not in text


def test_a_fragment_of_three_paragraphs_gives_three_paragraphs():
    text, extraction = html_to_text("<p>The council met on Monday.</p><p>It approved the budget &amp; a levy.</p><p>Members left at noon.</p>")
    assert text == "The council met on Monday.\n\nIt approved the budget & a levy.\n\nMembers left at noon."
    assert extraction == {"extractor": "trafilatura", "version": "2.3.1", "mode": "fast", "fallback": None}


def test_blocks_become_paragraphs_and_scripts_styles_and_comments_go():
    assert html_to_text("<div>a</div><div>b<br>c</div>")[0] == "a\n\nb\n\nc"
    page = "<html><head><title>Site name</title><style>p{}</style></head><body><!-- hidden note --><p>Text</p><script>x()</script></body></html>"
    assert html_to_text(page)[0] == "Text"


@pytest.mark.parametrize("markup", ["<div><script>track()</script><img src='a.png'></div>", "<html><body></body></html>", "   "])
def test_markup_without_text_gives_no_text(markup):
    text, extraction = html_to_text(markup)
    assert text == "" and extraction["fallback"] is None
    page = extract_page(markup, now=NOW)
    assert page.text == "" and page.title is None and page.published is None


def test_a_page_with_no_article_text_gives_none():
    page = extract_page("<html lang='de'><head><title>Only a title</title></head><body><nav><a href='/'>Start</a></nav></body></html>", now=NOW)
    assert page.text == "" and page.title == "Only a title" and page.language == "de"


def test_metadata_of_a_page_with_a_zoned_date():
    page = extract_page(news_page(head='<meta name="author" content="Mara Quillfeather; Jon Reed">'
                                       '<meta property="article:published_time" content="2026-03-14T08:30:00+01:00">'),
                        url="https://gazette.example/news/ferry", now=NOW)
    assert page.title == "Harbour board approves new ferry timetable"
    assert page.author == "Mara Quillfeather; Jon Reed"
    assert page.published == datetime(2026, 3, 14, 7, 30, tzinfo=timezone.utc)
    assert page.published.utcoffset() == timedelta(hours=1)  # the page's own zone is kept
    assert page.language == "en" and page.sitename == "The Tidewater Gazette"


def test_a_date_without_a_zone_is_utc_and_json_ld_is_read():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-03-11T07:15:00"}</script>'
    page = extract_page(news_page(head=ld), now=NOW)
    assert page.published == datetime(2026, 3, 11, 7, 15, tzinfo=timezone.utc) and page.published.tzinfo is not None


def test_a_date_more_than_a_day_in_the_future_is_dropped_and_the_copyright_year_is_not_a_date():
    future = extract_page(news_page(head='<meta property="article:published_time" content="2026-04-30T08:00:00Z">'), now=NOW)
    assert future.published is None  # and not 1 January 2026 from the footer's copyright line
    assert extract_page(news_page(), now=NOW).published is None
    assert parse_date("2026-03-21T06:00:00+0000", now=NOW) is not None  # within a day: clocks differ
    assert parse_date("2026-03-22T06:00:00+0000", now=NOW) is None
    assert parse_date("not a date", now=NOW) is None


@pytest.mark.parametrize(("html_tag", "head", "expected"), [
    ('<html lang="PT-br">', "", "pt"),
    ("<html>", '<meta http-equiv="Content-Language" content="fr">', "fr"),
    ("<html>", '<meta property="og:locale" content="es_ES">', "es"),
    ('<html lang="x">', "", None),
    ("<html>", "", None),
])
def test_page_language(html_tag, head, expected):
    tree = load_html(f"{html_tag}<head>{head}<title>t</title></head><body><p>text</p></body></html>")
    assert page_language(tree) == expected


ODD = " Caf\u00e9 cr\u00e8me \u201cbr\u00fbl\u00e9e\u201d \u2013 na\u00efve."


def odd_page(charset: str) -> str:
    return news_page(charset=charset).replace(ARTICLE[3], ARTICLE[3] + ODD)


@pytest.mark.parametrize(("label", "content"), [
    ("windows-1252 declared", odd_page("windows-1252").encode("cp1252")),
    ("iso-8859-1 declared, cp1252 quotes", odd_page("iso-8859-1").encode("cp1252")),
    ("windows-1252, no declaration", odd_page("utf-8").replace('<meta charset="utf-8">', "").encode("cp1252")),
    ("UTF-8", odd_page("utf-8").encode("utf-8")),
    ("UTF-8 declared as windows-1252", odd_page("windows-1252").encode("utf-8")),
    ("UTF-16 with a BOM", odd_page("utf-16").encode("utf-16")),
])
def test_pages_as_bytes_in_their_encodings(label, content):
    page = extract_page(content, now=NOW)
    assert page.text.split("\n\n")[-1] == ARTICLE[3] + ODD, label


def test_invalid_bytes_are_replaced_not_fatal():
    content = odd_page("utf-8").encode("utf-8").replace(b"Porthaven voted", b"Port\xffhaven voted")
    page = extract_page(content, now=NOW)
    assert "Port\ufffdhaven voted" in page.text and page.text.endswith(ODD.strip())
    undeclared = content.replace(b'<meta charset="utf-8">', b"")
    assert decode_html(undeclared).count("\ufffd") == 1 and ODD in decode_html(undeclared)


def test_a_page_whose_article_is_only_in_json_ld_comes_through_the_baseline_fallback():
    story = " ".join(ARTICLE)
    page = extract_page(f'<html><head><title>Ferry</title><script type="application/ld+json">{{"@type": "NewsArticle", '
                        f'"articleBody": "{story}"}}</script></head><body><div id="app"></div></body></html>', now=NOW)
    assert page.text == story and page.extraction["fallback"] == "baseline"


def test_a_menu_alone_is_not_taken_for_a_short_article_on_a_page_but_is_kept_when_posted():
    menu = "<html><body><nav><ul><li><a href='/'>Start</a></li><li><a href='/a'>About us</a></li></ul></nav></body></html>"
    assert extract_page(menu, now=NOW).text == ""
    assert html_to_text("<ul><li>Start</li><li>About us</li></ul>")[0] == "Start\n\nAbout us"


def test_the_headline_of_a_posted_page_without_an_article_container_is_kept():
    page = ("<html><head><title>x</title><style>p {color: red}</style></head><body>"
            "<h1>Floods close the river port</h1><p>Heavy rain flooded the river port of Valdora on Tuesday, "
            "officials said.</p><p>Ships were moved upstream &amp; roads were closed.</p>"
            "<script>track('view')</script></body></html>")
    assert html_to_text(page)[0].split("\n\n") == [
        "Floods close the river port", "Heavy rain flooded the river port of Valdora on Tuesday, officials said.",
        "Ships were moved upstream & roads were closed."]
    assert html_to_text(page, title="Floods close the river port")[0].startswith("Heavy rain")
