"""What the simulator keeps of each request: enough to assert on, never the token itself."""

import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from app.simulator.endpoint import Handled
from app.simulator.faults import Fault
from app.simulator.responses import Answer

# What one record keeps of a body (its start, where the fields are); a simulator keeps its records
# within MAX_KEPT_BYTES in all, dropping the oldest first (each request may carry a 1 MB body).
MAX_KEPT_BODY_CHARS = 64 * 1024
MAX_KEPT_BYTES = 32 * 1024 * 1024
_RECORD_OVERHEAD_BYTES = 1024  # the fields besides the texts, roughly


class Headers(Mapping[str, str]):
    """Read-only request headers: names as received, looked up case-insensitively."""

    __slots__ = ("_by_lower_name",)

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        merged: dict[str, tuple[str, str]] = {}
        for name, value in items:
            key = name.lower()
            merged[key] = (merged[key][0], f"{merged[key][1]}, {value}") if key in merged else (name, value)
        self._by_lower_name = merged

    def __getitem__(self, name: str) -> str:
        return self._by_lower_name[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_lower_name

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._by_lower_name.values())

    def __len__(self) -> int:
        return len(self._by_lower_name)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"

    def redacted(self) -> "Headers":
        """A copy safe to keep and log: the bearer token replaced by a placeholder."""
        return Headers(
            (name, _redact(value) if name.lower() == "authorization" else value)
            for name, value in self.items()
        )


# The directory's token call carries a signed JWT in and an access token out: keep neither.
_TOKEN_FIELDS = re.compile(r'(\bassertion=|"access_token"\s*:\s*")[^&"]*')


def _without_tokens(text: str) -> str:
    return _TOKEN_FIELDS.sub(r"\1<redacted>", text)


def _redact(value: str) -> str:
    scheme, _, _ = value.strip().partition(" ")
    return f"{scheme} <redacted>" if scheme.lower() == "bearer" else "<redacted>"


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the simulator saw and answered it."""

    at: float  # wall-clock time it arrived (seconds since the epoch)
    client: str  # the sender's address (which trainee, in a classroom)
    method: str
    path: str  # the raw request target, still percent-encoded
    call_id: str | None  # decoded; None when the path named no call
    route_shape: str | None  # the shape the path had ("seed" or "connector"), even when refused
    headers: Headers  # Authorization redacted
    token_header: Mapping[str, Any] | None  # the JWT's decoded header, when it could be decoded
    claims: Mapping[str, Any] | None  # the JWT's decoded payload (verified or not); never the token
    content_type: str | None
    body_text: str
    target: str | None  # the fields of a valid body, as sent
    fallback_queue: str | None
    flow_inputs: Mapping[str, str] | None
    status: int | None  # None: the connection was dropped without an answer
    response_headers: tuple[tuple[str, str], ...]  # beyond Content-Length, as sent
    response_body: str
    duration_ms: float
    fault: Fault | None  # the scripted fault that shaped the answer, if any
    reason: str | None  # why the request was refused or dropped; None when it was routed
    note: str | None = None  # what the simulator did instead of plain routing (a failing flow's fallback)

    @property
    def jti(self) -> str | None:
        return self.claims.get("jti") if self.claims is not None else None

    @property
    def kept_bytes(self) -> int:
        """About how much memory this record holds (its texts, and a fixed amount for the rest)."""
        texts = (self.path, self.body_text, self.response_body, *self.headers.keys(), *self.headers.values())
        return _RECORD_OVERHEAD_BYTES + sum(len(text) for text in texts)


def _kept_text(body: bytes) -> str:
    """A body as text to keep: tokens redacted, at most MAX_KEPT_BODY_CHARS, saying when it was cut."""
    text = _without_tokens(body.decode("utf-8", "replace"))
    if len(text) <= MAX_KEPT_BODY_CHARS:
        return text
    return f"{text[:MAX_KEPT_BODY_CHARS]}… (cut: {len(body)} bytes in all)"


def recorded(
    at: float, client: str, method: str, path: str, headers: Headers, body: bytes, handled: Handled, answer: Answer,
    started: float,
) -> RecordedRequest:
    """The record of one exchange; `started` is its perf_counter() start."""
    route = handled.route
    return RecordedRequest(
        at=at, client=client, method=method, path=path, call_id=handled.call_id, route_shape=handled.route_shape,
        headers=headers.redacted(), token_header=handled.token_header, claims=handled.claims,
        content_type=headers.get("Content-Type"), body_text=_kept_text(body),
        target=route.target if route else None, fallback_queue=route.fallback_queue if route else None,
        flow_inputs=route.flow_inputs if route else None, status=answer.status,
        response_headers=(("Content-Type", answer.content_type), *answer.headers) if answer.status else (),
        response_body=_kept_text(answer.body),
        duration_ms=(time.perf_counter() - started) * 1000,
        fault=handled.fault, reason=answer.reason, note=answer.note,
    )
