"""Operating newsmon: what runs, how far behind it is, how much it did lately, and what went wrong.

Read-only views over Kafka, Elasticsearch and the worker's endpoints, for ``newsmon status``.
"""
