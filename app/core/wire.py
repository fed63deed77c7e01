"""What goes over the wire for Route a Voice Call: the URL, the body, and reading error bodies.

Pure functions with no HTTP library, so the simulator, the client and the tests agree on
one encoding (DOMAIN.md section 1).
"""

import html
import json
import re
from urllib.parse import quote
from xml.sax.saxutils import escape

# Quotes are escaped so a value is safe anywhere; \r as a character reference because XML
# parsers turn a literal carriage return into \n and the value would not round-trip.
_XML_ENTITIES = {'"': "&quot;", "'": "&apos;", "\r": "&#13;"}
_MAX_SERVER_MESSAGE = 500


def route_method_and_path(route_shape: str, call_id: str) -> tuple[str, str]:
    """The HTTP method and the path below the base URL, with the call ID as one path segment."""
    segment = quote(call_id, safe="")
    if route_shape == "seed":
        return "POST", f"/voiceCalls/{segment}/routeVoiceCall"
    if route_shape == "connector":
        return "PATCH", f"/voiceCalls/route/{segment}"
    raise ValueError(f"unknown route shape {route_shape!r}")


def route_body(
    fields: dict[str, str],
    flow_inputs: tuple[tuple[str, str], ...],
    body_format: str,
    flow_inputs_as: str,
) -> tuple[bytes, str]:
    """Encode the body; `fields` holds the set scalar fields (routingTarget, fallbackQueue)."""
    if body_format == "json":
        document: dict[str, object] = dict(fields)
        if flow_inputs:
            inputs = dict(flow_inputs)
            document["flowInputParameters"] = (
                inputs if flow_inputs_as == "object" else json.dumps(inputs, ensure_ascii=False)
            )
        return json.dumps(document, ensure_ascii=False).encode(), "application/json"
    if body_format == "xml":
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
    raise ValueError(f"unknown body format {body_format!r}")


def _xml_text(value: str) -> str:
    return escape(value, _XML_ENTITIES)


def server_message(content_type: str, body: str) -> str | None:
    """The server's own words from an error body of any shape DOMAIN.md lists, or None."""
    body = body.strip()
    if not body:
        return None
    if "json" in content_type or body[:1] in "[{":
        try:
            words = _words_from_json(json.loads(body))
        except ValueError:
            words = None
        if words:
            return _shorten(words)
    if "html" in content_type or body.lower().startswith(("<!doctype", "<html")):
        title = re.search(r"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
        text = title.group(1) if title else re.sub(r"<[^>]+>", " ", body)
        return _shorten(html.unescape(text)) or None
    return _shorten(body)


def _words_from_json(document: object) -> str | None:
    if isinstance(document, list):
        found = [words for item in document if (words := _words_from_json(item))]
        return "; ".join(found) or None
    if isinstance(document, str):
        return document
    if not isinstance(document, dict):
        return None
    if isinstance(message := document.get("message"), str):
        code = document.get("errorCode")
        return f"{message} ({code})" if isinstance(code, str) and code else message
    if "errors" in document:
        return _words_from_json(document["errors"])
    if isinstance(error := document.get("error"), str):
        description = document.get("error_description")
        return f"{description} ({error})" if isinstance(description, str) else error
    return None


def _shorten(text: str) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) <= _MAX_SERVER_MESSAGE:
        return collapsed
    return collapsed[: _MAX_SERVER_MESSAGE - 1] + "…"
