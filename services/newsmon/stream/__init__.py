"""The thin streaming shell around the pure core: the Faust app and its processing stages.

The stages of one batch, in order (see :mod:`newsmon.stream.processor`):
decode -> enrich -> index -> publish enriched -> match alert rules -> deliver -> commit.
"""
