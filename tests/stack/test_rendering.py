"""The files the stack writes: Kafka's properties and log config, elasticsearch.yml, the pom."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from newsmon.stack import StackError
from newsmon.stack.elasticsearch import check_heap, render_elasticsearch_yml
from newsmon.stack.kafka import controller_port, new_cluster_id, render_log4j, render_server_properties, version_of
from newsmon.stack.layout import StackPaths
from newsmon.stack.maven import render_kafka_pom

POM = "{http://maven.apache.org/POM/4.0.0}"


def _properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {key: value for key, value in pairs}


def test_server_properties_for_one_combined_node(tmp_path: Path) -> None:
    props = _properties(render_server_properties("127.0.0.1", 19092, tmp_path / "data", 4))
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["log.dirs"] == str(tmp_path / "data")
    assert props["num.partitions"] == "4"
    assert props["auto.create.topics.enable"] == "true"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor"):
        assert props[key] == "1"


def test_controller_sits_right_above_the_broker() -> None:
    assert controller_port(9092) == 9093


def test_log4j_config_writes_to_the_given_file(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "kafka" / "server.log"
    text = render_log4j(log)
    assert f"appender.file.fileName = {log}" in text
    assert "rootLogger.appenderRef.file.ref = file" in text


def test_cluster_ids_look_like_kafkas() -> None:
    ids = {new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) and not i.startswith("-") for i in ids)


def test_kafka_version_is_read_from_the_classpath() -> None:
    cmdline = ["java", "-cp", "/s/downloads/kafka-4.4.0/libs/*", "kafka.Kafka", "/s/kafka/server.properties"]
    assert version_of(cmdline) == "4.4.0"
    assert version_of(["java", "-version"]) is None


def test_elasticsearch_yml(tmp_path: Path) -> None:
    paths = StackPaths.create(tmp_path, "4.1.1", "9.5.4")
    config = yaml.safe_load(render_elasticsearch_yml(paths, "127.0.0.1", 19200))
    assert config["discovery.type"] == "single-node"
    assert config["network.host"] == "127.0.0.1"
    assert config["http.port"] == 19200
    assert config["transport.host"] == "127.0.0.1"
    assert config["path.data"] == str(tmp_path / "elasticsearch" / "data")
    assert config["path.logs"] == str(tmp_path / "logs" / "elasticsearch")
    assert config["cluster.routing.allocation.disk.threshold_enabled"] is False
    assert config["xpack.security.enabled"] is False
    # The log file name follows the cluster name.
    assert paths.es_log.name == f"{config['cluster.name']}.log"


@pytest.mark.parametrize("heap", ["1g", "512m", "2G", "1048576"])
def test_heap_sizes_accepted(heap: str) -> None:
    assert check_heap(heap) == heap


@pytest.mark.parametrize("heap", ["", "1 g", "-Xmx1g", "lots"])
def test_heap_sizes_rejected(heap: str) -> None:
    with pytest.raises(StackError, match="NEWSMON_ES_HEAP"):
        check_heap(heap)


def test_pom_has_the_versions_filled_in() -> None:
    root = ET.fromstring(render_kafka_pom("4.4.0", "2.25.2", "2.0.17"))
    deps = {
        (d.findtext(f"{POM}groupId"), d.findtext(f"{POM}artifactId")): d.findtext(f"{POM}version")
        for d in root.iter(f"{POM}dependency")
    }
    assert deps[("org.apache.kafka", "kafka_2.13")] == "4.4.0"
    assert deps[("org.apache.logging.log4j", "log4j-core")] == "2.25.2"
    assert deps[("org.apache.logging.log4j", "log4j-slf4j2-impl")] == "2.25.2"
    assert deps[("org.slf4j", "slf4j-api")] == "2.0.17"
    assert root.findtext(f"{POM}packaging") == "pom"


def test_layout_keeps_everything_under_the_state_folder(tmp_path: Path) -> None:
    paths = StackPaths.create(tmp_path, "4.1.1", "9.5.4")
    every = [getattr(paths, name) for name in dir(StackPaths) if isinstance(getattr(StackPaths, name), property)]
    assert every and all(tmp_path in p.parents for p in every)
    assert paths.kafka_libs == tmp_path / "downloads" / "kafka-4.1.1" / "libs"
    assert paths.es_home == tmp_path / "downloads" / "elasticsearch-9.5.4"
