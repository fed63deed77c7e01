"""The window's fixed footer (the Transfer button and its reason, the "already routed" question
and the outcome) and the transfer form that the window places in its middle.

Wires the form to the `TransferController` and shows what the controller reports:
progress, the outcome in place, Retry where safe, and the non-modal confirmation bar. The
footer never leaves the window: its messages take what room the window has left and scroll
beyond it (`MessageArea`).

A screen reader hears each of them where the rep is: the focus stays on the Transfer button
through a transfer (Retry takes it when offered, the question's Cancel while it asks), the
outcome and the question are announced, and the focused button's description says them too
(Orca 43 ignores announcements but reads a description that changes on the focused object).
"""

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.common import a11y
from app.ui.common.scrolling import MessageArea
from app.ui.transfer.confirm_bar import ConfirmBar
from app.ui.transfer.controller import TransferController
from app.ui.transfer.form import TransferForm
from app.ui.transfer.outcome_banner import OutcomeBanner


class TransferSection(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending_confirmation = None
        self.form = TransferForm(self)  # the window moves it to its middle
        self.confirm_bar = ConfirmBar(self)
        self.outcome = OutcomeBanner(self)
        # What the rep just did first (the question, the outcome), then why Transfer is off now.
        self.messages = MessageArea([self.confirm_bar, self.outcome, self.form.reason], self)
        self.controller = TransferController(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.form.action)
        layout.addWidget(self.messages)

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
        self.form.say_on_transfer_button(self.outcome.spoken_text())
        self._shown(self.outcome)

    def _finished(self, request, outcome) -> None:
        self.outcome.show_outcome(outcome, request, self.form.fallback.queues())
        said = self.outcome.spoken_text()
        self.form.say_on_transfer_button(said)
        a11y.announce(self.outcome, said, assertive=not outcome.accepted)
        self._shown(self.outcome)
        retry = self.outcome.retry_button
        if retry.isVisible() and retry.isEnabled():  # while a Retry-After counts down the focus stays
            a11y.describe(retry, said)
            retry.setFocus()

    def _confirm_needed(self, request, refusal) -> None:
        self._pending_confirmation = request
        self.outcome.hide()
        self.confirm_bar.ask(refusal, request.target_label)  # the focus goes to its Cancel
        self.form.say_on_transfer_button(self.confirm_bar.spoken_text())
        a11y.announce(self.confirm_bar, self.confirm_bar.spoken_text(), assertive=True)
        self._shown(self.confirm_bar)

    def _confirmed(self) -> None:
        self.form.transfer_button.setFocus()  # before the question's buttons hide
        request, self._pending_confirmation = self._pending_confirmation, None
        if request is not None:
            self.controller.request_transfer(request, confirmed=True)

    def _cancelled(self) -> None:
        self._pending_confirmation = None
        self.form.say_on_transfer_button("")
        self.form.transfer_button.setFocus()

    def _shown(self, banner: QWidget) -> None:
        # In view once the layout has made room for it (a long one scrolls in its area).
        def into_view() -> None:
            if shiboken6.isValid(banner) and shiboken6.isValid(self.messages):
                self.messages.show_top_of(banner)

        QTimer.singleShot(0, into_view)
