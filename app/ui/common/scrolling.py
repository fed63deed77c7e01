"""Scroll areas that scroll only up and down and know how tall their content wants to be.

The panel window's middle (`ScrollingMiddle`) and its footer's messages (`MessageArea`) use
them so that the window fits the screen whatever it shows (see app/ui/shell/window.py).
"""

from PySide6.QtCore import QEvent, QObject, QPoint, QSize
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


def content_height(widget: QWidget, width: int) -> int:
    """How tall `widget` wants to be at `width` (its wrapped text included)."""
    height = widget.heightForWidth(width) if widget.hasHeightForWidth() else -1
    return height if height >= 0 else widget.sizeHint().height()


class ScrollingMiddle(QScrollArea):
    """The window's middle (directory, target, flow options): it takes the room the header, the
    call and the footer leave, and scrolls up and down when that is less than it needs.

    Its size hint is its minimum, so a short window shrinks the middle before the footer's
    messages; `needed_height` is what it would take to show everything (the compact layout's size)."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panelScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(content)
        self._content = content

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), 2 * self.fontMetrics().height())

    def needed_height(self) -> int:
        frame = 2 * self.frameWidth()
        return content_height(self._content, self.viewport().width() or self.width() - frame) + frame


class MessageArea(QScrollArea):
    """The footer's messages (why Transfer is off, the "transfer again?" question, the outcome), one
    above the other.

    As tall as they are, up to `set_cap` (what the window has left once the header, the call,
    the middle's minimum and the Transfer button have their room), so a long outcome never
    pushes the call ID or the Transfer button off the window: beyond that it scrolls. Hidden
    while no message shows, so it takes no room."""

    def __init__(self, messages: list[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panelScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._cap = 10_000
        self._width = 0
        content = QWidget(self)
        content.setObjectName("panelBody")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for message in messages:
            layout.addWidget(message)
            message.installEventFilter(self)
        self._messages = messages
        self._content = content
        self.setWidget(content)
        content.installEventFilter(self)
        self._follow_messages()

    def _follow_messages(self) -> None:
        self.setVisible(any(not message.isHidden() for message in self._messages))
        self.updateGeometry()

    def show_top_of(self, message: QWidget) -> None:
        """Scroll so `message` starts at the top (Qt's ensureWidgetVisible centres one taller than the area)."""
        self.verticalScrollBar().setValue(message.mapTo(self._content, QPoint(0, 0)).y())

    def set_cap(self, cap: int) -> None:
        if cap != self._cap:
            self._cap = cap
            self.updateGeometry()

    def content_height(self) -> int:
        return content_height(self._content, self.viewport().width() if self.isVisible() else self.width())

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), min(self.content_height(), self._cap))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), min(self.content_height(), 2 * self.fontMetrics().height()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != self._width:  # the messages wrap to another height
            self._width = event.size().width()
            self.updateGeometry()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent) and watched in self._messages:
            self._follow_messages()
        elif kind == QEvent.Type.LayoutRequest and watched is self._content:
            self.updateGeometry()
        return False
