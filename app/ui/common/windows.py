"""Windows that fit the screen they are on, and secondary windows that behave like dialogs.

On a 1366×768 laptop at 2× scale the screen is 683×384 logical pixels: a window sized for a
desktop monitor would open with its lower part (the panel's Transfer button, the inspector's
details) off the screen. `fit_on_screen` keeps a window's frame, title bar included, inside
the screen's available area (the area the taskbar leaves). `close_keys` gives a secondary
window the keys a dialog has: Esc and Ctrl+W close it.
"""

from __future__ import annotations

from PySide6 import QtCore  # QtCore.Qt, not Qt: see "Before the first paint" in app/ui/shell/window.py
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

FRAME_ALLOWANCE = QSize(2, 32)  # a window manager's frame before it is known: borders and a title bar
CLOSE_KEYS = ("Ctrl+W",)  # and QKeySequence.StandardKey.Close where the platform has another (Ctrl+F4)


def available_area(widget: QWidget, anchor: QWidget | None = None) -> QRect:
    """The available area of the screen `widget` is on (or `anchor`'s, for a window not yet shown)."""
    source = widget if widget.isVisible() or anchor is None else anchor
    screen = source.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def frame_margins(widget: QWidget) -> QSize:
    """What the window manager's frame adds to the window (a guess until the window has been shown)."""
    if widget.isVisible() and widget.windowHandle() is not None:
        frame, inner = widget.frameGeometry(), widget.geometry()
        return QSize(frame.width() - inner.width(), frame.height() - inner.height())
    return FRAME_ALLOWANCE


def largest_size(widget: QWidget, anchor: QWidget | None = None) -> QSize:
    """The largest inner size `widget` may have with its frame inside the available area."""
    return available_area(widget, anchor).size() - frame_margins(widget)


def fit_on_screen(widget: QWidget, size: QSize | None = None, anchor: QWidget | None = None) -> None:
    """Resize `widget` to `size` (default: its size now), no larger than the available area allows,
    and move it so its frame lies inside that area (near `anchor`, when it has not been placed)."""
    area = available_area(widget, anchor)
    largest = largest_size(widget, anchor)
    wanted = (size or widget.size()).boundedTo(largest).expandedTo(QSize(1, 1))
    if widget.minimumWidth() > largest.width() or widget.minimumHeight() > largest.height():
        # A minimum larger than the screen (huge text on a tiny screen): the screen wins.
        widget.setMinimumSize(widget.minimumSize().boundedTo(largest))
    widget.resize(wanted)
    margins = frame_margins(widget)
    frame = QRect(widget.frameGeometry().topLeft(), widget.size() + margins)
    if anchor is not None and not widget.isVisible():
        frame.moveTopLeft(anchor.frameGeometry().topLeft() + QPoint(40, 40))  # beside the panel, offset
    left = max(area.left(), min(frame.left(), area.right() + 1 - frame.width()))
    top = max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height()))
    if (left, top) != (widget.frameGeometry().left(), widget.frameGeometry().top()):
        widget.move(left, top)  # move() places the frame's top-left corner


def open_on_screen(window: QWidget, anchor: QWidget | None = None) -> None:
    """Show a secondary window fully on the screen (its first time: beside `anchor`), raised."""
    first_time = not window.isVisible()
    if first_time:
        fit_on_screen(window, anchor=anchor)
    window.show()
    if first_time:
        fit_on_screen(window)  # again with the real frame, where the platform knows it once shown
    window.raise_()
    window.activateWindow()


class _CloseOnEscape(QObject):
    """Esc closes the window when nothing inside it used the key (an open list or field keeps it)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and isinstance(watched, QWidget)
                and event.key() == QtCore.Qt.Key.Key_Escape and watched.isWindow()
                and event.modifiers() == QtCore.Qt.KeyboardModifier.NoModifier):
            watched.close()
            return True
        return False


def close_keys(window: QWidget) -> None:
    """Esc and Ctrl+W close `window`, as they close a dialog."""
    window.installEventFilter(_CloseOnEscape(window))
    sequences = [QKeySequence(text) for text in CLOSE_KEYS]
    sequences += [sequence for sequence in QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
                  if sequence not in sequences]
    for sequence in sequences:
        shortcut = QShortcut(sequence, window)
        shortcut.setContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(window.close)
