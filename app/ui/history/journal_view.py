"""The transfer history: the journal, newest first, filtered; copy a row, transfer again to
its target, export to CSV. Non-modal; every read and write runs off the GUI thread.

Each row shows what was sent (the target, a flow's fallback queue and how many flow inputs),
the outcome in words and how long it took. Flow-input values may hold customer data: they show
only on demand ("Show flow-input values"), as the export writes them only when ticked.

For the keyboard and screen readers: every filter is named by its visible label (a buddy: on
Linux a combo box is named through that relation, not by a name set in code), Tab leaves the
table (it moves between controls, the arrows move between cells), and Esc or Ctrl+W closes the
window.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import JournalError
from app.core.journal import JournalEntry
from app.core.routing.outcome import StatusGroup
from app.messages import GROUP_LABELS, SENDING_LABEL, STATUS_LABELS, Front, outcome_text
from app.ui.common import a11y
from app.ui.common.tasks import spawn
from app.ui.common.windows import close_keys, open_on_screen

# One filter per group of statuses: every status is in exactly one (core's STATUS_TRAITS).
OUTCOMES: tuple[tuple[str, StatusGroup | None], ...] = (
    ("All outcomes", None), *((GROUP_LABELS[group], group) for group in StatusGroup))
PERIODS = (("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90), ("Everything kept", None))
_HEADERS = ("Time", "Call ID", "Target", "Outcome", "Took", "Fallback queue", "Flow inputs", "Message")
_WIDTH_SAMPLES = ("24 Nov 09:42:01", "0LQ5g00000Xy7QkAAJ", "Technical Support (EMEA)",
                  max(STATUS_LABELS.values(), key=len), "10.0 s", "Billing (Americas)",
                  "Flow inputs")  # the message column takes the rest
FLOW_INPUTS_COLUMN = _HEADERS.index("Flow inputs")
SHOWN_ROWS = 1000  # the table shows the newest; an export writes every row the filters match
_RETIRED = object()  # what a read returns once the window was retired with its journal


Cells = tuple[str, str, str, str, str, str, str, str]
QueueName = Callable[[str], str | None]  # a queue's name by its ID, where the directory knows it


def _no_names(_queue_id: str) -> str | None:
    return None


def duration_text(elapsed_ms: float) -> str:
    """How long a transfer took, as a rep reads it: "48 ms", "1.2 s"."""
    return f"{elapsed_ms:.0f} ms" if elapsed_ms < 1000 else f"{elapsed_ms / 1000:.1f} s"


def flow_inputs_text(entry: JournalEntry, values: bool) -> str:
    """How many flow inputs went (their names and values with `values`); "" for none."""
    if not entry.flow_inputs:
        return ""
    if values:
        return "; ".join(f"{key} = {value}" for key, value in entry.flow_inputs)
    count = len(entry.flow_inputs)
    return f"{count} input{'s' if count != 1 else ''}"


def cells(entry: JournalEntry, queue_name: QueueName = _no_names) -> Cells:
    """What a row shows: made once per entry (with the read, off the GUI thread: ~18 ms for 1,000),
    not at each of Qt's many `data()` calls."""
    outcome = entry.outcome
    status = STATUS_LABELS[outcome.status] if outcome is not None else SENDING_LABEL
    message = outcome_text(outcome, entry.target_label, Front.WINDOW).headline if outcome is not None else ""
    took = duration_text(outcome.elapsed_ms) if outcome is not None and outcome.sent else ""
    fallback = (queue_name(entry.fallback_queue) or entry.fallback_queue) if entry.fallback_queue else ""
    return (entry.at.astimezone().strftime("%d %b %H:%M:%S"), entry.call_id, entry.target_label or entry.target_id,
            status, took, fallback, flow_inputs_text(entry, values=False), message)


class JournalModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[JournalEntry] = []
        self._cells: list[Cells] = []
        self._values: dict[int, str] = {}  # row -> its flow-input values, made when first shown
        self.show_values = False

    def set_show_values(self, shown: bool) -> None:
        """The flow inputs column shows their names and values (True) or how many went."""
        self.show_values = shown
        if self.entries:
            column = self.index(0, FLOW_INPUTS_COLUMN)
            self.dataChanged.emit(column, self.index(len(self.entries) - 1, FLOW_INPUTS_COLUMN))

    def set_entries(self, entries: list[JournalEntry], shown: list[Cells]) -> None:
        """The entries and their `cells`, made where the entries were read."""
        self.beginResetModel()
        self.entries, self._cells, self._values = entries, shown, {}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row, column = index.row(), index.column()
        if column == FLOW_INPUTS_COLUMN and self.show_values:
            if (values := self._values.get(row)) is None:
                values = self._values[row] = flow_inputs_text(self.entries[row], values=True)
            return values
        return self._cells[row][column]


def row_text(entry: JournalEntry, queue_name: QueueName = _no_names, values: bool = False) -> str:
    """One entry as a line to paste into a ticket or a chat (flow-input values only with `values`)."""
    _time, _call, _target, status, took, fallback, _inputs, message = cells(entry, queue_name)
    sent = [f"fallback queue {fallback} ({entry.fallback_queue})" if fallback else "",
            f"flow inputs: {flow_inputs_text(entry, values)}" if entry.flow_inputs else ""]
    return " · ".join(part for part in (
        f"{entry.at.astimezone():%Y-%m-%d %H:%M:%S}", f"call {entry.call_id}",
        f"{entry.target_label or entry.target_id} ({entry.target_kind.value} {entry.target_id})", *sent, status,
        took, message) if part)


class JournalView(QWidget):
    sig_transfer_again = Signal(object)  # JournalEntry: route the active call to its target

    def __init__(self, journal: Any, parent: QWidget | None = None, queue_name: QueueName = _no_names) -> None:
        """`queue_name`: a fallback queue's name by its ID (the directory's), called off the GUI thread."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Transfer history")
        close_keys(self)
        self.journal = journal
        self._queue_name = queue_name
        self._generation = 0  # of the table's loads: only the newest one's answer is shown
        self._retired = False
        self.outcome = QComboBox(self)
        for text, group in OUTCOMES:
            self.outcome.addItem(text, group.value if group is not None else None)  # Qt compares plain strings
        self.period = QComboBox(self)
        for text, days in PERIODS:
            self.period.addItem(text, days)
        self.period.setCurrentIndex(1)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Call ID or target")
        filter_labels = [(QLabel(text, self), field) for text, field in
                         (("&Outcome", self.outcome), ("&Period", self.period), ("&Find", self.search))]
        for label, field in filter_labels:
            label.setBuddy(field)  # names the field for screen readers (a combo box only this way, on Linux)
        self.table = QTableView(self)
        self.model = JournalModel(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move between cells
        # Columns sized once, from the font: sizing them to their contents read every cell of the
        # 1,000 rows several times on each reload (~97,000 calls, a 100-500 ms freeze per filter).
        header, rows, metrics = self.table.horizontalHeader(), self.table.verticalHeader(), self.table.fontMetrics()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, sample in enumerate(_WIDTH_SAMPLES):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(metrics.height() + 8)
        rows.hide()
        self.count = QLabel(self)
        self.copy_button = QPushButton("Copy row", self)
        self.again_button = QPushButton("Transfer again", self)
        self.again_button.setToolTip("Route the active call to this row's target")
        self.export_button = QPushButton("Export CSV…", self)
        self.show_values = QCheckBox("Show flow-input values", self)
        self.show_values.setToolTip("They may hold customer data: show them only when needed")
        self.include_values = QCheckBox("Include flow-input values", self)
        self.include_values.setToolTip("They may hold customer data: leave them out unless needed")
        # Applied with a button, not on every spin: a shorter period deletes rows at once.
        self.retention = QSpinBox(self)
        self.retention.setRange(1, 3650)
        self.retention.setSuffix(" days")
        self.retention.setPrefix("Keep transfers for ")
        self.retention_button = QPushButton("Apply", self)
        self.retention_button.setToolTip("Keep this many days from now on; older transfers are deleted now")
        # The filters are named by their labels; the count speaks its text (see app/ui/common/a11y.py).
        for widget, name in ((self.table, "Transfers"),
                             (self.again_button, "Transfer the active call again to this target"),
                             (self.export_button, "Export to CSV"),
                             (self.retention, "How many days the history keeps transfers"),
                             (self.retention_button, "Apply the retention period")):
            a11y.name(widget, name)

        filters = QHBoxLayout()
        for label, field in filter_labels:
            filters.addWidget(label)
            filters.addWidget(field, 1 if field is self.search else 0)
        # Rows short enough for a 1366×768 laptop at 2× (683 logical pixels): the count has its own.
        actions = QHBoxLayout()
        actions.addWidget(self.copy_button)
        actions.addWidget(self.again_button)
        actions.addWidget(self.show_values)
        actions.addStretch(1)
        actions.addWidget(self.include_values)
        actions.addWidget(self.export_button)
        retention = QHBoxLayout()
        retention.addWidget(self.retention)
        retention.addWidget(self.retention_button)
        retention.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addLayout(actions)
        layout.addLayout(retention)
        chain = [self.outcome, self.period, self.search, self.table, self.copy_button, self.again_button,
                 self.show_values, self.include_values, self.export_button, self.retention, self.retention_button]
        for first, second in pairwise(chain):  # as they are on screen (they were made in another order)
            QWidget.setTabOrder(first, second)
        self.resize(1040, 480)  # never more than the screen allows (open_on_screen); the table scrolls sideways

        self.outcome.currentIndexChanged.connect(self.refresh)
        self.period.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.copy_button.clicked.connect(self.copy_row)
        self.show_values.toggled.connect(self.model.set_show_values)
        self.again_button.clicked.connect(self._transfer_again)
        self.export_button.clicked.connect(self.choose_export_file)
        self.retention_button.clicked.connect(lambda: spawn(self.apply_retention()))

    def open(self) -> None:
        open_on_screen(self, self.parentWidget())
        self.refresh()
        spawn(self._load_retention())

    def retire(self) -> None:
        """Close for good: the journal closes next, with its services. Reads under way are dropped."""
        self._retired = True
        self.close()
        self.deleteLater()

    async def _off_thread(self, work) -> Any:
        """`work()` off the GUI thread; _RETIRED when the window was retired meanwhile (its widgets
        are gone and its journal may be closed, so the answer has nowhere to go)."""
        try:
            result = await asyncio.get_running_loop().run_in_executor(None, work)
        except JournalError:  # e.g. "Cannot operate on a closed database": retired meanwhile
            if self._retired:
                return _RETIRED
            raise
        return _RETIRED if self._retired else result

    async def _load_retention(self) -> None:
        days = await self._off_thread(self.journal.retention_days)
        if days is not _RETIRED:
            self.retention.setValue(days)

    async def apply_retention(self) -> int:
        """Keep the spin box's number of days; older transfers are deleted now. Returns how many went."""
        if self._retired:
            return 0
        days = self.retention.value()
        removed = await self._off_thread(lambda: self.journal.set_retention_days(days))
        if removed is _RETIRED:
            return 0
        await self._load()
        if self._retired:
            return removed
        self.count.setText(f"Keeping transfers for {days} days: {removed:,} older "
                           f"transfer{'s' if removed != 1 else ''} deleted.")
        return removed

    def refresh(self) -> None:
        spawn(self._load())

    def _filters(self) -> dict[str, Any]:
        from datetime import UTC, datetime, timedelta

        days = self.period.currentData()
        group = self.outcome.currentData()
        return {"group": StatusGroup(group) if group else None, "text": self.search.text(),
                "since": datetime.now(UTC) - timedelta(days=days) if days else None}

    async def _load(self) -> None:
        if self._retired:  # spawned before the window was retired, started after
            return
        self._generation += 1
        generation, filters = self._generation, self._filters()

        queue_name = self._queue_name

        def read() -> tuple[list[JournalEntry], list[Cells]]:
            entries = self.journal.find(**filters, limit=SHOWN_ROWS)
            return entries, [cells(entry, queue_name) for entry in entries]

        answer = await self._off_thread(read)
        if answer is _RETIRED or generation != self._generation:
            return  # retired, or the filters changed meanwhile: a newer load shows its answer
        entries, shown = answer
        self.model.set_entries(entries, shown)
        more = " (the newest; export writes them all)" if len(entries) == SHOWN_ROWS else ""
        self.count.setText(f"{len(entries):,} transfer{'s' if len(entries) != 1 else ''}{more}")

    def _transfer_again(self) -> None:
        if (entry := self.selected()) is not None:
            self.sig_transfer_again.emit(entry)

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entries[rows[0].row()] if rows else None

    def copy_row(self) -> None:
        if (entry := self.selected()) is not None:
            QGuiApplication.clipboard().setText(row_text(entry, self._queue_name, self.show_values.isChecked()))

    def choose_export_file(self) -> None:
        dialog = QFileDialog(self, "Export the history to CSV", str(Path.home() / "transfers.csv"), "CSV (*.csv)")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(lambda path: spawn(self.export_to(Path(path))))
        dialog.open()  # never exec() inside the event loop

    async def export_to(self, path: Path) -> int:
        """Every transfer the filters match (not only the rows shown), to `path`."""
        from app.journal_export import export_csv

        if self._retired:
            return 0
        filters, include = self._filters(), self.include_values.isChecked()
        try:
            count = await self._off_thread(lambda: export_csv(self.journal.find(**filters, limit=None), path, include))
        except OSError as error:
            if not self._retired:
                self.count.setText(f"Could not write {path}: {error.strerror or error}")
            return 0
        if count is _RETIRED:
            return 0
        self.count.setText(f"Exported {count:,} transfers to {path}")
        return count
