"""The HTTP client that sends Route a Voice Call requests for one profile.

Routing is not idempotent, so the client retries automatically only where the server surely
did not process the request (the request never went out; 429/503 with a Retry-After that fits
the deadline), and at most once. The profile's `timeout_s` is a deadline for the whole
exchange: signing, connecting, sending, the answer's headers and body, and the retry. Answers
are read as a bounded stream (`MAX_ANSWER_BYTES` decoded, decompression counted), and any but
a short one is parsed off the event loop, so no server can freeze the window or fill the memory.
This module, the directory's REST client and the OpenBao client (`signing/openbao`) are the only
ones that import httpx.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
import zlib
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import httpx

from app import __version__
from app.core.errors import CredentialError, ParamValue, SignerUnavailableError
from app.core.profile import Profile
from app.core.routing.outcome import Cause, OutcomeStatus, RouteOutcome, outcome_of_error
from app.core.routing.request import RouteRequest
from app.core.routing.wire import route_body, route_method_and_path, server_message
from app.core.signing import TokenMinter
from app.core.tls import build_ssl_context

MAX_ANSWER_BYTES = 64 * 1024  # an SCRT answer is a few hundred bytes; error pages a few KiB
_MAX_RAW_BYTES = 1024 * 1024  # compressed data that never decodes to anything stops here too
_MAX_RETRY_AFTER_S = 86_400.0
_PARSED_INLINE_BYTES = 2048  # a usual answer ({"status": "Success"}, a short error); bigger ones off the loop
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}

BeforeSend = Callable[[str], Awaitable[None]]  # awaited with the token's jti right before each attempt leaves


class RouteClient:
    """Sends routing requests for one profile over one long-lived HTTP client."""

    def __init__(self, profile: Profile, minter: TokenMinter, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        """`transport` and `sleep` (how a Retry-After is waited for) are seams for tests."""
        self.profile = profile
        self._minter = minter
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            verify=build_ssl_context(),
            transport=transport,
            headers={"User-Agent": f"voice-transfer-panel/{__version__}", "Accept": "application/json",
                     "Accept-Encoding": "identity"},
            follow_redirects=False,  # a redirect would resend a non-idempotent request elsewhere
            timeout=None,  # the whole exchange has one deadline (route); httpx's are per read
        )
        self._parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="answers")

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._minter.aclose()
        self._parser.shutdown(wait=False)

    async def route(self, request: RouteRequest, before_send: BeforeSend | None = None) -> RouteOutcome:
        """Send `request`; exactly one outcome, whatever the server or the network does.

        `before_send(jti)` runs right before each attempt goes out (the journal's write-ahead
        row); what it raises propagates and nothing is sent. Errors of the panel itself (a bug)
        propagate too: the caller turns them into an outcome."""
        started = time.monotonic()
        attempts = _Attempts(asyncio.get_running_loop().time() + self.profile.timeout_s)
        try:
            outcome = await self._exchange(request, before_send, attempts)
        except TimeoutError:
            cause = Cause.DEADLINE_NO_ANSWER if attempts.sent else Cause.DEADLINE_NOT_SENT
            status = OutcomeStatus.OUTCOME_UNKNOWN if attempts.sent else OutcomeStatus.NOT_SENT
            outcome = RouteOutcome(status, cause, {"timeout_s": self.profile.timeout_s})
        return replace(outcome, elapsed_ms=(time.monotonic() - started) * 1000, attempts=attempts.count,
                       jti=attempts.jti)

    async def _exchange(self, request: RouteRequest, before_send: BeforeSend | None,
                        attempts: _Attempts) -> RouteOutcome:
        """One or two attempts. Signing, sending and waiting for the status line count against the
        deadline (TimeoutError when it passes); the body is read until the deadline at most (then the
        status line decides); the journal's write before each attempt and parsing the answer do not."""
        profile = self.profile
        method, path = route_method_and_path(profile.route_shape, request.call_id)
        body, content_type = route_body(request.body_fields(), request.flow_inputs, profile.body_format,
                                        profile.flow_inputs_as)
        while True:
            try:
                async with asyncio.timeout_at(attempts.deadline):
                    token = await self._minter.mint()
            except CredentialError as error:
                return outcome_of_error(error, OutcomeStatus.CREDENTIALS)
            except SignerUnavailableError as error:
                return outcome_of_error(error, OutcomeStatus.NOT_SENT)
            headers = {"Authorization": f"Bearer {token.token}", "Content-Type": content_type}
            if profile.provider_name:
                headers["Telephony-Provider-Name"] = profile.provider_name
            outgoing = self._http.build_request(method, profile.base_url + path, content=body, headers=headers,
                                                extensions={"trace": attempts.trace})
            attempts.start(token.jti)
            if before_send is not None:
                await before_send(token.jti)
            try:
                async with asyncio.timeout_at(attempts.deadline):
                    response = await self._http.send(outgoing, stream=True)
            except (httpx.TransportError, httpx.StreamError) as error:
                if attempts.sent:
                    return RouteOutcome(OutcomeStatus.OUTCOME_UNKNOWN, Cause.NO_ANSWER, {"error": _describe(error)})
                if attempts.count == 1 and attempts.left() > 1.0:
                    continue  # the server never saw it: one retry is safe
                return RouteOutcome(OutcomeStatus.NOT_SENT, Cause.NOT_CONNECTED, {"error": _describe(error)})
            answer = await _read_answer(response, attempts.deadline)
            if answer is not None and len(answer) <= _PARSED_INLINE_BYTES:  # microseconds: not worth a thread
                outcome = classify_answer(response.status_code, response.headers, answer, profile)
            else:
                outcome = await asyncio.get_running_loop().run_in_executor(
                    self._parser, classify_answer, response.status_code, response.headers, answer, profile)
            wait = outcome.retry_after_s
            if (attempts.count == 1 and outcome.status is OutcomeStatus.THROTTLED and wait is not None
                    and wait + 1.0 < attempts.left()):
                await self._sleep(wait)
                continue
            return outcome


class _Attempts:
    """What the current exchange has done so far: its deadline, how many attempts, the last token's
    jti, and whether the request's first byte went out (after that, the outcome may be unknown)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline  # on the event loop's clock
        self.count = 0
        self.jti: str | None = None
        self.sent = False

    def left(self) -> float:
        return self.deadline - asyncio.get_running_loop().time()

    def start(self, jti: str) -> None:
        self.count += 1
        self.jti = jti
        self.sent = False  # an earlier attempt was answered (throttled) or never left

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        if event.endswith("send_request_headers.started"):
            self.sent = True


async def _read_answer(response: httpx.Response, deadline: float) -> bytes | None:
    """The answer's body, bounded in size and by the deadline; None when it is too large, cannot be
    decoded, is still coming at the deadline or breaks off. The status line has arrived by then and
    says what happened: a 200 whose body never ends is still "routing requested"."""
    try:
        async with asyncio.timeout_at(deadline):
            return await _read_bounded(response)
    except (TimeoutError, httpx.TransportError, httpx.StreamError):
        return None
    finally:
        await response.aclose()


async def _read_bounded(response: httpx.Response) -> bytes | None:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity") and encoding not in _DECODERS:
        return None  # br, zstd, stacked encodings: not asked for (Accept-Encoding: identity), not read
    decoder = zlib.decompressobj(_DECODERS[encoding]) if encoding in _DECODERS else None
    decoded = bytearray()
    raw_total = 0
    async for chunk in response.aiter_raw():
        raw_total += len(chunk)
        room = MAX_ANSWER_BYTES + 1 - len(decoded)
        try:
            decoded += decoder.decompress(chunk, room) if decoder is not None else chunk[:room]
        except zlib.error:
            return None
        if len(decoded) > MAX_ANSWER_BYTES or raw_total > _MAX_RAW_BYTES:
            return None
    return bytes(decoded)


def _describe(error: Exception) -> str:
    kind: str | None = {
        httpx.ConnectTimeout: "connection timed out",
        httpx.ConnectError: "could not connect",
        httpx.ReadTimeout: "timed out waiting for the answer",
        httpx.WriteTimeout: "timed out sending the request",
        httpx.PoolTimeout: "no free connection",
        httpx.RemoteProtocolError: "connection closed without an answer",
        httpx.ReadError: "connection lost while reading the answer",
    }.get(type(error))  # type: ignore[arg-type]  # any exception may come; most are not in the table
    return kind or type(error).__name__


def classify_answer(status: int, headers: httpx.Headers, body: bytes | None, profile: Profile) -> RouteOutcome:
    """Turn an HTTP answer into an outcome, following DOMAIN.md's status table. Whatever the body
    holds (nothing, garbage, a bomb cut short), a 2xx is "routing requested"."""
    text = body.decode("utf-8", errors="replace") if body is not None else ""
    words = server_message(headers.get("content-type", ""), text)
    shape: dict[str, ParamValue] = {"route_shape": str(profile.route_shape),
                                    "other_shape": str(profile.route_shape.other), "profile": profile.name,
                                    "unreadable": body is None}

    def outcome(kind: OutcomeStatus, cause: Cause, retry_after: float | None = None) -> RouteOutcome:
        return RouteOutcome(kind, cause, shape, status, words, retry_after_s=retry_after)

    if 200 <= status < 300:
        return outcome(OutcomeStatus.ACCEPTED, Cause.ANSWER_ACCEPTED)
    if status in (401, 403):
        return outcome(OutcomeStatus.AUTH_FAILED, Cause.ANSWER_AUTH)
    if status == 405:
        return outcome(OutcomeStatus.WRONG_SHAPE, Cause.ANSWER_WRONG_SHAPE)
    if status in (429, 503) and (status == 429 or "retry-after" in headers):
        wait = retry_after_seconds(headers.get("retry-after"))
        return outcome(OutcomeStatus.THROTTLED, Cause.ANSWER_THROTTLED, wait)
    if status == 404:
        return outcome(OutcomeStatus.REJECTED, Cause.ANSWER_NOT_FOUND)
    if status >= 500:
        return outcome(OutcomeStatus.SERVER_ERROR, Cause.ANSWER_SERVER_ERROR)
    return outcome(OutcomeStatus.REJECTED, Cause.ANSWER_REJECTED)


_DELTA_SECONDS = re.compile(r"[0-9]{1,10}")  # ASCII digits only: "²".isdigit() is true too


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if unreadable."""
    if not value:
        return None
    value = value.strip()[:100]
    if _DELTA_SECONDS.fullmatch(value):
        return min(float(value), _MAX_RETRY_AFTER_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(0.0, when.timestamp() - now()), _MAX_RETRY_AFTER_S)
