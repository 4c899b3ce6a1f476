"""deploy/docker-compose.yml, deploy/Dockerfile, deploy/.env.example and .dockerignore in structure.

No Docker engine runs here, so the compose file is checked as data: the services exist,
long-running ones have healthchecks, start order uses depends_on conditions, Elasticsearch
and Kibana are one version and the local stack's, Kafka is the local stack's 4.x, security
is on with credentials from .env, the worker image runs as a non-root user with its
model baked in and a healthcheck on /healthz. And the secured shape (docs/deployment.md):
certificates from elasticsearch-certutil, TLS on Elasticsearch HTTP and from Kibana, Kafka on
SASL_SSL with SCRAM and an authorizer, every secret refused while it is a change-me placeholder,
no password on a command line, a .dockerignore that keeps deploy/.env out of the image. What
the worker does on such a cluster is tested for real on the secure local stack (tests/secure).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from newsmon.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
LONG_RUNNING = ("kafka", "elasticsearch", "kibana", "worker", "feeds")
ONE_SHOT = ("certs", "kafka-tls", "setup", "elasticsearch-users")
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}")


def image_version(service: str) -> str:
    return SERVICES[service]["image"].rsplit(":", 1)[1]


def environment(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def test_services_present():
    assert set(LONG_RUNNING) | set(ONE_SHOT) <= set(SERVICES)


def test_long_running_services_have_healthchecks():
    for name in LONG_RUNNING:
        check = SERVICES[name].get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert "/healthz" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
    for name in ONE_SHOT:
        assert SERVICES[name].get("restart") == "no"


def test_start_order_uses_conditions():
    for name, service in SERVICES.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on must name conditions"
        for dependency, spec in depends.items():
            assert dependency in SERVICES
            wanted = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            assert spec["condition"] == wanted, f"{name} -> {dependency}"
    assert set(SERVICES["worker"]["depends_on"]) >= {"kafka", "elasticsearch", "setup"}
    assert set(SERVICES["setup"]["depends_on"]) >= {"kafka", "elasticsearch", "kibana"}
    assert set(SERVICES["kibana"]["depends_on"]) >= {"elasticsearch", "elasticsearch-users"}
    # Certificates (and the check of every secret) come before anything that uses them.
    assert set(SERVICES["elasticsearch"]["depends_on"]) == {"certs"}
    assert set(SERVICES["kafka-tls"]["depends_on"]) == {"certs"}
    assert set(SERVICES["kafka"]["depends_on"]) == {"kafka-tls"}


def test_versions_match_each_other_and_the_local_stack():
    settings = Settings()
    assert SERVICES["elasticsearch"]["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:")
    assert SERVICES["kibana"]["image"].startswith("docker.elastic.co/kibana/kibana:")
    assert image_version("elasticsearch") == image_version("kibana") == settings.es_version
    assert image_version("elasticsearch-users") == image_version("certs") == settings.es_version
    assert SERVICES["kafka"]["image"].startswith("apache/kafka:")
    kafka = image_version("kafka")
    assert kafka.split(".")[0] == settings.kafka_version.split(".")[0] == "4"
    assert kafka == settings.kafka_version


def test_kafka_runs_kraft_without_zookeeper():
    env = environment("kafka")
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "CONTROLLER" in env["KAFKA_LISTENERS"] and env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith("1@kafka:")
    assert "zookeeper" not in SERVICES and not any("ZOOKEEPER" in k for k in env)


def test_security_is_on_and_credentials_come_from_env_file():
    es_env = environment("elasticsearch")
    assert es_env["xpack.security.enabled"] == "true"
    assert "${ELASTIC_PASSWORD" in es_env["ELASTIC_PASSWORD"]
    kibana_env = environment("kibana")
    assert kibana_env["ELASTICSEARCH_USERNAME"] == "kibana_system"
    assert "${KIBANA_PASSWORD" in kibana_env["ELASTICSEARCH_PASSWORD"]
    worker_env = environment("worker")
    assert worker_env["NEWSMON_ES_USERNAME"] and "${NEWSMON_ES_PASSWORD" in worker_env["NEWSMON_ES_PASSWORD"]
    assert worker_env["NEWSMON_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert worker_env["NEWSMON_WEB_HOST"] == "0.0.0.0"
    example = (DEPLOY / ".env.example").read_text()
    defined = set(re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", example, re.M))
    used = set(VARIABLE.findall((DEPLOY / "docker-compose.yml").read_text()))
    assert used <= defined, f"variables the compose file uses but .env.example does not document: {used - defined}"
    for password in SECRETS:
        assert re.search(rf"^{password}=change-me\S+", example, re.M), password


# Every secret of the deployment: in .env.example (as a change-me placeholder), checked by the certs job.
SECRETS = ("ELASTIC_PASSWORD", "KIBANA_PASSWORD", "NEWSMON_ES_PASSWORD", "KAFKA_ADMIN_PASSWORD", "NEWSMON_KAFKA_PASSWORD",
           "NEWSMON_API_TOKEN", "NEWSMON_SECRET_KEY", "KIBANA_ENCRYPTION_KEY", "KIBANA_SECURITY_KEY", "KIBANA_REPORTING_KEY")
CA = "/certs/ca/ca.crt"


def script(service: str) -> str:
    """A service's command as the shell sees it (compose turns $$ into $)."""
    command = SERVICES[service].get("command") or []
    return ("\n".join(command) if isinstance(command, list) else str(command)).replace("$$", "$")


def test_the_certs_job_refuses_placeholder_and_short_secrets_before_anything_starts():
    body = script("certs")
    env = environment("certs")
    for name in SECRETS:
        assert name in env and f"${{{name}" in env[name], f"certs job does not receive {name}"
        assert name in body.split("for name in", 1)[1].split("; do", 1)[0], f"certs job does not check {name}"
    assert "change-me*)" in body and "exit 1" in body
    assert '-ge 32' in body  # Kibana's keys
    # The check runs before the certificates are made, and every service that takes a password waits for it.
    assert body.index("change-me*)") < body.index("$certutil ca")
    for service in ("elasticsearch", "kafka-tls"):
        assert SERVICES[service]["depends_on"]["certs"]["condition"] == "service_completed_successfully"


def test_certificates_come_from_elasticsearch_certutil_into_a_shared_volume():
    body = script("certs")
    assert "certutil=/usr/share/elasticsearch/bin/elasticsearch-certutil" in body
    assert '$certutil ca --silent --pem -out "$dir/ca.zip"' in body
    assert '$certutil cert --silent --pem' in body and '--ca-cert "$dir/ca/ca.crt" --ca-key "$dir/ca/ca.key"' in body
    for instance in ("elasticsearch", "kafka"):
        assert f"- name: {instance}" in body and f"dns: [{instance}, localhost]" in body
    assert "certs" in COMPOSE["volumes"]
    for service in ("elasticsearch", "elasticsearch-users", "kibana", "kafka", "setup", "worker"):
        mounts = [str(v) for v in SERVICES[service]["volumes"]]
        assert any(m.startswith("certs:") and m.endswith(":ro") for m in mounts), f"{service} lacks the certs volume, read-only"
    # Kafka reads PKCS#8 only: kafka-tls turns certutil's key into a PEM key store with newsmon's own converter.
    assert "python -m newsmon.stack.certs kafka.key kafka.crt ../ca/ca.crt kafka-keystore.pem" in script("kafka-tls")


def test_elasticsearch_serves_tls_and_kibana_and_the_worker_verify_it():
    es_env = environment("elasticsearch")
    assert es_env["xpack.security.http.ssl.enabled"] == "true"
    assert es_env["xpack.security.http.ssl.certificate"] == "certs/elasticsearch/elasticsearch.crt"
    assert es_env["xpack.security.http.ssl.key"] == "certs/elasticsearch/elasticsearch.key"
    assert es_env["xpack.security.transport.ssl.enabled"] == "true"
    assert "https://localhost:9200" in " ".join(SERVICES["elasticsearch"]["healthcheck"]["test"])
    kibana_env = environment("kibana")
    assert kibana_env["ELASTICSEARCH_HOSTS"] == '["https://elasticsearch:9200"]'
    assert kibana_env["ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES"] == "config/certs/ca/ca.crt"
    for service in ("worker", "setup"):
        env = environment(service)
        assert env["NEWSMON_ES_URL"] == "https://elasticsearch:9200" and env["NEWSMON_ES_CA_FILE"] == CA


def test_kibana_has_its_encryption_keys_from_env_and_a_data_volume():
    env = environment("kibana")
    assert "${KIBANA_SECURITY_KEY" in env["XPACK_SECURITY_ENCRYPTIONKEY"]
    assert "${KIBANA_ENCRYPTION_KEY" in env["XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY"]
    assert "${KIBANA_REPORTING_KEY" in env["XPACK_REPORTING_ENCRYPTIONKEY"]
    assert "kibana-data:/usr/share/kibana/data" in SERVICES["kibana"]["volumes"] and "kibana-data" in COMPOSE["volumes"]


def test_kafka_speaks_sasl_ssl_only_with_scram_and_an_authorizer():
    env = environment("kafka")
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(protocols.values()) == {"SASL_SSL"}, "every listener (clients and controller) is SASL_SSL"
    assert "SCRAM-SHA-512" in env["KAFKA_SASL_ENABLED_MECHANISMS"].split(",")
    assert env["KAFKA_SSL_KEYSTORE_TYPE"] == "PEM" and env["KAFKA_SSL_TRUSTSTORE_LOCATION"].endswith("/ca/ca.crt")
    assert env["KAFKA_AUTHORIZER_CLASS_NAME"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert env["KAFKA_SUPER_USERS"] == "User:admin"
    assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    # The admin's credential is read from a file through the FileConfigProvider: not in the broker's environment.
    assert env["KAFKA_CONFIG_PROVIDERS"] == "file"
    for key, value in env.items():
        if key.endswith("_JAAS_CONFIG"):
            assert "password=" not in value, f"{key} holds a password"
    assert "--command-config" in " ".join(SERVICES["kafka"]["healthcheck"]["test"])


def test_kafka_environment_survives_the_images_conversion_to_properties():
    # apache/kafka's start script turns KAFKA_* variables into properties: '_' -> '.', '__' -> '_',
    # '___' -> '-', and it silently drops any variable whose value holds '=' (it splits on it).
    env = environment("kafka")
    for key, value in env.items():
        if key.startswith("KAFKA_"):
            assert "=" not in value, f"{key}: apache/kafka drops a KAFKA_* value containing '='"
    assert "KAFKA_LISTENER_NAME_BROKER_SCRAM___SHA___512_SASL_JAAS_CONFIG" in env  # listener.name.broker.scram-sha-512.sasl.jaas.config
    # Listener names without SSL:// or SASL_: the image would otherwise demand its own keystore variables.
    assert "SSL://" not in env["KAFKA_ADVERTISED_LISTENERS"] and "SASL_" not in env["KAFKA_ADVERTISED_LISTENERS"]


def test_the_worker_uses_scram_over_tls_with_its_own_user_and_the_setup_job_grants_it():
    worker = environment("worker")
    assert worker["NEWSMON_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert worker["NEWSMON_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert worker["NEWSMON_KAFKA_USERNAME"] == "newsmon" and "${NEWSMON_KAFKA_PASSWORD" in worker["NEWSMON_KAFKA_PASSWORD"]
    assert worker["NEWSMON_KAFKA_CA_FILE"] == CA
    assert "${NEWSMON_API_TOKEN" in worker["NEWSMON_API_TOKEN"] and "${NEWSMON_SECRET_KEY" in worker["NEWSMON_SECRET_KEY"]
    setup = environment("setup")
    assert setup["NEWSMON_KAFKA_USERNAME"] == "admin" and "${KAFKA_ADMIN_PASSWORD" in setup["NEWSMON_KAFKA_PASSWORD"]
    assert "${NEWSMON_KAFKA_PASSWORD" in setup["KAFKA_WORKER_PASSWORD"]
    assert setup["KAFKA_WORKER_TOPIC_PREFIX"] == "news." and setup["KAFKA_WORKER_APP_ID"] == Settings().worker_id
    assert "python -m newsmon.stream.acls" in script("setup")
    assert Settings().articles_topic.startswith(setup["KAFKA_WORKER_TOPIC_PREFIX"])


def test_no_password_is_ever_on_a_command_line():
    for name, service in SERVICES.items():
        body = script(name) + " ".join(map(str, service.get("entrypoint") or []))
        healthcheck = " ".join(service.get("healthcheck", {}).get("test", []))
        for text in (body, healthcheck):
            assert not re.search(r"(-u|--user)\s+\S*:\$", text), f"{name}: curl -u with a password"
            assert not re.search(r"--password\s", text), f"{name}: a --password argument"
            assert "--add-scram" not in text
    users = script("elasticsearch-users")
    assert "-K <(printf" in users and "--data-binary @-" in users and "<<<" in users
    # The retry loops of Elastic's example: each request is repeated until Elasticsearch takes it.
    assert users.count("until [") == 3 and "sleep" in users


def test_dockerignore_keeps_secrets_and_bulk_out_of_the_build_context():
    ignored = {line.strip() for line in (DEPLOY.parent / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", "deploy/.env", "**/__pycache__", "state"} <= ignored
    assert not any(line.startswith("!") for line in ignored)


def test_worker_and_setup_are_built_from_the_dockerfile():
    for name in ("worker", "setup"):
        build = SERVICES[name]["build"]
        assert build["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()
    body = script("setup")
    assert "newsmon es setup" in body and "newsmon kibana setup" in body and "ensure_topics" in body
    assert environment("setup")["NEWSMON_KIBANA_URL"] == "http://kibana:5601"
    assert SERVICES["kafka-tls"]["build"] == SERVICES["worker"]["build"]


def test_dockerfile_runs_as_a_non_root_user_with_the_model_and_a_healthcheck():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*", dockerfile, re.M)
    assert "6066/healthz" in dockerfile
    assert "load_model" in dockerfile  # the model is installed and loaded at build time
    assert "COPY deploy/kibana" in dockerfile or "COPY --chown=newsmon:newsmon deploy/kibana" in dockerfile
