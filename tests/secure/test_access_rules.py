"""Pure logic of the secured set-up: the worker's ACLs, the refusal sentences, the secure broker's config."""

from __future__ import annotations

import ssl

from aiokafka import errors as ak
from kafka.admin import ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourceType

from newsmon.config import load_settings
from newsmon.stack import secure
from newsmon.stream.access import explain
from newsmon.stream.acls import worker_acls

SECURE = load_settings({
    "NEWSMON_KAFKA_BOOTSTRAP": "kafka:9092", "NEWSMON_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "NEWSMON_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "NEWSMON_KAFKA_USERNAME": "newsmon",
    "NEWSMON_KAFKA_PASSWORD": "s3cret-value",
})


def test_the_worker_gets_its_topics_faust_topics_and_group_and_nothing_else():
    granted = {(a.resource_pattern.resource_type, a.resource_pattern.resource_name, a.operation)
               for a in worker_acls("newsmon", "news.", "newsmon")}
    assert granted == {
        (ResourceType.TOPIC, "news.", ACLOperation.READ),
        (ResourceType.TOPIC, "news.", ACLOperation.WRITE),
        (ResourceType.TOPIC, "news.", ACLOperation.DESCRIBE),
        (ResourceType.TOPIC, "newsmon", ACLOperation.ALL),
        (ResourceType.GROUP, "newsmon", ACLOperation.READ),
    }
    for acl in worker_acls("newsmon", "news.", "newsmon"):
        assert acl.principal == "User:newsmon" and acl.permission_type == ACLPermissionType.ALLOW
        assert acl.resource_pattern.pattern_type == ACLResourcePatternType.PREFIXED


def test_refusals_name_the_setting_to_fix_and_never_the_password():
    cases = {
        ak.SaslAuthenticationFailed("invalid credentials"): "check NEWSMON_KAFKA_USERNAME and NEWSMON_KAFKA_PASSWORD.",
        ak.UnsupportedSaslMechanismError("no"): "set NEWSMON_KAFKA_SASL_MECHANISM",
        ssl.SSLCertVerificationError(1, "certificate verify failed"): "set NEWSMON_KAFKA_CA_FILE",
        ssl.SSLError(1, "wrong version number"): "NEWSMON_KAFKA_SECURITY_PROTOCOL",
    }
    for exc, wanted in cases.items():
        sentence = explain(SECURE, exc)
        assert sentence and wanted in sentence and "s3cret-value" not in sentence and "\n" not in sentence
        assert sentence.startswith(("Kafka at kafka:9092", "the TLS handshake with Kafka at kafka:9092"))


def test_a_plain_client_cut_off_at_the_handshake_is_told_about_the_protocol():
    plain = SECURE.model_copy(update={"kafka_security_protocol": "PLAINTEXT"})
    sentence = explain(plain, ak.KafkaConnectionError("Connection at kafka:9092 closed"))
    assert sentence and "check NEWSMON_KAFKA_SECURITY_PROTOCOL (e.g. SASL_SSL)" in sentence


def test_an_absent_broker_is_no_refusal():
    assert explain(SECURE, ConnectionRefusedError(111, "Connection refused")) is None
    assert explain(SECURE, ak.KafkaConnectionError("Unable to bootstrap")) is None


def test_the_secure_broker_allows_nothing_but_sasl_ssl_and_granted_acls(tmp_path):
    paths = secure.secure_paths(load_settings({"NEWSMON_STATE_DIR": str(tmp_path)}))
    props = dict(line.split("=", 1) for line in secure.render_kafka_properties(paths, 4, "adminpw").splitlines()
                 if line and not line.startswith("#"))
    assert props["listeners"] == "SASL_SSL://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["listener.security.protocol.map"] == "SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT"
    assert props["listener.name.sasl_ssl.sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["ssl.keystore.type"] == props["ssl.truststore.type"] == "PEM"
    assert props["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert props["super.users"] == "User:admin" and props["allow.everyone.if.no.acl.found"] == "false"
    assert props["auto.create.topics.enable"] == "false"
    assert paths.downloads == tmp_path.absolute() / "downloads"  # shared with the plain stack: no second download
    assert paths.state_dir == tmp_path.absolute() / "secure"


def test_certificates_name_loopback_and_chain_to_the_ca(tmp_path):
    from cryptography import x509

    from newsmon.stack import certs

    files = certs.issue(tmp_path)
    server = x509.load_pem_x509_certificates(files.server_cert.read_bytes())
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    assert len(server) == 2 and server[1] == ca
    names = server[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert {str(a) for a in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    server[0].verify_directly_issued_by(ca)
    assert files.server_key.stat().st_mode & 0o077 == 0
    assert files.server_key.read_text().startswith("-----BEGIN PRIVATE KEY-----")  # PKCS#8, what Kafka reads
    assert certs.issue(tmp_path).server_cert.read_bytes() == files.server_cert.read_bytes()  # kept, not reissued


def test_the_setup_step_refuses_a_placeholder_worker_password_before_connecting():
    import os
    import subprocess
    import sys

    env = {**os.environ, "NEWSMON_KAFKA_BOOTSTRAP": "127.0.0.1:1", "KAFKA_WORKER_PASSWORD": "change-me-newsmon-kafka-password"}
    result = subprocess.run([sys.executable, "-m", "newsmon.stream.acls"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == ("error: KAFKA_WORKER_PASSWORD still holds the placeholder of .env.example: set "
                                     "NEWSMON_KAFKA_PASSWORD in deploy/.env to a secret of your own.")
