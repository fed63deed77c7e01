"""Scripted faults: make the simulator produce any outcome the client must handle, on demand."""

import math
import threading
from dataclasses import dataclass, replace

from app.core.ids import IdKind, parse_id, parse_routing_target
from app.simulator.responses import ERROR_SHAPES, SUCCESS, Answer, default_error_code, error_answer, status_phrase


@dataclass(frozen=True, slots=True)
class Fault:
    """How to answer a valid request instead of routing it.

    `status` answers that status with an error body (None: route normally); `message` and
    `error_code` default to the status's standard phrase and a code derived from it.
    `delay_s` waits before answering (timeouts); `drop` reads the request, then closes the
    connection without a word (the client cannot know whether the call was routed).
    `flow_fails`: a request to a flow (300…) "fails" in the flow: it is answered as routed
    when it names a fallback queue (the call goes there) and refused when it does not. This
    is the simulator's teaching choice; Salesforce publishes no answer for a failing flow.
    """

    status: int | None = None
    message: str = ""
    error_code: str = ""
    error_shape: str = "message"
    retry_after: str | None = None
    delay_s: float = 0.0
    drop: bool = False
    flow_fails: bool = False

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"a fault's status must be 400-599, not {self.status}")
        if self.error_shape not in ERROR_SHAPES:
            raise ValueError(f"unknown error shape {self.error_shape!r}; expected one of {', '.join(ERROR_SHAPES)}")
        if not (math.isfinite(self.delay_s) and self.delay_s >= 0):
            raise ValueError(f"delay_s must be a finite number of seconds >= 0, not {self.delay_s}")
        if self.drop and self.status is not None:
            raise ValueError("a dropped request gets no answer: set drop or status, not both")
        if self.flow_fails and (self.drop or self.status is not None):
            raise ValueError("a failing flow decides the answer itself: set flow_fails alone")
        if self.retry_after is not None:
            if self.status is None:
                raise ValueError("retry_after needs an error status (e.g. 429 or 503)")
            if any(char in self.retry_after for char in "\r\n"):
                raise ValueError("retry_after must be one header line")

    def applies_to(self, target: str) -> bool:
        """Whether this fault shapes a request to `target`: only a flow (300…) can fail as a flow."""
        return not self.flow_fails or parse_id(target).kind is IdKind.FLOW

    def answer(self, fallback_queue: str | None = None) -> Answer:
        """The answer to a request this fault applies to (`fallback_queue`: the one it named, if any)."""
        if self.flow_fails:
            if fallback_queue is None:
                return replace(error_answer(400, "The flow failed and the request names no fallbackQueue, so the call "
                                                 "was not routed.", "FLOW_FAILED"), delay_s=self.delay_s)
            return replace(SUCCESS, delay_s=self.delay_s,
                           note=f"the flow failed; the call went to the fallback queue {fallback_queue}")
        if self.drop:
            return Answer(None, delay_s=self.delay_s, reason="dropped by a scripted fault")
        if self.status is None:
            return replace(SUCCESS, delay_s=self.delay_s)
        headers = (("Retry-After", self.retry_after),) if self.retry_after is not None else ()
        message = self.message or status_phrase(self.status)
        error_code = self.error_code or default_error_code(self.status)
        return replace(error_answer(self.status, message, error_code, self.error_shape, headers), delay_s=self.delay_s)


@dataclass(slots=True)
class _Scripted:
    fault: Fault
    target: str | None  # 18-character form; None: every target
    remaining: int | None  # None: until cleared


class FaultBook:
    """The scripted faults, safe to use from the test thread and the server's threads at once.

    A request to a target uses that target's faults before the global ones. Within one scope,
    faults with a count are used in the order they were scripted, then the scope's open-ended
    fault; scripting a new open-ended fault replaces the scope's previous one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[_Scripted] = []

    def script(self, fault: Fault, target: str | None = None, times: int | None = None) -> None:
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None: until cleared), not {times}")
        scope = parse_routing_target(target, "fault target").value if target is not None else None
        with self._lock:
            if times is None:
                self._entries = [e for e in self._entries if not (e.target == scope and e.remaining is None)]
            self._entries.append(_Scripted(fault, scope, times))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def replace(self, faults: list[tuple[Fault, str | None]]) -> None:
        """Every entry replaced by these open-ended (fault, target or None) pairs, in one step."""
        entries: list[_Scripted] = []
        for fault, target in faults:
            scope = parse_routing_target(target, "fault target").value if target is not None else None
            entries = [e for e in entries if e.target != scope]
            entries.append(_Scripted(fault, scope, None))
        with self._lock:
            self._entries = entries

    def take(self, target: str) -> Fault | None:
        """The fault for one valid request to `target` (18-character form), counting it as used."""
        with self._lock:
            for scope in (target, None):
                entries = [entry for entry in self._entries if entry.target == scope]
                if not entries:
                    continue
                entry = next((e for e in entries if e.remaining is not None), entries[0])
                if entry.remaining is not None:
                    entry.remaining -= 1
                    if entry.remaining == 0:
                        self._entries.remove(entry)
                return entry.fault
        return None
