"""Getting the news: feeds, sitemaps and web pages, fetched politely (issue 13).

The parts, each small and pure or thin:

- :mod:`.urls`: ``canonical(url)``, the one URL normaliser (courlan): the value an article id is hashed
  from, so one story under two feeds' tracking parameters is one document.
- :mod:`.fetch`: :class:`~.fetch.Fetcher`, HTTP through the outbound policy with robots.txt, per-host
  limits and delays, conditional GET, redirects counted by hand, size caps, content-type checks and
  Retry-After backoff.
- :mod:`.robots`: robots.txt (protego), cached per host, RFC 9309's rules for errors.
- :mod:`.parse`: RSS 2.0, RSS 1.0/RDF, Atom (feedparser), JSON Feed (json), sitemaps, sitemap indexes
  and Google news sitemaps (lxml, parsed safely) into one :class:`~.parse.ParsedFeed`.

The poller, the feed registry, the seen-URL store and the CLI sit on top (``poller.py``,
``registry.py``, ``seen.py``, ``newsmon.cli.feeds``); nothing here talks to Kafka. docs/feeds.md.
"""
