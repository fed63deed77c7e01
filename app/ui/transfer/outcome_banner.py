"""Where a transfer's progress and outcome appear, in place under the Transfer button.

The rep reads one thing: what happened and what to do with the caller now (the words and
the rules for them are `app.messages.rep_outcome`'s). The HTTP status, the server's words and
the hints for IT wait behind "Details", closed each time an outcome arrives and reachable by
Tab and Space. Retry is offered only when the core says sending again is safe
(`RouteOutcome.retry_safe`), and after a Retry-After only once that wait is over: the button
counts it down.
"""

import math
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QWidget

from app.core.routing.outcome import RouteOutcome, Severity
from app.core.routing.request import RouteRequest
from app.messages import RepOutcome, TransferFacts, rep_outcome
from app.ui.common import a11y
from app.ui.common.banner import Banner
from app.ui.common.i18n import number

COUNTDOWN_STEP_MS = 1000  # one second of a Retry-After (tests make it shorter)
_LEVELS = {Severity.SUCCESS: "success", Severity.WARNING: "warning", Severity.FAILURE: "failure"}


class OutcomeBanner(Banner):
    sig_retry = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("OutcomeBanner", "Transfer outcome"), parent)
        self.details_button = QToolButton(self)
        self.details_button.setObjectName("outcomeDetailsButton")
        self.details_button.setText(self.tr("Details"))
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a tool button is no Tab stop by default
        a11y.name(self.details_button, self.tr("Details for IT"))
        a11y.describe(self.details_button,
                      self.tr("Shows the HTTP status, the server's answer and what IT should check"))
        self.details_button.toggled.connect(self._show_details)
        self.buttons.insertWidget(0, self.details_button)  # left of the row; Retry stays on the right
        self.details = QLabel(self)
        self.details.setObjectName("outcomeDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # as the banner's text
        self.details.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.add_below(self.details)
        self.retry_button = self.add_button(self.tr("Retry"), self.tr("Retry the transfer"))
        self.retry_button.clicked.connect(self.sig_retry)
        self.retry_button.hide()
        self.dismiss_button = self.close_button
        self._wait_left = 0
        self._countdown = QTimer(self)
        self._countdown.timeout.connect(self._tick)
        self._set_details("")

    def tab_chain(self) -> list[QWidget]:
        """In the order they are on screen: Dismiss at the top right, then the row under the text."""
        return [self.dismiss_button, self.details_button, self.retry_button]

    def show_progress(self, label: str) -> None:
        self._stop_countdown()
        self.retry_button.hide()
        self._set_details("")
        self.set_dismissable(False)
        self.show_message("progress", self.tr("Transferring to {label}…").format(label=label),
                          self.tr("Waiting for Salesforce to answer."), busy=True)

    def show_outcome(self, outcome: RouteOutcome, request: RouteRequest, queues: Iterable[tuple[str, str]] = ()
                     ) -> None:
        """Show a core `RouteOutcome` of `request`; `queues` (name, ID) are the directory's, from
        which the rep may be offered another one."""
        said = rep_outcome(outcome, TransferFacts.of(request, queues))
        self.retry_button.setVisible(outcome.retry_safe)
        self._stop_countdown()
        if outcome.retry_safe and outcome.retry_after_s:
            self._wait_left = math.ceil(outcome.retry_after_s)
            self._countdown.start(COUNTDOWN_STEP_MS)
            self._tick(first=True)
        self._set_details(_details_text(said))
        self.set_dismissable(True)
        happened = said.happened
        if outcome.accepted:  # no-break spaces: the duration never wraps onto a line alone (`ms` in any language)
            happened += f"\u00a0·\u00a0{number(round(outcome.elapsed_ms))}\u00a0ms"
        self.show_message(_LEVELS[outcome.traits.severity], happened, said.now)

    def text(self) -> str:
        """Everything the banner says, its details included (for tests and screen readers)."""
        return "\n".join(part for part in (super().text(), self.details.text()) if part)

    def _set_details(self, text: str) -> None:
        """New details ("": no Details button), closed until the rep opens them."""
        self.details.setText(text)
        self.details_button.setChecked(False)
        self._show_details(False)
        self.details_button.setVisible(bool(text))

    def _show_details(self, shown: bool) -> None:
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.details.setVisible(shown)

    def _tick(self, first: bool = False) -> None:
        """One second of the server's Retry-After gone: Retry stays off until it is all gone."""
        if not first:
            self._wait_left -= 1
        waiting = self._wait_left > 0
        self.retry_button.setEnabled(not waiting)
        self.retry_button.setText(self.tr("Retry in %n s", "", self._wait_left) if waiting else self.tr("Retry"))
        if not waiting:
            self._countdown.stop()

    def _stop_countdown(self) -> None:
        self._countdown.stop()
        self._wait_left = 0
        self.retry_button.setEnabled(True)
        self.retry_button.setText(self.tr("Retry"))


def _details_text(said: RepOutcome) -> str:
    lines = list(said.details)
    if said.for_it:
        lines += [QCoreApplication.translate("OutcomeBanner", "For IT:"), *(f"• {hint}" for hint in said.for_it)]
    return "\n".join(lines)
