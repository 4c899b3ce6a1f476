"""The local stack: Kafka and Elasticsearch on this machine, without Docker, for ``make run`` and tests.

``up`` downloads both from Maven Central (once), configures, starts and waits until both answer
like clients expect; ``down`` stops what ``up`` started; ``status`` reports. All state lives under
the state folder (``NEWSMON_STATE_DIR``); ``newsmon.stack.layout`` lists what lives where.

Idempotent by design: a component that already runs from this state folder is left alone, so
``up`` can start every test session and every ``make run``. A server counts as ours only when its
command line mentions our state folder; anything else on our ports is reported, never touched.

Modules: ``java`` picks a Java per server, ``maven`` downloads, ``processes`` handles pid files,
ports, starts and stops, ``kafka`` and ``elasticsearch`` know their server. ``secure`` starts a
second, secured pair beside this one (SASL_SSL Kafka with ACLs, Elasticsearch with TLS and a
password) for the tests of the deployment's shape; ``certs`` makes its certificates.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from newsmon.config import Settings, get_settings
from newsmon.ops.redact import display_url
from newsmon.stack import elasticsearch, kafka, maven, processes
from newsmon.stack.errors import StackError, tail
from newsmon.stack.java import ELASTICSEARCH_NEEDS, KAFKA_NEEDS, MAVEN_NEEDS, Java, find_java
from newsmon.stack.layout import StackPaths

__all__ = ["ComponentStatus", "StackError", "StackStatus", "down", "status", "up"]

Echo = Callable[[str], None]

KAFKA = "kafka"
ELASTICSEARCH = "elasticsearch"
STOP_GRACE_S = {KAFKA: 30.0, ELASTICSEARCH: 60.0}


@dataclass(frozen=True)
class ComponentStatus:
    """One server as ``status`` sees it. ``running`` means running *from this state folder*."""

    name: str
    running: bool
    pid: int | None
    address: str
    version: str | None
    log: Path
    healthy: bool
    detail: str = ""


@dataclass(frozen=True)
class StackStatus:
    kafka: ComponentStatus
    elasticsearch: ComponentStatus

    @property
    def components(self) -> tuple[ComponentStatus, ComponentStatus]:
        return (self.kafka, self.elasticsearch)

    @property
    def healthy(self) -> bool:
        return all(c.running and c.healthy for c in self.components)

    def as_dict(self) -> dict:
        return {c.name: {**asdict(c), "log": str(c.log)} for c in self.components}


@dataclass(frozen=True)
class _Plan:
    """The addresses the stack binds, checked once."""

    paths: StackPaths
    kafka_host: str
    kafka_port: int
    es_host: str
    es_port: int
    es_url: str

    @property
    def marker(self) -> str:
        return f"{self.paths.state_dir}{os.sep}"


def _plan(settings: Settings) -> _Plan:
    paths = StackPaths.create(settings.state_dir, settings.kafka_version, settings.es_version)
    try:
        kafka_host, kafka_port = processes.split_host_port(settings.kafka_bootstrap)
    except ValueError:
        raise StackError(f"NEWSMON_KAFKA_BOOTSTRAP={settings.kafka_bootstrap!r} is not host:port") from None
    parts = urlsplit(settings.es_url)
    if parts.scheme != "http" or not parts.hostname:
        raise StackError(
            f"NEWSMON_ES_URL={display_url(settings.es_url)!r}: the local stack serves plain http://host:port. "
            "For another Elasticsearch, do not run the local stack; to use it, set NEWSMON_ES_URL back "
            "to http://127.0.0.1:9200."
        )
    es_url = display_url(f"http://{parts.netloc}")  # the local stack checks no password: none to carry or show
    return _Plan(paths, kafka_host, kafka_port, parts.hostname, parts.port or 9200, es_url)


# --- finding our servers


def _ours(plan: _Plan, name: str) -> int | None:
    """The pid of our running server: from its pid file, or adopted from whoever holds its port."""
    pid_file = plan.paths.kafka_pid if name == KAFKA else plan.paths.es_pid
    pid = processes.our_pid(pid_file, plan.marker)
    if pid is not None:
        return pid
    host, port = (plan.kafka_host, plan.kafka_port) if name == KAFKA else (plan.es_host, plan.es_port)
    owner = processes.port_owner(host, port)
    if owner is not None and owner.pid is not None and processes.is_ours(owner.pid, plan.marker):
        processes.write_pid(pid_file, owner.pid)
        return owner.pid
    return None


def _ports(plan: _Plan, name: str) -> list[tuple[str, int]]:
    if name == KAFKA:
        return [(plan.kafka_host, plan.kafka_port), (plan.kafka_host, kafka.controller_port(plan.kafka_port))]
    return [(plan.es_host, plan.es_port)]


def _check_ports_free(plan: _Plan, name: str) -> None:
    """A StackError naming the port and its holder when something else listens where we would."""
    for host, port in _ports(plan, name):
        owner = processes.port_owner(host, port)
        if owner is None:
            continue
        variable = "NEWSMON_KAFKA_BOOTSTRAP" if name == KAFKA else "NEWSMON_ES_URL"
        raise StackError(
            f"cannot start {name}: port {host}:{port} is already taken by {owner.describe()}, which is not "
            f"this stack (state folder {plan.paths.state_dir}). Stop it, or, if it is a {name} you want to "
            f"use, point {variable} at it and do not run the local stack."
        )


def _cmdline(pid: int | None) -> list[str]:
    if pid is None:
        return []
    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return []


def _component(plan: _Plan, name: str, pid: int | None, probe_timeout: float) -> ComponentStatus:
    if name == KAFKA:
        address = f"{plan.kafka_host}:{plan.kafka_port}"
        log, version = plan.paths.kafka_log, kafka.version_of(_cmdline(pid))
    else:
        address = plan.es_url
        log, version = plan.paths.es_log, elasticsearch.version_of(_cmdline(pid))
    if pid is None:
        holder = next((o for h, p in _ports(plan, name) if (o := processes.port_owner(h, p))), None)
        detail = f"port {holder.port} held by {holder.describe()}, not this stack" if holder else "stopped"
        return ComponentStatus(name, False, None, address, None, log, False, detail)
    ok, detail = _probe(plan, name, probe_timeout)
    return ComponentStatus(name, True, pid, address, version, log, ok, detail)


def _probe(plan: _Plan, name: str, timeout_s: float) -> tuple[bool, str]:
    if name == KAFKA:
        if not processes.port_open(plan.kafka_host, plan.kafka_port):
            return False, "port not open yet"
        return kafka.healthy(f"{plan.kafka_host}:{plan.kafka_port}", timeout_s)
    return elasticsearch.healthy(plan.es_url, timeout_s)


# --- the public API


def status(settings: Settings | None = None) -> StackStatus:
    """Each server: running from this state folder or not, pid, address, version, log, health."""
    plan = _plan(settings or get_settings())
    return StackStatus(
        kafka=_component(plan, KAFKA, _ours(plan, KAFKA), 3.0),
        elasticsearch=_component(plan, ELASTICSEARCH, _ours(plan, ELASTICSEARCH), 3.0),
    )


def up(settings: Settings | None = None, echo: Echo = print) -> StackStatus:
    """Start whatever is not running yet and wait until both servers are healthy.

    Downloads are reused; servers already running from this state folder are left alone. Raises
    StackError, naming the log to read, when a server cannot be started or does not become healthy
    within ``stack_timeout_s``.
    """
    settings = settings or get_settings()
    plan = _plan(settings)
    paths = plan.paths
    if settings.kafka_security_protocol.upper() != "PLAINTEXT":
        raise StackError(
            f"NEWSMON_KAFKA_SECURITY_PROTOCOL={settings.kafka_security_protocol}: the local stack serves "
            "PLAINTEXT only. It is for local development; for a secured cluster, do not run it."
        )
    heap = elasticsearch.check_heap(settings.es_heap)
    paths.state_dir.mkdir(parents=True, exist_ok=True)
    with processes.locked(paths.lock):
        pids = {KAFKA: _ours(plan, KAFKA), ELASTICSEARCH: _ours(plan, ELASTICSEARCH)}
        for name, pid in pids.items():
            if pid is not None:
                echo(f"{name}: already running (pid {pid})")
                _warn_version(plan, name, pid, settings, echo)
            else:
                _check_ports_free(plan, name)
        to_start = [name for name, pid in pids.items() if pid is None]
        # Find every Java before starting anything, so a missing JDK fails fast and leaves no half stack.
        javas: dict[str, Java] = {}
        if KAFKA in to_start:
            javas[KAFKA] = find_java(settings.java_home, KAFKA_NEEDS)
        if ELASTICSEARCH in to_start:
            javas[ELASTICSEARCH] = find_java(settings.java_home, ELASTICSEARCH_NEEDS)
        if to_start:
            maven_java = _maven_java(settings)
            if KAFKA in to_start:
                maven.fetch_kafka(paths, maven_java, echo)
            if ELASTICSEARCH in to_start:
                maven.fetch_elasticsearch(paths, maven_java, echo)

        started_at = time.monotonic()
        if KAFKA in to_start:
            pids[KAFKA] = _start_kafka(plan, settings, javas[KAFKA], echo)
        if ELASTICSEARCH in to_start:
            pids[ELASTICSEARCH] = _start_elasticsearch(plan, settings, javas[ELASTICSEARCH], heap, echo)
        for name in (KAFKA, ELASTICSEARCH):
            _wait_healthy(plan, name, pids[name], settings.stack_timeout_s, echo, announce=name in to_start)
        if to_start:
            echo(f"stack: up in {time.monotonic() - started_at:.1f} s after downloads")
    return status(settings)


def down(settings: Settings | None = None, echo: Echo = print, only: tuple[str, ...] = (KAFKA, ELASTICSEARCH)) -> StackStatus:
    """Stop the servers ``up`` started (TERM, then KILL after a grace period). Data is kept.

    ``only`` names the servers to stop (``"kafka"``, ``"elasticsearch"``); the fault-tolerance
    tests stop one and let ``up`` start it again.
    """
    settings = settings or get_settings()
    plan = _plan(settings)
    paths = plan.paths
    paths.run.mkdir(parents=True, exist_ok=True)
    with processes.locked(paths.lock):
        for name, pid_file in ((ELASTICSEARCH, paths.es_pid), (KAFKA, paths.kafka_pid)):
            if name not in only:
                continue
            pid = _ours(plan, name)
            if pid is None:
                echo(f"{name}: not running")
                continue
            echo(f"{name}: stopping pid {pid}")
            try:
                clean = processes.stop(pid, STOP_GRACE_S[name])
            except PermissionError:
                raise StackError(
                    f"not allowed to stop {name} (pid {pid}); it was started by another user, probably root: "
                    "run `newsmon stack down` as that user"
                ) from None
            processes.remove_pid(pid_file)
            echo(f"{name}: stopped" + ("" if clean else f" (killed after {STOP_GRACE_S[name]:.0f} s)"))
    return status(settings)


# --- helpers of up


def _maven_java(settings: Settings) -> Java | None:
    try:
        return find_java(settings.java_home, MAVEN_NEEDS)
    except StackError:
        return None  # Maven then runs on whatever Java it finds itself


def _warn_version(plan: _Plan, name: str, pid: int, settings: Settings, echo: Echo) -> None:
    module = kafka if name == KAFKA else elasticsearch
    wanted = settings.kafka_version if name == KAFKA else settings.es_version
    running = module.version_of(_cmdline(pid))
    if running and running != wanted:
        echo(
            f"{name}: note: running {running} but {wanted} is configured; "
            "run `newsmon stack down` then `newsmon stack up` to switch"
        )


def _start_kafka(plan: _Plan, settings: Settings, java: Java, echo: Echo) -> int:
    paths = plan.paths
    kafka.write_config(paths, plan.kafka_host, plan.kafka_port, settings.topic_partitions)
    if not kafka.is_formatted(paths):
        echo(f"kafka: formatting storage in {paths.kafka_data}")
        ident = kafka.format_storage(paths, java)
        echo(f"kafka: cluster id {ident}")
    echo(f"kafka: starting {paths.kafka_version} on {plan.kafka_host}:{plan.kafka_port} with {java.describe()}")
    pid = kafka.start(paths, java)
    processes.write_pid(paths.kafka_pid, pid)
    return pid


def _start_elasticsearch(plan: _Plan, settings: Settings, java: Java, heap: str, echo: Echo) -> int:
    paths = plan.paths
    run_as = elasticsearch.account(settings.es_user, echo)
    elasticsearch.prepare(paths, plan.es_host, plan.es_port, run_as, java, echo)
    who = f" as user {run_as.name!r}" if run_as else ""
    echo(f"elasticsearch: starting {paths.es_version} on {plan.es_url}{who} with {java.describe()}")
    pid = elasticsearch.start(paths, java, heap, run_as, settings.stack_timeout_s)
    processes.write_pid(paths.es_pid, pid)
    return pid


def _wait_healthy(plan: _Plan, name: str, pid: int, timeout_s: float, echo: Echo, announce: bool) -> None:
    """Poll until the server answers as a client expects; StackError if it dies or time runs out."""
    address = f"{plan.kafka_host}:{plan.kafka_port}" if name == KAFKA else plan.es_url
    if announce:
        echo(f"{name}: waiting for {address} to become healthy (up to {timeout_s:.0f} s)")
    started = time.monotonic()
    detail = ""
    while True:
        if not processes.alive(pid):
            raise StackError(f"{name} (pid {pid}) exited while starting.\n{_excerpt(plan, name)}")
        ok, detail = _probe(plan, name, 5.0)
        if ok:
            if announce:
                echo(f"{name}: healthy after {time.monotonic() - started:.1f} s ({detail})")
            return
        if time.monotonic() - started > timeout_s:
            raise StackError(
                f"{name} (pid {pid}) did not become healthy within {timeout_s:.0f} s (last check: {detail}). "
                f"It is still running; `newsmon stack down` stops it.\n{_excerpt(plan, name)}"
            )
        time.sleep(0.5)


def _excerpt(plan: _Plan, name: str) -> str:
    if name == KAFKA:
        return kafka.failure_excerpt(plan.paths)
    paths = plan.paths
    return (
        f"Read {paths.es_log}; its last lines:\n{tail(paths.es_log, 15)}\n"
        f"The launcher's output ({paths.es_console_log}):\n{tail(paths.es_console_log, 6)}"
    )
