"""The request inspector (demo only): what each transfer sent to the simulator and got back.

Method, URL, headers with the token redacted, the token's decoded claims, the body, the
answer and timings: one page per request, large enough to show on a projector. Requests
arrive live from the simulator's thread through a queued signal. Like a dialog, it opens
fully on the screen and Esc or Ctrl+W closes it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.simulator.endpoint import BASE_PATH
from app.simulator.report import describe, summary_line
from app.ui.common import a11y
from app.ui.common.windows import close_keys, open_on_screen

SHOWN_REQUESTS = 200  # a class's worth; the simulator keeps more
RECORD_ROLE = Qt.ItemDataRole.UserRole


class RequestList(QAbstractListModel):
    """The requests shown, newest first; a row's one-line summary is written when it is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: list[Any] = []
        self._lines: dict[int, str] = {}  # id(record) -> its summary, once shown

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        record = self.records[index.row()]
        if role == RECORD_ROLE:
            return record
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            line = self._lines.get(id(record))
            if line is None:
                line = self._lines[id(record)] = summary_line(record)
            return line
        return None

    def set_records(self, newest_first: list[Any]) -> None:
        self.beginResetModel()
        self.records, self._lines = newest_first, {}
        self.endResetModel()

    def add_newest(self, record: Any) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.records.insert(0, record)
        self.endInsertRows()
        if len(self.records) > SHOWN_REQUESTS:
            self.beginRemoveRows(QModelIndex(), SHOWN_REQUESTS, len(self.records) - 1)
            for gone in self.records[SHOWN_REQUESTS:]:
                self._lines.pop(id(gone), None)
            del self.records[SHOWN_REQUESTS:]
            self.endRemoveRows()


class InspectorWindow(QWidget):
    sig_request = Signal(object)  # RecordedRequest, emitted on the simulator's thread

    def __init__(self, simulator: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Request inspector"))
        self.simulator = simulator
        self._origin = simulator.base_url.removesuffix(BASE_PATH)
        self.request_list = RequestList(self)
        self.requests = QListView(self)
        self.requests.setModel(self.request_list)
        self.requests.setUniformItemSizes(True)  # one line each: never measured one by one
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("inspectorDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setPlaceholderText(self.tr("Transfer a call: its request and answer appear here."))
        self.hint = QLabel(self.tr("Newest first · the token is never shown, only its decoded claims"), self)
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)  # longer languages: it wraps rather than widening the window
        self.clear_button = QPushButton(self.tr("Clear"), self)
        for widget, text in ((self.requests, self.tr("Requests, newest first")),
                             (self.details, self.tr("Request details")),
                             (self.clear_button, self.tr("Clear the list"))):
            a11y.name(widget, text)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.requests)
        splitter.addWidget(self.details)
        splitter.setSizes([140, 420])
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(640, 640)

        self.sig_request.connect(self._add, Qt.ConnectionType.QueuedConnection)
        self.requests.selectionModel().currentChanged.connect(lambda current, _previous: self._show(current))
        self.clear_button.clicked.connect(self._clear)
        close_keys(self)
        self._listening = False

    def open(self) -> None:
        if not self._listening:
            self._fill(self.simulator.add_listener(self._from_simulator)[-SHOWN_REQUESTS:])
            self._listening = True
        open_on_screen(self, self.parentWidget())

    def stop_listening(self) -> None:
        if self._listening:
            self.simulator.remove_listener(self._from_simulator)
            self._listening = False

    def closeEvent(self, event) -> None:
        self.stop_listening()
        super().closeEvent(event)

    def _from_simulator(self, record: Any) -> None:
        # On a server thread. The window is deleted only after stop_listening(), which waits for
        # this call to end, so it is alive here; the signal queues the record for the GUI thread.
        self.sig_request.emit(record)

    def _fill(self, records: list[Any]) -> None:
        """The log so far, newest first, in one go; the details pane then renders the newest once
        (inserting each at the top re-rendered it per request: 50-75 ms for a full log), and rows
        write their summaries only when shown."""
        self.request_list.set_records(records[::-1])
        self._select_newest()

    def _add(self, record: Any) -> None:
        self.request_list.add_newest(record)
        self._select_newest()  # follow the newest, as the class watches it happen

    def _select_newest(self) -> None:
        if self.request_list.rowCount():
            self.requests.setCurrentIndex(self.request_list.index(0, 0))
        else:
            self._show(QModelIndex())

    def _show(self, index: QModelIndex) -> None:
        record = index.data(RECORD_ROLE) if index.isValid() else None
        self.details.setPlainText(describe(record, self._origin) if record is not None else "")

    def _clear(self) -> None:
        self.request_list.set_records([])
        self._show(QModelIndex())
        self.simulator.clear_requests()
