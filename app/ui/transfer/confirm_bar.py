"""The inline question before routing a call that already has an accepted routing request.

Non-modal on purpose: a modal dialog inside the transfer coroutine would re-enter the
event loop. The window keeps the pending request and sends it on `sig_confirmed`.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.ui.common.banner import Banner


class ConfirmBar(Banner):
    sig_confirmed = Signal()
    sig_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Confirm a second transfer", parent)
        self.confirm_button = self.add_button("Transfer again", "Transfer this call again")
        self.cancel_button = self.add_button("Cancel", "Cancel the second transfer")
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button.clicked.connect(self._cancel)

    def ask(self, previous: str, label: str) -> None:
        self.confirm_button.setText(f"Transfer again to {label}" if len(label) <= 28 else "Transfer again")
        self.show_message(
            "warning", "This call already has an accepted routing request.",
            f"{previous} Routing it again may move it twice. Transfer it to {label} anyway?",
        )
        self.cancel_button.setFocus()

    def _confirm(self) -> None:
        self.hide()
        self.sig_confirmed.emit()

    def _cancel(self) -> None:
        self.hide()
        self.sig_cancelled.emit()
