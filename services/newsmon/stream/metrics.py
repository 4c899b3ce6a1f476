"""Prometheus metrics of the worker, served on ``/metrics``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.articles_in = Counter("newsmon_articles_in", "Messages read from the articles topic", registry=r)
        self.enriched = Counter("newsmon_articles_enriched", "Articles enriched", registry=r)
        self.indexed = Counter("newsmon_articles_indexed", "Articles indexed in Elasticsearch", registry=r)
        self.dead_lettered = Counter(
            "newsmon_articles_dead_lettered", "Messages sent to the dead-letter topic", ["stage"], registry=r
        )
        self.alerts_sent = Counter("newsmon_alerts_sent", "Alerts delivered", ["channel"], registry=r)
        self.alerts_failed = Counter("newsmon_alerts_failed", "Alert deliveries that failed", ["channel"], registry=r)
        self.batch_splits = Counter(
            "newsmon_batch_splits", "Steps that failed for a group of messages and were split to find the one at fault",
            ["stage"], registry=r,
        )
        self.alerts_redelivered = Counter(
            "newsmon_alerts_redelivered", "Alerts delivered again after a restart (they may have arrived before it)",
            ["channel"], registry=r,
        )
        self.alert_match_over_budget = Counter(
            "newsmon_alert_match_over_budget", "Articles whose alert rules took longer than alert_match_budget_ms", registry=r,
        )
        self.index_retries = Counter("newsmon_index_retries", "Bulk requests retried after a transient failure", registry=r)
        self.stage_seconds = Histogram(
            "newsmon_stage_seconds", "Time per batch in each stage", ["stage"], buckets=LATENCY_BUCKETS, registry=r
        )
        self.batch_size = Histogram(
            "newsmon_batch_size", "Messages per batch", buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256), registry=r
        )
        self.consumer_lag = Gauge("newsmon_consumer_lag", "Messages behind the end of the articles topic", ["partition"], registry=r)
