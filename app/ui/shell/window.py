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

Fitting the screen: the header and the call sit at the top, the Transfer button and the
outcome in a footer at the bottom (`TransferSection`), and only the middle (directory, target,
flow options) scrolls, up and down only. So the call ID and the Transfer button stay in view
whatever the middle or the outcome hold, and the window never needs to be taller than the
screen's available area, which it never exceeds (`app.ui.common.windows.fit_on_screen`). Text
that could widen it (names, IDs, messages) elides or wraps (`app.ui.common.fitted_text`).
On top is a compact layout of the same widgets (`show_compact`): the call ID, the search, a
few results, Transfer and a one-line outcome, the window exactly as tall as they are.
"""

from __future__ import annotations

import logging
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6 import QtCore  # QtCore.Qt, not Qt: see "Before the first paint" above
from PySide6.QtCore import QEvent, QObject, QPoint, QSize, QTimer, Signal
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.ui.call.panel import CallPanel
from app.ui.common import a11y
from app.ui.common.scrolling import ScrollingMiddle
from app.ui.common.style import follow_color_scheme, style_sheet, text_scale
from app.ui.common.tasks import spawn
from app.ui.common.windows import fit_on_screen, largest_size
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
WINDOW_HEIGHT = 820  # on a screen that has the room; a smaller one gets what it has
COMPACT_RESULTS = 3  # the rows the compact layout shows: the best matches
_MAX_HEIGHT = 16_777_215  # Qt's QWIDGETSIZE_MAX: no maximum


def _settle_layouts() -> None:
    """Lay out now what is waiting: a size change climbs one level of nested layouts per pass of
    the posted events (the list, the directory, its section, the middle, the window)."""
    for _level in range(6):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


class PanelWindow(QWidget):  # a window fills its background from its palette, which the style sheet sets
    sig_first_paint = Signal()  # the services are built after this, so the window shows at once

    def __init__(self, config_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panelWindow")
        self.setStyleSheet(style_sheet())
        self._painted = False
        self.setup_finished = False
        self._compact = False
        self._refit_pending = False
        self._refitting = False
        self._screen_followed = False
        self.setWindowTitle(self.tr("Voice Transfer Panel"))
        a11y.name(self, self.tr("Voice Transfer Panel"))
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
        self.desktop = DesktopIntegration(self, self.show_compact)
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
        sections.addWidget(section(body, self.directory, stretch=True), 1)
        self._transfer_frame = section(body, self._transfer_placeholder)
        sections.addWidget(self._transfer_frame)
        # The middle scrolls (up and down) when the window is shorter than it; the call above it
        # and the footer under it (added with the transfer section) stay.
        self.body_scroll = ScrollingMiddle(body, self)
        body.installEventFilter(self)  # its changes decide the compact window's height (_refit)
        self._call_frame = section(self, self.call_panel)
        root = self._root = QVBoxLayout(self)
        root.setContentsMargins(10, 8, 10, 10)
        root.setSpacing(8)
        root.addWidget(self.header)
        root.addWidget(self._call_frame)
        root.addWidget(self.body_scroll, 1)

        self._wire()
        self._update_tab_order()
        self.setMinimumWidth(360)  # until the sections' own minimum is known (fit_minimum_width)
        self.resize(QSize(WINDOW_WIDTH, WINDOW_HEIGHT).boundedTo(largest_size(self)))

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

        self.notice = Banner(self.tr("Notice"), self)
        self.notice_action = self.notice.add_button(self.tr("Settings…"), self.tr("Open settings to fix this"))
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
        # The form (what the target is, the flow options) in the middle; the rest is the footer.
        self._transfer_frame.layout().replaceWidget(self._transfer_placeholder, self.form)  # type: ignore[union-attr]
        self._transfer_placeholder.deleteLater()
        self._root.addWidget(transfer)
        self.call_panel.sig_call_changed.connect(self.form.set_call_id)
        self.form.sig_favorite_toggled.connect(self.session.toggle_favorite)
        self.form.set_call_id(self.call_panel.text())
        self.form.set_checker(None, self.tr("Starting…"))
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
        for area in (self.body_scroll, self.transfer.messages):  # type: ignore[union-attr]
            area.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            area.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]
        self.kind_filters_changed()
        for button in self.directory.kind_buttons.values():
            button.toggled.connect(self.kind_filters_changed)
        self.directory.available_only.toggled.connect(self.kind_filters_changed)
        self.fit_minimum_width()
        self.show_compact(self._compact)  # the parts built just now follow the layout in use
        if self.isVisible():
            fit_on_screen(self)  # its frame is known now: the whole window on the screen
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
        self._type_to_search = keys.TypeToSearch(self, self.directory.search, (self.directory.results,))
        if self.focusWidget() in (None, self.call_panel.call_id):
            self.directory.search.setFocus()
        self.setup_finished = True

    def fallback_line_edit(self):
        return self.form.fallback.lineEdit()

    def _update_tab_order(self) -> None:
        """Tab follows the screen, top to bottom and each row left to right: the header, the call,
        a notice or the sign-in, the search, its filters, the results, the form, Transfer and its messages."""
        call = self.call_panel
        notices = (self.notice_dismiss, self.notice_action, *self.sign_in.tab_chain()) if self.transfer else ()
        chain = [
            *self.header.buttons(), call.call_id, call.edit_button, call.copy_button, call.new_demo_button, *notices,
            self.directory.search, *self.directory.kind_buttons.values(), self.directory.available_only,
            self.directory.results, *(self.transfer.tab_chain() if self.transfer else ()),
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def show_startup_problem(self, error: Exception) -> None:
        """The services could not be built (e.g. a configuration error): say so, stay usable."""
        from app.core.errors import PanelError
        from app.messages import Front, describe

        self.finish_setup()
        self.profile_label.setText(self.tr("Not connected"))
        message = describe(error, Front.WINDOW) if isinstance(error, PanelError) else \
            self.tr("Starting failed ({error}). Details are in the log.").format(error=type(error).__name__)
        self.show_notice("failure", self.tr("The panel cannot connect"), message, settings=True)
        self.form.set_checker(None, self.tr("Fix the problem shown at the top (Settings…) to transfer."))
        self.directory.set_index(None, self.tr("No directory: the panel is not connected."))

    # ---- messages -----------------------------------------------------------------------
    def show_notice(self, level: str, title: str, detail: str, settings: bool = False) -> None:
        self.finish_setup()
        self.notice_action.setVisible(settings)
        self.notice.show_message(level, title, detail)
        QTimer.singleShot(0, self, lambda: self.body_scroll.ensureWidgetVisible(self.notice, 0, 0))

    def show_error(self, description: str) -> None:
        """An unexpected error (from the error hooks): shown without blocking anything."""
        self._error_count += 1
        title = (self.tr("Something went wrong (%n so far)", "", self._error_count) if self._error_count > 1
                 else self.tr("Something went wrong"))
        self.show_notice("failure", title, self.tr("{description}\nThe panel is still working; details are in the "
                                                   "log.").format(description=description))

    # ---- the flow of a transfer -----------------------------------------------------------
    def _target_selected(self, view) -> None:
        self.form.set_target(view)
        self.form.set_favorite(self.session.is_favorite(view.target_id))
        self._update_tab_order()

    def _directory_changed(self, index) -> None:
        """A new directory (at start or refreshed): the fallback picker offers its queues, in the
        index's label order, and the desk knows the agents' presence from it."""
        from app.core.ids import IdKind

        self.form.set_queues(*(index.labels_and_ids(IdKind.QUEUE) if index is not None else ([], [])))
        self.controller.follow_directory(index)  # the desk warns of busy agents as this directory shows them

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

    # ---- fitting the screen -----------------------------------------------------------
    def fit_minimum_width(self) -> None:
        """Never narrower than the header's and the sections' widest rows at this text size
        (the presenter view's too), so nothing is cut off on the right; never wider than the screen."""
        _settle_layouts()  # the rows' sizes after a text change
        margins = self._root.contentsMargins()
        scroll_bar = self.body_scroll.verticalScrollBar().sizeHint().width()
        rows = [self.header, self._call_frame, *((self.transfer,) if self.transfer is not None else ())]
        content = max(*(row.minimumSizeHint().width() for row in rows),
                      self._body.minimumSizeHint().width() + scroll_bar)
        self.setMinimumWidth(min(content + margins.left() + margins.right(), largest_size(self).width()))

    def show_compact(self, compact: bool) -> None:
        """On top's layout (`DesktopIntegration.set_compact` calls this): the call ID's row, the search,
        the best few results, the flow options of a flow, Transfer and a one-line outcome; the window
        as tall as they are. Off: everything, and the middle takes what room the window has."""
        self._compact = compact
        self.call_panel.set_compact(compact)
        self.directory.title.setVisible(not compact)
        self.directory.count.setVisible(not compact)
        self.kind_filters_changed()
        self.directory.results.setMaximumHeight(_MAX_HEIGHT)
        self.directory.follow_style()  # its own minimum, the rows measured at this text size
        if self.transfer is not None:
            self.form.set_compact(compact)
            self.outcome.set_one_line(compact)
        self._refit()

    def is_compact(self) -> bool:
        return self._compact

    def kind_filters_changed(self) -> None:
        """The compact layout shows the kind filters only while one is on (they still filter the results)."""
        directory = self.directory
        filtering = directory.kind() is not None or directory.available_only.isChecked()
        for widget in (*directory.kind_buttons.values(), directory.available_only):
            widget.setVisible(not self._compact or filtering)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # something inside changed its size
            self._schedule_refit()
        return handled

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._body and event.type() == QEvent.Type.LayoutRequest:  # the middle's content changed
            self._schedule_refit()
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_messages()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._schedule_refit()  # hidden, its layouts waited: what they hold now decides
        handle = self.windowHandle()
        if not self._screen_followed and handle is not None:
            self._screen_followed = True
            handle.screenChanged.connect(lambda _screen: self._screen_changed())

    def _screen_changed(self) -> None:
        """Moved to another screen, or the screen changed its size or scale: fit that one."""
        self.fit_minimum_width()
        self._refit()
        fit_on_screen(self)

    def _schedule_refit(self) -> None:
        if not self._refit_pending and not self._refitting:  # what refitting itself changes needs no other
            self._refit_pending = True
            QTimer.singleShot(0, self, self._refit)

    def _refit(self) -> None:
        """What the content decides: in the compact layout the window's height, in both the room the
        footer's messages may take."""
        self._refit_pending = False
        self._refitting = True
        try:
            if self._compact:
                self._fit_compact()
            else:
                self._transfer_frame.show()
            self._fit_messages()
            self._keep_search_in_view()
        finally:
            self._refitting = False

    def _keep_search_in_view(self) -> None:
        """A middle too short for all it holds shows the search box, not the directory's title above
        it, unless the rep is working in the middle (the focus is there and in view: `_focus_changed`)."""
        focus = QApplication.focusWidget()
        if self.body_scroll.verticalScrollBar().maximum() > 0 and not (focus and self._body.isAncestorOf(focus)):
            self._scroll_into_view(self.directory.search)

    def _fit_compact(self) -> None:
        """The compact window: as tall as its parts with the best few results, fewer where the screen
        is too short for them (one at least), never taller than the screen."""
        from app.ui.directory.model import ROW_HEIGHT

        self._transfer_frame.setVisible(self.transfer is not None and self.form.shows_flow_options())
        results, row = self.directory.results, round(ROW_HEIGHT * text_scale())
        largest = largest_size(self).height()
        _settle_layouts()
        without_list = self._needed_height() - results.minimumHeight()  # the list asks for its minimum
        rows = COMPACT_RESULTS
        while rows > 1 and without_list + row * rows + 4 > largest:
            rows -= 1
        if results.maximumHeight() != row * rows + 4 or results.minimumHeight() != row * rows + 4:
            results.setFixedHeight(row * rows + 4)  # the rows and the list's frame
            _settle_layouts()
        needed = self._needed_height()
        height = min(needed, largest)
        if height != self.height():
            self.resize(self.width(), height)

    def _needed_height(self) -> int:
        """The height that shows everything without scrolling (the middle at its full height)."""
        return self._layout_height() - self.body_scroll.sizeHint().height() + self.body_scroll.needed_height()

    def _layout_height(self) -> int:
        """What the window's layout asks for at its width (its size hint where height does not follow width)."""
        height = self._root.totalHeightForWidth(self.width())
        return height if height >= 0 else self._root.totalSizeHint().height()

    def _fit_messages(self) -> None:
        """The footer's messages get what the window has left (the compact window: the screen)."""
        if self.transfer is None:
            return
        messages = self.transfer.messages
        others = self._layout_height() - (0 if messages.isHidden() else messages.sizeHint().height())
        room = largest_size(self).height() if self._compact else self.height()
        messages.set_cap(max(2 * self.fontMetrics().height(), room - others))

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """What takes the keyboard focus in the middle scrolls into view (Tab, Ctrl+K, Enter on a result)."""
        if shiboken6.isValid(self) and new is not None and self._body.isAncestorOf(new):
            self._scroll_into_view(new)

    def _scroll_into_view(self, widget: QWidget) -> None:
        """All of `widget` in the middle's view (a field, not only its cursor as ensureWidgetVisible
        would), or its top part when it is taller than the view."""
        top = widget.mapTo(self._body, QPoint(0, 0)).y()
        half = min(widget.height(), self.body_scroll.viewport().height()) // 2
        self.body_scroll.ensureVisible(0, top + half, 0, half)

    def follow_color_scheme(self, dark: bool | None = None, high_contrast: bool | None = None) -> None:
        """The desktop switched between light and dark, or high contrast on or off: repaint in those colours."""
        follow_color_scheme(dark, high_contrast)
        self.restyle()

    def restyle(self) -> None:
        """The colours or the text size changed: the style sheet again, and what depends on it."""
        self.setStyleSheet(style_sheet())
        self.fit_minimum_width()
        self.show_compact(self._compact)  # the list's rows have another height: it measures them again

    def restore_place(self) -> None:
        """Where the rep left the window on this screen setup, and the compact mode (before showing)."""
        self.pin_button.setChecked(self.desktop.restore())
        fit_on_screen(self)  # saved on a larger screen, or at a smaller scale

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
