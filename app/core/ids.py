"""Salesforce record IDs: validation, the 15-to-18 checksum, and kind by key prefix.

See DOMAIN.md section 3. Both forms of one record are the same ID; everything the panel
keeps or compares is normalised to 18 characters.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import InputError, Problem

_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_PATTERN = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")


class IdKind(StrEnum):
    AGENT = "agent"
    QUEUE = "queue"
    FLOW = "flow"
    FLOW_VERSION = "flow version"
    VOICE_CALL = "voice call"
    ORGANIZATION = "organization"
    PRESENCE_STATUS = "presence status"
    OTHER = "other"


_KIND_BY_PREFIX = {
    "005": IdKind.AGENT,
    "00G": IdKind.QUEUE,
    "300": IdKind.FLOW,
    "301": IdKind.FLOW_VERSION,
    "0LQ": IdKind.VOICE_CALL,
    "00D": IdKind.ORGANIZATION,
    "0N5": IdKind.PRESENCE_STATUS,
}

ROUTING_TARGET_KINDS = frozenset({IdKind.AGENT, IdKind.QUEUE, IdKind.FLOW})


class InvalidIdError(InputError):
    """A string that should be a Salesforce ID is not a valid one."""


def checksum_suffix(id15: str) -> str:
    """The 3-character case checksum that turns a 15-character ID into its 18-character form."""
    suffix = []
    for start in (0, 5, 10):
        bits = 0
        for position, char in enumerate(id15[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix.append(_CHECKSUM_ALPHABET[bits])
    return "".join(suffix)


def looks_like_salesforce_id(text: str) -> bool:
    """True when `text` has the shape of an ID (15 or 18 letters and digits); checksum not checked."""
    return _ID_PATTERN.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class SalesforceId:
    """A validated ID, always held in its 18-character form."""

    value: str

    @property
    def prefix(self) -> str:
        return self.value[:3]

    @property
    def kind(self) -> IdKind:
        return _KIND_BY_PREFIX.get(self.prefix, IdKind.OTHER)

    def __str__(self) -> str:
        return self.value


def parse_id(raw: str, what: str = "id") -> SalesforceId:
    """Validate a 15- or 18-character ID (surrounding spaces ignored) and return its 18-character form.

    `what` names the field in error messages, e.g. "target" or "fallback queue".
    """
    text = raw.strip()
    if not text:
        raise InvalidIdError(Problem.ID_EMPTY, what=what)
    if not looks_like_salesforce_id(text):
        raise InvalidIdError(Problem.ID_MALFORMED, what=what, text=text[:40], length=len(text))
    expected = text[:15] + checksum_suffix(text[:15])
    if len(text) == 18 and text != expected:
        raise InvalidIdError(Problem.ID_BAD_CHECKSUM, what=what, text=text, expected=expected[15:])
    return SalesforceId(expected)


def parse_routing_target(raw: str, what: str = "target") -> SalesforceId:
    """Parse an ID that calls can be routed to: an agent (005), a queue (00G) or a flow (300)."""
    sf_id = parse_id(raw, what)
    if sf_id.kind is IdKind.FLOW_VERSION:
        raise InvalidIdError(Problem.ID_FLOW_VERSION, what=what, id=sf_id.value)
    if sf_id.kind not in ROUTING_TARGET_KINDS:
        raise InvalidIdError(Problem.ID_NOT_ROUTABLE, what=what, id=sf_id.value, prefix=sf_id.prefix,
                             kind=sf_id.kind.value)
    return sf_id


def same_id(a: str, b: str) -> bool:
    """True when two strings name the same record (15- and 18-character forms compare equal)."""
    try:
        return parse_id(a) == parse_id(b)
    except InvalidIdError:
        return False
