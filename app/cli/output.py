"""Printing for the command line: text from servers or files never drives the terminal, and
`--json` prints exactly one JSON object."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

from app.core.errors import PanelError
from app.messages import Front, describe

# C0 and C1 controls (ESC starts terminal escape sequences; C1 CSI does too on some terminals),
# DEL, and the invisible characters that reorder or hide text (bidi controls, zero-width).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def terminal_safe(text: str) -> str:
    """`text` with every character that could move the cursor, recolour or reorder the terminal
    shown as an escape (`\\x1b`) instead."""
    return _UNSAFE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def say(text: str, stream: TextIO | None = None) -> None:
    print(terminal_safe(text), file=stream or sys.stdout)


def error(failure: PanelError) -> None:
    say(f"error: {describe(failure, Front.CLI)}", sys.stderr)


def json_line(document: dict[str, Any]) -> None:
    """One JSON object on one line; characters a terminal could act on are \\u-escaped (still valid JSON)."""
    text = json.dumps(document, ensure_ascii=False)
    print(_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text))
