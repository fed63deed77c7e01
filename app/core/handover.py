"""Handing a call to the panel that is already running: `transfer-panel://call/<ID>` URLs and
the one-line message a second launch sends to the first (over a local socket, see ui).

Everything that arrives is checked here twice over: the URL's shape (scheme, the `call`
host, exactly one path segment, no query, user or fragment) and then the call ID rules
every typed ID obeys. A softphone or a web page can put anything in a URL.
"""

import json
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
