"""Route a Voice Call: the validated request, its one outcome, and the client that sends it.

Routing is not idempotent, so the client retries automatically only where the server
surely did not process the request (connection never made; 429/503 with a Retry-After that
fits the deadline), and at most once. Everything else ends in an outcome the rep reads.
This is the only module that imports httpx.
"""

import asyncio
import email.utils
import re
import ssl
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

import httpx

from app import __version__
from app.core.errors import CredentialError, InputError, SignerUnavailableError
from app.core.ids import (
    IdKind,
    InvalidIdError,
    SalesforceId,
    looks_like_salesforce_id,
    parse_id,
    parse_routing_target,
)
from app.core.profile import Profile
from app.core.signing import TokenMinter
from app.core.wire import route_body, route_method_and_path, server_message

MAX_CALL_ID_LENGTH = 255
MAX_FLOW_INPUTS = 50
MAX_FLOW_INPUT_KEY_LENGTH = 255
MAX_FLOW_INPUT_VALUE_LENGTH = 4000
# Characters XML 1.0 cannot carry at all (and lone surrogates, which no encoding can).
_NOT_XML_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class RouteRequest:
    """One routing request, validated on construction (raises InputError saying what is wrong)."""

    call_id: str
    target: SalesforceId
    target_label: str = ""
    fallback_queue: SalesforceId | None = None
    flow_inputs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(
        cls,
        call_id: str,
        target: str,
        *,
        target_label: str = "",
        fallback_queue: str | None = None,
        flow_inputs: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    ) -> "RouteRequest":
        """Validate raw text (as typed or passed on the command line) into a request."""
        target_id = parse_routing_target(target)
        pairs = tuple(flow_inputs.items() if isinstance(flow_inputs, Mapping) else flow_inputs)
        fallback_id = None
        if fallback_queue is not None and fallback_queue.strip():
            fallback_id = parse_id(fallback_queue, "fallback queue")
        return cls(
            call_id=validate_call_id(call_id),
            target=target_id,
            target_label=target_label.strip() or target_id.value,
            fallback_queue=fallback_id,
            flow_inputs=tuple((key.strip(), value) for key, value in pairs),
        )

    def __post_init__(self) -> None:
        if self.target.kind not in (IdKind.AGENT, IdKind.QUEUE, IdKind.FLOW):
            raise InputError(f"The target {self.target} is not an agent, a queue or a flow.")
        is_flow = self.target.kind is IdKind.FLOW
        if self.fallback_queue is not None:
            if not is_flow:
                raise InputError(
                    "A fallback queue applies only when routing to an Omni-Channel flow: "
                    f"remove it, or choose a flow instead of this {self.target.kind.value}."
                )
            if self.fallback_queue.kind is not IdKind.QUEUE:
                raise InputError(
                    f"The fallback queue {self.fallback_queue} is not a queue ID (00G…)."
                )
        if self.flow_inputs and not is_flow:
            raise InputError(
                f"Flow inputs apply only when routing to an Omni-Channel flow, not to a "
                f"{self.target.kind.value}: remove them."
            )
        _validate_flow_inputs(self.flow_inputs)

    def body_fields(self) -> dict[str, str]:
        fields = {"routingTarget": self.target.value}
        if self.fallback_queue is not None:
            fields["fallbackQueue"] = self.fallback_queue.value
        return fields


def validate_call_id(raw: str) -> str:
    """Trim a call ID and refuse what cannot be one. Vendor contact IDs (any text) are accepted."""
    call_id = raw.strip()
    if not call_id:
        raise InputError("The call ID is empty: paste the active call's ID from the softphone.")
    if any(unicodedata.category(char) == "Cc" for char in call_id) or _NOT_XML_TEXT.search(call_id):
        raise InputError(
            "The call ID contains a control character or invalid text (e.g. a line break): "
            "paste just the ID."
        )
    if len(call_id) > MAX_CALL_ID_LENGTH:
        raise InputError(
            f"The call ID is {len(call_id)} characters long (at most {MAX_CALL_ID_LENGTH}): "
            "paste just the ID."
        )
    if set(call_id) == {"."}:
        raise InputError(f"{call_id!r} is not a call ID: paste the active call's ID.")
    if call_id[:3] == "0LQ" and looks_like_salesforce_id(call_id):
        try:
            return parse_id(call_id, "call ID").value[: len(call_id)]
        except InvalidIdError as error:
            raise InputError(str(error)) from None
    return call_id


def _validate_flow_inputs(pairs: tuple[tuple[str, str], ...]) -> None:
    if len(pairs) > MAX_FLOW_INPUTS:
        raise InputError(f"{len(pairs)} flow inputs given: at most {MAX_FLOW_INPUTS} are allowed.")
    seen: dict[str, str] = {}
    for number, (key, value) in enumerate(pairs, start=1):
        if not key:
            raise InputError(f"Flow input {number} has no name: give it one or remove the row.")
        if len(key) > MAX_FLOW_INPUT_KEY_LENGTH or any(ch.isspace() and ch != " " for ch in key):
            raise InputError(
                f"Flow input {number}'s name is too long or has line breaks or tabs: "
                f"use the flow variable's API name (at most {MAX_FLOW_INPUT_KEY_LENGTH} characters)."
            )
        if _NOT_XML_TEXT.search(key) or _NOT_XML_TEXT.search(value):
            raise InputError(
                f"Flow input {key!r} contains a control character or invalid text: remove it."
            )
        if len(value) > MAX_FLOW_INPUT_VALUE_LENGTH:
            raise InputError(
                f"Flow input {key!r} is {len(value)} characters long "
                f"(at most {MAX_FLOW_INPUT_VALUE_LENGTH})."
            )
        folded = key.casefold()
        if folded in seen:
            raise InputError(
                f"Flow input {key!r} is given twice (names are compared ignoring case, like "
                f"Salesforce API names): keep one of {seen[folded]!r} and {key!r}."
            )
        seen[folded] = key


class OutcomeStatus(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WRONG_SHAPE = "wrong_shape"
    SERVER_ERROR = "server_error"
    AUTH_FAILED = "auth_failed"
    CREDENTIALS = "credentials"
    THROTTLED = "throttled"
    NOT_SENT = "not_sent"
    OUTCOME_UNKNOWN = "outcome_unknown"


# The CLI's exit code per status (README, "Exit codes").
_EXIT_CODES = {
    OutcomeStatus.ACCEPTED: 0,
    OutcomeStatus.REJECTED: 4,
    OutcomeStatus.WRONG_SHAPE: 4,
    OutcomeStatus.SERVER_ERROR: 4,
    OutcomeStatus.AUTH_FAILED: 3,
    OutcomeStatus.CREDENTIALS: 3,
    OutcomeStatus.THROTTLED: 5,
    OutcomeStatus.NOT_SENT: 5,
    OutcomeStatus.OUTCOME_UNKNOWN: 6,
}
# Where sending the same request again cannot route the call twice.
_RETRY_SAFE = {OutcomeStatus.THROTTLED, OutcomeStatus.NOT_SENT}


@dataclass(frozen=True, slots=True)
class RouteOutcome:
    """How one routing request ended: exactly one per request, and one journal row."""

    status: OutcomeStatus
    message: str
    hint: str = ""
    http_status: int | None = None
    server_message: str | None = None
    elapsed_ms: float = 0.0
    attempts: int = 0
    retry_after_s: float | None = None
    jti: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status is OutcomeStatus.ACCEPTED

    @property
    def retry_safe(self) -> bool:
        return self.status in _RETRY_SAFE

    @property
    def exit_code(self) -> int:
        return _EXIT_CODES[self.status]


def build_ssl_context() -> ssl.SSLContext:
    """The OS trust store (corporate CAs included), or certifi's bundle where truststore cannot work."""
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except (ImportError, OSError, ssl.SSLError):
        import certifi

        return ssl.create_default_context(cafile=certifi.where())


class RouteClient:
    """Sends routing requests for one profile over one long-lived HTTP client."""

    def __init__(
        self,
        profile: Profile,
        minter: TokenMinter,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.profile = profile
        self._minter = minter
        self._http = httpx.AsyncClient(
            verify=build_ssl_context(),
            transport=transport,
            headers={"User-Agent": f"voice-transfer-panel/{__version__}", "Accept": "application/json"},
            follow_redirects=False,  # a redirect would resend a non-idempotent request elsewhere
        )

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._minter.aclose()

    async def route(self, request: RouteRequest) -> RouteOutcome:
        started = time.monotonic()
        deadline = started + self.profile.timeout_s

        def finish(outcome: RouteOutcome, attempts: int, jti: str | None) -> RouteOutcome:
            elapsed = (time.monotonic() - started) * 1000
            return replace(outcome, elapsed_ms=elapsed, attempts=attempts, jti=jti)

        method, path = route_method_and_path(self.profile.route_shape, request.call_id)
        body, content_type = route_body(
            request.body_fields(), request.flow_inputs, self.profile.body_format, self.profile.flow_inputs_as
        )
        attempt = 0
        while True:
            attempt += 1
            try:  # a slow signer counts against the one deadline
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    token = await self._minter.mint()
            except CredentialError as error:
                return finish(RouteOutcome(OutcomeStatus.CREDENTIALS, str(error), _NOTHING_SENT), attempt - 1, None)
            except SignerUnavailableError as error:
                return finish(RouteOutcome(OutcomeStatus.NOT_SENT, str(error), _TRY_LATER), attempt - 1, None)
            except TimeoutError:
                return finish(RouteOutcome(OutcomeStatus.NOT_SENT, "Signing the request took too long: nothing was "
                                           "sent.", _TRY_LATER), attempt - 1, None)
            headers = {"Authorization": f"Bearer {token.token}", "Content-Type": content_type}
            if self.profile.provider_name:
                headers["Telephony-Provider-Name"] = self.profile.provider_name
            remaining = deadline - time.monotonic()
            try:
                response = await self._http.request(
                    method, self.profile.base_url + path, content=body, headers=headers,
                    timeout=httpx.Timeout(remaining, connect=min(5.0, remaining)),
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError) as error:
                if attempt == 1 and deadline - time.monotonic() > 1.0:
                    continue  # the server never saw it: one retry is safe
                return finish(_not_sent(error), attempt, token.jti)
            except httpx.TransportError as error:
                return finish(_unknown(error), attempt, token.jti)
            outcome = classify_response(response, request, self.profile)
            wait = outcome.retry_after_s
            if (
                attempt == 1
                and outcome.status is OutcomeStatus.THROTTLED
                and wait is not None
                and wait + 1.0 < deadline - time.monotonic()
            ):
                await asyncio.sleep(wait)
                continue
            return finish(outcome, attempt, token.jti)

_NOTHING_SENT = "Nothing was sent: fix the credentials and try again."
_TRY_LATER = "Nothing was sent; trying again is safe."


def _not_sent(error: httpx.TransportError) -> RouteOutcome:
    return RouteOutcome(
        OutcomeStatus.NOT_SENT,
        f"Could not reach Salesforce ({_describe(error)}): nothing was sent.",
        "Check the network connection and try again; retrying is safe.",
    )


def _unknown(error: httpx.TransportError) -> RouteOutcome:
    return RouteOutcome(
        OutcomeStatus.OUTCOME_UNKNOWN,
        f"No answer from Salesforce ({_describe(error)}): the call may already be routing.",
        "Check the softphone before doing anything: if the call did not move, try again.",
    )


def _describe(error: httpx.TransportError) -> str:
    kind = {
        httpx.ConnectTimeout: "connection timed out",
        httpx.ReadTimeout: "timed out waiting for the answer",
        httpx.WriteTimeout: "timed out sending the request",
        httpx.PoolTimeout: "no free connection",
        httpx.RemoteProtocolError: "connection closed without an answer",
    }.get(type(error))
    return kind or f"{type(error).__name__}: {error}".rstrip(": ")


def classify_response(response: httpx.Response, request: RouteRequest, profile: Profile) -> RouteOutcome:
    """Turn an HTTP answer into an outcome, following DOMAIN.md's status table."""
    status = response.status_code
    words = server_message(response.headers.get("content-type", ""), response.text)
    said = words or f"{status} {response.reason_phrase}".strip()
    label = request.target_label

    def outcome(kind: OutcomeStatus, message: str, hint: str = "", retry_after: float | None = None) -> RouteOutcome:
        return RouteOutcome(kind, message, hint, status, words, retry_after_s=retry_after)

    if 200 <= status < 300:
        return outcome(OutcomeStatus.ACCEPTED, f"Routing requested to {label}")
    if status in (401, 403):
        return outcome(
            OutcomeStatus.AUTH_FAILED,
            f"Salesforce refused the credentials ({status}): {said}. Nothing was routed.",
            "Check the profile's org_id and call_center, the certificate registered on the "
            "Call Center, and this computer's clock; then ask your administrator.",
        )
    if status == 405:
        other = "connector" if profile.route_shape == "seed" else "seed"
        return outcome(
            OutcomeStatus.WRONG_SHAPE,
            f"The server does not accept the '{profile.route_shape}' route shape (405): nothing was routed.",
            f"Set route_shape = \"{other}\" in profile '{profile.name}' and try again.",
        )
    if status in (429, 503) and (status == 429 or "retry-after" in response.headers):
        wait = retry_after_seconds(response.headers.get("retry-after"))
        when = f"in {wait:.0f} s" if wait is not None else "in a minute"
        return outcome(
            OutcomeStatus.THROTTLED,
            f"Salesforce is busy ({status}) and did not process the request.",
            f"Try again {when}.",
            wait,
        )
    if status == 404:
        other = "connector" if profile.route_shape == "seed" else "seed"
        return outcome(
            OutcomeStatus.REJECTED,
            f"Salesforce does not know this call (404): {said}.",
            f"Check the call ID; the call may have ended. If every call fails this way, the "
            f"server may expect route_shape = \"{other}\".",
        )
    if status >= 500:
        return outcome(
            OutcomeStatus.SERVER_ERROR,
            f"Salesforce had a server error ({status}): {said}.",
            "The call may or may not have moved: check the softphone before you try again.",
        )
    return outcome(
        OutcomeStatus.REJECTED,
        f"Salesforce rejected routing to {label} ({status}): {said}.",
        "Check the target and the flow inputs; sending the same request again will not help.",
    )


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())
