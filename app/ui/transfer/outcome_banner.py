"""Where a transfer's progress and outcome appear, in place under the Transfer button.

Success names the target and the time it took; a failure shows the server's words and
what to do; "outcome unknown" says the call may already be moving. Retry is offered only
when the core says sending again is safe (`RouteOutcome.retry_safe`).
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.ui.common.banner import Banner

_WARNING_STATUSES = {"outcome_unknown", "throttled", "not_sent", "server_error"}


class OutcomeBanner(Banner):
    sig_retry = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Transfer outcome", parent)
        self.retry_button = self.add_button("Retry", "Retry the transfer")
        self.retry_button.clicked.connect(self.sig_retry)
        self.retry_button.hide()
        self.dismiss_button = self.close_button

    def show_progress(self, label: str) -> None:
        self.retry_button.hide()
        self.set_dismissable(False)
        self.show_message("progress", f"Transferring to {label}…", "Waiting for Salesforce to answer.", busy=True)

    def show_outcome(self, outcome) -> None:
        """Show a core `RouteOutcome`."""
        status = outcome.status.value
        self.retry_button.setVisible(outcome.retry_safe)
        self.set_dismissable(True)
        if outcome.accepted:
            self.show_message(
                "success", f"{outcome.message} · {outcome.elapsed_ms:.0f} ms",
                _join("Accepted. The softphone shows when the call actually moves.", outcome.hint),
            )
        elif status == "outcome_unknown":
            self.show_message(
                "warning", "Outcome unknown: the call may already be moving.",
                _join(outcome.message, outcome.hint,
                      "Do not retry blindly: a second request could route the call twice."),
            )
        else:
            level = "warning" if status in _WARNING_STATUSES else "failure"
            self.show_message(level, outcome.message, outcome.hint)

    def show_crash(self, label: str, description: str) -> None:
        """The transfer ended in an unexpected error (a bug, logged): the outcome is not known."""
        self.retry_button.hide()
        self.set_dismissable(True)
        self.show_message(
            "warning", f"The transfer to {label} stopped with an unexpected error.",
            _join(description, "The call may or may not be moving: check the softphone before "
                  "trying again. Details are in the log."),
        )


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())
