"""Route a Voice Call, decided without HTTP plumbing: path and shape, token, body, faults.

The checks run in the order a real endpoint would: the resource (404/405), the token (401),
the headers and body (415/400). Scripted faults apply only to requests that pass them all.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from app.core.ids import parse_id
from app.simulator.body import RouteBody, check_call_id, parse_route_body
from app.simulator.faults import Fault, FaultBook
from app.simulator.responses import SUCCESS, Answer, Rejected
from app.simulator.salesforce import SalesforceApi
from app.simulator.verify import TokenRejected, TokenVerifier

BASE_PATH = "/telephony/v1"
ROUTE_SHAPES = ("seed", "connector")
ROUTE_METHODS = {"seed": "POST", "connector": "PATCH"}
ROUTE_PATHS = {"seed": "/voiceCalls/{callId}/routeVoiceCall", "connector": "/voiceCalls/route/{callId}"}
_BASE_SEGMENTS = BASE_PATH.split("/")


@dataclass(frozen=True, slots=True)
class Handled:
    """The answer to one request and what was learned on the way, for the record."""

    answer: Answer
    call_id: str | None = None
    route_shape: str | None = None
    token_header: Mapping[str, Any] | None = None
    claims: Mapping[str, Any] | None = None
    route: RouteBody | None = None
    fault: Fault | None = None


class Endpoint:
    """Decides the answer to each request; thread-safe (its verifier and fault book lock)."""

    def __init__(
        self, verifier: TokenVerifier, faults: FaultBook, route_shape: str, required_provider_name: str | None,
        salesforce: SalesforceApi | None = None,
    ) -> None:
        if route_shape not in ROUTE_SHAPES:
            raise ValueError(f"route_shape must be one of {', '.join(ROUTE_SHAPES)}, not {route_shape!r}")
        self._verifier = verifier
        self._faults = faults
        self._shape = route_shape
        self._required_provider_name = required_provider_name
        self._salesforce = salesforce

    def handle(self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> Handled:
        if self._salesforce is not None and self._salesforce.handles(raw_path):
            return Handled(self._salesforce.handle(method, raw_path, headers, body))
        handled = Handled(SUCCESS)
        try:
            shape, call_id = _match(raw_path, self._shape)
            handled = replace(handled, call_id=call_id, route_shape=shape)
            if shape is None or call_id is None:
                raise Rejected(404, f"Nothing at {raw_path.partition('?')[0]}: calls are routed with "
                               f"{self._how_to_route()}", "NOT_FOUND")
            if shape != self._shape or method != ROUTE_METHODS[shape]:
                raise Rejected(405, f"{method} {ROUTE_PATHS[shape]} is not accepted here: route with "
                               f"{self._how_to_route()}. Nothing was routed.", "METHOD_NOT_ALLOWED",
                               (("Allow", ROUTE_METHODS[self._shape]),))
            try:
                token = self._verifier.verify(headers.get("Authorization"))
            except TokenRejected as rejected:
                handled = replace(handled, token_header=rejected.header, claims=rejected.claims)
                raise Rejected(rejected.status, str(rejected),
                               "INVALID_AUTH" if rejected.status == 401 else "JSON_PARSER_ERROR") from None
            handled = replace(handled, token_header=token.header, claims=token.claims)
            self._check_provider(headers.get("Telephony-Provider-Name"))
            route = parse_route_body(headers.get("Content-Type"), body)
            handled = replace(handled, route=route)
            check_call_id(call_id)
        except Rejected as rejected:
            return replace(handled, answer=rejected.answer())
        target = parse_id(route.target).value
        fault = self._faults.take(target)
        if fault is not None and not fault.applies_to(target):
            fault = None  # e.g. "flow fails" for every target: an agent or a queue is routed as usual
        answer = fault.answer(route.fallback_queue) if fault is not None else SUCCESS
        return replace(handled, fault=fault, answer=answer)

    def _how_to_route(self) -> str:
        return f"{ROUTE_METHODS[self._shape]} {BASE_PATH}{ROUTE_PATHS[self._shape]}"

    def _check_provider(self, provider_name: str | None) -> None:
        if self._required_provider_name is not None and provider_name != self._required_provider_name:
            raise Rejected(400, f"The Telephony-Provider-Name header is {provider_name!r}: it must be "
                           f"{self._required_provider_name!r}", "INVALID_HEADER")


def _match(raw_path: str, preferred_shape: str) -> tuple[str | None, str | None]:
    """The route shape of a path and its decoded call ID; the accepted shape wins where both fit.

    The path is split before it is decoded, so an encoded %2F stays inside the call ID.
    """
    segments = raw_path.partition("?")[0].split("/")
    base, rest = segments[: len(_BASE_SEGMENTS)], segments[len(_BASE_SEGMENTS) :]
    if base != _BASE_SEGMENTS or len(rest) != 3 or rest[0] != "voiceCalls":
        return None, None
    fits = {}
    if rest[2] == "routeVoiceCall":
        fits["seed"] = rest[1]
    if rest[1] == "route":
        fits["connector"] = rest[2]
    if not fits:
        return None, None
    shape = preferred_shape if preferred_shape in fits else next(iter(fits))
    try:
        call_id = unquote(fits[shape], encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Rejected(400, "The call ID in the path is not percent-encoded UTF-8", "INVALID_ID_FIELD") from None
    return shape, call_id or None
