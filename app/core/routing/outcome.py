"""How a routing request ended: one `RouteOutcome` per transfer, and what each status means.

An outcome is data, not a sentence: a status (what the rep must know), a cause (why, which
picks the words at the edge) and parameters. `STATUS_TRAITS` is the one table of what a
status implies: exit code, whether sending again is safe, how serious it is, which history
filter shows it, and whether the call may have moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.core.errors import PanelError, ParamValue, Problem


class OutcomeStatus(StrEnum):
    ACCEPTED = "accepted"  # Salesforce accepted the routing request
    REJECTED = "rejected"  # 400/404/other 4xx: nothing routed, the same request will not help
    WRONG_SHAPE = "wrong_shape"  # 405: the server wants the other route shape
    SERVER_ERROR = "server_error"  # 5xx: the call may or may not have moved
    AUTH_FAILED = "auth_failed"  # 401/403: the token was refused
    CREDENTIALS = "credentials"  # no token could be made (key missing, locked keyring, refused signer)
    THROTTLED = "throttled"  # 429/503 with Retry-After: not processed
    NOT_SENT = "not_sent"  # nothing left this computer (or reached the server)
    OUTCOME_UNKNOWN = "outcome_unknown"  # sent, but no answer: the call may be routing
    INTERNAL_ERROR = "internal_error"  # a bug in the panel (logged); `sent` says whether it may have left


class Severity(StrEnum):
    SUCCESS = "success"
    WARNING = "warning"  # nothing wrong with the request: wait, check, or try again
    FAILURE = "failure"  # something must be fixed first


class StatusGroup(StrEnum):
    """The history's outcome filter: every status belongs to exactly one group."""

    ROUTED = "routed"
    UNKNOWN = "unknown"
    REJECTED = "rejected"
    NOT_SENT = "not_sent"
    SETUP = "setup"  # credentials or configuration


@dataclass(frozen=True, slots=True)
class StatusTraits:
    exit_code: int  # the CLI's (README, "Exit codes")
    retry_safe: bool  # sending the same request again cannot route the call twice
    severity: Severity
    group: StatusGroup
    may_have_routed: bool  # counts for the double-send guard


STATUS_TRAITS: dict[OutcomeStatus, StatusTraits] = {
    OutcomeStatus.ACCEPTED: StatusTraits(0, False, Severity.SUCCESS, StatusGroup.ROUTED, True),
    OutcomeStatus.REJECTED: StatusTraits(4, False, Severity.FAILURE, StatusGroup.REJECTED, False),
    OutcomeStatus.WRONG_SHAPE: StatusTraits(4, False, Severity.FAILURE, StatusGroup.SETUP, False),
    OutcomeStatus.SERVER_ERROR: StatusTraits(4, False, Severity.WARNING, StatusGroup.UNKNOWN, True),
    OutcomeStatus.AUTH_FAILED: StatusTraits(3, False, Severity.FAILURE, StatusGroup.SETUP, False),
    OutcomeStatus.CREDENTIALS: StatusTraits(3, False, Severity.FAILURE, StatusGroup.SETUP, False),
    OutcomeStatus.THROTTLED: StatusTraits(5, True, Severity.WARNING, StatusGroup.NOT_SENT, False),
    OutcomeStatus.NOT_SENT: StatusTraits(5, True, Severity.WARNING, StatusGroup.NOT_SENT, False),
    OutcomeStatus.OUTCOME_UNKNOWN: StatusTraits(6, False, Severity.WARNING, StatusGroup.UNKNOWN, True),
    OutcomeStatus.INTERNAL_ERROR: StatusTraits(6, False, Severity.FAILURE, StatusGroup.UNKNOWN, True),
}


class Cause(StrEnum):
    """Why an outcome came about, where no `Problem` (an error's code) says it."""

    ANSWER_ACCEPTED = "answer.accepted"
    ANSWER_REJECTED = "answer.rejected"
    ANSWER_NOT_FOUND = "answer.not_found"
    ANSWER_WRONG_SHAPE = "answer.wrong_shape"
    ANSWER_AUTH = "answer.auth"
    ANSWER_THROTTLED = "answer.throttled"
    ANSWER_SERVER_ERROR = "answer.server_error"
    NOT_CONNECTED = "transport.not_connected"  # `error`: what failed before the request went out
    NO_ANSWER = "transport.no_answer"  # `error`: sent, then the connection failed or timed out
    DEADLINE_NOT_SENT = "transport.deadline_not_sent"  # `timeout_s` passed before anything was sent
    DEADLINE_NO_ANSWER = "transport.deadline_no_answer"  # `timeout_s` passed after it was sent
    PANEL_CLOSED = "panel.closed"  # the panel stopped while the request was out (found at the next start)
    CANCELLED = "panel.cancelled"  # the panel quit while the request was out
    INTERNAL = "internal"  # `error`: the exception's type (the traceback is in the log)


OutcomeCause = Cause | Problem


def parse_cause(value: str) -> OutcomeCause | None:
    """A cause as stored in the journal (None for one this version does not know)."""
    for kind in (Cause, Problem):
        try:
            return kind(value)
        except ValueError:
            continue
    return None


@dataclass(frozen=True, slots=True)
class RouteOutcome:
    """How one routing request ended: exactly one per transfer, and one journal row."""

    status: OutcomeStatus
    cause: OutcomeCause | None = None
    params: dict[str, ParamValue] = field(default_factory=dict)
    http_status: int | None = None
    server_message: str | None = None
    elapsed_ms: float = 0.0
    attempts: int = 0
    retry_after_s: float | None = None
    jti: str | None = None

    @property
    def traits(self) -> StatusTraits:
        return STATUS_TRAITS[self.status]

    @property
    def accepted(self) -> bool:
        return self.status is OutcomeStatus.ACCEPTED

    @property
    def retry_safe(self) -> bool:
        return self.traits.retry_safe

    @property
    def sent(self) -> bool:
        """Whether the request may have reached the server."""
        if self.status is OutcomeStatus.INTERNAL_ERROR:
            return self.params.get("sent") is True
        return self.status not in (OutcomeStatus.CREDENTIALS, OutcomeStatus.NOT_SENT)

    @property
    def exit_code(self) -> int:
        if self.status is OutcomeStatus.INTERNAL_ERROR and not self.sent:
            return STATUS_TRAITS[OutcomeStatus.NOT_SENT].exit_code
        return self.traits.exit_code


def outcome_of_error(error: Exception, status: OutcomeStatus) -> RouteOutcome:
    """An outcome whose cause is a `PanelError` (its code and parameters), e.g. a missing key."""
    if isinstance(error, PanelError):
        return RouteOutcome(status, error.code, dict(error.params))
    return RouteOutcome(OutcomeStatus.INTERNAL_ERROR, Cause.INTERNAL, {"error": type(error).__name__, "sent": False})
