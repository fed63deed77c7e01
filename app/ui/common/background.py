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
    """Carries a job's outcome from the pool thread to the GUI thread (a queued connection)."""

    finished = Signal(object, object)  # (callback, (ok, value))


class _Job(QRunnable):
    def __init__(self, relay: _Relay, work: Callable[[], Any], on_done: Done,
                 describe: Callable[[Exception], str]) -> None:
        super().__init__()
        self._relay, self._work, self._on_done, self._describe = relay, work, on_done, describe

    def run(self) -> None:
        try:
            outcome = (True, self._work())
        except Exception as error:
            outcome = (False, self._describe(error))
        with contextlib.suppress(RuntimeError):  # the application is shutting down
            self._relay.finished.emit(self._on_done, outcome)


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

    def _finished(self, on_done: Done, outcome: tuple[bool, Any]) -> None:
        self._running -= 1
        on_done(*outcome)
        if self._running == 0:
            self.sig_busy_changed.emit(False)
