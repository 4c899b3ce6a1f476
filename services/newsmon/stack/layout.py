"""Where the local stack keeps its files: every path under the state folder is named here, once.

The state folder (``NEWSMON_STATE_DIR``, default ``~/.cache/newsmon``) holds::

    downloads/                     reusable, version-named, never edited after they are complete
        m2/                        Maven's local repository (so ~/.m2 is neither needed nor touched)
        kafka-<version>/pom.xml    the pom Maven resolved, with the versions filled in
        kafka-<version>/libs/      Kafka's runtime jars (the classpath)
        elasticsearch-<version>/   the unpacked Elasticsearch home (read-only for the server)
    kafka/                         Kafka's instance state
        server.properties, log4j2.properties, cluster-id
        data/                      the KRaft metadata log and the topic partitions
    elasticsearch/                 Elasticsearch's instance state (owned by the server's user)
        config/                    ES_PATH_CONF: our elasticsearch.yml, and the keystore ES writes
        data/, tmp/                path.data and ES_TMPDIR
    logs/
        maven.log                  the last Maven run
        kafka/server.log, kafka/console.log
        elasticsearch/             path.logs (the server's own logs) and console.log (the launcher)
    run/
        kafka.pid, elasticsearch.pid   pids of the servers ``up`` started
        stack.lock                 held while ``up`` or ``down`` runs, so two of them do not race
    secure/                        the secure stack (newsmon.stack.secure): the same layout for its own
                                   kafka/, elasticsearch/, logs/, run/, plus certs/ and credentials.json

Deleting ``kafka/``, ``elasticsearch/`` (after ``down``) resets the data; deleting ``downloads/``
forces a fresh download. Nothing else on the machine is written to, except that when newsmon runs
as root the ancestors of ``elasticsearch/`` and of the Java home may gain o+x (see
``newsmon.stack.elasticsearch``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StackPaths:
    """All paths of the local stack, derived from the state folder and the two versions."""

    state_dir: Path
    kafka_version: str
    es_version: str

    @classmethod
    def create(cls, state_dir: Path, kafka_version: str, es_version: str) -> StackPaths:
        # Absolute, so the paths written into process command lines are the ones we later look for.
        return cls(Path(state_dir).expanduser().absolute(), kafka_version, es_version)

    # --- downloads
    @property
    def downloads(self) -> Path:
        return self.state_dir / "downloads"

    @property
    def maven_repo(self) -> Path:
        return self.downloads / "m2"

    @property
    def kafka_dist(self) -> Path:
        return self.downloads / f"kafka-{self.kafka_version}"

    @property
    def kafka_libs(self) -> Path:
        return self.kafka_dist / "libs"

    @property
    def es_home(self) -> Path:
        return self.downloads / f"elasticsearch-{self.es_version}"

    # --- kafka instance
    @property
    def kafka_dir(self) -> Path:
        return self.state_dir / "kafka"

    @property
    def kafka_data(self) -> Path:
        return self.kafka_dir / "data"

    @property
    def kafka_properties(self) -> Path:
        return self.kafka_dir / "server.properties"

    @property
    def kafka_log4j(self) -> Path:
        return self.kafka_dir / "log4j2.properties"

    @property
    def kafka_cluster_id(self) -> Path:
        return self.kafka_dir / "cluster-id"

    # --- elasticsearch instance
    @property
    def es_dir(self) -> Path:
        return self.state_dir / "elasticsearch"

    @property
    def es_config(self) -> Path:
        return self.es_dir / "config"

    @property
    def es_data(self) -> Path:
        return self.es_dir / "data"

    @property
    def es_tmp(self) -> Path:
        return self.es_dir / "tmp"

    @property
    def es_server_pid(self) -> Path:
        """Where Elasticsearch itself writes its pid (``-p``); it must be writable by the server's user."""
        return self.es_tmp / "server.pid"

    # --- logs
    @property
    def logs(self) -> Path:
        return self.state_dir / "logs"

    @property
    def maven_log(self) -> Path:
        return self.logs / "maven.log"

    @property
    def kafka_logs(self) -> Path:
        return self.logs / "kafka"

    @property
    def kafka_log(self) -> Path:
        return self.kafka_logs / "server.log"

    @property
    def kafka_console_log(self) -> Path:
        return self.kafka_logs / "console.log"

    @property
    def es_logs(self) -> Path:
        return self.logs / "elasticsearch"

    @property
    def es_log(self) -> Path:
        # The file name follows cluster.name, which newsmon.stack.elasticsearch sets to "newsmon".
        return self.es_logs / "newsmon.log"

    @property
    def es_console_log(self) -> Path:
        return self.es_logs / "console.log"

    # --- pid files
    @property
    def run(self) -> Path:
        return self.state_dir / "run"

    @property
    def kafka_pid(self) -> Path:
        return self.run / "kafka.pid"

    @property
    def es_pid(self) -> Path:
        return self.run / "elasticsearch.pid"

    @property
    def lock(self) -> Path:
        return self.run / "stack.lock"
