"""Blocking work (the keyring, config files) on a pool thread, its result back on the GUI thread.

No asyncio loop is needed (the settings dialog also runs without one in tests). Each pool has
one thread, so its jobs run in order; the pools belong to the application, so closing a dialog
never waits for a job stuck behind, say, a keyring's unlock prompt. A job's exception becomes
the words `describe` makes of it on the pool thread: no traceback (or its frames) crosses over.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

Done = Callable[[bool, Any], None]  # (ok, the result or the error's words)


class _Relay(QObject):
    """Carries a job's parcel from the pool thread to the GUI thread (a queued connection)."""

    finished = Signal(object)  # the parcel: [work, on_done, (ok, value)]


class _Job(QRunnable):
    """Its work and callback (closures over widgets) travel in a parcel that the GUI thread
    empties: the last reference to a widget is never dropped on the pool thread, which would
    delete a parentless dialog there, under the GUI thread's feet."""

    def __init__(self, relay: _Relay, work: Callable[[], Any], on_done: Done,
                 describe: Callable[[Exception], str]) -> None:
        super().__init__()
        self._relay, self._describe = relay, describe
        self._parcel: list[Any] | None = [work, on_done]

    def run(self) -> None:
        parcel, self._parcel = self._parcel, None
        assert parcel is not None, "a job runs once"
        try:
            parcel.append((True, parcel[0]()))
        except Exception as error:
            parcel.append((False, self._describe(error)))
        with contextlib.suppress(RuntimeError):  # the application is shutting down
            self._relay.finished.emit(parcel)


def _pool(name: str) -> QThreadPool:
    app = QCoreApplication.instance()
    assert app is not None, "background work needs the application"
    pool = app.findChild(QThreadPool, name)
    if pool is None:
        pool = QThreadPool(app)
        pool.setObjectName(name)
        pool.setMaxThreadCount(1)
    return pool


class Background(QObject):
    """Runs one owner's blocking jobs on the named pool; says when it is busy."""

    sig_busy_changed = Signal(bool)

    def __init__(self, pool_name: str, describe: Callable[[Exception], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool_name = pool_name
        self._describe = describe
        self._running = 0
        self._relay = _Relay()  # parentless and shared with the jobs: outlives a closed owner
        self._relay.finished.connect(self._finished)

    def is_busy(self) -> bool:
        return self._running > 0

    def run(self, work: Callable[[], Any], on_done: Done) -> None:
        self._running += 1
        if self._running == 1:
            self.sig_busy_changed.emit(True)
        _pool(self._pool_name).start(_Job(self._relay, work, on_done, self._describe))

    def _finished(self, parcel: list[Any]) -> None:
        _work, on_done, outcome = parcel
        parcel.clear()  # now only this frame holds them: released here, on the GUI thread
        self._running -= 1
        on_done(*outcome)
        if self._running == 0:
            self.sig_busy_changed.emit(False)
