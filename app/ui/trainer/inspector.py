"""The request inspector (demo only): what each transfer sent to the simulator and got back.

Method, URL, headers with the token redacted, the token's decoded claims, the body, the
answer and timings: one page per request, large enough to show on a projector. Requests
arrive live from the simulator's thread through a queued signal. Like a dialog, it opens
fully on the screen and Esc or Ctrl+W closes it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
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


class InspectorWindow(QWidget):
    sig_request = Signal(object)  # RecordedRequest, emitted on the simulator's thread

    def __init__(self, simulator: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Request inspector")
        self.simulator = simulator
        self._origin = simulator.base_url.removesuffix(BASE_PATH)
        self.requests = QListWidget(self)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("inspectorDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setPlaceholderText("Transfer a call: its request and answer appear here.")
        self.hint = QLabel("Newest first · the token is never shown, only its decoded claims", self)
        self.hint.setObjectName("muted")
        self.clear_button = QPushButton("Clear", self)
        for widget, text in ((self.requests, "Requests, newest first"), (self.details, "Request details"),
                             (self.clear_button, "Clear the list")):
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
        self.requests.currentItemChanged.connect(self._show)
        self.clear_button.clicked.connect(self._clear)
        close_keys(self)
        self._listening = False

    def open(self) -> None:
        if not self._listening:
            self.requests.clear()
            for record in self.simulator.add_listener(self._from_simulator)[-SHOWN_REQUESTS:]:
                self._add(record)
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

    def _add(self, record: Any) -> None:
        item = QListWidgetItem(summary_line(record))
        item.setData(Qt.ItemDataRole.UserRole, record)
        self.requests.insertItem(0, item)
        while self.requests.count() > SHOWN_REQUESTS:
            self.requests.takeItem(self.requests.count() - 1)
        self.requests.setCurrentRow(0)  # follow the newest, as the class watches it happen

    def _show(self, item: QListWidgetItem | None) -> None:
        record = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.details.setPlainText(describe(record, self._origin) if record is not None else "")

    def _clear(self) -> None:
        self.requests.clear()
        self.simulator.clear_requests()
