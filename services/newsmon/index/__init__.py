"""Elasticsearch: index templates, turning enriched articles into documents, bulk indexing, search."""
