"""The flow-inputs editor: name/value rows, add and remove, and the core's verdict shown inline.

A row left completely blank is not an input (so "Add input" never blocks a transfer by
itself); everything else goes to `RouteRequest.build`, whose message is shown here.

Where the directory knows the flow's input variables (`set_known`), each name field completes
them as the rep types, and Down in it lists them all (with each one's type and description);
any other name can still be typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.common import a11y
from app.ui.common.i18n import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate  # pyside6-lupdate reads translate("Context", "…")
if TYPE_CHECKING:
    from app.core.directory.target import FlowVariable

VISIBLE_ROWS = 3
_EMPTY_NOTE = QT_TRANSLATE_NOOP("FlowInputsEditor", "None. Add the flow's input variables if it needs any.")



class _Row:
    def __init__(self, parent: QWidget) -> None:
        self.key = QLineEdit(parent)
        self.key.setPlaceholderText(translate("FlowInputsEditor", "Name (API name)"))
        self.value = QLineEdit(parent)
        self.value.setPlaceholderText(translate("FlowInputsEditor", "Value"))
        self.remove = QToolButton(parent)
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)

    def number(self, number: int) -> None:
        a11y.name(self.key, translate("FlowInputsEditor", "Flow input {number} name").format(number=number))
        a11y.name(self.value, translate("FlowInputsEditor", "Flow input {number} value").format(number=number))
        a11y.name(self.remove, translate("FlowInputsEditor", "Remove flow input {number}").format(number=number))
        self.remove.setToolTip(translate("FlowInputsEditor", "Remove flow input {number}").format(number=number))

    def widgets(self) -> tuple[QWidget, QWidget, QWidget]:
        return self.key, self.value, self.remove


class FlowInputsEditor(QWidget):
    sig_changed = Signal()
    sig_row_added = Signal(object)  # the new row's name field (the window protects its shortcuts)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._known: tuple[FlowVariable, ...] = ()
        self._known_names = QStandardItemModel(self)  # what each name field completes
        self.title = QLabel(self.tr("Flow inputs"), self)
        self.title.setObjectName("fieldLabel")
        self.empty_note = QLabel(self.tr(_EMPTY_NOTE), self)
        self.empty_note.setObjectName("muted")
        self.empty_note.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add input"), self)
        a11y.name(self.add_button, self.tr("Add a flow input"))
        self.add_button.setAutoDefault(False)
        self.problem = QLabel(self)
        self.problem.setObjectName("inputsProblem")
        a11y.name(self.problem, self.tr("Flow inputs problem"))
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        self._rows_box = QWidget(self)  # goes into a scroll area with the first row
        self._rows_box.hide()
        self._grid = QGridLayout(self._rows_box)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(3)
        self._grid.setColumnStretch(0, 2)
        self._grid.setColumnStretch(1, 3)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(header)
        layout.addWidget(self.empty_note)
        self._scroll: QScrollArea | None = None  # made with the first row (not needed to show the window)
        self._layout = layout
        layout.addWidget(self.problem)
        self.add_button.clicked.connect(self._add_clicked)

    # ---- content ------------------------------------------------------------------------
    def set_known(self, variables: Sequence[FlowVariable]) -> None:
        """The chosen flow's input variables (none: the directory does not know them): the names offered."""
        self._known = tuple(variables)
        self._known_names.clear()
        for variable in self._known:
            item = QStandardItem(variable.name)
            about = " · ".join(part for part in (variable.data_type, variable.description) if part)
            item.setToolTip(f"{variable.name}: {about}" if about else variable.name)
            item.setEditable(False)
            self._known_names.appendRow(item)
        names = ", ".join(variable.name for variable in self._known)
        self.empty_note.setText(self.tr("None. This flow takes {names}: Add input, then Down in its name lists "
                                        "them.").format(names=names) if names else self.tr(_EMPTY_NOTE))
        for row in self._rows:
            self._offer_known(row.key)

    def known_names(self) -> list[str]:
        return [variable.name for variable in self._known]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down (or Alt+Down) in a name field lists every known variable, whatever it holds."""
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QLineEdit) and self._known:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            completer = watched.completer()
            listing = completer.popup() if completer is not None else None
            if key_event.key() == Qt.Key.Key_Down and completer is not None and listing and not listing.isVisible():
                completer.setCompletionPrefix("")
                completer.complete()
                return True
        return False

    def pairs(self) -> list[tuple[str, str]]:
        """The inputs in order; rows with neither a name nor a value are skipped."""
        return [(row.key.text(), row.value.text()) for row in self._rows
                if row.key.text() or row.value.text()]

    def add_row(self, key: str = "", value: str = "") -> QLineEdit:
        row = _Row(self)
        row.key.setText(key)
        row.value.setText(value)
        self._offer_known(row.key)
        row.key.textChanged.connect(self.sig_changed)
        row.value.textChanged.connect(self.sig_changed)
        row.remove.clicked.connect(lambda: self.remove_row(self._rows.index(row)))
        self._rows.append(row)
        self._relayout()
        self.sig_row_added.emit(row.key)
        self.sig_row_added.emit(row.value)
        self.sig_changed.emit()
        return row.key

    def remove_row(self, index: int) -> None:
        row = self._rows.pop(index)
        for widget in row.widgets():
            self._grid.removeWidget(widget)
            widget.deleteLater()
        self._relayout()
        if self._rows:
            self._rows[min(index, len(self._rows) - 1)].key.setFocus()
        else:
            self.add_button.setFocus()
        self.sig_changed.emit()

    def clear(self) -> None:
        while self._rows:
            row = self._rows.pop()
            for widget in row.widgets():
                self._grid.removeWidget(widget)
                widget.deleteLater()
        self._relayout()
        self.set_problem("")

    def row_count(self) -> int:
        return len(self._rows)

    def row_widgets(self, index: int) -> tuple[QLineEdit, QLineEdit, QToolButton]:
        row = self._rows[index]
        return row.key, row.value, row.remove

    def set_problem(self, text: str) -> None:
        self.problem.setText(f"✕ {text}" if text else "")
        self.problem.setVisible(bool(text))

    def tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self.add_button]
        for row in self._rows:
            chain += row.widgets()
        return chain

    # ---- internals ----------------------------------------------------------------------
    def _offer_known(self, key: QLineEdit) -> None:
        if not self._known:
            key.setCompleter(None)  # type: ignore[arg-type]  # Qt takes None: no completion
            key.setPlaceholderText(self.tr("Name (API name)"))
            return
        if key.completer() is None:
            completer = QCompleter(self._known_names, key)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            key.setCompleter(completer)
            key.installEventFilter(self)
        key.setPlaceholderText(self.tr("Name (Down lists the flow's)"))

    def _add_clicked(self) -> None:
        self.add_row().setFocus()

    def _relayout(self) -> None:
        for row in self._rows:
            for widget in row.widgets():
                self._grid.removeWidget(widget)
        for number, row in enumerate(self._rows, start=1):
            row.number(number)
            for column, widget in enumerate(row.widgets()):
                self._grid.addWidget(widget, number - 1, column)
                widget.show()  # now, not when the layout gets to it: "Add input" puts the focus in it
        self.empty_note.setVisible(not self._rows)
        if self._rows and self._scroll is None:
            self._scroll = QScrollArea(self)  # grows to VISIBLE_ROWS rows, then scrolls
            self._scroll.setObjectName("flowInputRows")
            self._scroll.setWidgetResizable(True)
            self._scroll.setFrameShape(QFrame.Shape.NoFrame)
            self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self._scroll.setWidget(self._rows_box)
            self._rows_box.show()
            self._layout.insertWidget(self._layout.indexOf(self.problem), self._scroll)
        if self._scroll is not None:
            self._scroll.setVisible(bool(self._rows))
        if self._rows and self._scroll is not None:
            row_height = self._rows[0].key.sizeHint().height() + self._grid.verticalSpacing()
            self._scroll.setFixedHeight(min(len(self._rows), VISIBLE_ROWS) * row_height)
        chain = self.tab_chain()
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
