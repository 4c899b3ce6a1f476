"""``newsmon status``: the stack, the worker, consumer lag, the last minute's throughput and the last errors."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime

import click
from rich.console import Group, RenderableType
from rich.live import Live
from .status_smtp import render_smtp
from .terminal import SafeConsole, escape
from rich.table import Table
from rich.text import Text

from newsmon.config import get_settings
from newsmon.ops.status import DEFAULT_TIMEOUT_S, StatusReport, gather_status

from .common import fail
from .errors import PEER_DOWN

console = SafeConsole(highlight=False, soft_wrap=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (with --watch: one per line).")
@click.option(
    "--watch", type=click.FloatRange(min=0.5), metavar="SECONDS",
    help="Refresh every SECONDS until interrupted (Ctrl-C).",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0.5), default=DEFAULT_TIMEOUT_S, show_default=True, metavar="SECONDS",
    help="How long to wait for each of Kafka, Elasticsearch and the worker.",
)
def status(as_json: bool, watch: float | None, timeout: float) -> None:
    """Show the stack, the worker, consumer lag, throughput over the last minute and the last errors.

    Each part that cannot be gathered says why; nothing here changes anything.
    """
    _quiet_client_logs()
    settings = get_settings()
    if watch is None:
        report = gather_status(settings, timeout)
        if as_json:
            click.echo(json.dumps(report.as_dict(), indent=2))
        else:
            console.print(render(report))
        down = what_is_down(report)
        if down:  # a script (or a health check) reads the status: 2, a peer down (newsmon.cli.errors)
            fail(f"not everything is up: {'; '.join(down)}.", PEER_DOWN)
        return
    try:
        if as_json:
            while True:
                click.echo(json.dumps(gather_status(settings, timeout).as_dict()))
                time.sleep(watch)
        with Live(render(gather_status(settings, timeout)), console=console, auto_refresh=False) as live:
            while True:
                time.sleep(watch)
                live.update(render(gather_status(settings, timeout)), refresh=True)
    except KeyboardInterrupt:
        pass


def what_is_down(report: StatusReport) -> list[str]:
    """The parts of the report that are down or unhealthy, one phrase each (empty: all is well).

    Only what stops the pipeline counts: a stack component, the worker, Kafka or Elasticsearch not
    answering, and the SMTP server when email rules exist. Failed alerts and dead letters are the
    pipeline's findings, shown in the report.
    """
    down = [f"{c.name} is {'unhealthy' if c.running else 'not running'} ({c.detail or c.address})"
            for c in report.stack.components if not c.healthy]
    if report.stack.error:
        down.append(f"the stack cannot be checked ({report.stack.error})")
    worker = report.worker
    if not worker.reachable:
        down.append("no worker answers")
    elif worker.status != "ok":
        down.append(f"the worker is {worker.status or 'in an unknown state'}"
                    + (f" ({worker.degraded_reason})" if worker.degraded_reason else ""))
    if report.lag.error and not any(c.name == "kafka" for c in report.stack.components if not c.healthy):
        down.append(report.lag.error)
    if report.smtp.reachable is False:  # email rules exist and their server does not answer
        down.append(f"the SMTP server {report.smtp.server} does not answer ({report.smtp.detail or 'no detail'})")
    return down


def _quiet_client_logs() -> None:
    # The clients log every refused connection; the report already says what is unreachable.
    for name in ("kafka", "elastic_transport", "elasticsearch"):
        logging.getLogger(name).addHandler(logging.NullHandler())


# --- rendering


def render(report: StatusReport) -> RenderableType:
    """The report as tables, one per part, each followed by why anything is missing."""
    heading = Text.from_markup(
        f"[bold]newsmon status[/] · {escape(report.generated_at)} · gathered in {report.took_s:.1f} s"
    )
    return Group(
        heading, "", render_stack(report), "", render_worker(report), "", render_lag(report), "",
        render_throughput(report), "", render_errors(report), "", render_feeds(report), "", render_smtp(report),
    )


def render_stack(report: StatusReport) -> RenderableType:
    table = Table(title="stack", title_justify="left")
    for column in ("component", "where", "state", "pid", "address", "version", "detail"):
        table.add_column(column, no_wrap=column in ("component", "address"))
    for c in report.stack.components:
        if c.healthy:
            state = "[green]healthy[/]"
        elif c.running:
            state = "[red]unhealthy[/]"
        else:
            state = "[red]unreachable[/]" if c.where == "external" else "[yellow]stopped[/]"
        table.add_row(
            c.name, c.where, state, str(c.pid or "-"), escape(c.address), escape(c.version or "-"), escape(c.detail),
        )
    lines: list[RenderableType] = [table]
    lines += [f"{c.name} log: {escape(c.log)}" for c in report.stack.components if c.log]
    lines += _problems([report.stack.error] if report.stack.error else [])
    return Group(*lines)


def render_worker(report: StatusReport) -> RenderableType:
    w = report.worker
    exited = (Text.from_markup(f"  [red]last fatal error[/] ({escape(str(w.last_exit.get('at') or '?'))}, pid "
                               f"{w.last_exit.get('pid')}): {escape(str(w.last_exit.get('reason')))}")
              if w.last_exit else None)
    if not w.reachable:
        lines = [Text.from_markup(f"[bold]worker[/]  [red]not reachable[/]: {escape(w.error or '')}")]
        return Group(*lines, *([exited] if exited else []))
    color = {"ok": "green", "degraded": "red"}.get(w.status or "", "yellow")
    line = f"[bold]worker[/]  [{color}]{escape(w.status or '?')}[/] at {escape(w.url)}"
    if w.pid is not None:
        line += f", background pid {w.pid}, log {escape(w.log or '-')}"
    lines: list[RenderableType] = [Text.from_markup(line)]
    if w.degraded_reason:
        lines.append(Text.from_markup(f"  degraded: {escape(w.degraded_reason)}"))
    if w.stuck and w.stuck.get("message"):
        m = w.stuck["message"]
        lines.append(Text.from_markup(
            f"  held at stage {escape(str(w.stuck.get('stage')))}, batch starting at {escape(str(m.get('topic')))}"
            f"[{m.get('partition')}]@{m.get('offset')} key {escape(str(m.get('key')))}, {w.stuck.get('retries')} retries"))
    if exited:
        lines.append(exited)
    return Group(*lines)


def render_lag(report: StatusReport) -> RenderableType:
    lag = report.lag
    title = f"consumer lag of group {lag.group} on {lag.topic}"
    if lag.error:
        return Group(Text(title, style="italic"), *_problems([lag.error]))
    if lag.group_state:
        title += f" ({lag.group_state}, {lag.members} member{'s' if lag.members != 1 else ''})"
    table = Table(title=escape(title), title_justify="left")
    for column in ("partition", "committed", "end", "lag"):
        table.add_column(column, justify="right")
    for p in lag.partitions:
        committed = str(p.committed) if p.committed is not None else "[yellow]none[/]"
        table.add_row(str(p.partition), committed, str(p.end), _lag_cell(p.lag))
    table.add_row("[bold]total[/]", "", "", _lag_cell(lag.total or 0), end_section=True)
    lines: list[RenderableType] = [table]
    if lag.note:
        lines.append(Text.from_markup(f"[yellow]note:[/] {escape(lag.note)}"))
    return Group(*lines)


def _lag_cell(value: int) -> str:
    return f"[green]{value}[/]" if value == 0 else f"[yellow]{value}[/]"


def render_throughput(report: StatusReport) -> RenderableType:
    t = report.throughput
    table = Table(title=f"throughput, last {t.window_s} s", title_justify="left")
    for column in ("articles indexed", "dead letters", "alerts sent", "alerts failed"):
        table.add_column(column, justify="right")
    cells = [t.articles_indexed, t.dead_letters, t.alerts_sent, t.alerts_failed]
    table.add_row(*("[dim]?[/]" if v is None else str(v) for v in cells))
    return Group(table, *_problems(t.problems))


def render_errors(report: StatusReport) -> RenderableType:
    e = report.errors
    rows: list[tuple[str, str, str, str]] = []
    rows += [(x.get("at") or "", "worker", escape(x.get("error") or ""), "") for x in e.worker[-5:]]
    for d in e.dead_letters:
        where = f"stage {d.stage or '?'}, from {d.source or '?'}" + (f", key {d.key}" if d.key else "")
        rows.append((d.failed_at or "", "dead letter", escape(d.reason), escape(where)))
    for a in e.failed_alerts:
        where = f"rule {a.rule or '?'}, channel {a.channel or '?'}" + (f", {a.attempts} attempts" if a.attempts else "")
        rows.append((a.fired_at or "", "alert failed", escape(a.error or "(no error recorded)"), escape(where)))
    if not rows:
        summary = Text("last errors: none found", style="yellow") if e.problems else Text("last errors: none", style="green")
        return Group(summary, *_problems(e.problems))
    rows.sort(key=lambda row: _sort_key(row[0]), reverse=True)
    table = Table(title="last errors (newest first)", title_justify="left")
    for column in ("when", "what", "error", "where"):
        table.add_column(column, no_wrap=column == "when")
    for when, what, error, where in rows:
        table.add_row(escape(_short_time(when)), escape(what), escape(error), escape(where))
    return Group(table, *_problems(e.problems))


def render_feeds(report: StatusReport) -> RenderableType:
    f = report.feeds
    if f.error:
        return Group(Text("feeds", style="italic"), *_problems([f.error]))
    if not f.feeds and not f.pollers:
        return Text("feeds: none (add one with `newsmon feeds add URL`)", style="dim")
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(f.by_status.items()))
    lines: list[RenderableType] = [Text.from_markup(
        f"[bold]feeds[/]  {f.feeds} ({escape(statuses)}), {f.items_new} articles published")]
    alive = [p for p in f.pollers if p.alive]
    if not alive:
        lines.append(Text.from_markup("  [yellow]no poller is running[/]: start one with `newsmon feeds run`"))
    for p in f.pollers:
        state = "[green]alive[/]" if p.alive else "[yellow]gone[/]"
        lines.append(Text.from_markup(f"  poller {escape(p.id)} {state}, last heartbeat {p.age_s:.0f} s ago, "
                                      f"{p.items_new} articles since it started"))
    for feed in f.failing:
        lines.append(Text.from_markup(f"  [red]feed {escape(feed.name)}[/] failed {feed.failures} time(s) in a row: "
                                      f"{escape(feed.last_error or '?')}"))
    return Group(*lines)


def _problems(problems: list[str]) -> list[RenderableType]:
    return [Text.from_markup(f"[red]cannot tell:[/] {escape(p)}") for p in dict.fromkeys(problems)]


def _sort_key(when: str) -> float:
    try:
        return datetime.fromisoformat(when).timestamp()
    except ValueError:
        return 0.0


def _short_time(when: str) -> str:
    try:
        return datetime.fromisoformat(when).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return when
