"""Drives a profile's `DirectorySource` from the window: a full refresh at start, then the
periodic one (presence, or a changed file), progress and freshness in words under the list.

A failed refresh keeps the directory the rep has and says why under the list; it never
interrupts a transfer. Only one refresh runs at a time.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from app.core.errors import PanelError
from app.messages import Front, describe
from app.ui.common.i18n import clock, date_and_time, number
from app.ui.common.tasks import spawn

if TYPE_CHECKING:
    from app.core.directory.salesforce import ApiUsage
    from app.core.directory.sources import DirectorySource
    from app.ui.directory.panel import DirectoryPanel

log = logging.getLogger(__name__)


def as_of_text(when: datetime | None, source: str, now: datetime | None = None) -> str:
    """"As of 09:42 · Salesforce" (today), with the day otherwise, as the window's language writes them."""
    if when is None:
        return QCoreApplication.translate("DirectoryRefresher", "From {source}").format(source=source)
    local = when.astimezone()
    now = (now or datetime.now(local.tzinfo)).astimezone(local.tzinfo)
    stamp = clock(local) if local.date() == now.date() else date_and_time(local)
    return QCoreApplication.translate("DirectoryRefresher", "As of {time} · {source}").format(time=stamp,
                                                                                              source=source)


def usage_text(usage: ApiUsage) -> str:
    """"12,345 of 15,000 API calls used today", in the window's language and its way of writing numbers."""
    return QCoreApplication.translate("DirectoryRefresher", "{used} of {limit} API calls used today").format(
        used=number(usage.used), limit=number(usage.limit))


class DirectoryRefresher(QObject):
    def __init__(self, source: DirectorySource, panel: DirectoryPanel, as_of: datetime | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.panel = panel
        self._running = False
        self._task: asyncio.Task[None] | None = None
        self._as_of = as_of
        self._timer = QTimer(self)
        self._timer.setInterval(int((source.poll_interval_s or 0) * 1000))
        self._timer.timeout.connect(lambda: self._start(full=False))
        if as_of is not None:
            panel.set_freshness(self.tr("{as_of} · refreshing…").format(as_of=as_of_text(as_of, source.label)))

    def start(self) -> None:
        self._start(full=True)
        if self.source.poll_interval_s is not None:
            self._timer.start()

    def stop(self) -> None:
        """No more refreshes; one in flight is cancelled (its feed is about to close)."""
        self._timer.stop()
        if self._task is not None:
            self._task.cancel()

    def busy(self) -> bool:
        return self._running

    def _start(self, full: bool) -> None:
        if not self._running:
            self._running = True
            self._task = spawn(self._refresh(full))

    async def _refresh(self, full: bool) -> None:
        try:
            snapshot = await (self.source.refresh(self._progress) if full else self.source.poll())
        except PanelError as error:
            log.warning("directory refresh failed: %s", error)
            failed = self.tr("Refresh failed: {reason}").format(reason=describe(error, Front.WINDOW))
            if self._as_of:
                failed = self.tr("{as_of}. {failed}").format(as_of=as_of_text(self._as_of, self.source.label),
                                                             failed=failed)
            self.panel.set_freshness(failed, problem=True)
            return
        finally:
            self._running = False
            self.panel.set_progress(0, 0)
        if snapshot is None:
            return
        self._as_of = snapshot.as_of
        self.panel.set_index(snapshot.index, self.tr("The directory is empty."))
        text = as_of_text(snapshot.as_of, snapshot.source)
        if usage := self.source.usage:
            text += f" · {usage_text(usage)}"
        if snapshot.problems:
            first = describe(snapshot.problems[0], Front.WINDOW)
            # The count from the source: it keeps only the first problems of a file with many.
            skipped = self.tr("%Ln row(s) skipped: {problem}", "", snapshot.skipped).format(problem=first)
            text += f"\n{skipped}" if snapshot.skipped else f"\n{first}"
            log.warning("directory: %d row(s) skipped; %s", snapshot.skipped,
                        "; ".join(describe(problem) for problem in snapshot.problems))
        self.panel.set_freshness(text, problem=bool(snapshot.problems))

    def _progress(self, done: int, total: int | None) -> None:
        self.panel.set_progress(done, total)
        if total:
            text = self.tr("Refreshing from {source}: {done} of %Ln entries…", "", total)
        else:
            text = self.tr("Refreshing from {source}: %Ln entries…", "", done)
        self.panel.set_freshness(text.format(source=self.source.label, done=number(done)))
