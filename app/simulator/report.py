"""A recorded request in words: one line for a live log, a full page for the request inspector.

Both show what went over the wire as the simulator saw it; the token appears only as its
decoded header and claims (records never hold the token itself).
"""

import json
from datetime import datetime
from http import HTTPStatus

from app.simulator.records import RecordedRequest
from app.simulator.scenarios import SCENARIOS

_CLAIM_MEANINGS = {"iss": "org ID", "sub": "call center", "aud": "audience", "jti": "unique per token"}


def outcome_words(record: RecordedRequest) -> str:
    if record.status is None:
        return "dropped without an answer"
    try:
        phrase = HTTPStatus(record.status).phrase
    except ValueError:
        phrase = ""
    return f"{record.status} {phrase}".strip()


def scenario_title(record: RecordedRequest) -> str | None:
    """The trainer scenario whose fault shaped this answer, if one did."""
    if record.fault is None:
        return None
    return next((s.title for s in SCENARIOS.values() if s.fault == record.fault), "a scripted fault")


def summary_line(record: RecordedRequest) -> str:
    """E.g. `14:02:11  192.168.0.23  call 0LQ… → 00G…  200 OK  (3 ms)`; one line, printable only."""
    at = datetime.fromtimestamp(record.at).strftime("%H:%M:%S")
    target = f" → {record.target}" if record.target else ""
    extra = record.note or record.reason
    return _printable(f"{at}  {record.client}  {record.method} call {record.call_id or '?'}{target}  "
                      f"{outcome_words(record)}  ({record.duration_ms:.0f} ms){f'  · {extra}' if extra else ''}")


def _printable(text: str) -> str:
    """Control characters from a sender (a call ID is anything) shown escaped, never sent to a terminal."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def describe(record: RecordedRequest, origin: str) -> str:
    """Every part of one exchange; `origin` is the simulator's scheme://host:port."""
    at = datetime.fromtimestamp(record.at)
    lines = [
        f"{record.method} {origin}{record.path}",
        f"from {record.client} at {at:%H:%M:%S}.{at.microsecond // 1000:03d} · answered in {record.duration_ms:.1f} ms",
    ]
    if title := scenario_title(record):
        lines.append(f"Trainer scenario: {title}")
    lines += ["", "Request headers"]
    lines += [f"  {name}: {value}" for name, value in record.headers.items()]
    lines += ["", "Token (decoded; the token itself is never kept or shown)"]
    if record.claims is None:
        lines.append("  none could be decoded")
    else:
        if record.token_header is not None:
            lines.append(f"  header: {json.dumps(dict(record.token_header))}")
        lines += [_claim(name, value, record.claims) for name, value in record.claims.items()]
    lines += ["", f"Body ({record.content_type or 'no Content-Type'})", _indented(_pretty(record.body_text))]
    lines += ["", f"Answer: {outcome_words(record)}"]
    lines += [f"  {name}: {value}" for name, value in record.response_headers]
    if record.response_body:
        lines.append(_indented(_pretty(record.response_body)))
    if record.note:
        lines += ["", f"Simulator: {record.note}"]
    elif record.reason:
        lines += ["", f"Simulator: {record.reason}"]
    return "\n".join(lines)


def _claim(name: str, value: object, claims) -> str:
    if name in ("iat", "exp") and isinstance(value, int | float):
        try:
            when = f"{datetime.fromtimestamp(value):%H:%M:%S}"
        except (OverflowError, ValueError, OSError):  # a refused token may carry any number
            return f"  {name}: {value} (not a time)"
        issued = claims.get("iat")
        if name == "exp" and isinstance(issued, int | float):
            when += f", {value - issued:g} s after iat"
        return f"  {name}: {value} ({when})"
    meaning = f" ({_CLAIM_MEANINGS[name]})" if name in _CLAIM_MEANINGS else ""
    return f"  {name}: {value}{meaning}"


def _pretty(text: str) -> str:
    if not text:
        return "(empty)"
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return text.replace("><", ">\n<") if text.lstrip().startswith("<") else text


def _indented(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
