"""Every answer the simulator sends, and the one place error bodies are rendered.

No error schema is published for Route a Voice Call, so error bodies come in every shape
DOMAIN.md section 1 lists; the client must read them all.
"""

import html
import json
from dataclasses import dataclass
from http import HTTPStatus

ERROR_SHAPES = ("message", "errors_list", "errors_string", "array", "oauth", "text", "html")
_JSON = "application/json;charset=UTF-8"


@dataclass(frozen=True, slots=True)
class Answer:
    """What to send back; `status` None means: close the connection without answering."""

    status: int | None
    content_type: str = ""
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    reason: str | None = None  # why the request was refused, for the log
    note: str | None = None  # what the simulator did instead of plain routing, for the log


SUCCESS = Answer(200, _JSON, b'{"status": "Success"}')


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def default_error_code(status: int) -> str:
    """An errorCode in Salesforce's style derived from the status, e.g. TOO_MANY_REQUESTS."""
    return status_phrase(status).upper().replace(" ", "_").replace("-", "_")


def error_answer(
    status: int, message: str, error_code: str, shape: str = "message", headers: tuple[tuple[str, str], ...] = ()
) -> Answer:
    content_type, text = _render(status, message, error_code, shape)
    return Answer(status, content_type, text.encode("utf-8"), headers, reason=message)


def _render(status: int, message: str, error_code: str, shape: str) -> tuple[str, str]:
    if shape == "message":
        return _JSON, _json({"message": message, "errorCode": error_code})
    if shape == "errors_list":
        return _JSON, _json({"errors": [message]})
    if shape == "errors_string":
        return _JSON, _json({"errors": message})
    if shape == "array":
        return _JSON, _json([{"message": message, "errorCode": error_code}])
    if shape == "oauth":
        return _JSON, _json({"error": error_code, "error_description": message})
    if shape == "text":
        return "text/plain; charset=utf-8", message
    if shape == "html":
        # What a proxy or load balancer in front of the endpoint would send.
        title = html.escape(f"{status} {message}")
        return "text/html; charset=utf-8", (
            f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            f"<h1>{status} {html.escape(status_phrase(status))}</h1><p>{html.escape(message)}</p>"
            "<hr><address>proxy</address></body></html>"
        )
    raise ValueError(f"unknown error shape {shape!r}; expected one of {', '.join(ERROR_SHAPES)}")


def _json(document: object) -> str:
    return json.dumps(document, ensure_ascii=False)


class Rejected(Exception):
    """A request the simulator refuses; the exception's text is the reason in the error body."""

    def __init__(self, status: int, message: str, error_code: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.headers = headers

    def answer(self) -> Answer:
        return error_answer(self.status, str(self), self.error_code, "message", self.headers)
