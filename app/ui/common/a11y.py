"""Accessible names, descriptions and announcements, applied right after the window's first paint.

The first `setAccessibleName` of a process starts Qt's accessibility bridge (on Linux a
D-Bus round trip to AT-SPI, ~12 ms), which the first paint does not need. Until
`flush()` runs (the window calls it after its first paint), calls are queued in order;
after it they apply at once. Every accessible name in the panel goes through here.

What to name: controls (buttons, fields, lists), and labels only where they show no text (an
icon). A label that shows text speaks that text: a name set in code would hide it from a
screen reader. A field takes its name from its buddy label (`QLabel.setBuddy`), which also
gives Linux screen readers the labelled-by relation a combo box is named by.

`announce` says something that happened away from the focus (a transfer's outcome). Orca 43
ignores announcements, so what the rep must hear also goes where the focus is (`describe` the
focused control): the screen reader reads a description that changes on the focused object.
"""

import shiboken6
from PySide6.QtWidgets import QWidget

_pending: list[tuple[QWidget, str, str]] | None = []


def name(widget: QWidget, text: str) -> None:
    _apply(widget, "setAccessibleName", text)


def describe(widget: QWidget, text: str) -> None:
    _apply(widget, "setAccessibleDescription", text)


def announce(widget: QWidget, text: str, assertive: bool = False) -> None:
    """Have screen readers say `text` now (Qt's announcement event; AT-SPI's Announcement signal).

    Assertive interrupts what is being said (a failure the rep must act on); polite waits."""
    if not text or not shiboken6.isValid(widget):
        return
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    event = QAccessibleAnnouncementEvent(widget, text)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


def _apply(widget: QWidget, setter: str, text: str) -> None:
    if _pending is None:
        getattr(widget, setter)(text)
    else:
        _pending.append((widget, setter, text))


def flush() -> None:
    global _pending
    pending, _pending = _pending, None
    for widget, setter, text in pending or ():
        if shiboken6.isValid(widget):
            getattr(widget, setter)(text)
