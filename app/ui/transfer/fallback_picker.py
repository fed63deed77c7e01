"""The fallback-queue picker for a flow: queues only, searchable by any part of the name.

An editable combo box over the directory's queues with a "contains" completer. A name
picked from the list gives that queue's ID; any other text (a pasted 00G… ID) is passed
as typed to `RouteRequest.build`, which says what is wrong with it, if anything.
"""

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from app.ui.common import a11y

_ID_ROLE = Qt.ItemDataRole.UserRole


class FallbackPicker(QComboBox):
    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(12)
        a11y.name(self, "Fallback queue")
        a11y.describe(self,
            "Optional: the queue that takes the call if routing to the flow fails. Type to search queues."
        )
        self.setToolTip("Used if routing to the flow fails (optional)")
        self.editor().setPlaceholderText("None (optional) · type to search queues")
        completer = QCompleter(self.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(10)
        self.setCompleter(completer)
        self.editTextChanged.connect(lambda _text: self.sig_changed.emit())
        self.set_queues([])

    def set_queues(self, queues: Iterable[tuple[str, str]]) -> None:
        """Offer these (name, queue ID) pairs, keeping the current choice when it is still there."""
        current = self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItem("", "")  # no fallback
        for label, queue_id in queues:
            self.addItem(label, queue_id)
            self.setItemData(self.count() - 1, f"{label} · {queue_id}", Qt.ItemDataRole.ToolTipRole)
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
        return [(self.itemText(row), str(self.itemData(row, _ID_ROLE))) for row in range(1, self.count())]

    def value(self) -> str | None:
        """The chosen queue's ID, the raw text typed (for the core to judge), or None for no fallback."""
        text = self.currentText().strip()
        if not text:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index > 0:
            return str(self.itemData(index, _ID_ROLE))
        return text

    def choose(self, queue_id: str) -> None:
        index = self.findData(queue_id, _ID_ROLE)
        if index >= 0:
            self.setCurrentIndex(index)

    def reset(self) -> None:
        self.setCurrentIndex(0)
        self.setEditText("")
