"""The panel window: composes the call, directory and transfer sections and wires them.

It holds no business rules (validation comes from the core through the sections, sending
from `TransferController`) and keeps no service: `self.session` (session.py) binds the
services to the sections when they arrive and takes them back.

Before the first paint: the window paints before any service exists (`session.attach` hands
them over later), so the first paint imports no keyring, JWT, HTTP or crypto code; the transfer
section, the notice banner, the keyboard handling and the list's row painter follow right
after it (`finish_setup`). Nor does code that runs before it touch PySide6's `Qt`
namespace: PySide6 builds a class on first use, and `Qt` means ~90 enums, ~15 ms, a tenth
of the start-up budget. So the modules the first paint imports say `QtCore.Qt.…` inside
the functions that run later, never `from PySide6.QtCore import Qt`;
`test_first_paint_imports_nothing_heavy` checks both rules. (One exception: a window
restored in compact mode sets its always-on-top flag before it shows.)
"""

from __future__ import annotations

import logging
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6 import QtCore  # QtCore.Qt, not Qt: see "Before the first paint" above
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QVBoxLayout, QWidget

from app.ui.call.panel import CallPanel
from app.ui.common import a11y
from app.ui.common.style import follow_color_scheme, style_sheet
from app.ui.common.tasks import spawn
from app.ui.directory.panel import DirectoryPanel
from app.ui.shell.desktop import DesktopIntegration
from app.ui.shell.header import PanelHeader
from app.ui.shell.sections import section, starting_placeholder
from app.ui.shell.session import ServiceSession
from app.ui.trainer.tools import TrainerTools

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from app.core.calls import IncomingCall
    from app.ui.transfer.section import TransferSection

log = logging.getLogger(__name__)
WINDOW_WIDTH = 420


def _initial_height(window: QWidget) -> int:
    screen = window.screen()
    available = screen.availableGeometry().height() if screen is not None else 900
    return max(560, min(820, available - 60))


class PanelWindow(QWidget):  # a window fills its background from its palette, which the style sheet sets
    sig_first_paint = Signal()  # the services are built after this, so the window shows at once

    def __init__(self, config_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panelWindow")
        self.setStyleSheet(style_sheet())
        self._painted = False
        self.setup_finished = False
        self.setWindowTitle("Voice Transfer Panel")
        a11y.name(self, "Voice Transfer Panel")
        self.session = ServiceSession(self)  # what binds the window to its services (session.py)
        self._config_path = config_path
        self._closing = False
        self._closed = False
        self._error_count = 0

        self.header = PanelHeader(self)
        h = self.header
        self.demo_badge, self.profile_label, self.pin_button = h.demo_badge, h.profile_label, h.pin_button
        self.trainer_button, self.history_button = h.trainer_button, h.history_button
        self.settings_button = h.settings_button
        self.desktop = DesktopIntegration(self)
        self.pin_button.toggled.connect(self.desktop.set_compact)
        self.history_button.clicked.connect(self.session.open_history)
        self.trainer_tools = TrainerTools(self)
        self.trainer_button.clicked.connect(self.trainer_tools.open_trainer)

        self.call_panel = CallPanel(self)
        self.directory = DirectoryPanel(self)
        # The transfer section and the notice banner: built after the first paint (finish_setup).
        self.transfer: TransferSection | None = None
        self._transfer_placeholder = starting_placeholder(self)

        body = self._body = QWidget(self)
        body.setObjectName("panelBody")
        sections = self._sections = QVBoxLayout(body)
        sections.setContentsMargins(0, 0, 0, 0)
        sections.setSpacing(8)
        sections.addWidget(section(body, self.call_panel))
        sections.addWidget(section(body, self.directory, stretch=True), 1)
        self._transfer_frame = section(body, self._transfer_placeholder)
        sections.addWidget(self._transfer_frame)
        # On a short screen the window scrolls instead of growing past it.
        self.body_scroll = QScrollArea(self)
        self.body_scroll.setObjectName("panelScroll")
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setWidget(body)
        root = self._root = QVBoxLayout(self)
        root.setContentsMargins(10, 8, 10, 10)
        root.setSpacing(8)
        root.addWidget(self.header)
        root.addWidget(self.body_scroll, 1)

        self._wire()
        self._update_tab_order()
        self.setMinimumWidth(360)  # until the sections' own minimum is known (fit_minimum_width)
        self.resize(WINDOW_WIDTH, _initial_height(self))

    # ---- composition ----------------------------------------------------------------------
    def _wire(self) -> None:
        self.call_panel.sig_new_demo_call.connect(self.new_demo_call)
        self.directory.sig_target_selected.connect(self._target_selected)
        self.directory.sig_target_activated.connect(self.target_activated)
        self.directory.sig_star_clicked.connect(self.session.toggle_favorite)
        self.directory.sig_index_changed.connect(self._directory_changed)
        self.settings_button.clicked.connect(self.open_settings)

    def _build_rest(self) -> None:
        """The notice banner (hidden until needed) and the transfer section, in place of its
        "Starting…" placeholder (`finish_setup`): their modules and widgets cost more than the
        rest of the window's paint, and nothing can be transferred before the services arrive."""
        if self.transfer is not None:
            return
        from app.ui.common.banner import Banner
        from app.ui.settings.signin import SignInRow
        from app.ui.transfer.section import TransferSection

        self.notice = Banner("Notice", self)
        self.notice_action = self.notice.add_button("Settings…", "Open settings to fix this")
        self.notice_action.clicked.connect(self.open_settings)
        self.notice.set_dismissable(True)
        self.notice_dismiss = self.notice.close_button
        self._sections.insertWidget(0, self.notice)
        self.sign_in = SignInRow(self)  # an OpenBao profile's sign-in: under the notice, above the call
        self._sections.insertWidget(1, self.sign_in)

        transfer = self.transfer = TransferSection(self)
        # The parts the window and the tests work with directly.
        self.form, self.controller = transfer.form, transfer.controller
        self.confirm_bar, self.outcome = transfer.confirm_bar, transfer.outcome
        self._transfer_frame.layout().replaceWidget(self._transfer_placeholder, transfer)  # type: ignore[union-attr]
        self._transfer_placeholder.deleteLater()
        self.call_panel.sig_call_changed.connect(self.form.set_call_id)
        self.form.sig_favorite_toggled.connect(self.session.toggle_favorite)
        transfer.sig_message_shown.connect(lambda banner: self.body_scroll.ensureWidgetVisible(banner, 0, 0))
        self.form.set_call_id(self.call_panel.text())
        self.form.set_checker(None, "Starting…")
        self._update_tab_order()

    def finish_setup(self) -> None:
        """What showing the window does not need: the transfer section, what uses `Qt` (see the
        module's docstring), the row painter, accessible names, shortcuts, clear buttons.

        Each costs milliseconds the first time in a process (their modules and widget classes,
        the accessibility bridge, QKeySequence's enums, the clear icon); the start-up goal
        leaves no room for them. The rep sees them a frame after the first paint, long before
        the services arrive; a call, the services or a notice that come sooner (a window
        started minimized paints late) finish the setup first.
        """
        if self.setup_finished:
            return
        from app.ui.common import keys

        self._build_rest()
        self.call_panel.finish_setup()
        self.directory.finish_setup()
        # The window scrolls only up and down, and is no Tab stop itself (its sections are).
        self.body_scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_scroll.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.fit_minimum_width()
        a11y.flush()
        for field in (self.directory.search, self.fallback_line_edit()):
            field.setClearButtonEnabled(True)
        self.call_panel.call_id.setClearButtonEnabled(not self.call_panel.is_locked())
        bindings = [(keys.FOCUS_SEARCH, self.directory.focus_search), (keys.TRANSFER, self.form.trigger),
                    (keys.SETTINGS, self.open_settings), (keys.FOCUS_CALL, self._focus_call), (keys.QUIT, self.close),
                    (keys.TOGGLE_FAVORITE, self.form.toggle_favorite), (keys.HISTORY, self.session.open_history),
                    (keys.TRAINER, self.trainer_tools.open_trainer),
                    (keys.INSPECTOR, self.trainer_tools.open_inspector),
                    *(((sequence,), lambda number=number: self.session.pick_favorite(number))
                      for number, sequence in enumerate(keys.PICK_FAVORITE, start=1))]
        self._guard = keys.ShortcutGuard([sequence for sequences, _slot in bindings for sequence in sequences], self)
        for field in (self.call_panel.call_id, self.directory.search, self.fallback_line_edit()):
            self._guard.protect(field)
        self.form.inputs.sig_row_added.connect(self._guard.protect)
        for sequences, slot in bindings:
            keys.add_shortcuts(self, sequences, slot)
        # Letters typed outside a field go to the search, so a rep who starts typing before Ctrl+K
        # searches (the call ID is read-only unless the rep chose to edit it).
        self._type_to_search = keys.TypeToSearch(self, self.directory.search)
        if self.focusWidget() in (None, self.call_panel.call_id):
            self.directory.search.setFocus()
        self.setup_finished = True

    def fallback_line_edit(self):
        return self.form.fallback.lineEdit()

    def _update_tab_order(self) -> None:
        chain = [
            self.call_panel.call_id, self.call_panel.copy_button, self.call_panel.new_demo_button,
            self.directory.search, *self.directory.kind_buttons.values(), self.directory.available_only,
            self.directory.results,
            *((*self.transfer.tab_chain(), self.notice_action, self.notice_dismiss) if self.transfer else ()),
            *self.header.buttons(),
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def show_startup_problem(self, error: Exception) -> None:
        """The services could not be built (e.g. a configuration error): say so, stay usable."""
        from app.core.errors import PanelError
        from app.messages import Front, describe

        self.finish_setup()
        self.profile_label.setText("Not connected")
        message = describe(error, Front.WINDOW) if isinstance(error, PanelError) else \
            f"Starting failed ({type(error).__name__}). Details are in the log."
        self.show_notice("failure", "The panel cannot connect", message, settings=True)
        self.form.set_checker(None, "Fix the problem shown at the top (Settings…) to transfer.")
        self.directory.set_index(None, "No directory: the panel is not connected.")

    # ---- messages -----------------------------------------------------------------------
    def show_notice(self, level: str, title: str, detail: str, settings: bool = False) -> None:
        self.finish_setup()
        self.notice_action.setVisible(settings)
        self.notice.show_message(level, title, detail)

    def show_error(self, description: str) -> None:
        """An unexpected error (from the error hooks): shown without blocking anything."""
        self._error_count += 1
        count = f" ({self._error_count} so far)" if self._error_count > 1 else ""
        self.show_notice(
            "failure", f"Something went wrong{count}",
            f"{description}\nThe panel is still working; details are in the log.",
        )

    # ---- the flow of a transfer -----------------------------------------------------------
    def _target_selected(self, view) -> None:
        self.form.set_target(view)
        self.form.set_favorite(self.session.is_favorite(view.target_id))
        self._update_tab_order()

    def _directory_changed(self, index) -> None:
        """A new directory (at start or refreshed): the fallback picker offers its queues, in the
        index's label order."""
        from app.core.ids import IdKind

        self.form.set_queues(*(index.labels_and_ids(IdKind.QUEUE) if index is not None else ([], [])))

    def target_activated(self, view) -> None:
        self._target_selected(view)
        if not self.form.focus_entry():
            self._focus_call()

    def receive_call(self, call_id: str | None) -> None:
        """Another launch (the softphone) handed over a call ID: show it, come to the front."""
        from app.core.calls import CallSource, IncomingCall

        self.finish_setup()
        if call_id:
            self.show_call(IncomingCall(call_id, CallSource.SOFTPHONE))
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def new_demo_call(self) -> None:
        """A simulated incoming call: a fresh VoiceCall ID and who is calling."""
        from app.demo import new_demo_call

        self.show_call(new_demo_call())

    def show_call(self, call: IncomingCall | None) -> None:
        """Another call: nothing of the previous one carries over (its outcome, its question, the
        target chosen for it: one key must not send the new call where the old one went)."""
        self.finish_setup()
        self.call_panel.set_call(call)
        if self.transfer is not None:  # always, once set up
            self.transfer.clear_messages()
        self.form.set_target(None)
        self.directory.results.setCurrentIndex(QtCore.QModelIndex())
        self.directory.results.clearSelection()
        self.directory.search.setFocus()

    def _focus_call(self) -> None:
        """Ctrl+L: the rep chooses to change the call ID."""
        self.call_panel.edit()

    # ---- settings -----------------------------------------------------------------------
    def open_settings(self) -> None:
        if self._config_path is None:
            from app.core.config_files import resolve_config_path

            self._config_path = resolve_config_path(None)
        self.session.open_settings(self._config_path)  # the session keeps it: what is chosen there it attaches

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self.finish_setup)
            self.sig_first_paint.emit()

    # ---- closing ------------------------------------------------------------------------
    def painted(self) -> bool:
        return self._painted

    def is_closing(self) -> bool:
        return self._closing or self._closed

    async def shutdown(self) -> None:
        """Let a transfer in flight finish (it gets its journal row), then close the services."""
        if self._closed:
            return
        self._closing = True
        await self.session.close()
        self._closed = True

    def fit_minimum_width(self) -> None:
        """Never narrower than the header's and the sections' widest rows at this text size
        (the presenter view's too), so nothing is cut off on the right."""
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the rows' sizes after a text change
        margins = self._root.contentsMargins()
        scroll_bar = self.body_scroll.verticalScrollBar().sizeHint().width()
        content = max(self.header.minimumSizeHint().width(), self._body.minimumSizeHint().width() + scroll_bar)
        self.setMinimumWidth(content + margins.left() + margins.right())

    def follow_color_scheme(self, dark: bool) -> None:
        """The desktop switched between light and dark: repaint in the other colours."""
        follow_color_scheme(dark)
        self.restyle()

    def restyle(self) -> None:
        """The colours or the text size changed: the style sheet again, and what depends on it."""
        self.setStyleSheet(style_sheet())
        self.directory.follow_style()
        self.fit_minimum_width()

    def restore_place(self) -> None:
        """Where the rep left the window on this screen setup, and the compact mode (before showing)."""
        self.pin_button.setChecked(self.desktop.restore())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing and not self._closed:
            self.desktop.save()
        if self._closed or self.session.services is None:
            self._closed = True
            self.session.close_settings()
            event.accept()
            return
        event.ignore()
        if not self._closing:
            self.setEnabled(False)
            spawn(self._close_after_shutdown())

    async def _close_after_shutdown(self) -> None:
        try:
            await self.shutdown()
        finally:
            self._closed = True
            if shiboken6.isValid(self):  # not deleted meanwhile
                self.close()
