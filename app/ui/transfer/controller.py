"""Sends transfers through the core's `TransferDesk`, one at a time, from Qt.

The desk decides (the double-send guard and the busy-agent rule included); this adapter keeps
the window's state: busy is set before the coroutine even starts, a refusal because the call was
already routed or the agent is busy, away or offline becomes a question to the rep, and outcomes
are reported as signals. What the rep confirmed for a request is kept for it: an agent confirmed
as busy is not asked about again when the journal then asks whether to route the call twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app.ui.common.tasks import spawn

if TYPE_CHECKING:
    import asyncio

    from app.core.desk import TransferDesk
    from app.core.errors import Problem
    from app.core.routing.request import RouteRequest


class TransferController(QObject):
    sig_busy_changed = Signal(bool)
    sig_started = Signal(object)            # RouteRequest
    sig_finished = Signal(object, object)   # RouteRequest, RouteOutcome
    sig_confirm_needed = Signal(object, object)  # RouteRequest, AlreadyRoutedError or TargetUnavailableError

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desk: TransferDesk | None = None
        self._task: asyncio.Task[None] | None = None
        self._busy = False
        self.last_request: RouteRequest | None = None
        self._question: Problem | None = None  # what the rep was last asked about last_request
        self._confirmed: set[Problem] = set()  # what the rep confirmed for last_request

    def set_desk(self, desk: TransferDesk | None) -> None:
        self._desk = desk

    def follow_directory(self, index: Any) -> None:
        """The directory the rep sees (a SearchIndex; None: none): the desk looks presence up in it."""
        if self._desk is not None:
            self._desk.set_directory(index.get if index is not None else None)

    def busy(self) -> bool:
        return self._busy

    def request_transfer(self, request: RouteRequest, confirmed: bool = False) -> bool:
        """Start sending `request`; `confirmed`: the rep answered yes to the question just asked about it.
        False when one is in flight or there is nothing to send with."""
        from app.core.errors import Problem

        if self._busy or self._desk is None:
            return False
        if request is not self.last_request:
            self._confirmed = set()
        if confirmed and self._question is not None:
            self._confirmed.add(self._question)
        self._question = None
        self._set_busy(True)
        self.last_request = request
        again = Problem.ALREADY_ROUTED in self._confirmed
        self._task = spawn(self._send(self._desk, request, again, Problem.TARGET_NOT_AVAILABLE in self._confirmed))
        return True

    def retry(self) -> bool:
        """Send the last request again (offered only where the outcome says it is safe): the rep already
        chose this target and it already went out once."""
        from app.core.errors import Problem

        if self.last_request is None:
            return False
        self._confirmed |= {Problem.ALREADY_ROUTED, Problem.TARGET_NOT_AVAILABLE}
        return self.request_transfer(self.last_request)

    async def wait_idle(self, timeout_s: float) -> None:
        """Let a request in flight finish (it still gets its journal row), within `timeout_s`."""
        import asyncio

        if self._task is not None and not self._task.done():
            await asyncio.wait([self._task], timeout=timeout_s)

    async def _send(self, desk: TransferDesk, request: RouteRequest, again: bool, even_if_unavailable: bool) -> None:
        from app.core.errors import AlreadyRoutedError, TargetUnavailableError

        try:
            outcome = await desk.transfer(request, again=again, even_if_unavailable=even_if_unavailable,
                                          on_start=lambda: self.sig_started.emit(request))
        except (AlreadyRoutedError, TargetUnavailableError) as refusal:  # the rep decides
            self._question = refusal.code
            self.sig_confirm_needed.emit(request, refusal)
            return
        finally:
            self._set_busy(False)
        self.sig_finished.emit(request, outcome)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.sig_busy_changed.emit(busy)
