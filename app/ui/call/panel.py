"""The active call: its ID (large, copyable), where it came from, and whether it is valid.

A call ID that came from the softphone, the command line or the demo is read-only until the
rep chooses to edit it (Edit, Ctrl+L): keys typed before Ctrl+K go to the search, never into
the ID that is about to be transferred. The ID is checked by the core (the desk's
`check_call_id`): a Salesforce VoiceCall ID must be a valid ID, a vendor's contact ID must fit
the profile's rule.

Nothing here makes the window wider or taller than it is: the source, the caller and the
check elide (the full text is in their tooltips, and a problem is said in full under
Transfer). The compact layout (On top) keeps only the ID's row.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore  # QtCore.Qt, not Qt: see "Before the first paint" in app/ui/shell/window.py
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.core.calls import CallSource, IncomingCall
from app.ui.common import a11y
from app.ui.common.fitted_text import FittedLabel
from app.ui.common.style import restyle

WAITING = "Waiting for a call from the softphone (or paste its ID)"
SOURCE_LABELS = {CallSource.COMMAND_LINE: "command line", CallSource.SOFTPHONE: "softphone",
                 CallSource.DEMO: "demo", CallSource.TYPED: "typed"}



class CallPanel(QWidget):
    """Emits `sig_call_changed(text)` whenever the call ID text changes (typed, pasted or set)."""

    sig_call_changed = Signal(str)
    sig_new_demo_call = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source: CallSource | None = None
        self._check: Callable[[str], str] | None = None
        self._setup_finished = False
        self._compact = False
        self._demo = False
        self._caller_text = ""
        self.title = QLabel("ACTIVE CALL", self)
        self.title.setObjectName("sectionTitle")
        self.call_id = QLineEdit(self)
        self.call_id.setObjectName("callId")
        a11y.name(self.call_id, "Active call ID")
        a11y.describe(self.call_id,
            "The VoiceCall ID (0LQ…) or the telephony vendor's contact ID of the call to transfer"
        )
        self.call_id.setPlaceholderText(WAITING)
        self.title.setBuddy(self.call_id)
        self.copy_button = QPushButton("Copy", self)
        a11y.name(self.copy_button, "Copy the call ID")
        self.copy_button.setToolTip("Copy the call ID to the clipboard")
        self.copy_button.setAutoDefault(False)
        self.edit_button = QPushButton("Edit", self)
        a11y.name(self.edit_button, "Edit the call ID")
        self.edit_button.setToolTip("Change the call ID by hand (Ctrl+L)")
        self.edit_button.setAutoDefault(False)
        self.edit_button.hide()
        self.source_label = FittedLabel(self)
        self.source_label.setObjectName("callSource")  # the labels speak their text: "Source: demo"
        self.status = FittedLabel(self)  # one line: a problem is also said in full under Transfer
        self.status.setObjectName("callKind")
        self.caller = FittedLabel(self)
        self.caller.setObjectName("caller")
        self.caller.hide()
        self.new_demo_button = QPushButton("New demo call", self)
        a11y.name(self.new_demo_button, "Start a new demo call")
        self.new_demo_button.setToolTip("Simulate a new incoming call with a fresh VoiceCall ID")
        self.new_demo_button.setAutoDefault(False)
        self.new_demo_button.hide()

        title_row = QHBoxLayout()
        title_row.addWidget(self.title)
        title_row.addSpacing(12)
        title_row.addWidget(self.source_label, 1)
        id_row = QHBoxLayout()
        id_row.addWidget(self.call_id, 1)
        id_row.addWidget(self.edit_button)
        id_row.addWidget(self.copy_button)
        status_row = self._status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.new_demo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(title_row)
        layout.addLayout(id_row)
        layout.addWidget(self.caller)
        layout.addLayout(status_row)

        self.call_id.textEdited.connect(self._typed)
        self.call_id.textChanged.connect(self._changed)
        self.copy_button.clicked.connect(self.copy)
        self.edit_button.clicked.connect(self.edit)
        self.new_demo_button.clicked.connect(self.sig_new_demo_call)
        self._show_source()

    def finish_setup(self) -> None:
        """Right after the first paint (see app/ui/shell/window.py), and before any caller or check
        shows: the status and caller are plain text, whatever a caller's name or typed ID holds."""
        if self._setup_finished:
            return
        self._setup_finished = True
        for label in (self.status, self.caller):
            label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self._status_row.setAlignment(self.new_demo_button, QtCore.Qt.AlignmentFlag.AlignTop)
        align = QtCore.Qt.AlignmentFlag
        self.source_label.setAlignment(align.AlignRight | align.AlignVCenter)

    # ---- state --------------------------------------------------------------------------
    def text(self) -> str:
        return self.call_id.text()

    def source(self) -> CallSource | None:
        return self._source

    def set_call(self, call: IncomingCall | None) -> None:
        """Show a call (None: no call yet); its caller, where known (simulated demo calls). A call
        from outside is read-only until the rep edits it."""
        self._source = call.source if call is not None else None
        self.call_id.setText(call.call_id if call is not None else "")
        self._lock(call is not None and call.source is not CallSource.TYPED)
        self._show_caller(call.caller if call is not None else "")
        self._show_source()

    def edit(self) -> None:
        """Let the rep change the ID (Edit, Ctrl+L): editable, focused, selected."""
        self._lock(False)
        self.call_id.setFocus()
        self.call_id.selectAll()

    def is_locked(self) -> bool:
        return self.call_id.isReadOnly()

    def _lock(self, locked: bool) -> None:
        self.call_id.setReadOnly(locked)
        self.edit_button.setVisible(locked)
        if self._setup_finished:  # the clear button comes with the window's setup (window.py)
            self.call_id.setClearButtonEnabled(not locked)  # nothing to clear in what cannot be edited
        self.call_id.setCursorPosition(0)  # the ID's start in view: "0LQ…" says what it is

    def set_demo_mode(self, demo: bool) -> None:
        self._demo = demo
        self.new_demo_button.setVisible(demo and not self._compact)

    def set_compact(self, compact: bool) -> None:
        """The compact layout (On top): the ID's row only; a problem with it shows under Transfer."""
        self._compact = compact
        for widget in (self.title, self.source_label, self.status):
            widget.setVisible(not compact)
        self.new_demo_button.setVisible(self._demo and not compact)
        self.caller.setVisible(bool(self._caller_text) and not compact)

    def enable_validation(self, check: Callable[[str], str]) -> None:
        """Start checking the ID with the core's rule for this profile (`TransferDesk.check_call_id`,
        loaded with the services, after the first paint)."""
        self._check = check
        self._validate()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.call_id.text().strip())
        self.source_label.setText(f"{self._source_text()} · copied")

    # ---- internals ----------------------------------------------------------------------
    def _show_caller(self, caller: str) -> None:
        self.finish_setup()
        self._caller_text = caller
        self.caller.setText(f"Caller: {caller}")
        self.caller.setVisible(bool(caller) and not self._compact)

    def _typed(self, _text: str) -> None:
        self._show_caller("")  # another call: the caller shown was the previous call's
        if self._source is not CallSource.TYPED:
            self._source = CallSource.TYPED
            self._show_source()

    def _changed(self, text: str) -> None:
        self._show_source()
        self._validate()
        self.sig_call_changed.emit(text)

    def _source_text(self) -> str:
        return f"Source: {SOURCE_LABELS[self._source]}" if self._source else ""

    def _show_source(self) -> None:
        self.source_label.setText(self._source_text())

    def _validate(self) -> None:
        if self._check is None:
            return
        from app.core.errors import InputError
        from app.core.routing.request import CallKind, call_kind
        from app.messages import Front, describe

        if not self.call_id.text().strip():  # no call yet: nothing is wrong
            self._set_status(WAITING, invalid=False)
            return
        try:
            call_id = self._check(self.call_id.text())
        except InputError as error:
            self._set_status(f"✕ {describe(error, Front.WINDOW)}", invalid=True)
            return
        if call_kind(call_id) is CallKind.VOICE_CALL:
            self._set_status("✓ Salesforce VoiceCall ID", invalid=False)
        else:
            self._set_status("✓ Telephony contact ID (used as is)", invalid=False)

    def _set_status(self, text: str, invalid: bool) -> None:
        self.finish_setup()
        self.status.setText(text)
        self.status.setObjectName("callProblem" if invalid else "callKind")
        self.call_id.setProperty("invalid", invalid)
        restyle(self.status)
        restyle(self.call_id)
