"""The redaction layer: display_url, the masking of known secrets, the log filter and the output stream."""

import io
import logging

import pytest

from newsmon.config import Settings
from newsmon.ops import redact
from newsmon.ops.redact import RedactFilter, RedactingStream, Redactor, display_url, url_secrets


def test_display_url_drops_userinfo_masks_secret_paths_and_query_values():
    assert display_url("https://user:pw@example.org/hook?token=abc") == "https://example.org/hook?token=***"
    assert display_url("https://hooks.slack.com/services/T0/B0/XYZ") == "https://hooks.slack.com/services/***"
    assert display_url("https://discord.com/api/webhooks/1/abc") == "https://discord.com/api/webhooks/***"
    assert display_url("http://[::1]:8080/hook") == "http://[::1]:8080/hook"
    assert display_url("not a url") == "not a url"


def test_a_slack_compatible_path_is_masked_on_any_host():
    # Mattermost, Rocket.Chat and the test receivers on 127.0.0.1 serve the same /services/... path.
    assert display_url("http://127.0.0.1:8065/services/T000/B000/s3cr3t") == "http://127.0.0.1:8065/services/***"
    assert display_url("https://chat.example.org/services/") == "https://chat.example.org/services/"  # nothing to hide


def test_url_secrets_are_the_parts_display_url_hides():
    assert sorted(url_secrets("https://bob:pw123456@h.example/services/T/B/tok?key=qwerty&x=1")) == \
        ["1", "T/B/tok", "pw123456", "qwerty"]
    assert url_secrets("https://example.org/hook") == []


def test_known_secrets_are_masked_in_text_longest_first():
    r = Redactor()
    r.add("hunter2-long", "hunter2-long-and-longer", "abc")  # "abc" is too short to look for
    assert r.redact("pw hunter2-long-and-longer and hunter2-long, abc") == "pw *** and ***, abc"


def test_urls_in_text_lose_userinfo_and_secret_paths_but_article_links_stay_exact():
    r = Redactor()
    text = ("POST http://127.0.0.1:9/services/T0/B0/zzz failed; es at https://elastic:pw@es:9200/_bulk; "
            "article https://news.example/story?id=42")
    assert r.redact(text) == ("POST http://127.0.0.1:9/services/*** failed; es at https://es:9200/_bulk; "
                              "article https://news.example/story?id=42")


def test_every_secret_setting_is_known_with_its_basic_auth_form():
    import base64

    settings = Settings(es_username="newsmon", es_password="es-password-1", kafka_password="kafka-password-1",
                        smtp_password="smtp-password-1", api_token="api-token-123456", es_api_key="es-api-key-1",
                        secret_key="key-one-aaaaaa,key-two-bbbbbb")
    redact.register_settings(settings)
    basic = base64.b64encode(b"newsmon:es-password-1").decode()
    text = f"{basic} es-password-1 kafka-password-1 smtp-password-1 api-token-123456 es-api-key-1 key-two-bbbbbb"
    assert redact.redact(text) == " ".join(["***"] * 7)


def _record(msg, *args, exc_info=None):
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, msg, args, exc_info)


def test_the_log_filter_masks_message_arguments_and_tracebacks():
    redact.register("rule-secret-0123456789")
    record = _record('HTTP Request: POST %s "%s"', "http://127.0.0.1:1/services/T/B/abcdef", "HTTP/1.1 500")
    assert RedactFilter().filter(record)
    assert record.getMessage() == 'HTTP Request: POST http://127.0.0.1:1/services/*** "HTTP/1.1 500"'
    assert record.args == ()  # not None: formatters such as mode's turn None into (None,)
    try:
        raise RuntimeError("signing with rule-secret-0123456789 failed")
    except RuntimeError:
        import sys

        record = _record("delivery failed", exc_info=sys.exc_info())
    RedactFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "signing with *** failed" in formatted and "rule-secret-0123456789" not in formatted


def test_install_filter_reaches_third_party_handlers():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    third_party = logging.getLogger("elastic_transport.test-redact")
    third_party.addHandler(handler)
    third_party.propagate = False
    try:
        redact.install_filter()
        redact.register("es-password-for-the-filter")
        third_party.warning("node https://elastic:%s@es:9200 failed", "es-password-for-the-filter")
    finally:
        third_party.removeHandler(handler)
    assert stream.getvalue() == "node https://es:9200 failed\n"


def test_the_output_stream_writes_redacted_text_and_passes_the_rest_through():
    redact.register("printed-secret-9876")
    raw = io.StringIO()
    out = RedactingStream(raw)
    assert out.write("token printed-secret-9876\n") == len("token printed-secret-9876\n")
    out.writelines(["a https://u:p@h/x\n"])
    assert raw.getvalue() == "token ***\na https://h/x\n"
    assert out.getvalue() == raw.getvalue()  # anything else is the wrapped stream's


@pytest.mark.parametrize("value", ["", None])
def test_nothing_to_mask_is_nothing_masked(value):
    assert redact.redact(value) == value


def test_thousands_of_secrets_are_one_trie_longest_first():
    r = Redactor()
    r.add(*(f"rule-secret-{n:05d}-tail" for n in range(3000)), "abcdef", "abcdefgh", "abcdxy")
    assert r.redact("rule-secret-02999-tail, rule-secret-03000-tail") == "***, rule-secret-03000-tail"
    assert r.redact("abcdefghi abcdefg abcdxyz abcde") == "***i ***g ***z abcde"
    r.add("later-added-secret")  # compiled again on the next use
    assert r.redact("later-added-secret") == "***"


def test_the_probes_answer_with_every_string_redacted():
    # /healthz and /readyz answer without a token and quote recent errors: their body goes through this.
    from newsmon.ops import redact
    from newsmon.stream.app import _redacted

    redact.register("probe-secret-value-1234")
    body = {"recent_errors": [{"message": "login failed with probe-secret-value-1234", "where": {"offset": 7}}],
            "degraded_reason": "POST http://user:pw-123456@127.0.0.1/services/T0/B0/hook-secret failed", "ready": True}
    shown = _redacted(body)
    assert "probe-secret-value-1234" not in repr(shown) and "pw-123456" not in repr(shown) and "hook-secret" not in repr(shown)
    assert shown["recent_errors"][0]["where"] == {"offset": 7} and shown["ready"] is True
