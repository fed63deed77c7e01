"""Handing a call to the panel that is already running: `transfer-panel://call/<ID>` URLs, the
one-line message a second launch sends to the first (over a local socket, see ui), and which
desktop session a launch belongs to (one panel per session).

Everything that arrives is checked here twice over: the URL's shape (scheme, the `call`
host, exactly one path segment, no query, user or fragment) and then the call ID rules
every typed ID obeys. A softphone or a web page can put anything in a URL.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from app.core.errors import InputError, Problem
from app.core.routing.request import validate_call_id

URL_SCHEME = "transfer-panel"
MAX_MESSAGE_BYTES = 4096


def call_id_from_url(url: str) -> str:
    """The call ID in a `transfer-panel://call/<ID>` URL; InputError saying what is wrong."""
    text = url.strip()
    if len(text) > MAX_MESSAGE_BYTES:
        raise InputError(Problem.LINK_TOO_LONG, length=len(text), limit=MAX_MESSAGE_BYTES)
    try:
        parts = urlsplit(text)
        segments = parts.path.split("/")
        shape_ok = (parts.scheme.lower() == URL_SCHEME and parts.netloc.lower() == "call"
                    and not (parts.query or parts.fragment) and parts.path.startswith("/")
                    and len([s for s in segments[1:] if s]) == 1 and segments[1])
    except ValueError:
        shape_ok = False
    if not shape_ok:
        raise InputError(Problem.LINK_MALFORMED, text=text[:80])
    try:
        raw = unquote(segments[1], encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise InputError(Problem.LINK_BAD_ENCODING) from None
    if raw != raw.strip():  # typed IDs are trimmed; an encoded line break in a link is not a typo
        raise InputError(Problem.LINK_PADDED)
    return validate_call_id(raw)


def loggable(text: str, limit: int = 200) -> str:
    """A link or message as the log may show it: at most `limit` characters, control and
    formatting characters (line breaks, escape sequences, bidi overrides) written as escapes."""
    shown = "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                    for char in text[:limit])
    return shown + (f"… ({len(text)} characters)" if len(text) > limit else "")


def encode_handover(call_id: str | None) -> bytes:
    """The message a second launch sends: a call ID to show, or None to just come to the front."""
    return json.dumps({"call_id": call_id}).encode() + b"\n"


def decode_handover(message: bytes) -> str | None:
    """The call ID sent by another launch (None: just come to the front); InputError if malformed."""
    if len(message) > MAX_MESSAGE_BYTES:
        raise InputError(Problem.HANDOVER_TOO_LONG)
    try:
        call_id = json.loads(message.decode("utf-8"))["call_id"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):  # RecursionError: nested JSON
        raise InputError(Problem.HANDOVER_MALFORMED) from None
    if call_id is None:
        return None
    if not isinstance(call_id, str):
        raise InputError(Problem.HANDOVER_NO_CALL_ID)
    return validate_call_id(call_id)


class DesktopSession(NamedTuple):
    """Which desktop session a process belongs to: `tag` names it in a file name ("" when nothing
    says: cron, a service); `has_display` says whether it can show a window of its own."""

    tag: str
    has_display: bool


_X_DISPLAY = re.compile(r"(?P<host>[^:]*):(?P<number>[0-9]+)(?:\.[0-9]+)?")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_TAG = 40


def desktop_session(environ: Mapping[str, str]) -> DesktopSession:
    """The session of a process with this environment. Two logins of one user, or two displays,
    differ here; every program of one session (the softphone, the panel) agrees. The X display
    comes first: the panel itself runs on it (Wayland desktops: XWayland), and a Wayland session
    sets both. Without a display, the login session (`XDG_SESSION_ID`, e.g. ssh)."""
    if display := environ.get("DISPLAY", "").strip():
        shape = _X_DISPLAY.fullmatch(display)
        if shape is None:
            return DesktopSession(_file_safe(f"display-{display}"), True)
        host = shape["host"] if shape["host"] not in ("", "unix") else ""  # ":0" and "unix:0" are one display
        return DesktopSession(_file_safe(f"display-{host + '-' if host else ''}{int(shape['number'])}"), True)
    if wayland := environ.get("WAYLAND_DISPLAY", "").strip():
        name = wayland.rstrip("/").rsplit("/", 1)[-1]  # a name in the runtime dir, or a path
        return DesktopSession(_file_safe(name if name.startswith("wayland") else f"wayland-{name}"), True)
    if session := environ.get("XDG_SESSION_ID", "").strip():
        return DesktopSession(_file_safe(f"session-{session}"), False)
    return DesktopSession("", False)


def _file_safe(tag: str) -> str:
    """`tag` as part of a file name: letters, digits, '.', '_' and '-', at most `_MAX_TAG` characters
    (a longer or rewritten one ends with a hash of the original, so two sessions never share one)."""
    safe = _UNSAFE.sub("_", tag)
    if safe == tag and len(tag) <= _MAX_TAG:
        return tag
    return f"{safe[:_MAX_TAG - 13]}-{hashlib.sha256(tag.encode()).hexdigest()[:12]}"
