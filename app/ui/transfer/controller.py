"""Sends transfers through the core `TransferService`, one at a time, from Qt.

It guards against a double send (busy is set before the coroutine even starts), asks
for confirmation when the call already has an accepted routing request (from this
session or from the journal), and reports progress and outcomes as signals.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.ui.common.tasks import spawn
from app.ui.shell.error_hooks import describe

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


class TransferController(QObject):
    sig_busy_changed = Signal(bool)
    sig_started = Signal(object)            # RouteRequest
    sig_finished = Signal(object, object)   # RouteRequest, RouteOutcome
    sig_crashed = Signal(object, str)       # RouteRequest, description of the unexpected error
    sig_confirm_needed = Signal(object, str)  # RouteRequest, what was accepted before

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = None
        self._task: asyncio.Task | None = None
        self._history: asyncio.Task | None = None
        self._busy = False
        self._accepted: dict[str, tuple[str, datetime]] = {}  # call ID -> (target label, when)
        self.last_request = None

    def set_service(self, service) -> None:
        if self._history is not None:
            self._history.cancel()  # it reads the old service's journal
            self._history = None
        self._service = service
        if service is not None:
            self._history = spawn(self._load_history(service))

    def busy(self) -> bool:
        return self._busy

    # ---- what was routed before ---------------------------------------------------------
    def remember_accepted(self, call_id: str, label: str, when: datetime | None = None) -> None:
        self._accepted[call_id] = (label, when or datetime.now().astimezone())

    def previous_acceptance(self, call_id: str) -> str | None:
        """A sentence about the accepted routing request this call already has, if any."""
        from app.core.ids import same_id

        for known, (label, when) in self._accepted.items():
            if known == call_id or same_id(known, call_id):
                return f"Routing to {label} was requested at {when.astimezone():%H:%M}."
        return None

    async def _load_history(self, service, limit: int = 200) -> None:
        """Learn from the journal which calls were already routed (read off the GUI thread)."""
        import asyncio
        import sqlite3

        loop = asyncio.get_running_loop()
        try:
            entries = await loop.run_in_executor(None, service.journal.recent, limit)
        except sqlite3.Error as error:  # the history only adds a safety question; never fatal
            log.warning("cannot read the transfer journal: %s", error)
            return
        for entry in reversed(entries):
            if entry.outcome == "accepted":
                self.remember_accepted(entry.call_id, entry.target_label, entry.at)

    # ---- sending ------------------------------------------------------------------------
    def request_transfer(self, request, confirmed: bool = False) -> bool:
        """Start sending `request`; False when one is in flight or confirmation is needed first."""
        if self._busy or self._service is None:
            return False
        previous = None if confirmed else self.previous_acceptance(request.call_id)
        if previous is not None:
            self.sig_confirm_needed.emit(request, previous)
            return False
        self._set_busy(True)
        self.last_request = request
        self.sig_started.emit(request)
        self._task = spawn(self._send(request))
        return True

    def retry(self) -> bool:
        return self.last_request is not None and self.request_transfer(self.last_request, confirmed=True)

    async def wait_idle(self, timeout_s: float) -> None:
        """Let a request in flight finish (it still gets its journal row), within `timeout_s`."""
        import asyncio

        if self._task is not None and not self._task.done():
            await asyncio.wait([self._task], timeout=timeout_s)

    async def _send(self, request) -> None:
        try:
            outcome = await self._service.transfer(request)
        except Exception as error:
            self._set_busy(False)
            self.sig_crashed.emit(request, describe(error))
            raise  # to the error hook: logged with its traceback, shown in the window
        self._set_busy(False)
        if outcome.accepted:
            self.remember_accepted(request.call_id, request.target_label)
        self.sig_finished.emit(request, outcome)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.sig_busy_changed.emit(busy)
