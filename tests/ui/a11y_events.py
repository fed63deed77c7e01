"""What the window tells assistive technology, seen through Qt's own accessibility API.

`QAccessible::installUpdateHandler` (not wrapped by PySide6, so called through ctypes) receives
every `QAccessibleEvent` Qt would hand to the platform bridge (AT-SPI on Linux): the focus
moving, a name or description changing, an announcement. The recorder keeps each event's
type, widget, child and (announcements) message while the event exists, and puts Qt's
accessibility back as it found it. This checks Qt's side; AT-SPI itself is checked elsewhere.
"""

from __future__ import annotations

import ctypes
import glob
import os
from dataclasses import dataclass

import PySide6
import shiboken6
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent

_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_INSTALL = "_ZN11QAccessible20installUpdateHandlerEPFvP16QAccessibleEventE"  # static, returns the previous one


@dataclass(frozen=True)
class Seen:
    type: QAccessible.Event
    widget: object
    child: int
    message: str = ""  # an announcement's


class A11yEvents:
    def __init__(self) -> None:
        self.events: list[Seen] = []
        library = glob.glob(os.path.join(os.path.dirname(PySide6.__file__), "Qt", "lib", "libQt6Gui.so.6"))[0]
        self._install = getattr(ctypes.CDLL(library), _INSTALL)
        self._install.restype = ctypes.c_void_p
        self._install.argtypes = [ctypes.c_void_p]
        self._handler = _HANDLER(self._record)  # kept: Qt holds only the pointer
        self._previous: int | None = None
        self._was_active = False

    def _record(self, pointer: int) -> None:
        event = shiboken6.wrapInstance(pointer, QAccessibleEvent)
        kind = event.type()
        message = ""
        if kind == QAccessible.Event.Announcement:
            message = shiboken6.wrapInstance(pointer, QAccessibleAnnouncementEvent).message()
        self.events.append(Seen(kind, event.object(), event.child(), message))

    def start(self) -> A11yEvents:
        self._was_active = QAccessible.isActive()
        self._previous = self._install(ctypes.cast(self._handler, ctypes.c_void_p))
        QAccessible.setActive(True)
        return self

    def stop(self) -> None:
        self._install(self._previous)
        QAccessible.setActive(self._was_active)

    def clear(self) -> None:
        self.events.clear()

    def of(self, kind: QAccessible.Event, widget: object | None = None) -> list[Seen]:
        return [seen for seen in self.events if seen.type == kind and (widget is None or seen.widget is widget)]

    def announcements(self) -> list[str]:
        return [seen.message for seen in self.of(QAccessible.Event.Announcement)]


def text_of(widget, which: QAccessible.Text = QAccessible.Text.Name, child: int | None = None) -> str:
    """What assistive technology reads as the widget's (or its child's) name, description or value."""
    interface = QAccessible.queryAccessibleInterface(widget)
    if child is not None:
        interface = interface.child(child)
    return interface.text(which)
