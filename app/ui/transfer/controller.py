"""Sends transfers through the core's `TransferDesk`, one at a time, from Qt.

The desk decides (the double-send guard included); this adapter keeps the window's state:
busy is set before the coroutine even starts, a refusal because the call was already routed
becomes a question to the rep, and outcomes are reported as signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.ui.common.tasks import spawn

if TYPE_CHECKING:
    import asyncio

    from app.core.desk import TransferDesk
    from app.core.routing.request import RouteRequest


class TransferController(QObject):
    sig_busy_changed = Signal(bool)
    sig_started = Signal(object)            # RouteRequest
    sig_finished = Signal(object, object)   # RouteRequest, RouteOutcome
    sig_confirm_needed = Signal(object, object)  # RouteRequest, AlreadyRoutedError (what went through before)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desk: TransferDesk | None = None
        self._task: asyncio.Task[None] | None = None
        self._busy = False
        self.last_request: RouteRequest | None = None

    def set_desk(self, desk: TransferDesk | None) -> None:
        self._desk = desk

    def busy(self) -> bool:
        return self._busy

    def request_transfer(self, request: RouteRequest, confirmed: bool = False) -> bool:
        """Start sending `request`; False when one is in flight or there is nothing to send with."""
        if self._busy or self._desk is None:
            return False
        self._set_busy(True)
        self.last_request = request
        self._task = spawn(self._send(self._desk, request, confirmed))
        return True

    def retry(self) -> bool:
        """Send the last request again (offered only where the outcome says it is safe)."""
        return self.last_request is not None and self.request_transfer(self.last_request, confirmed=True)

    async def wait_idle(self, timeout_s: float) -> None:
        """Let a request in flight finish (it still gets its journal row), within `timeout_s`."""
        import asyncio

        if self._task is not None and not self._task.done():
            await asyncio.wait([self._task], timeout=timeout_s)

    async def _send(self, desk: TransferDesk, request: RouteRequest, confirmed: bool) -> None:
        from app.core.errors import AlreadyRoutedError

        try:
            outcome = await desk.transfer(request, again=confirmed, on_start=lambda: self.sig_started.emit(request))
        except AlreadyRoutedError as refusal:  # the rep decides: the call may have moved already
            self.sig_confirm_needed.emit(request, refusal)
            return
        finally:
            self._set_busy(False)
        self.sig_finished.emit(request, outcome)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.sig_busy_changed.emit(busy)
