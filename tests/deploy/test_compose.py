"""deploy/docker-compose.yml, deploy/Dockerfile and deploy/.env.example in structure.

No Docker engine runs here, so the compose file is checked as data: the services exist,
long-running ones have healthchecks, start order uses depends_on conditions, Elasticsearch
and Kibana are one version and the local stack's, Kafka is the local stack's 4.x, security
is on with credentials from .env, and the worker image runs as a non-root user with its
model baked in and a healthcheck on /healthz.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from newsmon.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
LONG_RUNNING = ("kafka", "elasticsearch", "kibana", "worker")
ONE_SHOT = ("setup", "elasticsearch-users")
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


def test_versions_match_each_other_and_the_local_stack():
    settings = Settings()
    assert SERVICES["elasticsearch"]["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:")
    assert SERVICES["kibana"]["image"].startswith("docker.elastic.co/kibana/kibana:")
    assert image_version("elasticsearch") == image_version("kibana") == settings.es_version
    assert image_version("elasticsearch-users") == settings.es_version
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
    assert worker_env["NEWSMON_ES_URL"] == "http://elasticsearch:9200"
    assert worker_env["NEWSMON_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert worker_env["NEWSMON_WEB_HOST"] == "0.0.0.0"
    example = (DEPLOY / ".env.example").read_text()
    defined = set(re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", example, re.M))
    used = set(VARIABLE.findall((DEPLOY / "docker-compose.yml").read_text()))
    assert used <= defined, f"variables the compose file uses but .env.example does not document: {used - defined}"
    for password in ("ELASTIC_PASSWORD", "KIBANA_PASSWORD", "NEWSMON_ES_PASSWORD", "KIBANA_ENCRYPTION_KEY"):
        assert re.search(rf"^{password}=\S+", example, re.M), password


def test_worker_and_setup_are_built_from_the_dockerfile():
    for name in ("worker", "setup"):
        build = SERVICES[name]["build"]
        assert build["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == (DEPLOY / "Dockerfile").resolve()
    script = " ".join(SERVICES["setup"]["command"])
    assert "newsmon es setup" in script and "newsmon kibana setup" in script and "ensure_topics" in script
    assert "http://kibana:5601" in script


def test_dockerfile_runs_as_a_non_root_user_with_the_model_and_a_healthcheck():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*", dockerfile, re.M)
    assert "6066/healthz" in dockerfile
    assert "load_model" in dockerfile  # the model is installed and loaded at build time
    assert "COPY deploy/kibana" in dockerfile or "COPY --chown=newsmon:newsmon deploy/kibana" in dockerfile
