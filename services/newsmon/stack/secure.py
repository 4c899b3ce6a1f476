"""The secure local stack: a second Kafka (SASL_SSL, SCRAM-SHA-512, ACLs) and Elasticsearch (TLS, users).

Why a second stack: the production deployment (deploy/) runs Kafka with SASL_SSL and ACLs and
Elasticsearch with TLS and passwords, and the tests must prove the worker and the CLI work there,
without Docker and without disturbing the plain stack everyone else uses. So this starts its own
servers from the same downloads, on other ports (Kafka 19092/19093, Elasticsearch 19200), with its
own state folder (``<state>/secure``): certificates, generated passwords, data, logs, pid files.

Kafka: listener ``SASL_SSL`` with SCRAM-SHA-512 for clients and between brokers, PEM key store and
trust store (``ssl.keystore.type=PEM``), the controller listener on SASL_PLAINTEXT with PLAIN (KRaft
cannot check SCRAM there: the credentials live in the metadata the controller serves), the
``StandardAuthorizer`` with ``allow.everyone.if.no.acl.found=false`` and the admin as the one super
user. The admin's SCRAM credential is written when the storage is formatted (``--add-scram``: the
one moment that argument list exists, on a throwaway local stack); the worker's user is created
afterwards through the admin API and gets only the ACLs ``python -m newsmon.stream.acls`` grants
(the deployment's setup step; the tests run it for their topic prefix).

Elasticsearch: the minimal Maven Central build carries x-pack-security, so the node runs with
``xpack.security.enabled``, TLS on HTTP from the same PEM files, and the file realm: the user is
added with the distribution's own ``elasticsearch-users`` tool (password on its stdin, never on a
command line) with a file role ``newsmon_writer`` as the deployment's setup job creates it.
Transport TLS is not needed: single-node discovery on loopback.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from newsmon.config import Settings
from newsmon.stack import certs, elasticsearch, kafka, maven, processes
from newsmon.stack.errors import StackError, tail, with_log
from newsmon.stack.java import ELASTICSEARCH_NEEDS, KAFKA_NEEDS, MAVEN_NEEDS, Java, find_java
from newsmon.stack.layout import StackPaths

Echo = Callable[[str], None]

HOST = "127.0.0.1"
KAFKA_PORT = 19092  # the controller listens on 19093
ES_PORT = 19200
MECHANISM = "SCRAM-SHA-512"
KAFKA_ADMIN = "admin"
KAFKA_WORKER = "newsmon"
ES_USER = "newsmon"
ES_ROLE = "newsmon_writer"
# The deployment's newsmon_writer role (deploy/docker-compose.yml) as a file role; "*news-*" also
# covers the scratch runs' "<run>-news-*" indices.
ES_ROLES_YML = f"""# Written by newsmon.stack.secure on every start.
{ES_ROLE}:
  cluster: ["monitor", "manage_index_templates", "manage_ilm"]
  indices:
    - names: ["news-*", "*-news-*"]
      privileges: ["all"]
"""


@dataclass(frozen=True)
class SecurePaths(StackPaths):
    """The secure stack's own state folder, with the plain stack's downloads (no second download)."""

    shared_downloads: Path = Path()

    @property
    def downloads(self) -> Path:
        return self.shared_downloads

    @property
    def certs(self) -> certs.CertificateFiles:
        return certs.CertificateFiles(self.state_dir / "certs")

    @property
    def credentials(self) -> Path:
        return self.state_dir / "credentials.json"


def secure_paths(settings: Settings) -> SecurePaths:
    plain = StackPaths.create(settings.state_dir, settings.kafka_version, settings.es_version)
    return SecurePaths(plain.state_dir / "secure", settings.kafka_version, settings.es_version, plain.downloads)


class SecureStack(BaseModel):
    """Where the secure stack listens and the credentials it was set up with."""

    model_config = {"frozen": True}

    kafka_bootstrap: str
    es_url: str
    ca_file: Path
    kafka_admin_password: SecretStr
    kafka_worker_password: SecretStr
    es_password: SecretStr

    def worker_settings(self, base: Settings, **overrides: Any) -> Settings:
        """``base`` pointed at the secure stack as the worker's user (what deploy/ gives the worker)."""
        values = {
            "kafka_bootstrap": self.kafka_bootstrap,
            "kafka_security_protocol": "SASL_SSL",
            "kafka_sasl_mechanism": MECHANISM,
            "kafka_username": KAFKA_WORKER,
            "kafka_password": self.kafka_worker_password.get_secret_value(),
            "kafka_ca_file": self.ca_file,
            "es_url": self.es_url,
            "es_username": ES_USER,
            "es_password": self.es_password.get_secret_value(),
            "es_ca_file": self.ca_file,
            "es_api_key": None,
        }
        return type(base).model_validate({**base.model_dump(), **values, **overrides})

    def admin_settings(self, base: Settings, **overrides: Any) -> Settings:
        """The same, as Kafka's super user (what deploy/'s setup job uses to create topics and ACLs)."""
        return self.worker_settings(
            base, kafka_username=KAFKA_ADMIN, kafka_password=self.kafka_admin_password.get_secret_value(), **overrides
        )


# --- credentials and configuration files


def _credentials(paths: SecurePaths) -> dict[str, str]:
    """The stack's passwords, generated once and kept in a 0600 file of its state folder."""
    try:
        return json.loads(paths.credentials.read_text())
    except (FileNotFoundError, ValueError):
        pass
    paths.state_dir.mkdir(parents=True, exist_ok=True)
    created = {name: secrets.token_hex(16) for name in ("kafka_admin", "kafka_worker", "es")}
    paths.credentials.touch(mode=0o600, exist_ok=True)
    paths.credentials.chmod(0o600)
    paths.credentials.write_text(json.dumps(created))
    return created


def _jaas(module: str, user: str, password: str, **extra: str) -> str:
    options = " ".join(f'{k}="{v}"' for k, v in {"username": user, "password": password, **extra}.items())
    return f"org.apache.kafka.common.security.{module} required {options};"


def render_kafka_properties(paths: SecurePaths, partitions: int, admin_password: str) -> str:
    """server.properties of the secure node: SASL_SSL for clients, an authorizer, PEM files."""
    files = paths.certs
    ctrl = kafka.controller_port(KAFKA_PORT)
    scram = _jaas("scram.ScramLoginModule", KAFKA_ADMIN, admin_password)
    plain = _jaas("plain.PlainLoginModule", KAFKA_ADMIN, admin_password, **{f"user_{KAFKA_ADMIN}": admin_password})
    lines = [
        "# Written by newsmon.stack.secure on every start. Holds the admin password: 0600.",
        "node.id=1",
        "process.roles=broker,controller",
        f"controller.quorum.voters=1@{HOST}:{ctrl}",
        "controller.listener.names=CONTROLLER",
        f"listeners=SASL_SSL://{HOST}:{KAFKA_PORT},CONTROLLER://{HOST}:{ctrl}",
        f"advertised.listeners=SASL_SSL://{HOST}:{KAFKA_PORT}",
        "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT",
        "inter.broker.listener.name=SASL_SSL",
        f"sasl.enabled.mechanisms={MECHANISM}",
        f"sasl.mechanism.inter.broker.protocol={MECHANISM}",
        "sasl.mechanism.controller.protocol=PLAIN",
        f"listener.name.sasl_ssl.sasl.enabled.mechanisms={MECHANISM}",
        f"listener.name.sasl_ssl.{MECHANISM.lower()}.sasl.jaas.config={scram}",
        "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
        f"listener.name.controller.plain.sasl.jaas.config={plain}",
        "ssl.keystore.type=PEM",
        f"ssl.keystore.location={paths.kafka_dir / 'server.pem'}",
        "ssl.truststore.type=PEM",
        f"ssl.truststore.location={files.ca_cert}",
        "ssl.client.auth=none",
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        f"super.users=User:{KAFKA_ADMIN}",
        "allow.everyone.if.no.acl.found=false",
        # Topics are created by the admin (as deploy/'s setup job does), never on first use.
        *kafka.single_node_lines(paths.kafka_data, partitions, auto_create_topics=False),
    ]
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text)


def _write_kafka_config(paths: SecurePaths, partitions: int, admin_password: str) -> None:
    paths.kafka_data.mkdir(parents=True, exist_ok=True)
    paths.kafka_logs.mkdir(parents=True, exist_ok=True)
    files = paths.certs
    # Kafka's PEM key store file: the private key, then the certificate chain.
    _write_private(paths.kafka_dir / "server.pem", files.server_key.read_text() + files.server_cert.read_text())
    _write_private(paths.kafka_properties, render_kafka_properties(paths, partitions, admin_password))
    paths.kafka_log4j.write_text(kafka.render_log4j(paths.kafka_log))


def es_security_lines(paths: SecurePaths) -> list[str]:
    """The xpack.security lines of the secure node's elasticsearch.yml (paths relative to its config folder)."""
    return [
        "xpack.security.enabled: true",
        "xpack.security.http.ssl.enabled: true",
        "xpack.security.http.ssl.certificate: certs/server.crt",
        "xpack.security.http.ssl.key: certs/server.key",
        "xpack.security.transport.ssl.enabled: false",
        "xpack.security.authc.anonymous.roles: []",
    ]


def _es_files(paths: SecurePaths, java: Java, password: str) -> None:
    """Certificates, the role and the user in the node's config folder (before it is handed over)."""
    target = paths.es_config / "certs"
    target.mkdir(exist_ok=True)
    files = paths.certs
    for source in (files.ca_cert, files.server_cert, files.server_key):
        (target / source.name).write_bytes(source.read_bytes())
    (paths.es_config / "roles.yml").write_text(ES_ROLES_YML)
    (paths.es_config / "users").write_text("")
    (paths.es_config / "users_roles").write_text("")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(paths.es_dir),
        "ES_JAVA_HOME": str(java.home),
        "ES_PATH_CONF": str(paths.es_config),
    }
    tool = paths.es_home / "bin" / "elasticsearch-users"
    result = subprocess.run([str(tool), "useradd", ES_USER, "-r", ES_ROLE], input=f"{password}\n{password}\n",
                            capture_output=True, text=True, env=env, timeout=120)
    if result.returncode != 0 or ES_USER not in (paths.es_config / "users").read_text():
        raise StackError(f"adding the Elasticsearch user {ES_USER!r} with {tool} failed (exit {result.returncode}): "
                         f"{(result.stderr or result.stdout).strip()[-500:]}")


# --- starting, checking, stopping


def _kafka_options(paths: SecurePaths, password: str) -> dict[str, Any]:
    return {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": MECHANISM,
        "sasl_plain_username": KAFKA_ADMIN,
        "sasl_plain_password": password,
        "ssl_cafile": str(paths.certs.ca_cert),
    }


def _es_client(paths: SecurePaths, password: str) -> dict[str, Any]:
    import ssl

    return {"auth": (ES_USER, password), "verify": ssl.create_default_context(cafile=str(paths.certs.ca_cert))}


def _describe(stack_paths: SecurePaths, creds: dict[str, str]) -> SecureStack:
    return SecureStack(
        kafka_bootstrap=f"{HOST}:{KAFKA_PORT}",
        es_url=f"https://{HOST}:{ES_PORT}",
        ca_file=stack_paths.certs.ca_cert,
        kafka_admin_password=creds["kafka_admin"],
        kafka_worker_password=creds["kafka_worker"],
        es_password=creds["es"],
    )


def up(settings: Settings, echo: Echo = print) -> SecureStack:
    """Start whatever of the secure stack is not running; wait until both answer with credentials and TLS."""
    paths = secure_paths(settings)
    marker = f"{paths.state_dir}{os.sep}"
    paths.run.mkdir(parents=True, exist_ok=True)
    with processes.locked(paths.lock):
        creds = _credentials(paths)
        certs.issue(paths.certs.folder)
        kafka_pid = processes.our_pid(paths.kafka_pid, marker)
        es_pid = processes.our_pid(paths.es_pid, marker)
        for pid, ports in ((kafka_pid, (KAFKA_PORT, KAFKA_PORT + 1)), (es_pid, (ES_PORT,))):
            if pid is None:
                for port in ports:
                    owner = processes.port_owner(HOST, port)
                    if owner is not None:
                        raise StackError(f"cannot start the secure stack: port {HOST}:{port} is taken by "
                                         f"{owner.describe()}. Stop it, then try again.")
        if kafka_pid is None or es_pid is None:
            try:
                maven_java = find_java(settings.java_home, MAVEN_NEEDS)
            except StackError:
                maven_java = None
            if kafka_pid is None:
                maven.fetch_kafka(paths, maven_java, echo)
            if es_pid is None:
                maven.fetch_elasticsearch(paths, maven_java, echo)
        if kafka_pid is None:
            kafka_pid = _start_kafka(paths, settings, creds["kafka_admin"], echo)
        if es_pid is None:
            es_pid = _start_elasticsearch(paths, settings, creds["es"], echo)
        _wait(lambda: kafka.healthy(f"{HOST}:{KAFKA_PORT}", 5.0, _kafka_options(paths, creds["kafka_admin"])),
              "secure kafka", kafka_pid, paths.kafka_log, settings.stack_timeout_s)
        _wait(lambda: elasticsearch.healthy(f"https://{HOST}:{ES_PORT}", 5.0, **_es_client(paths, creds["es"])),
              "secure elasticsearch", es_pid, paths.es_log, settings.stack_timeout_s)
        described = _describe(paths, creds)
        from newsmon.stream import acls

        acls.upsert_worker_user(described.admin_settings(settings), KAFKA_WORKER, creds["kafka_worker"])
    return described


def _start_kafka(paths: SecurePaths, settings: Settings, admin_password: str, echo: Echo) -> int:
    java = find_java(settings.java_home, KAFKA_NEEDS)
    _write_kafka_config(paths, settings.topic_partitions, admin_password)
    if not kafka.is_formatted(paths):
        echo(f"secure kafka: formatting storage in {paths.kafka_data} with the admin's SCRAM credential")
        kafka.format_storage(paths, java, ["--add-scram", f"{MECHANISM}=[name={KAFKA_ADMIN},password={admin_password}]"])
    echo(f"secure kafka: starting on {HOST}:{KAFKA_PORT} (SASL_SSL)")
    pid = kafka.start(paths, java)
    processes.write_pid(paths.kafka_pid, pid)
    return pid


def _start_elasticsearch(paths: SecurePaths, settings: Settings, password: str, echo: Echo) -> int:
    java = find_java(settings.java_home, ELASTICSEARCH_NEEDS)
    heap = elasticsearch.check_heap("512m")
    run_as = elasticsearch.account(settings.es_user, echo)
    elasticsearch.prepare(paths, HOST, ES_PORT, run_as, java, echo, security=es_security_lines(paths),
                          before_chown=lambda: _es_files(paths, java, password))
    echo(f"secure elasticsearch: starting on https://{HOST}:{ES_PORT}")
    pid = elasticsearch.start(paths, java, heap, run_as, settings.stack_timeout_s)
    processes.write_pid(paths.es_pid, pid)
    return pid


def _wait(probe: Callable[[], tuple[bool, str]], name: str, pid: int, log: Path, timeout_s: float) -> None:
    started = time.monotonic()
    while True:
        if not processes.alive(pid):
            raise with_log(f"{name} (pid {pid}) exited while starting", log, 20)
        ok, detail = probe()
        if ok:
            return
        if time.monotonic() - started > timeout_s:
            raise StackError(f"{name} (pid {pid}) did not become healthy within {timeout_s:.0f} s (last check: "
                             f"{detail}).\nRead {log}; its last lines:\n{tail(log, 15)}")
        time.sleep(0.5)


def running(settings: Settings) -> bool:
    """Whether both servers of the secure stack run (from its state folder)."""
    paths = secure_paths(settings)
    marker = f"{paths.state_dir}{os.sep}"
    return all(processes.our_pid(pid_file, marker) is not None for pid_file in (paths.kafka_pid, paths.es_pid))


def down(settings: Settings, echo: Echo = print) -> None:
    """Stop the secure stack's servers (its data and credentials stay)."""
    paths = secure_paths(settings)
    marker = f"{paths.state_dir}{os.sep}"
    paths.run.mkdir(parents=True, exist_ok=True)
    with processes.locked(paths.lock):
        for name, pid_file, grace in (("secure elasticsearch", paths.es_pid, 60.0), ("secure kafka", paths.kafka_pid, 30.0)):
            pid = processes.our_pid(pid_file, marker)
            if pid is not None:
                echo(f"{name}: stopping pid {pid}")
                processes.stop(pid, grace)
            processes.remove_pid(pid_file)
