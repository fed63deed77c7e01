"""Unexpected exceptions: logged with their traceback, shown in the window, never fatal.

`install_error_hooks` replaces `sys.excepthook` (Qt slots, `spawn`ed tasks and qasync's
asyncSlot all end there) and the asyncio loop's exception handler. The rep sees a short
non-modal banner; the traceback goes only to the log.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.messages import Front, describe_any

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """A rep-readable sentence: a PanelError in words, otherwise only the exception's type."""
    return describe_any(error, Front.WINDOW)


class ErrorRelay(QObject):
    """Carries errors to the GUI thread (an excepthook can run on a worker thread)."""

    sig_error = Signal(str)


def install_error_hooks(
    show: Callable[[str], None], loop: asyncio.AbstractEventLoop | None = None
) -> Callable[[], None]:
    """Log and show every unexpected exception; returns a function that restores the old hooks."""
    relay = ErrorRelay()
    relay.sig_error.connect(show)
    previous_hook = sys.excepthook

    def excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous_hook(kind, error, tb)
            return
        log.error("unexpected error", exc_info=(kind, error, tb))
        relay.sig_error.emit(describe(error))

    def loop_handler(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        error = context.get("exception")
        message = context.get("message", "asyncio error")
        if error is None:
            log.error("event loop: %s", message)
            relay.sig_error.emit(message)
            return
        log.error("event loop: %s", message, exc_info=(type(error), error, error.__traceback__))
        relay.sig_error.emit(describe(error))

    sys.excepthook = excepthook
    if loop is not None:
        previous_handler = loop.get_exception_handler()
        loop.set_exception_handler(loop_handler)

    def restore() -> None:
        sys.excepthook = previous_hook
        if loop is not None:
            loop.set_exception_handler(previous_handler)
        relay.deleteLater()

    restore.relay = relay  # type: ignore[attr-defined]  # keep it alive with the hook
    return restore
