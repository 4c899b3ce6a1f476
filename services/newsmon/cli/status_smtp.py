"""The mail-server line of ``newsmon status`` (issue 14): kept apart from cli/status.py so the two change separately.

``render(report)`` in cli/status.py shows it with ``render_smtp(report)`` among its parts.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from newsmon.ops.status import StatusReport

from .terminal import escape


def render_smtp(report: StatusReport) -> RenderableType:
    """One line: nothing to check, the server answers, or it cannot be reached and which rules that leaves mute."""
    m = report.smtp
    if m.error:
        return Text.from_markup(f"[bold]smtp[/]  {escape(m.server)} [yellow]not checked[/]: {escape(m.error)}")
    if not m.email_rules:
        return Text.from_markup(f"[bold]smtp[/]  {escape(m.server)} [dim]not checked: no rule has an email channel[/]")
    rules = ", ".join(m.email_rules)
    if m.reachable:
        return Text.from_markup(f"[bold]smtp[/]  {escape(m.server)} [green]reachable[/] ({escape(m.detail or '')}), "
                                f"for rules {escape(rules)}")
    return Text.from_markup(f"[bold]smtp[/]  {escape(m.server)} [red]unreachable[/]: {escape(m.detail or '')}; "
                            f"email alerts of {escape(rules)} fail until it answers")
