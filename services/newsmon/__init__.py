"""newsmon: a streaming news monitor.

Articles arrive on Kafka, a spaCy pipeline extracts actors, events and topics, the
results land in Elasticsearch and matching alert rules fire within a second.
"""

__version__ = "0.1.0"

# Bumped whenever extraction output changes meaning, so stored documents say which
# pipeline produced them and `newsmon reprocess` knows what is stale.
PIPELINE_VERSION = "2026.12.1"
