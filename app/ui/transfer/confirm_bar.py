"""The inline question before routing a call that already has a routing request that went (or may
have gone) through, or routing it to an agent the directory shows as busy, away or offline.

Non-modal on purpose: a modal dialog inside the transfer coroutine would re-enter the
event loop. The window keeps the pending request and sends it on `sig_confirmed`.
"""

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from app.core.errors import AlreadyRoutedError, Problem, TargetUnavailableError
from app.messages import Front, describe
from app.ui.common import a11y
from app.ui.common.banner import Banner
from app.ui.common.i18n import isolated


class ConfirmBar(Banner):
    sig_confirmed = Signal()
    sig_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("ConfirmBar", "Confirm a second transfer"), parent)
        self.confirm_button = self.add_button(self.tr("Transfer again"), self.tr("Transfer this call again"))
        self.cancel_button = self.add_button(self.tr("Cancel"), self.tr("Cancel the second transfer"))
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self._cancel)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc is "Cancel" (the focus is on the bar's buttons while it asks)."""
        if event.key() == Qt.Key.Key_Escape and self.isVisible():
            self._cancel()
            return
        super().keyPressEvent(event)

    def ask(self, refusal: AlreadyRoutedError | TargetUnavailableError, label: str) -> None:
        previous, shown = describe(refusal, Front.WINDOW), isolated(label)
        if refusal.code is Problem.TARGET_NOT_AVAILABLE:
            self.confirm_button.show()
            self.confirm_button.setText(self.tr("Transfer to {label} anyway").format(label=shown) if len(label) <= 24
                                        else self.tr("Transfer anyway"))
            self.show_message("warning", self.tr("{label} is {state}.").format(
                label=shown, state=QCoreApplication.translate("Messages", str(refusal.params["state"]))),
                self.tr("{previous} Transfer the call to them anyway?").format(previous=previous))
        elif refusal.code is Problem.TRANSFER_IN_FLIGHT:
            self.confirm_button.hide()
            self.show_message("warning", self.tr("This call is being transferred."), previous)
        else:
            self.confirm_button.show()
            self.confirm_button.setText(self.tr("Transfer again to {label}").format(label=shown) if len(label) <= 28
                                        else self.tr("Transfer again"))
            self.show_message("warning", self.tr("This call may already be moving."),
                              self.tr("{previous} Routing it again may move it twice. Transfer it to {label} "
                                      "anyway?").format(previous=previous, label=shown))
        for button in (self.confirm_button, self.cancel_button):  # what the rep hears on them
            a11y.describe(button, self.spoken_text())
        self.cancel_button.setFocus()

    # The answer first, then the bar hides: the answer's slot moves the focus on before its button goes.
    def _confirm(self) -> None:
        self.sig_confirmed.emit()
        self.hide()

    def _cancel(self) -> None:
        self.sig_cancelled.emit()
        self.hide()
