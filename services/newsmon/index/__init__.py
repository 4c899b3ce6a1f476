"""Elasticsearch: the index design Kibana works on, and everything that reads or writes it.

``mappings`` (what each field is and why), ``features`` (what the cluster can do),
``lifecycle`` (ILM policies), ``templates`` (composable templates and write aliases),
``documents`` (enriched articles and alerts to documents), ``indexer`` (bulk writes the
stream relies on), ``upgrade`` and ``scan`` (moving to a new mapping version), ``search``.
docs/index.md describes the design.
"""
