"""Choosing a Java: version parsing, release files, and what a server needs."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from newsmon.stack import StackError
from newsmon.stack.java import (
    ELASTICSEARCH_NEEDS,
    KAFKA_NEEDS,
    Java,
    find_java,
    parse_java_version,
    parse_release,
    probe,
)


@pytest.mark.parametrize(
    ("text", "full", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', "17.0.15", 17),
        ('java version "1.8.0_392"', "1.8.0_392", 8),
        ('openjdk version "21" 2023-09-19', "21", 21),
        ('openjdk version "25-ea" 2025-09-16', "25-ea", 25),
        ("25.0.2", "25.0.2", 25),
        ("java.base@21.0.4", "21.0.4", 21),
        ('"11.0.2"', "11.0.2", 11),
    ],
)
def test_parse_java_version(text: str, full: str, major: int) -> None:
    assert parse_java_version(text) == (full, major)


def test_parse_java_version_rejects_text_without_a_version() -> None:
    with pytest.raises(ValueError):
        parse_java_version("command not found")


def test_parse_release_reads_version_and_modules() -> None:
    text = 'IMPLEMENTOR="Someone"\nJAVA_VERSION="25.0.2"\nMODULES="java.base java.logging jdk.jdi"\n'
    version, modules = parse_release(text)
    assert version == "25.0.2"
    assert modules == frozenset({"java.base", "java.logging", "jdk.jdi"})


def test_parse_release_without_modules() -> None:
    assert parse_release('JAVA_VERSION="1.8.0_392"\n') == ("1.8.0_392", None)


def _java(major: int, modules: set[str]) -> Java:
    return Java(Path("/x"), str(major), major, frozenset(modules), "test")


def test_a_trimmed_runtime_runs_kafka_but_not_elasticsearch() -> None:
    trimmed = _java(25, {"java.base", "java.management", "java.naming", "java.security.sasl", "jdk.unsupported"})
    assert KAFKA_NEEDS.problems(trimmed) == []
    problems = ELASTICSEARCH_NEEDS.problems(trimmed)
    assert len(problems) == 1 and "jdk.jdi" in problems[0] and "jdk.jlink" in problems[0]


def test_an_old_java_is_too_old_for_elasticsearch() -> None:
    old = _java(17, set(ELASTICSEARCH_NEEDS.modules))
    assert ELASTICSEARCH_NEEDS.problems(old) == ["Java 17 is older than 21"]


def _fake_jdk(root: Path, version: str, modules: str) -> Path:
    (root / "bin").mkdir(parents=True)
    java = root / "bin" / "java"
    java.write_text("#!/bin/sh\nexit 0\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    (root / "release").write_text(f'JAVA_VERSION="{version}"\nMODULES="{modules}"\n')
    return root


def test_probe_reads_the_release_file(tmp_path: Path) -> None:
    home = _fake_jdk(tmp_path / "jdk", "21.0.4", "java.base jdk.jdi")
    found = probe(home, "test")
    assert found is not None
    assert (found.major, found.version, found.modules) == (21, "21.0.4", frozenset({"java.base", "jdk.jdi"}))


def test_probe_of_a_folder_without_java(tmp_path: Path) -> None:
    assert probe(tmp_path, "test") is None


def test_the_java_home_setting_is_used_when_it_fits(tmp_path: Path) -> None:
    home = _fake_jdk(tmp_path / "full", "25.0.1", " ".join(sorted(ELASTICSEARCH_NEEDS.modules | {"java.base"})))
    assert find_java(home, ELASTICSEARCH_NEEDS).home == home


def test_the_java_home_setting_is_never_silently_replaced(tmp_path: Path) -> None:
    home = _fake_jdk(tmp_path / "old", "17.0.9", "java.base java.management")
    with pytest.raises(StackError) as caught:
        find_java(home, ELASTICSEARCH_NEEDS)
    message = str(caught.value)
    assert "NEWSMON_JAVA_HOME" in message
    assert "Java 17 is older than 21" in message
    assert str(home) in message
