"""Keyword alerts: rules users subscribe with, matched in the stream, delivered once per story.

* :mod:`.rules`: what a rule is (query, channels, digest, throttle) and how it is written down.
* :mod:`.rulebook`: the rules a worker knows, read from the compacted ``news.alert-rules`` topic.
* :mod:`.stories`: near-duplicate detection, so syndicated copies share a ``story_id``.
* :mod:`.ledger`: the ``news-alerts`` index as the record of every alert, and the guard
  that makes "once per rule per story" hold across redeliveries and restarts.
* :mod:`.dispatcher`: the alert stage of the stream, and delivery with retries.
* :mod:`.channels`: webhook, Slack, email, Kafka.
"""
