"""One Elasticsearch node for local development, from the integ-test-zip distribution.

Why that distribution: it is the only Elasticsearch build on Maven Central. It is minimal: the
server plus the modules apm, transport-netty4, x-pack-core and x-pack-security. No analysis-common
(no language analyzers, no asciifolding, no whitespace or keyword tokenizer), no ingest processors,
no painless, no reindex / update-by-query, no percolator, no mapper-extras, no ILM, no
``GET /`` (the rest-root module: ``Elasticsearch.info()`` and ``ping()`` fail; use
``cluster.health()``). Settings of missing modules are rejected at start
(e.g. ``ingest.geoip.downloader.enabled``, ``xpack.monitoring.*``, ``reindex.remote.whitelist``).

The node: single-node discovery, HTTP on the host:port of ``NEWSMON_ES_URL``, transport on a
loopback port range (so a second local Elasticsearch cannot block it), security off (loopback only),
disk-threshold allocation off (a nearly full CI disk would otherwise make indices read-only), heap
from ``NEWSMON_ES_HEAP``. It starts with its own ``-d -p`` daemon mode; the launcher returns once
the node is up, and the pid it records is the server JVM's.

Elasticsearch refuses to run as root. When newsmon runs as root the node runs as the system account
``NEWSMON_ES_USER`` (created when missing). That account must reach the files: the folders it
writes (config, data, tmp, logs/elasticsearch) are given to it, the unpacked home stays readable to
all, and ancestors it cannot pass through (``/root`` is 0700) get o+x, which is announced once.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import stat
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from newsmon.stack.errors import StackError, with_log
from newsmon.stack.java import Java
from newsmon.stack.layout import StackPaths
from newsmon.stack.processes import RunAs, read_pid, running_as_root, start_detached

CLUSTER_NAME = "newsmon"  # also names the log file, see StackPaths.es_log
TRANSPORT_PORTS = "9300-9399"
_HEAP = re.compile(r"^\d+[kKmMgG]?$")
_VERSION_IN_HOME = re.compile(r"/downloads/elasticsearch-([^/\s]+)")
# Files of the distribution's config folder that we copy into ours on every start.
DIST_CONFIG_FILES = ("jvm.options", "log4j2.properties", "roles.yml", "role_mapping.yml", "users", "users_roles")

Echo = Callable[[str], None]


def render_elasticsearch_yml(paths: StackPaths, host: str, port: int, security: Sequence[str] | None = None) -> str:
    """elasticsearch.yml for one local node. Every key here is one the minimal build accepts.

    ``security``: the ``xpack.security.*`` lines of a node with security on (the secure stack's);
    None leaves security off."""
    lines = [
        "# Written by `newsmon stack up` on every start; edit newsmon.stack.elasticsearch instead.",
        f"cluster.name: {CLUSTER_NAME}",
        "node.name: newsmon-local",
        "discovery.type: single-node",
        f"network.host: {host}",
        f"http.port: {port}",
        "transport.host: 127.0.0.1",
        f"transport.port: {TRANSPORT_PORTS}",
        f"path.data: {paths.es_data}",
        f"path.logs: {paths.es_logs}",
        "cluster.routing.allocation.disk.threshold_enabled: false",
        *(["xpack.security.enabled: false"] if security is None else security),
        "# Lets tests delete indices by wildcard (news-*) on this throwaway node.",
        "action.destructive_requires_name: false",
    ]
    return "\n".join(lines) + "\n"


def check_heap(heap: str) -> str:
    if not _HEAP.match(heap):
        raise StackError(f"NEWSMON_ES_HEAP={heap!r} is not a JVM heap size such as 512m or 1g")
    return heap


# --- the account that runs the server


def account(name: str, echo: Echo) -> RunAs | None:
    """None when we are not root (the node runs as us); else the unprivileged account, created if missing."""
    if not running_as_root():
        return None
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        echo(f"elasticsearch: creating system user {name!r} (Elasticsearch refuses to run as root)")
        result = subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise StackError(
                f"Elasticsearch refuses to run as root, and creating the user {name!r} to run it failed: "
                f"{(result.stderr or result.stdout).strip()}. Create it yourself (useradd --system {name}) "
                "or set NEWSMON_ES_USER to an existing unprivileged account."
            ) from None
        entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise StackError(f"NEWSMON_ES_USER={name!r} is root; Elasticsearch needs an unprivileged account")
    return RunAs(name=name, uid=entry.pw_uid, gid=entry.pw_gid)


def missing_search_permission(target: Path) -> list[Path]:
    """Ancestors of ``target`` (and itself) that others cannot pass through (no o+x)."""
    blocked = []
    current = Path(target).absolute()
    for folder in [*reversed(current.parents), current]:
        try:
            mode = folder.stat().st_mode
        except FileNotFoundError:
            break
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            blocked.append(folder)
    return blocked


def grant_search_permission(targets: list[Path], run_as: RunAs, echo: Echo) -> list[Path]:
    """Add o+x where the account could not pass; says so in one line. Returns the folders changed."""
    changed: list[Path] = []
    for target in targets:
        for folder in missing_search_permission(target):
            if folder not in changed:
                os.chmod(folder, folder.stat().st_mode | stat.S_IXOTH)
                changed.append(folder)
    if changed:
        echo(
            f"elasticsearch: gave search permission (o+x) to {', '.join(map(str, changed))} "
            f"so the user {run_as.name!r} can reach its files"
        )
    return changed


def _chown_tree(root: Path, run_as: RunAs) -> None:
    for folder, dirs, files in os.walk(root):
        os.chown(folder, run_as.uid, run_as.gid)
        for name in files:
            os.lchown(os.path.join(folder, name), run_as.uid, run_as.gid)


# --- preparing and starting


def prepare(
    paths: StackPaths, host: str, port: int, run_as: RunAs | None, java: Java, echo: Echo,
    security: Sequence[str] | None = None, before_chown: Callable[[], None] | None = None,
) -> None:
    """Write the config folder and make every folder the node needs exist and be its own.

    ``security`` goes to :func:`render_elasticsearch_yml`; ``before_chown`` writes whatever else the
    config folder needs (certificates, users) before it is handed to the node's account."""
    for folder in (paths.es_config, paths.es_data, paths.es_tmp, paths.es_logs):
        folder.mkdir(parents=True, exist_ok=True)
    dist_config = paths.es_home / "config"
    for name in DIST_CONFIG_FILES:
        source = dist_config / name
        if source.is_file():
            shutil.copyfile(source, paths.es_config / name)
    (paths.es_config / "jvm.options.d").mkdir(exist_ok=True)
    (paths.es_config / "elasticsearch.yml").write_text(render_elasticsearch_yml(paths, host, port, security))
    if before_chown is not None:
        before_chown()
    paths.es_server_pid.unlink(missing_ok=True)
    if run_as is None:
        return
    for folder in (paths.es_config, paths.es_data, paths.es_tmp, paths.es_logs):
        _chown_tree(folder, run_as)
    grant_search_permission([paths.es_dir, paths.es_logs, paths.es_home, java.home], run_as, echo)
    _check_reachable(java, run_as)


def _check_reachable(java: Java, run_as: RunAs) -> None:
    """Fail early, in plain words, when the node's account cannot run the chosen Java."""
    try:
        result = subprocess.run(
            [str(java.java), "-version"],
            capture_output=True,
            text=True,
            timeout=30,
            user=run_as.uid,
            group=run_as.gid,
            extra_groups=[],
            cwd="/",
        )
        ok, output = result.returncode == 0, (result.stderr or result.stdout).strip()
    except OSError as exc:
        ok, output = False, str(exc)
    if not ok:
        raise StackError(
            f"the user {run_as.name!r} cannot run {java.java} ({output}). Elasticsearch runs as that user "
            "because newsmon runs as root: install a JDK where all users can read it (e.g. under /usr/lib/jvm) "
            "and set NEWSMON_JAVA_HOME to it."
        )


def _environment(paths: StackPaths, java: Java, heap: str) -> dict[str, str]:
    env = {key: os.environ[key] for key in ("PATH", "LANG", "LC_ALL", "TZ") if key in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update(
        {
            "HOME": str(paths.es_dir),
            "ES_JAVA_HOME": str(java.home),
            "ES_PATH_CONF": str(paths.es_config),
            "ES_TMPDIR": str(paths.es_tmp),
            "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}",
        }
    )
    return env


def start(paths: StackPaths, java: Java, heap: str, run_as: RunAs | None, timeout_s: float) -> int:
    """Start the node in daemon mode and return the server JVM's pid.

    The launcher (``bin/elasticsearch -d``) returns when the node has started or failed; its
    output, which carries the reason for a failure, goes to logs/elasticsearch/console.log.
    """
    argv = [str(paths.es_home / "bin" / "elasticsearch"), "-d", "-p", str(paths.es_server_pid)]
    launcher = start_detached(
        argv, env=_environment(paths, java, heap), cwd=paths.es_dir, log=paths.es_console_log, run_as=run_as
    )
    try:
        code = launcher.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        launcher.kill()
        raise with_log(
            f"Elasticsearch's launcher did not return within {timeout_s:.0f} s", paths.es_console_log, 20
        ) from None
    pid = read_pid(paths.es_server_pid)
    if code != 0 or pid is None:
        raise with_log(f"Elasticsearch failed to start (launcher exit {code})", paths.es_console_log, 20)
    return pid


def version_of(cmdline: list[str]) -> str | None:
    """The version a running node was started from, read from its home folder's name."""
    for arg in cmdline:
        found = _VERSION_IN_HOME.search(arg)
        if found:
            return found.group(1)
    return None


def healthy(es_url: str, timeout_s: float = 5.0, **client: Any) -> tuple[bool, str]:
    """Cluster health yellow or green (yellow is normal: one node cannot hold replicas).

    ``client``: extra httpx options (``auth``, ``verify``) for a node with security on."""
    try:
        response = httpx.get(f"{es_url.rstrip('/')}/_cluster/health", timeout=timeout_s, **client)
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return False, f"no answer: {exc}"
    health = body.get("status") if isinstance(body, dict) else None
    if response.status_code != 200 or health not in ("yellow", "green"):
        return False, f"HTTP {response.status_code}, status {health}"
    return True, f"cluster health {health}"
