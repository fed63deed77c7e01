"""One Route a Voice Call request, validated: the call, the target and the flow options.

No HTTP library here: the window checks what the rep types against these rules on every
keystroke, before anything that sends requests is loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import InputError, Problem
from app.core.ids import IdKind, SalesforceId, looks_like_salesforce_id, parse_id, parse_routing_target

MAX_CALL_ID_LENGTH = 255
MAX_FLOW_INPUTS = 50
MAX_FLOW_INPUT_KEY_LENGTH = 255
MAX_FLOW_INPUT_VALUE_LENGTH = 4000
MAX_TARGET_LABEL_LENGTH = 255  # Salesforce's longest name (a flow's label)
# Characters XML 1.0 cannot carry at all (and lone surrogates, which no encoding can).
_NOT_XML_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Invisible in a call ID, so a rep could never see what is sent: zero-width and bidi controls
# (Unicode "format" characters) and the line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})
# A telephony vendor's contact ID, unless the profile says otherwise (contact_id_pattern): one
# word. Letters typed into the call ID by mistake ("0LQ…bil em") are refused, not sent.
DEFAULT_CONTACT_ID = re.compile(r"\S+")


class Field(StrEnum):
    """The parts of a transfer a problem can be about (the form shows it next to that part)."""

    CALL_ID = "call_id"
    TARGET = "target"
    FALLBACK_QUEUE = "fallback_queue"
    FLOW_INPUTS = "flow_inputs"


class CallKind(StrEnum):
    VOICE_CALL = "voice_call"  # a Salesforce VoiceCall ID (0LQ…), checksum checked
    CONTACT_ID = "contact_id"  # the telephony vendor's contact ID, used as is


@dataclass(frozen=True, slots=True)
class RouteRequest:
    """One routing request; build it with `check_transfer` (or `RouteRequest.build`), which
    validate every part."""

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
    ) -> RouteRequest:
        """Validate raw text (as typed or passed on the command line); raises the first problem."""
        checked = check_transfer(call_id, target, target_label=target_label, fallback_queue=fallback_queue,
                                 flow_inputs=flow_inputs)
        if checked.request is None:
            raise next(iter(checked.problems.values()))
        return checked.request

    @property
    def is_flow(self) -> bool:
        return self.target.kind is IdKind.FLOW

    def body_fields(self) -> dict[str, str]:
        fields = {"routingTarget": self.target.value}
        if self.fallback_queue is not None:
            fields["fallbackQueue"] = self.fallback_queue.value
        return fields


@dataclass(frozen=True, slots=True)
class CheckedTransfer:
    """What `check_transfer` found: the request when every part is valid, else the problems
    per part (in screen order), so the form can show each next to its field."""

    request: RouteRequest | None
    problems: dict[Field, InputError]


def check_transfer(
    call_id: str,
    target: str,
    *,
    target_label: str = "",
    fallback_queue: str | None = None,
    flow_inputs: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    contact_id: re.Pattern[str] = DEFAULT_CONTACT_ID,
) -> CheckedTransfer:
    """Every rule of a transfer request, each part checked on its own (the window and the CLI)."""
    problems: dict[Field, InputError] = {}
    pairs = tuple(flow_inputs.items() if isinstance(flow_inputs, Mapping) else flow_inputs)
    checked_call_id = _checked(problems, Field.CALL_ID, validate_call_id, call_id, contact_id)
    target_id = _checked(problems, Field.TARGET, parse_routing_target, target)
    fallback_id = None
    if fallback_queue is not None and fallback_queue.strip():
        fallback_id = _checked(problems, Field.FALLBACK_QUEUE, _fallback_queue, fallback_queue, target_id)
    inputs = _checked(problems, Field.FLOW_INPUTS, validate_flow_inputs, pairs, target_id)
    if problems or checked_call_id is None or target_id is None or inputs is None:
        return CheckedTransfer(None, problems)
    request = RouteRequest(call_id=checked_call_id, target=target_id,
                           target_label=_display_label(target_label) or target_id.value,
                           fallback_queue=fallback_id, flow_inputs=inputs)
    return CheckedTransfer(request, {})


def _display_label(label: str) -> str:
    """A target's name as the window, the outcome and the journal show it: one line of printable
    characters, clipped (it comes from a directory file or `--label`, which may hold anything)."""
    shown = " ".join("".join(char if char.isprintable() else " " for char in label).split())
    if len(shown) <= MAX_TARGET_LABEL_LENGTH:
        return shown
    return shown[: MAX_TARGET_LABEL_LENGTH - 1] + "…"


def _checked[T](problems: dict[Field, InputError], field: Field, check: Callable[..., T], *args: object) -> T | None:
    try:
        return check(*args)
    except InputError as error:
        problems[field] = error
        return None


def validate_call_id(raw: str, contact_id: re.Pattern[str] = DEFAULT_CONTACT_ID) -> str:
    """Trim a call ID and refuse what cannot be one: a VoiceCall ID (0LQ…) must be a valid
    Salesforce ID, a telephony vendor's contact ID must match `contact_id` (the profile's
    contact_id_pattern; by default, one word)."""
    call_id = raw.strip()
    if not call_id:
        raise InputError(Problem.CALL_ID_EMPTY)
    if any(unicodedata.category(char) == "Cc" for char in call_id) or _NOT_XML_TEXT.search(call_id):
        raise InputError(Problem.CALL_ID_CONTROL)
    if any(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in call_id):
        raise InputError(Problem.CALL_ID_INVISIBLE)
    if len(call_id) > MAX_CALL_ID_LENGTH:
        raise InputError(Problem.CALL_ID_TOO_LONG, length=len(call_id), limit=MAX_CALL_ID_LENGTH)
    if set(call_id) == {"."}:
        raise InputError(Problem.CALL_ID_DOTS, text=call_id)
    if call_kind(call_id) is CallKind.VOICE_CALL:
        return parse_id(call_id, Field.CALL_ID).value[: len(call_id)]
    if call_id.startswith("0LQ"):
        raise InputError(Problem.CALL_ID_NOT_VOICE_CALL, text=call_id[:80])
    if not contact_id.fullmatch(call_id):
        raise InputError(Problem.CALL_ID_PATTERN, text=call_id[:80], custom=contact_id is not DEFAULT_CONTACT_ID)
    return call_id


def call_kind(call_id: str) -> CallKind:
    """Whether a (valid) call ID is a Salesforce VoiceCall ID or the vendor's contact ID."""
    if call_id[:3] == "0LQ" and looks_like_salesforce_id(call_id):
        return CallKind.VOICE_CALL
    return CallKind.CONTACT_ID


def _fallback_queue(raw: str, target: SalesforceId | None) -> SalesforceId:
    fallback = parse_id(raw, Field.FALLBACK_QUEUE)
    if target is not None and target.kind is not IdKind.FLOW:
        raise InputError(Problem.FALLBACK_NOT_FOR_KIND, kind=target.kind.value)
    if fallback.kind is not IdKind.QUEUE:
        raise InputError(Problem.FALLBACK_NOT_A_QUEUE, id=fallback.value)
    return fallback


def validate_flow_inputs(pairs: tuple[tuple[str, str], ...],
                         target: SalesforceId | None = None) -> tuple[tuple[str, str], ...]:
    """The flow inputs with their names trimmed; `target` (when known) must then be a flow."""
    if pairs and target is not None and target.kind is not IdKind.FLOW:
        raise InputError(Problem.FLOW_INPUTS_NOT_FOR_KIND, kind=target.kind.value)
    if len(pairs) > MAX_FLOW_INPUTS:
        raise InputError(Problem.FLOW_INPUTS_TOO_MANY, count=len(pairs), limit=MAX_FLOW_INPUTS)
    seen: dict[str, str] = {}
    trimmed = []
    for number, (raw_key, value) in enumerate(pairs, start=1):
        key = raw_key.strip()
        if not key:
            raise InputError(Problem.FLOW_INPUT_NO_NAME, number=number)
        if len(key) > MAX_FLOW_INPUT_KEY_LENGTH or any(ch.isspace() and ch != " " for ch in key):
            raise InputError(Problem.FLOW_INPUT_BAD_NAME, number=number, limit=MAX_FLOW_INPUT_KEY_LENGTH)
        if _NOT_XML_TEXT.search(key) or _NOT_XML_TEXT.search(value):
            raise InputError(Problem.FLOW_INPUT_CONTROL, key=key[:80])
        if len(value) > MAX_FLOW_INPUT_VALUE_LENGTH:
            raise InputError(Problem.FLOW_INPUT_TOO_LONG, key=key, length=len(value),
                             limit=MAX_FLOW_INPUT_VALUE_LENGTH)
        folded = key.casefold()  # Salesforce API names ignore case
        if folded in seen:
            raise InputError(Problem.FLOW_INPUT_DUPLICATE, key=key, first=seen[folded])
        seen[folded] = key
        trimmed.append((key, value))
    return tuple(trimmed)


def flow_input_pair(text: str) -> tuple[str, str]:
    """`KEY=VALUE` as given on the command line."""
    key, separator, value = text.partition("=")
    if not separator:
        raise InputError(Problem.FLOW_INPUT_SYNTAX, text=text[:80])
    return key, value

