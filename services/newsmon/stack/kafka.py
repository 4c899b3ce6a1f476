"""One Kafka 4 node in KRaft mode (broker and controller in one JVM), for local development.

Listeners: the broker on the host:port of ``NEWSMON_KAFKA_BOOTSTRAP`` (advertised as exactly
that, so clients connect back to the address they were given), the controller on the next port
(9093 by default), both plain text. Internal topics have replication factor 1 because there is one
node; topics are created on first use with ``topic_partitions`` partitions, and a consumer group's
first rebalance is not delayed, so tests do not wait three seconds per group.

Storage is formatted once, on the first start, with a cluster id kept in ``kafka/cluster-id``;
``kafka/data/meta.properties`` is the sign that formatting was done.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsmon.stack.errors import StackError, tail
from newsmon.stack.java import Java
from newsmon.stack.layout import StackPaths
from newsmon.stack.processes import start_detached

HEAP = "512m"
MAIN_CLASS = "kafka.Kafka"
STORAGE_TOOL = "kafka.tools.StorageTool"
_VERSION_IN_CLASSPATH = re.compile(r"/downloads/kafka-([^/]+)/libs")


def controller_port(broker_port: int) -> int:
    """The controller listens right above the broker: 9092 -> 9093."""
    return broker_port + 1


def single_node_lines(data_dir: Path, partitions: int, auto_create_topics: bool) -> list[str]:
    """The storage, replication and size lines of every one-node broker here (plain and secure stack)."""
    return [
        f"log.dirs={data_dir}",
        f"num.partitions={partitions}",
        f"auto.create.topics.enable={'true' if auto_create_topics else 'false'}",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        # Accept articles up to 32 MB (the worker truncates long bodies and flags them; a 20 MB
        # article must reach it to be truncated rather than be refused at the door).
        "message.max.bytes=33554432",
        "replica.fetch.max.bytes=33554432",
    ]


def render_server_properties(host: str, port: int, data_dir: Path, partitions: int) -> str:
    """server.properties for a single combined broker+controller node."""
    ctrl = controller_port(port)
    lines = [
        "# Written by `newsmon stack up` on every start; edit newsmon.stack.kafka instead.",
        "node.id=1",
        "process.roles=broker,controller",
        f"controller.quorum.voters=1@{host}:{ctrl}",
        "controller.listener.names=CONTROLLER",
        f"listeners=PLAINTEXT://{host}:{port},CONTROLLER://{host}:{ctrl}",
        f"advertised.listeners=PLAINTEXT://{host}:{port}",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        *single_node_lines(data_dir, partitions, auto_create_topics=True),
    ]
    return "\n".join(lines) + "\n"


def render_log4j(log_file: Path) -> str:
    """Log4j 2 properties: everything at INFO into one rolling file under logs/kafka."""
    pattern = log_file.with_name(log_file.name + ".%i")
    return "\n".join(
        [
            "# Written by `newsmon stack up`; Kafka logs here instead of to the console.",
            "status = warn",
            "appender.file.type = RollingFile",
            "appender.file.name = file",
            f"appender.file.fileName = {log_file}",
            f"appender.file.filePattern = {pattern}",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            "appender.file.policies.type = Policies",
            "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
            "appender.file.policies.size.size = 50MB",
            "appender.file.strategy.type = DefaultRolloverStrategy",
            "appender.file.strategy.max = 3",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = file",
            "logger.state-change.name = state.change.logger",
            "logger.state-change.level = WARN",
            "",
        ]
    )


def new_cluster_id() -> str:
    """A KRaft cluster id: a random UUID in URL-safe base64 without padding, as Kafka's own
    ``random-uuid`` prints it (22 characters, never starting with '-')."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def write_config(paths: StackPaths, host: str, port: int, partitions: int) -> None:
    paths.kafka_data.mkdir(parents=True, exist_ok=True)
    paths.kafka_logs.mkdir(parents=True, exist_ok=True)
    paths.kafka_properties.write_text(render_server_properties(host, port, paths.kafka_data, partitions))
    paths.kafka_log4j.write_text(render_log4j(paths.kafka_log))


def cluster_id(paths: StackPaths) -> str:
    """The stored cluster id, created on first use."""
    try:
        stored = paths.kafka_cluster_id.read_text().strip()
    except FileNotFoundError:
        stored = ""
    if not stored:
        stored = new_cluster_id()
        paths.kafka_cluster_id.write_text(stored + "\n")
    return stored


def is_formatted(paths: StackPaths) -> bool:
    return (paths.kafka_data / "meta.properties").is_file()


def _java_args(java: Java, paths: StackPaths, heap: str) -> list[str]:
    return [
        str(java.java),
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={paths.kafka_log4j}",
        f"-Dkafka.logs.dir={paths.kafka_logs}",
        "-cp",
        f"{paths.kafka_libs}/*",
    ]


def format_storage(paths: StackPaths, java: Java, extra_args: Sequence[str] = ()) -> str:
    """Run the storage tool once; returns the cluster id. Raises StackError with the tool's output.

    ``extra_args`` go to ``format`` as they are: the secure stack adds its super user there
    (``--add-scram``), since SCRAM credentials live in the metadata log that formatting creates.
    """
    ident = cluster_id(paths)
    argv = [*_java_args(java, paths, "256m"), STORAGE_TOOL, "format", "-t", ident, "-c", str(paths.kafka_properties),
            *extra_args]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-15:]
        output = [line for line in output if "--add-scram" not in line]
        raise StackError(
            f"formatting Kafka's storage in {paths.kafka_data} failed (exit {result.returncode}). "
            "If that folder holds data from another cluster, stop the stack and delete it.\n" + "\n".join(output)
        )
    return ident


def start(paths: StackPaths, java: Java) -> int:
    """Start the broker detached; returns its pid. Health is checked by the caller."""
    argv = [*_java_args(java, paths, HEAP), MAIN_CLASS, str(paths.kafka_properties)]
    process = start_detached(argv, env=dict(os.environ), cwd=paths.kafka_dir, log=paths.kafka_console_log)
    return process.pid


def version_of(cmdline: list[str]) -> str | None:
    """The Kafka version a running broker was started with, read from its classpath."""
    for arg in cmdline:
        found = _VERSION_IN_CLASSPATH.search(arg)
        if found:
            return found.group(1)
    return None


def healthy(bootstrap: str, timeout_s: float = 5.0, options: dict[str, Any] | None = None) -> tuple[bool, str]:
    """Ask the broker for cluster metadata, as a client would. Returns (ok, detail).

    ``options`` are extra kafka-python connection options (security protocol, SASL, CA) for a
    broker that is not plain text, such as the secure stack's."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    millis = int(timeout_s * 1000)
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="newsmon-stack",
            request_timeout_ms=millis,
            bootstrap_timeout_ms=millis,
            **(options or {}),
        )
    except (KafkaError, OSError, ValueError) as exc:
        return False, f"no connection: {exc}"
    try:
        cluster = admin.describe_cluster()
    except (KafkaError, OSError) as exc:
        return False, f"metadata request failed: {exc}"
    finally:
        admin.close()
    brokers = cluster.get("brokers") or []
    if not brokers:
        return False, "no broker registered yet"
    return True, f"cluster {cluster.get('cluster_id')}, {len(brokers)} broker"


def failure_excerpt(paths: StackPaths) -> str:
    """What to show when the broker died or never became healthy: both of its logs."""
    return (
        f"Read {paths.kafka_log}; its last lines:\n{tail(paths.kafka_log, 15)}\n"
        f"The JVM's own output ({paths.kafka_console_log}):\n{tail(paths.kafka_console_log, 6)}"
    )
