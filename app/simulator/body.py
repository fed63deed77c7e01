"""The Route a Voice Call body, JSON or XML (DOMAIN.md section 1), validated strictly.

Strict on purpose: a client bug (a null, a stray field, a flow version ID) must show up
here as a 400 with the reason, not on the day it reaches a real org.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from app.core.ids import (
    IdKind,
    InvalidIdError,
    SalesforceId,
    looks_like_salesforce_id,
    parse_id,
    parse_routing_target,
)
from app.messages import describe
from app.simulator.responses import Rejected

_FIELDS = ("routingTarget", "fallbackQueue", "flowInputParameters")
_NESTED_TOO_DEEP = "{what} nests JSON too deeply to be read"
_MEDIA_TYPES = ("application/json", "application/xml")
# Entity declarations enable billion-laughs style expansion; no client needs a DOCTYPE.
_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RouteBody:
    """The fields as the client sent them (IDs not normalised)."""

    target: str
    fallback_queue: str | None = None
    flow_inputs: Mapping[str, str] | None = None


def parse_route_body(content_type: str | None, body: bytes) -> RouteBody:
    media_type = _media_type(content_type)
    if not body.strip():
        raise _bad(f"The request body is empty: send {media_type} with routingTarget")
    fields = _json_fields(body) if media_type == "application/json" else _xml_fields(body)
    return _validate(fields)


def _media_type(content_type: str | None) -> str:
    if content_type is None:
        raise Rejected(415, "The Content-Type header is missing: send application/json or application/xml",
                       "UNSUPPORTED_MEDIA_TYPE")
    media_type, *parameters = (part.strip().lower() for part in content_type.split(";"))
    if media_type not in _MEDIA_TYPES:
        raise Rejected(415, f"Content-Type {content_type!r} is not supported: use application/json or "
                       "application/xml", "UNSUPPORTED_MEDIA_TYPE")
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip() == "charset" and value.strip().strip('"') not in ("utf-8", "utf8"):
            raise Rejected(415, f"charset {value.strip()!r} is not supported: send UTF-8", "UNSUPPORTED_MEDIA_TYPE")
    return media_type


def _json_fields(body: bytes) -> dict[str, object]:
    try:
        document = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _bad(f"The body is not valid UTF-8 JSON: {error}", "JSON_PARSER_ERROR") from None
    except RecursionError:
        raise _bad(_NESTED_TOO_DEEP.format(what="The body"), "JSON_PARSER_ERROR") from None
    if not isinstance(document, dict):
        raise _bad("The body must be a JSON object with routingTarget", "JSON_PARSER_ERROR")
    return document


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    document: dict[str, object] = {}
    for name, value in pairs:
        if name in document:
            raise _bad(f"The field {name!r} appears twice", "JSON_PARSER_ERROR")
        document[name] = value
    return document


def _xml_fields(body: bytes) -> dict[str, object]:
    if _DECLARATIONS.search(body):
        raise _bad("DOCTYPE and ENTITY declarations are not accepted in the XML body", "XML_PARSER_ERROR")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise _bad(f"The body is not well-formed XML: {error}", "XML_PARSER_ERROR") from None
    if root.tag != "routeVoiceCall":
        raise _bad(f"The XML root element is <{root.tag}>: it must be <routeVoiceCall>", "XML_PARSER_ERROR")
    fields: dict[str, object] = {}
    for element in root:
        if element.tag in fields:
            raise _bad(f"The element <{element.tag}> appears twice")
        fields[element.tag] = _flow_inputs_xml(element) if element.tag == "flowInputParameters" else _text(element)
    return fields


def _flow_inputs_xml(element: ET.Element) -> dict[str, str]:
    inputs: dict[str, str] = {}
    for entry in element:
        parts = {child.tag: _text(child) for child in entry}
        if entry.tag != "entry" or len(entry) != 2 or parts.keys() != {"key", "value"}:
            raise _bad("<flowInputParameters> must hold only <entry><key>…</key><value>…</value></entry> elements")
        key, value = parts["key"], parts["value"]
        if key in inputs:
            raise _bad(f"The flow input {key!r} appears twice")
        inputs[key] = value
    return inputs


def _text(element: ET.Element) -> str:
    if len(element):
        raise _bad(f"<{element.tag}> must hold text, not elements")
    return element.text or ""


def _validate(fields: dict[str, object]) -> RouteBody:
    unknown = [name for name in fields if name not in _FIELDS]
    if unknown:
        raise _bad(f"Unrecognized field {unknown[0]!r}: the fields are {', '.join(_FIELDS)}")
    for name, value in fields.items():
        if value is None:
            raise _bad(f"{name} is null: omit fields that are not set")
    if "routingTarget" not in fields:
        raise _bad("routingTarget is required: the ID of an agent (005…), a queue (00G…) or a flow (300…)",
                   "REQUIRED_FIELD_MISSING")
    target = _string(fields["routingTarget"], "routingTarget")
    target_kind = _id(parse_routing_target, target, "routingTarget").kind
    fallback = None
    if "fallbackQueue" in fields:
        fallback = _string(fields["fallbackQueue"], "fallbackQueue")
        if _id(parse_id, fallback, "fallbackQueue").kind is not IdKind.QUEUE:
            raise _bad(f"fallbackQueue {fallback} is not a queue ID (00G…)")
        if target_kind is not IdKind.FLOW:
            raise _bad("fallbackQueue applies only when routingTarget is an Omni-Channel flow (300…)")
    inputs = None
    if "flowInputParameters" in fields:
        if target_kind is not IdKind.FLOW:
            raise _bad("flowInputParameters apply only when routingTarget is an Omni-Channel flow (300…)")
        inputs = MappingProxyType(_flow_inputs(fields["flowInputParameters"]))
    return RouteBody(target, fallback, inputs)


def _string(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise _bad(f"{name} must be a string, not {type(value).__name__}")
    if value != value.strip():
        raise _bad(f"{name} {value!r} has surrounding spaces")
    return value


def _id(parse: Callable[[str, str], SalesforceId], value: str, name: str) -> SalesforceId:
    try:
        return parse(value, name)
    except InvalidIdError as error:
        raise _bad(describe(error), "INVALID_ID_FIELD") from None


def _flow_inputs(value: object) -> dict[str, str]:
    if isinstance(value, str):  # the reference page types it as a string: a JSON-encoded object
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise _bad("flowInputParameters is a string but not a JSON-encoded object") from None
        except RecursionError:
            raise _bad(_NESTED_TOO_DEEP.format(what="flowInputParameters"), "JSON_PARSER_ERROR") from None
    if not isinstance(value, dict):
        raise _bad("flowInputParameters must be an object of string keys to string values")
    for key, item in value.items():
        if not isinstance(item, str):
            raise _bad(f"flowInputParameters[{key!r}] must be a string, not {type(item).__name__}")
    return value


def check_call_id(call_id: str) -> None:
    """A 0LQ… VoiceCall ID must be a valid ID; any other text may be a vendor contact ID."""
    if len(call_id) == 18 and call_id.startswith("0LQ") and looks_like_salesforce_id(call_id):
        try:
            parse_id(call_id, "call ID")
        except InvalidIdError as error:
            raise _bad(describe(error), "INVALID_ID_FIELD") from None


def _bad(message: str, error_code: str = "INVALID_INPUT") -> Rejected:
    return Rejected(400, message, error_code)
