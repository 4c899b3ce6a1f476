"""Importing feed lists from OPML."""

import pytest

from newsmon.feeds.opml import OpmlError, read_opml

OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>Desk feeds</title></head><body>
  <outline text="World">
    <outline type="rss" text="Wire World" title="Wire World" xmlUrl="https://wire.example.org/world.rss"/>
    <outline type="rss" text="Wire World" title="Wire World" xmlUrl="https://wire.example.org/world-2.rss"/>
  </outline>
  <outline type="rss" text="Regional &amp; local" xmlUrl="https://regional.example.net/feed"/>
  <outline type="rss" text="Broken" xmlUrl="ftp://old.example.com/feed"/>
</body></opml>"""


def test_reads_nested_outlines_with_unique_names():
    imported = read_opml(OPML, interval_s=900, language="en")
    assert [f.name for f in imported.feeds] == ["wire-world", "wire-world-2", "regional-local"]
    assert {f.interval_s for f in imported.feeds} == {900} and {f.language for f in imported.feeds} == {"en"}
    assert len(imported.problems) == 1 and "ftp://old.example.com/feed" in imported.problems[0]


def test_names_already_taken_are_not_reused():
    imported = read_opml(OPML, interval_s=600, taken={"wire-world"})
    assert imported.feeds[0].name == "wire-world-2" and imported.feeds[1].name == "wire-world-3"


def test_a_file_without_feeds_is_one_sentence():
    with pytest.raises(OpmlError, match="no feeds found"):
        read_opml(b"<html><body>not a list</body></html>", interval_s=600)
