import logging

from newsmon.ops.logs import RateLimit


def records(filt, name, n, msg="connection to %s failed"):
    passed = []
    for _ in range(n):
        record = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, ("broker",), None)
        if filt.filter(record):
            passed.append(record)
    return passed


def test_repeated_peer_errors_pass_once_per_interval_with_a_count():
    limit = RateLimit(interval_s=0.2)
    assert len(records(limit, "aiokafka.conn", 7000)) == 1
    import time

    time.sleep(0.25)
    (next_one,) = records(limit, "aiokafka.conn", 1)
    assert "and 6999 more like this" in next_one.getMessage()


def test_newsmon_lines_always_pass():
    limit = RateLimit(interval_s=60)
    assert len(records(limit, "newsmon.stream.processor", 50, "dead letter (%s)")) == 50
