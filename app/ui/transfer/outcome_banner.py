"""Where a transfer's progress and outcome appear, in place under the Transfer button.

Success names the target and the time it took; a failure shows the server's words and
what to do; "outcome unknown" says the call may already be moving. Retry is offered only
when the core says sending again is safe (`RouteOutcome.retry_safe`).
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.core.routing.outcome import OutcomeStatus, RouteOutcome, Severity
from app.messages import Front, outcome_text
from app.ui.common.banner import Banner

_LEVELS = {Severity.SUCCESS: "success", Severity.WARNING: "warning", Severity.FAILURE: "failure"}
_MAY_BE_MOVING = "Do not retry blindly: a second request could route the call twice."


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

    def show_outcome(self, outcome: RouteOutcome, label: str) -> None:
        """Show a core `RouteOutcome` in words."""
        text = outcome_text(outcome, label, Front.WINDOW)
        self.retry_button.setVisible(outcome.retry_safe)
        self.set_dismissable(True)
        level = _LEVELS[outcome.traits.severity]
        if outcome.accepted:
            self.show_message(level, f"{text.headline} · {outcome.elapsed_ms:.0f} ms",
                              _join("Accepted. The softphone shows when the call actually moves.", text.hint))
        elif outcome.status is OutcomeStatus.OUTCOME_UNKNOWN:
            self.show_message(level, "Outcome unknown: the call may already be moving.",
                              _join(text.headline, text.hint, _MAY_BE_MOVING))
        else:
            self.show_message(level, text.headline, text.hint)


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())
