"""Going and getting the news: feeds, sitemaps and web pages, polled politely.

- :mod:`.models`: a configured feed and what the poller knows about it;
- :mod:`.store`: the feed list, poll state and URLs already published, on compacted Kafka topics;
- :mod:`.fetch` and :mod:`.robots`: HTTP under the outbound policy, robots.txt, per-host limits, backoff;
- :mod:`.parse`: RSS, Atom, RDF, JSON Feed, sitemaps and sitemap indexes;
- :mod:`.urls`: canonical URLs (the article id is their hash);
- :mod:`.poller`: the scheduler that ties them together and publishes to ``news.articles``;
- :mod:`.opml`: importing feed lists.

Page text comes from :mod:`newsmon.articles.html`, the one HTML path of newsmon.
"""
