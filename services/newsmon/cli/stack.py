"""``newsmon stack up|down|status``: the local Kafka and Elasticsearch, without Docker."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable

import click
from .terminal import SafeConsole, escape
from rich.table import Table

from newsmon.config import get_settings

console = SafeConsole(highlight=False, soft_wrap=True)
errors = SafeConsole(stderr=True, highlight=False)


def _quiet_kafka_client() -> None:
    # Health checks poll a broker that is still starting; kafka-python would print each refusal.
    logging.getLogger("kafka").addHandler(logging.NullHandler())


def _run(action: Callable[[], object]) -> object:
    from newsmon.stack import StackError

    try:
        return action()
    except StackError as exc:
        errors.print(f"[bold red]error:[/] {escape(str(exc))}")
        sys.exit(1)


def _progress(line: str) -> None:
    console.print(f"[dim]·[/] {escape(line)}")


def _show(stack_status) -> None:
    """A short table, then each log path and any detail that explains a bad state."""
    table = Table(title="newsmon local stack", title_justify="left")
    for column in ("component", "state", "pid", "address", "version", "health"):
        table.add_column(column, no_wrap=column in ("component", "address"))
    for c in stack_status.components:
        state = "[green]running[/]" if c.running else "[yellow]stopped[/]"
        health = ("[green]healthy[/]" if c.healthy else "[red]unhealthy[/]") if c.running else "-"
        table.add_row(c.name, state, str(c.pid or "-"), c.address, c.version or "-", health)
    console.print(table)
    for c in stack_status.components:
        console.print(f"{c.name} log: {escape(str(c.log))}")
        if not c.healthy and c.detail and c.detail != "stopped":
            console.print(f"{c.name}: {escape(c.detail)}")


@click.group()
def stack() -> None:
    """Run Kafka and Elasticsearch locally (no Docker; downloads them once with Maven).

    Everything lives under NEWSMON_STATE_DIR (default ~/.cache/newsmon).
    """
    _quiet_kafka_client()


@stack.command()
def up() -> None:
    """Download (first time), start and wait until Kafka and Elasticsearch are healthy."""
    from newsmon import stack as local_stack

    began = time.monotonic()
    result = _run(lambda: local_stack.up(get_settings(), echo=_progress))
    _show(result)
    console.print(f"ready in {time.monotonic() - began:.1f} s")


@stack.command()
def down() -> None:
    """Stop the servers `up` started. Their data is kept."""
    from newsmon import stack as local_stack

    from newsmon.stream.launcher import stop_background_worker

    settings = get_settings()
    if stop_background_worker(settings):
        _progress("stopped the background worker")
    result = _run(lambda: local_stack.down(settings, echo=_progress))
    _show(result)


@stack.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of a table.")
def status(as_json: bool) -> None:
    """Show whether each server runs, where, which version, its health and its log."""
    from newsmon import stack as local_stack

    result = _run(lambda: local_stack.status(get_settings()))
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        _show(result)
        _show_worker(get_settings())
    down = [c.name for c in result.components if not c.healthy]
    if down:  # 2: a peer down (newsmon.cli.errors), for scripts and `make status`
        from .common import fail
        from .errors import PEER_DOWN

        fail(f"{' and '.join(down)} {'is' if len(down) == 1 else 'are'} not healthy: `newsmon stack up` starts the "
             "local stack; the logs above say why a server stopped.", PEER_DOWN)


def _show_worker(settings) -> None:
    from newsmon.stream.launcher import background_paths, background_worker_pid, probe, worker_url

    pid = background_worker_pid(settings)
    if pid is None:
        console.print("worker: not running in the background (start it with `newsmon worker` or `make run`)")
        return
    answer = probe(settings)
    state = answer[1].get("status", "?") if answer else "not answering"
    console.print(f"worker: pid {pid}, {state}, {worker_url(settings)}/readyz, log {background_paths(settings)[1]}")
