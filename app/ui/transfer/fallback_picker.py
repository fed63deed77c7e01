"""The fallback-queue picker for a flow: queues only, searchable by any part of the name.

An editable combo box over the directory's queues with a "contains" completer: the list
narrows as the rep types, and Enter takes the top match (or the one highlighted). A name
picked from the list gives that queue's ID; any other text (a pasted 00G… ID) is passed
as typed to `RouteRequest.build`, which says what is wrong with it, if anything. While the
rep is still typing a name (`is_settled`), the form does not call that text wrong yet: it
does once the rep leaves the field (`sig_left`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from app.ui.common import a11y

_ID_ROLE = Qt.ItemDataRole.UserRole
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)


class QueueList(QAbstractListModel):
    """The picker's rows: "no fallback" first, then the queues' names. Given as two lists in
    one go (a row added at a time cost 20-70 ms for 3,000 queues); a tooltip is made when shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = [""]
        self._ids: list[str] = [""]
        self._rows: tuple[dict[str, int], dict[str, int]] | None = None  # label, ID -> first row; when asked

    def set_queues(self, labels: list[str], queue_ids: list[str]) -> None:
        self.beginResetModel()
        self._labels, self._ids, self._rows = ["", *labels], ["", *queue_ids], None
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._labels)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._labels):
            return None
        if role in _TEXT_ROLES:
            return self._labels[row]
        if role == _ID_ROLE:
            return self._ids[row]
        if role == Qt.ItemDataRole.ToolTipRole and row:
            return f"{self._labels[row]} · {self._ids[row]}"
        return None

    def row_named(self, label: str) -> int:
        """The first queue row with this name; -1 for none (a lookup, not a scan of the rows)."""
        return self._lookups()[0].get(label, -1)

    def row_of_id(self, queue_id: str) -> int:
        return self._lookups()[1].get(queue_id, -1)

    def _lookups(self) -> tuple[dict[str, int], dict[str, int]]:
        if self._rows is None:
            rows = range(len(self._labels) - 1, 0, -1)  # backwards: a name's first row is the one kept
            self._rows = {self._labels[row]: row for row in rows}, {self._ids[row]: row for row in rows}
        return self._rows

    def queue_id(self, row: int) -> str:
        return self._ids[row]

    def pairs(self) -> list[tuple[str, str]]:
        """(name, ID) of every queue, in the rows' order."""
        return list(zip(self._labels[1:], self._ids[1:], strict=True))


class FallbackPicker(QComboBox):
    sig_changed = Signal()
    sig_left = Signal()  # the rep left the field: what it holds is judged now

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue_list = QueueList(self)
        self.setModel(self.queue_list)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(12)
        a11y.name(self, self.tr("Fallback queue"))
        a11y.describe(self,
            self.tr("Optional: the queue that takes the call if routing to the flow fails. Type to search queues.")
        )
        self.setToolTip(self.tr("Used if routing to the flow fails (optional)"))
        self.editor().setPlaceholderText(self.tr("None (optional) · type to search queues"))
        completer = QCompleter(self.queue_list, self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(10)
        self.setCompleter(completer)
        self._completer = completer
        self.editTextChanged.connect(lambda _text: self.sig_changed.emit())
        self.editor().returnPressed.connect(self.pick_top_match)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # not when the list of matches opens
            self.sig_left.emit()

    def is_settled(self) -> bool:
        """Whether the text is the rep's final word: a queue's name, nothing (no fallback), or whatever is
        there once the rep has left the field. Not while the rep is typing in it."""
        text = self.currentText().strip()
        return not text or not self.hasFocus() or self.queue_list.row_named(text) > 0

    def pick_top_match(self) -> bool:
        """Enter: take the queue highlighted in the list, else the first whose name holds the text typed.
        False when the text is a queue's name already, empty, or matches none (it stays as typed)."""
        text = self.currentText().strip()
        if not text or self.queue_list.row_named(text) > 0:
            return False
        completer, matches = self._completer, self._completer.popup()
        assert matches is not None  # a completer always has its popup
        highlighted = matches.currentIndex() if matches.isVisible() else QModelIndex()
        if highlighted.isValid():
            label = highlighted.data()
        else:
            completer.setCompletionPrefix(text)
            if not completer.setCurrentRow(0):
                return False
            label = completer.currentCompletion()
        matches.hide()
        self.setCurrentIndex(self.queue_list.row_named(label))
        return True

    def set_queues(self, labels: list[str], queue_ids: list[str]) -> None:
        """Offer these queues (names and IDs, in the order shown), keeping the text typed or chosen."""
        current = self.currentText()
        self.blockSignals(True)
        self.queue_list.set_queues(labels, queue_ids)
        self.setCurrentIndex(0)
        self.setEditText(current)
        self.blockSignals(False)

    def editor(self) -> QLineEdit:
        """The line the rep types in (an editable combo box always has one)."""
        editor = self.lineEdit()
        assert editor is not None
        return editor

    def queue_count(self) -> int:
        return self.count() - 1

    def queues(self) -> list[tuple[str, str]]:
        """The directory's queues offered, as (name, ID) in the list's order."""
        return self.queue_list.pairs()

    def value(self) -> str | None:
        """The chosen queue's ID, the raw text typed (for the core to judge), or None for no fallback."""
        text = self.currentText().strip()
        if not text:
            return None
        row = self.queue_list.row_named(text)
        return self.queue_list.queue_id(row) if row > 0 else text

    def choose(self, queue_id: str) -> None:
        row = self.queue_list.row_of_id(queue_id)
        if row > 0:
            self.setCurrentIndex(row)

    def reset(self) -> None:
        self.setCurrentIndex(0)
        self.setEditText("")
