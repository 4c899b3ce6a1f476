"""Control characters from articles are shown, not obeyed, by every console of the CLI."""

from __future__ import annotations

import io

from newsmon.cli.terminal import SafeConsole, escape, neutralise


def test_controls_are_shown_as_visible_escapes_and_text_is_kept():
    assert neutralise("a\x1b[31mb\x07c\x00d\x7fe\x85f\x9bg\rh") == "a\\x1b[31mb\\x07c\\x00d\\x7fe\\x85f\\x9bg\\x0dh"
    assert neutralise("lines\nand\ttabs, مرحبا, Ελλάδα, 中文") == "lines\nand\ttabs, مرحبا, Ελλάδα, 中文"


def test_escape_also_escapes_markup():
    assert escape("[bold]x[/bold]\x1b") == "\\[bold]x\\[/bold]\\x1b"


def test_the_safe_console_neutralises_what_it_renders():
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, force_terminal=True, color_system="truecolor", width=120)
    console.print("[bold]title:[/]", "evil\x1b]0;owned\x07", "\x9b2J", highlight=False)
    out = buffer.getvalue()
    assert "\\x1b]0;owned\\x07" in out and "\\x9b2J" in out
    assert "\x07" not in out and "\x9b" not in out and "\x1b]0" not in out
    assert "\x1b[1m" in out  # the console's own styling still works
