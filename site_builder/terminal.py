"""What reaches the terminal: content is shown as text, never as console markup or control codes."""
from __future__ import annotations

import json
import re

from rich.console import Console
from rich.text import Text

from .errors import Problem

# C0 and C1 controls, DEL, bidirectional overrides and isolates, and the lone surrogates that
# stand for the bytes of a file name that is not UTF-8: each would move the cursor, retitle the
# window, clear the screen, reorder what is read, or fail to encode.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_JSON_UNPRINTABLE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")   # json escapes the rest


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\u202e`)."""
    return _UNPRINTABLE.sub(lambda m: _escaped(m.group()), text)


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_text(data: object) -> str:
    """`data` as indented JSON text in which control characters are `\\u` escapes, never raw."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def make_console(stderr: bool = False) -> Console:
    """A console that never wraps lines itself: a piped line stays one line, whatever its length."""
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def plain(*parts: str | tuple[str, str]) -> Text:
    """A line from pieces of text, each optionally with a style; nothing in them is read as markup."""
    return Text.assemble(*((printable(p), "") if isinstance(p, str) else (printable(p[0]), p[1]) for p in parts))


def problem_text(p: Problem) -> Text:
    """`severity: path:line: message (fix)`, coloured by severity."""
    colour = "red" if p.severity == "error" else "yellow"
    where = f"{p.path}:{p.line}" if p.line else p.path
    fix: list[str | tuple[str, str]] = [" ", (f"({p.hint})", "dim")] if p.hint else []
    return plain((p.severity, f"bold {colour}"), ": ", (where, "bold"), ": ", p.message, *fix)
