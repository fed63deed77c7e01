"""Starting coroutines from Qt slots without losing them or their errors.

A task nobody references can be garbage-collected mid-flight, and an exception in one
nobody awaits surfaces only at collection time, if ever. `spawn` keeps each task alive
until it ends and hands its exception to `sys.excepthook` at once (the window's error
banner; see errors.py), like qasync's asyncSlot does.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Coroutine

_running: set[asyncio.Task] = set()


def spawn(coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
    import asyncio  # loaded after the window's first paint (app.py)

    task = asyncio.ensure_future(coroutine)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        sys.excepthook(type(error), error, error.__traceback__)
