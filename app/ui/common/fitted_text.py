"""Text that never asks for more width than the window has.

A QLabel or QPushButton is at least as wide as its text (a wrapped label: as its longest
word), so one long name or pasted ID made the whole window wider than the screen and cut
buttons off. These widgets give way instead:

* `FittedLabel`, one line: elided ("Queue 00G5g00000Ab…"), the full text in its tooltip; a
  screen reader reads the full text (a label's accessible name is its text).
* `FittedLabel`, wrapping: wraps between words and, only where a word is wider than the
  line, inside it.
* `ElidedButton`: the button's text elided to its width; the full text stays its `text()`.

Where the text fits they paint as a plain QLabel does (selectable text included). The
first paint may show them (see "Before the first paint" in app/ui/shell/window.py): what
it runs touches no `Qt` enum, which only elided or broken text needs.
"""

from __future__ import annotations

from PySide6 import QtCore  # QtCore.Qt, not Qt: see the module's docstring
from PySide6.QtCore import QEvent, QPointF, QSize
from PySide6.QtGui import QPainter, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QStyle, QStyleOptionButton, QWidget

_FEW_CHARACTERS = "Mmm…"  # the least a shrunk text keeps: enough to see that something is there


class FittedLabel(QLabel):
    """A label whose minimum width is a few characters, whatever its text.

    `one_line`: elided at the end (at the middle with `elide_middle`, which keeps a trailing
    "· 48 ms" in view); otherwise it wraps. `set_one_line` switches between the two.
    """

    def __init__(self, parent: QWidget | None = None, *, one_line: bool = True, elide_middle: bool = False) -> None:
        super().__init__(parent)
        self._elide_middle = elide_middle
        self._longest_word = 0  # the widest word's advance, measured when text or font change; -1: unknown
        self.setWordWrap(not one_line)

    def one_line(self) -> bool:
        return not self.wordWrap()

    def set_one_line(self, one_line: bool) -> None:
        self.setWordWrap(not one_line)
        self.updateGeometry()
        self.update()

    def setText(self, text: str) -> None:  # a slot in Qt: Python callers reach this
        super().setText(text)
        self._longest_word = -1
        self.setToolTip(text)  # the owner may set a richer one after

    # ---- sizes --------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.one_line():
            return hint
        # QLabel's hint for wrapped text is its height at a narrow width of its own choosing, which a
        # "Minimum" vertical policy turns into a minimum: one line here, the real height is
        # heightForWidth's at the width the layout gives.
        return QSize(hint.width(), self.minimumSizeHint().height())

    def minimumSizeHint(self) -> QSize:
        margins = self.contentsMargins()
        least = self.fontMetrics().horizontalAdvance(_FEW_CHARACTERS) + margins.left() + margins.right() \
            + 2 * self.margin() + max(0, self.indent())
        if self.one_line():
            return QSize(min(least, super().sizeHint().width()), super().sizeHint().height())
        return QSize(least, self.fontMetrics().height() + margins.top() + margins.bottom() + 2 * self.margin())

    def heightForWidth(self, width: int) -> int:
        if self.one_line() or self._words_fit(self._text_width(width)):
            return super().heightForWidth(width)
        margins = self.contentsMargins()
        vertical = margins.top() + margins.bottom() + 2 * self.margin()
        return round(self._broken_layout(self._text_width(width)).boundingRect().height()) + vertical

    # ---- painting -----------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        text, area = self.text(), self.contentsRect().adjusted(self.margin(), self.margin(), -self.margin(),
                                                                 -self.margin())
        if self.one_line():
            if "\n" not in text and self.fontMetrics().horizontalAdvance(text) <= area.width():
                super().paintEvent(event)
                return
            self._paint_elided(text, area)
        elif self._words_fit(area.width()):
            super().paintEvent(event)
        else:
            self._paint_broken(area)

    def _paint_elided(self, text, area) -> None:
        mode = QtCore.Qt.TextElideMode.ElideMiddle if self._elide_middle else QtCore.Qt.TextElideMode.ElideRight
        shown = self.fontMetrics().elidedText(" ".join(text.split("\n")), mode, area.width())
        painter = QPainter(self)
        self.style().drawItemText(painter, area, int(self.alignment().value), self.palette(), self.isEnabled(),
                                  shown, self.foregroundRole())

    def _paint_broken(self, area) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        self._broken_layout(area.width()).draw(painter, QPointF(area.topLeft()))

    # ---- internals ----------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._longest_word = -1
        super().changeEvent(event)

    def _text_width(self, width: int) -> int:
        margins = self.contentsMargins()
        return width - margins.left() - margins.right() - 2 * self.margin()

    def _words_fit(self, width: int) -> bool:
        if self._longest_word < 0:
            metrics = self.fontMetrics()
            self._longest_word = max((metrics.horizontalAdvance(word) for word in self.text().split()), default=0)
        return self._longest_word <= width

    def _broken_layout(self, width: int) -> QTextLayout:
        """The text laid out in `width`: between words where it can, inside a word where it must."""
        layout = QTextLayout(self.text().replace("\n", "\u2028"), self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        top = 0.0
        while (line := layout.createLine()).isValid():
            line.setLineWidth(max(1, width))
            line.setPosition(QPointF(0, top))
            top += line.height()
        layout.endLayout()
        return layout


class ElidedButton(QPushButton):
    """A push button whose text is elided to its width; `text()` is the whole text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full_text = ""
        # A push button may not shrink below its size hint (the whole text) unless its policy says so.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, self.sizePolicy().verticalPolicy())
        self.setText(text)

    def text(self) -> str:
        return self._full_text

    def setText(self, text: str) -> None:
        self._full_text = text
        self._elide()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self._chrome() + self.fontMetrics().horizontalAdvance(self._full_text), hint.height())

    def minimumSizeHint(self) -> QSize:
        least = self.fontMetrics().horizontalAdvance(self._full_text.split(" ", 1)[0] + " …")
        return QSize(self._chrome() + least, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()

    def _chrome(self) -> int:
        """The width the button's frame and padding take around its text (style sheet included)."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        probe = QSize(100, self.fontMetrics().height())
        return self.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, option, probe, self).width() - 100

    def _elide(self) -> None:
        room = self.width() - self._chrome()
        metrics = self.fontMetrics()
        shown = self._full_text
        if metrics.horizontalAdvance(shown) > room:
            shown = metrics.elidedText(shown, QtCore.Qt.TextElideMode.ElideRight, max(0, room))
        if QPushButton.text(self) != shown:
            QPushButton.setText(self, shown)
