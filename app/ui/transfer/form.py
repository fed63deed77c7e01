"""The transfer form for the selected target: what it is, the flow options, and the Transfer button.

The button is enabled only when the core's `TransferDesk.check` (handed over with
`set_checker` once the services are up) accepts what is on screen;
otherwise its reason is shown under it, and a flow-input problem next to the inputs. The
form never decides what is valid by itself: what the desk's `caution` says of the target (an
agent who is busy, away or offline) is shown under the button too, and the desk asks again on
Transfer. A fallback queue the rep is still typing is not called wrong until the rep leaves it.

The form is the window's middle part (what the target is, the flow options: these scroll);
`action` (the Transfer button) and `reason` (why it is off) go into the window's fixed footer,
so they stay in view whatever the middle holds. Names and IDs elide (the full text is in their
tooltips); nothing here makes the window wider.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.core.ids import IdKind
from app.ui.common import a11y
from app.ui.common.fitted_text import ElidedButton, FittedLabel
from app.ui.common.i18n import QT_TRANSLATE_NOOP, isolated
from app.ui.common.icons import PRESENCE_WORDS, kind_icon, presence_icon
from app.ui.common.style import restyle
from app.ui.directory.target_view import TargetView
from app.ui.transfer.fallback_picker import FallbackPicker
from app.ui.transfer.flow_inputs import FlowInputsEditor

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.core.errors import PanelError
    from app.core.routing.request import CheckedTransfer, RouteRequest

    Checker = Callable[..., CheckedTransfer]  # TransferDesk.check
    Caution = Callable[[str, str], PanelError | None]  # TransferDesk.caution

NO_TARGET = QT_TRANSLATE_NOOP("TransferForm", "Choose an agent, queue or flow in the directory above.")
_TRANSFER_KEYS = "Ctrl+Return"


def _with_keys(action: str) -> str:
    """"Transfer to Billing (Ctrl+Enter)", the keys as the desktop's language names them."""
    from PySide6.QtGui import QKeySequence

    return f"{action} ({QKeySequence(_TRANSFER_KEYS).toString(QKeySequence.SequenceFormat.NativeText)})"


class TransferForm(QWidget):
    """Emits `sig_transfer_requested(request)` with a validated `RouteRequest`."""

    sig_transfer_requested = Signal(object)
    sig_favorite_toggled = Signal(str)  # target ID: star or unstar it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target: TargetView | None = None
        self._call_id = ""
        self._busy = False
        self._check: Checker | None = None
        self._caution: Caution | None = None
        self._waiting_reason = self.tr("Starting…")
        self._request: RouteRequest | None = None
        self._favorite = False
        self._said = ""  # the last transfer's progress or outcome, on the Transfer button (say_on_transfer_button)

        self.title = QLabel(self.tr("TRANSFER"), self)
        self.title.setObjectName("sectionTitle")
        self.kind_icon = QLabel(self)
        self.kind_icon.setFixedSize(QSize(28, 28))
        # The labels that show text speak it (see app/ui/common/a11y.py); the icons are named.
        self.name = FittedLabel(self)
        self.name.setObjectName("targetName")
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.meta = FittedLabel(self)
        self.meta.setObjectName("targetMeta")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # no Tab stop without a ring
        self.star_button = QToolButton(self)
        self.star_button.setObjectName("starButton")
        self.star_button.setAutoRaise(True)
        self.star_button.clicked.connect(self.toggle_favorite)
        self.presence_row = QWidget(self)  # hidden as one (a layout of hidden widgets breaks sizing)
        self.presence_icon = QLabel(self.presence_row)
        self.presence_icon.setFixedSize(QSize(14, 14))
        self.presence = FittedLabel(self.presence_row)
        self.presence.setTextFormat(Qt.TextFormat.PlainText)
        self.presence.setObjectName("targetMeta")

        self.flow_box = QWidget(self)
        self.fallback_label = QLabel(self.tr("&Fallback queue"), self.flow_box)
        self.fallback_label.setObjectName("fieldLabel")
        self.fallback = FallbackPicker(self.flow_box)
        self.fallback_label.setBuddy(self.fallback)
        self.inputs = FlowInputsEditor(self.flow_box)
        flow_layout = QVBoxLayout(self.flow_box)
        flow_layout.setContentsMargins(0, 4, 0, 0)
        flow_layout.setSpacing(4)
        flow_layout.addWidget(self.fallback_label)
        flow_layout.addWidget(self.fallback)
        flow_layout.addSpacing(4)
        flow_layout.addWidget(self.inputs)
        self.flow_box.hide()

        # The footer's parts (see the module's docstring): parented here, placed by TransferSection.
        self.action = QWidget(self)
        self.transfer_button = ElidedButton(self.tr("Transfer"), self.action)
        self.transfer_button.setObjectName("transferButton")
        a11y.name(self.transfer_button, self.tr("Transfer"))
        self.transfer_button.setToolTip(_with_keys(self.tr("Transfer")))
        self.transfer_button.setAutoDefault(False)
        self.transfer_button.setEnabled(False)
        self.reason = FittedLabel(self, one_line=False)  # a message: it goes with the footer's others
        self.reason.setObjectName("transferReason")
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        action = QVBoxLayout(self.action)
        action.setContentsMargins(0, 0, 0, 0)
        action.setSpacing(4)
        action.addWidget(self.transfer_button)

        self.summary = QWidget(self)  # what the target is: hidden as one in the compact layout
        header = QHBoxLayout(self.summary)
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(8)
        icon_column = QVBoxLayout()
        icon_column.addWidget(self.kind_icon)
        icon_column.addStretch(1)
        header.addLayout(icon_column)
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.name)
        text.addWidget(self.meta)
        presence_row = QHBoxLayout(self.presence_row)
        presence_row.setContentsMargins(0, 0, 0, 0)
        presence_row.setSpacing(5)
        presence_row.addWidget(self.presence_icon)
        presence_row.addWidget(self.presence, 1)
        text.addWidget(self.presence_row)
        header.addLayout(text, 1)
        header.addWidget(self.star_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.flow_box)

        self.fallback.sig_changed.connect(self._revalidate)
        self.fallback.sig_left.connect(self._revalidate)
        self.inputs.sig_changed.connect(self._revalidate)
        self.transfer_button.clicked.connect(self.trigger)
        self._show_target()

    # ---- inputs from the window ---------------------------------------------------------
    def set_target(self, target: TargetView | None) -> None:
        if target == self._target:
            return
        same_id = target is not None and self._target is not None and target.target_id == self._target.target_id
        self._target = target
        if not same_id:
            self.fallback.reset()
            self.inputs.clear()
            self.inputs.set_known(target.inputs if target is not None else ())
            self._said = ""  # the outcome was another target's
        self._show_target()

    def target(self) -> TargetView | None:
        return self._target

    def set_compact(self, compact: bool) -> None:
        """The compact layout (On top) shows only the flow options: the Transfer button names the target."""
        self.title.setVisible(not compact)
        self.summary.setVisible(not compact)

    def shows_flow_options(self) -> bool:
        return not self.flow_box.isHidden()

    def set_favorite(self, favorite: bool) -> None:
        """Show whether the target on the form is a favorite."""
        self._favorite = favorite
        self.star_button.setText("★" if favorite else "☆")
        action = self.tr("Remove from favorites") if favorite else self.tr("Add to favorites")
        a11y.name(self.star_button, action)
        self.star_button.setToolTip(self.tr("{action} (Ctrl+D); Ctrl+1…9 picks favorite 1…9").format(action=action))

    def toggle_favorite(self) -> None:
        """Star or unstar the target on the form (the star button, Ctrl+D)."""
        if self._target is not None and not self._target.entered:
            self.sig_favorite_toggled.emit(self._target.target_id)

    def set_call_id(self, text: str) -> None:
        self._call_id = text
        self._revalidate()

    def set_queues(self, labels: list[str], queue_ids: list[str]) -> None:
        self.fallback.set_queues(labels, queue_ids)

    def set_checker(self, check: Checker | None, waiting_reason: str = "", caution: Caution | None = None) -> None:
        """The desk's check (and caution) once the services are up; None before (Transfer stays off and
        `waiting_reason` says why)."""
        self._check = check
        self._caution = caution
        self._waiting_reason = waiting_reason or self.tr("Starting…")
        self._revalidate()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._revalidate()

    # ---- state --------------------------------------------------------------------------
    def request(self) -> RouteRequest | None:
        """The validated RouteRequest on screen, or None (then `reason_text()` says why)."""
        return self._request

    def reason_text(self) -> str:
        return self.reason.text()

    def can_transfer(self) -> bool:
        return self.transfer_button.isEnabled() and not self._busy

    def trigger(self) -> None:
        """Transfer now (the button, Ctrl+Enter): only when the request is valid and none is in flight.

        The focus goes to the Transfer button (Ctrl+Enter may come from the search or a field) and
        stays there while the transfer runs: what it says about the outcome is said there."""
        if self._request is not None and not self._busy and self.transfer_button.isEnabled():
            self.transfer_button.setFocus()
            self.sig_transfer_requested.emit(self._request)

    def say_on_transfer_button(self, text: str) -> None:
        """What a screen reader hears on the Transfer button besides its name: the progress or outcome
        of the last transfer ("": its tooltip). Said at once when the button has the focus."""
        self._said = text
        a11y.describe(self.transfer_button, text or self.transfer_button.toolTip())

    def focus_entry(self) -> bool:
        """Focus the first thing to do in the form; False when nothing here can take focus."""
        if self._target is not None and self._target.kind is IdKind.FLOW:
            self.fallback.setFocus()
            return True
        if self.transfer_button.isEnabled():
            self.transfer_button.setFocus()
            return True
        return False

    def tab_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        if self._target is not None and self._target.kind is IdKind.FLOW:
            chain += [self.fallback, *self.inputs.tab_chain()]
        star = [self.star_button] if self._target is not None and not self._target.entered else []
        return [*star, *chain, self.transfer_button]

    # ---- internals ----------------------------------------------------------------------
    def _show_target(self) -> None:
        target = self._target
        self.kind_icon.setVisible(target is not None)
        if target is None:
            self.kind_icon.clear()
            self.name.setText(self.tr("No target selected"))
            self.meta.setText(self.tr("Search the directory, then pick a row (Enter or click)."))
            self.presence_row.hide()
            self.flow_box.hide()
            self.star_button.hide()
        else:
            self.star_button.setVisible(not target.entered)
            self.kind_icon.setPixmap(kind_icon(target.kind, 28).pixmap(28, 28))
            a11y.name(self.kind_icon, target.kind_label)
            self.name.setText(target.name)
            self.meta.setText(f"{target.kind_label} · {target.target_id}")  # the kind's word is translated
            self.presence_icon.setVisible(target.presence is not None)
            if target.presence is not None:
                self.presence_icon.setPixmap(presence_icon(target.presence, 14).pixmap(14, 14))
                a11y.name(self.presence_icon, self.tr("Presence: {state}").format(
                    state=self.tr(PRESENCE_WORDS[target.presence])))
            detail = target.secondary if target.kind is IdKind.AGENT else target.secondary_with_label
            self.presence.setText(detail)
            self.presence_row.setVisible(bool(detail))
            self.flow_box.setVisible(target.kind is IdKind.FLOW)
        self._revalidate()

    def _revalidate(self) -> None:
        request, reason, waiting = self._build()
        self._request = request
        target = self._target
        if self._busy:
            # Still enabled (trigger() ignores it meanwhile): a disabled button would lose the focus,
            # and a screen reader would follow the focus to whatever control came next.
            self.transfer_button.setText(self.tr("Transferring…"))
            self.transfer_button.setEnabled(True)
            self.reason.setText("")
        else:
            name = target.name if target is not None else ""
            action = self.tr("Transfer to {name}").format(name=isolated(name)) if target else self.tr("Transfer")
            self.transfer_button.setText(action)
            self.transfer_button.setToolTip(_with_keys(action))  # the whole text, however the button elides it
            a11y.name(self.transfer_button, action)
            a11y.describe(self.transfer_button, self._said or self.transfer_button.toolTip())
            self.transfer_button.setEnabled(request is not None)
            self.reason.setText(reason)
        tone = "hint" if waiting or (request is not None and not reason) else "error" if request is None else "warning"
        if self.reason.property("tone") != tone:
            self.reason.setProperty("tone", tone)
            restyle(self.reason)
        self.reason.setVisible(bool(self.reason.text()))

    def _build(self) -> tuple[RouteRequest | None, str, bool]:
        """The request (or None), why not, and whether that is only waiting (nothing is wrong yet:
        no services, no target chosen, no call arrived) rather than a problem to fix."""
        if self._check is None:
            self.inputs.set_problem("")
            return None, self._waiting_reason, True
        target = self._target
        if target is None:
            return None, self.tr(NO_TARGET), True
        from app.core.errors import Problem
        from app.core.routing.request import Field  # loaded with the services, after the first paint
        from app.messages import Front, describe

        is_flow = target.kind is IdKind.FLOW
        checked = self._check(self._call_id, target.target_id, target_label=target.name,
                              fallback_queue=self.fallback.value() if is_flow else None,
                              flow_inputs=self.inputs.pairs() if is_flow else ())
        inputs_problem = checked.problems.get(Field.FLOW_INPUTS)
        self.inputs.set_problem(describe(inputs_problem, Front.WINDOW) if inputs_problem else "")
        if checked.request is None:
            first = next(iter(checked.problems.values()))
            if first.code is Problem.CALL_ID_EMPTY and len(checked.problems) == 1:
                return None, self.tr("Waiting for a call from the softphone."), True
            if Field.FALLBACK_QUEUE in checked.problems and not self.fallback.is_settled():
                return None, self.tr("Pick the fallback queue: Enter takes the top match."), True  # still typing
            return None, describe(first, Front.WINDOW), False
        caution = self._caution(target.target_id, target.name) if self._caution is not None else None
        return checked.request, describe(caution, Front.WINDOW) if caution else "", False
