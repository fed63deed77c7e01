"""Where a transfer's progress and outcome appear, in place under the Transfer button.

Success names the target and the time it took; a failure shows the server's words and
what to do; "outcome unknown" says the call may already be moving. Retry is offered only
when the core says sending again is safe (`RouteOutcome.retry_safe`), and after a
Retry-After only once that wait is over: the button counts it down.
"""

import math

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.core.routing.outcome import OutcomeStatus, RouteOutcome, Severity
from app.messages import Front, outcome_text
from app.ui.common.banner import Banner

COUNTDOWN_STEP_MS = 1000  # one second of a Retry-After (tests make it shorter)
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
        self._wait_left = 0
        self._countdown = QTimer(self)
        self._countdown.timeout.connect(self._tick)

    def show_progress(self, label: str) -> None:
        self._stop_countdown()
        self.retry_button.hide()
        self.set_dismissable(False)
        self.show_message("progress", f"Transferring to {label}…", "Waiting for Salesforce to answer.", busy=True)

    def show_outcome(self, outcome: RouteOutcome, label: str) -> None:
        """Show a core `RouteOutcome` in words."""
        text = outcome_text(outcome, label, Front.WINDOW)
        self.retry_button.setVisible(outcome.retry_safe)
        self._stop_countdown()
        if outcome.retry_safe and outcome.retry_after_s:
            self._wait_left = math.ceil(outcome.retry_after_s)
            self._countdown.start(COUNTDOWN_STEP_MS)
            self._tick(first=True)
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


    def _tick(self, first: bool = False) -> None:
        """One second of the server's Retry-After gone: Retry stays off until it is all gone."""
        if not first:
            self._wait_left -= 1
        waiting = self._wait_left > 0
        self.retry_button.setEnabled(not waiting)
        self.retry_button.setText(f"Retry in {self._wait_left} s" if waiting else "Retry")
        if not waiting:
            self._countdown.stop()

    def _stop_countdown(self) -> None:
        self._countdown.stop()
        self._wait_left = 0
        self.retry_button.setEnabled(True)
        self.retry_button.setText("Retry")


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())
