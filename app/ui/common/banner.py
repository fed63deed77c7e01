"""A non-modal in-window message: a glyph, a title, details, and optional buttons.

The outcome of a transfer, the "already routed" confirmation and unexpected errors all
use it, so every message looks and reads the same way. The level is shown by a glyph and
words as well as by colour. Its text wraps, inside a long word too, so it never widens the
window; `set_one_line` shows the title alone on one line (the compact layout).
"""

import re

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.common import a11y
from app.ui.common.fitted_text import FittedLabel
from app.ui.common.style import restyle

_SEPARATOR = re.compile(r"[ \u00a0]·[ \u00a0]")
GLYPHS = {"success": "✓", "failure": "✕", "warning": "⚠", "progress": "…", "info": "ℹ"}


class Banner(QFrame):
    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        a11y.name(self, accessible_name)
        self.glyph = QLabel(self)
        self.glyph.setObjectName("bannerGlyph")
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.glyph.setFixedWidth(20)
        self._one_line = False
        self.title = FittedLabel(self, one_line=False, elide_middle=True)  # one line: a trailing "· 48 ms" stays
        self.title.setObjectName("bannerTitle")
        self.detail = FittedLabel(self, one_line=False)
        self.detail.setObjectName("bannerDetail")
        for label in (self.title, self.detail):  # they speak their text (no name of their own)
            label.setTextFormat(Qt.TextFormat.PlainText)
            # Selectable with the mouse only: selectable by keyboard, a label is a Tab stop that shows no focus.
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy indicator
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        a11y.name(self.progress, QCoreApplication.translate("Banner", "{name} progress").format(name=accessible_name))
        self.progress.hide()
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("bannerClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        a11y.name(self.close_button, QCoreApplication.translate("Banner", "Dismiss {name}").format(
            name=accessible_name.lower()))
        self.close_button.setToolTip(QCoreApplication.translate("Banner", "Dismiss"))
        self.close_button.clicked.connect(self.hide)
        self.close_button.hide()
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 2, 0, 0)
        self.buttons.addStretch(1)
        self._button_row = QWidget(self)  # hidden as one when it has no visible button
        self._button_row.setLayout(self.buttons)
        self._button_row.hide()

        text = self._text = QVBoxLayout()
        text.setSpacing(3)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        text.addWidget(self.progress)
        text.addWidget(self._button_row)
        self.buttons.setContentsMargins(0, 2, 0, 0)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 7, 4, 7)
        row.addWidget(self.glyph)
        row.addLayout(text, 1)
        close_column = QVBoxLayout()
        close_column.addWidget(self.close_button)
        close_column.addStretch(1)
        row.addLayout(close_column)
        self.hide()

    def add_button(self, text: str, accessible_name: str) -> QPushButton:
        button = QPushButton(text, self._button_row)
        a11y.name(button, accessible_name)
        button.setAutoDefault(False)
        self.buttons.addWidget(button)
        return button

    def add_below(self, widget: QWidget) -> None:
        """Put `widget` under the text and the buttons (e.g. details shown on demand)."""
        self._text.addWidget(widget)

    def set_one_line(self, one_line: bool) -> None:
        """The title alone, on one line (elided; everything in its tooltip), or title and details."""
        self._one_line = one_line
        self.title.set_one_line(one_line)
        self.detail.setVisible(bool(self.detail.text()) and not one_line)
        self.title.setToolTip(self.text() if one_line else self.title.text())

    def set_dismissable(self, dismissable: bool) -> None:
        self.close_button.setVisible(dismissable)

    def _update_button_row(self) -> None:
        widgets = (item.widget() for i in range(self.buttons.count()) if (item := self.buttons.itemAt(i)))
        visible = any(widget is not None and not widget.isHidden() for widget in widgets)
        self._button_row.setVisible(visible)

    def show_message(self, level: str, title: str, detail: str = "", busy: bool = False) -> None:
        self.setProperty("level", level)
        self.glyph.setText(GLYPHS[level])
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail) and not self._one_line)
        if self._one_line:
            self.title.setToolTip(self.text())
        self.progress.setVisible(busy)
        a11y.describe(self, self.spoken_text())
        restyle(self)  # re-read the [level=...] rules, the glyph's colour among them
        restyle(self.glyph)
        self._update_button_row()
        self.show()

    def text(self) -> str:
        """Everything the banner says (for tests and screen readers)."""
        return "\n".join(part for part in (self.title.text(), self.detail.text()) if part)

    def spoken_text(self) -> str:
        """The title and the details as one sentence to say ("·" read as a pause, not as "dot")."""
        title, detail = (_SEPARATOR.sub(", ", part.strip()) for part in (self.title.text(), self.detail.text()))
        if title and detail and title[-1] not in ".!?…:":
            title += "."
        return " ".join(part for part in (title, detail) if part)
