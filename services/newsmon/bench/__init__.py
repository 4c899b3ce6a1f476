"""Benchmarks: a corpus of our own and the measurements behind `newsmon bench`."""
