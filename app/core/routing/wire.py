"""What goes over the wire for Route a Voice Call: the URL, the body, and reading error bodies.

Pure functions with no HTTP library, so the simulator, the client and the tests agree on
one encoding (DOMAIN.md section 1).
"""

import html
import json
from urllib.parse import quote
from xml.sax.saxutils import escape

from app.core.profile import BodyFormat, FlowInputsAs, RouteShape

# Quotes are escaped so a value is safe anywhere; \r as a character reference because XML
# parsers turn a literal carriage return into \n and the value would not round-trip.
_XML_ENTITIES = {'"': "&quot;", "'": "&apos;", "\r": "&#13;"}
_MAX_SERVER_MESSAGE = 500


def route_method_and_path(route_shape: RouteShape, call_id: str) -> tuple[str, str]:
    """The HTTP method and the path below the base URL, with the call ID as one path segment."""
    segment = quote(call_id, safe="")
    if route_shape == RouteShape.CONNECTOR:
        return "PATCH", f"/voiceCalls/route/{segment}"
    return "POST", f"/voiceCalls/{segment}/routeVoiceCall"


def route_body(
    fields: dict[str, str],
    flow_inputs: tuple[tuple[str, str], ...],
    body_format: BodyFormat,
    flow_inputs_as: FlowInputsAs,
) -> tuple[bytes, str]:
    """Encode the body; `fields` holds the set scalar fields (routingTarget, fallbackQueue)."""
    if body_format == BodyFormat.JSON:
        document: dict[str, object] = dict(fields)
        if flow_inputs:
            inputs = dict(flow_inputs)
            document["flowInputParameters"] = (
                inputs if flow_inputs_as == FlowInputsAs.OBJECT else json.dumps(inputs, ensure_ascii=False)
            )
        return json.dumps(document, ensure_ascii=False).encode(), "application/json"
    parts = ['<?xml version="1.0" encoding="UTF-8"?><routeVoiceCall>']
    parts += [f"<{name}>{_xml_text(value)}</{name}>" for name, value in fields.items()]
    if flow_inputs:
        parts.append("<flowInputParameters>")
        parts += [
            f"<entry><key>{_xml_text(key)}</key><value>{_xml_text(value)}</value></entry>"
            for key, value in flow_inputs
        ]
        parts.append("</flowInputParameters>")
    parts.append("</routeVoiceCall>")
    return "".join(parts).encode(), "application/xml"


def _xml_text(value: str) -> str:
    return escape(value, _XML_ENTITIES)


MAX_PARSED_CHARS = 16_384  # the server's words are at the start of an error body, if anywhere
_MAX_JSON_DEPTH = 8


def server_message(content_type: str, body: str) -> str | None:
    """The server's own words from an error body of any shape DOMAIN.md lists, or None.

    Linear in the body's length and bounded: at most `MAX_PARSED_CHARS` are looked at, nested
    JSON is followed `_MAX_JSON_DEPTH` levels deep, and nothing here can raise on what a server
    (or a proxy in between) sends."""
    body = body[:MAX_PARSED_CHARS].strip()
    if not body:
        return None
    if "json" in content_type or body[:1] in "[{":
        try:
            words = _words_from_json(json.loads(body), _MAX_JSON_DEPTH)
        except (ValueError, RecursionError):
            words = None
        if words:
            return _shorten(words)
    if "html" in content_type or body.lower().startswith(("<!doctype", "<html")):
        return _shorten(html.unescape(_html_title(body) or _html_text(body))) or None
    return _shorten(body)


def _html_title(page: str) -> str | None:
    lowered = page.lower()
    start = lowered.find("<title")
    opened = lowered.find(">", start) if start >= 0 else -1
    end = lowered.find("</title", opened) if opened >= 0 else -1
    return page[opened + 1 : end] if end >= 0 else None


def _html_text(page: str) -> str:
    """The text between tags, in one pass (a regex over unclosed tags can take quadratic time)."""
    words, inside_tag, start = [], False, 0
    for position, char in enumerate(page):
        if not inside_tag and char == "<":
            words.append(page[start:position])
            inside_tag = True
        elif inside_tag and char == ">":
            inside_tag, start = False, position + 1
    if not inside_tag:
        words.append(page[start:])
    return " ".join(words)


def _words_from_json(document: object, depth: int) -> str | None:
    if depth <= 0:
        return None
    if isinstance(document, list):
        found = [words for item in document[:20] if (words := _words_from_json(item, depth - 1))]
        return "; ".join(found) or None
    if isinstance(document, str):
        return document
    if not isinstance(document, dict):
        return None
    if isinstance(message := document.get("message"), str):
        code = document.get("errorCode")
        return f"{message} ({code})" if isinstance(code, str) and code else message
    if "errors" in document:
        return _words_from_json(document["errors"], depth - 1)
    if isinstance(error := document.get("error"), str):
        description = document.get("error_description")
        return f"{description} ({error})" if isinstance(description, str) else error
    return None


def _shorten(text: str) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) <= _MAX_SERVER_MESSAGE:
        return collapsed
    return collapsed[: _MAX_SERVER_MESSAGE - 1] + "…"
