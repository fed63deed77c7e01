"""The window's lower part: the transfer form, the "already routed" question and the outcome.

Wires the form to the `TransferController` and shows what the controller reports:
progress, the outcome in place, Retry where safe, and the non-modal confirmation bar.
"""

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.transfer.confirm_bar import ConfirmBar
from app.ui.transfer.controller import TransferController
from app.ui.transfer.form import TransferForm
from app.ui.transfer.outcome_banner import OutcomeBanner


class TransferSection(QWidget):
    sig_message_shown = Signal(object)  # the banner that appeared (the window scrolls it into view)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending_confirmation = None
        self.form = TransferForm(self)
        self.confirm_bar = ConfirmBar(self)
        self.outcome = OutcomeBanner(self)
        self.controller = TransferController(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.form)
        layout.addWidget(self.confirm_bar)
        layout.addWidget(self.outcome)

        self.form.sig_transfer_requested.connect(self.controller.request_transfer)
        self.controller.sig_busy_changed.connect(self.form.set_busy)
        self.controller.sig_started.connect(self._started)
        self.controller.sig_finished.connect(self._finished)
        self.controller.sig_confirm_needed.connect(self._confirm_needed)
        self.confirm_bar.sig_confirmed.connect(self._confirmed)
        self.confirm_bar.sig_cancelled.connect(self._cancelled)
        self.outcome.sig_retry.connect(self.controller.retry)

    def tab_chain(self) -> list[QWidget]:
        return [*self.form.tab_chain(), self.confirm_bar.confirm_button, self.confirm_bar.cancel_button,
                *self.outcome.tab_chain()]

    def clear_messages(self) -> None:
        """A new call: the previous call's outcome and question no longer apply."""
        self._pending_confirmation = None
        self.confirm_bar.hide()
        self.outcome.hide()

    # ---- what the controller reports ------------------------------------------------------
    def _started(self, request) -> None:
        self.confirm_bar.hide()
        self.outcome.show_progress(request.target_label)
        self._shown(self.outcome)

    def _finished(self, request, outcome) -> None:
        self.outcome.show_outcome(outcome, request, self.form.fallback.queues())
        self._shown(self.outcome)
        if self.outcome.retry_button.isVisible():
            self.outcome.retry_button.setFocus()

    def _confirm_needed(self, request, refusal) -> None:
        self._pending_confirmation = request
        self.outcome.hide()
        self.confirm_bar.ask(refusal, request.target_label)
        self._shown(self.confirm_bar)

    def _confirmed(self) -> None:
        request, self._pending_confirmation = self._pending_confirmation, None
        if request is not None:
            self.controller.request_transfer(request, confirmed=True)

    def _cancelled(self) -> None:
        self._pending_confirmation = None
        self.form.transfer_button.setFocus()

    def _shown(self, banner: QWidget) -> None:
        # After the layout has made room for it.
        def announce() -> None:
            if shiboken6.isValid(banner):
                self.sig_message_shown.emit(banner)

        QTimer.singleShot(0, announce)
