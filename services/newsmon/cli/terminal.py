"""Text from articles, shown on a terminal without letting it drive the terminal.

An article's title is written by whoever published it. Printed raw, ``ESC[31m`` recolours the
analyst's screen, ``ESC]0;…`` retitles the window, ``ESC]8;;`` plants a hyperlink, a carriage
return overwrites what was printed before it on the line, and some terminals take C1 bytes
(``\\x9b``) for ``ESC[``. Every human-readable output of the CLI shows such characters as
visible escapes (``\\x1b``) instead; ``--json`` output stays exact, since JSON encoders escape
control characters themselves and a program reading it wants the real text.

Two doors, both used by all the CLI's consoles: :func:`escape` for data put into Rich markup
(it replaces :func:`rich.markup.escape`), and :class:`SafeConsole` for strings printed or put in
tables directly.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape as escape_markup
from rich.text import Text

# C0 controls but tab and newline, DEL, and the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def neutralise(text: str) -> str:
    """``text`` with every control character a terminal would act on shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def escape(text: str) -> str:
    """Data for Rich markup: control characters neutralised, markup brackets escaped."""
    return escape_markup(neutralise(str(text)))


class SafeConsole(Console):
    """A Rich console that neutralises control characters of every string it renders."""

    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(neutralise(text), **kwargs)
