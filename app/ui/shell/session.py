"""What binds one window to the services it works with (`app.compose.Services`).

`ServiceSession` hands the services to the window's sections when they arrive (the desk to
the transfer form, the directory and its refresher to the list, the favorites, the call) and
takes them back before they are replaced or closed: the windows that read their journal or
drive their simulator (history, trainer) go with them. The window itself only lays out and
shows; it never keeps a service.

It also keeps the settings window, which chooses what the panel works with (a profile, or demo
mode: `sig_use_profile`, `sig_use_demo`, `sig_reconnect`; app.py's `Boot` builds the services),
and says when transfers cannot be signed (no keyring, a locked one, no key): in the header and
on the Transfer button, checked again when the rep comes back to the window.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal

from app.ui.common.tasks import spawn

if TYPE_CHECKING:
    from pathlib import Path

    from app.compose import Services
    from app.core.errors import PanelError
    from app.core.journal import JournalEntry
    from app.core.routing.outcome import RouteOutcome
    from app.ui.directory.refresher import DirectoryRefresher
    from app.ui.history.journal_view import JournalView
    from app.ui.settings.dialog import SettingsDialog
    from app.ui.shell.window import PanelWindow

log = logging.getLogger(__name__)
_SHUTDOWN_GRACE_S = 2.0


class ServiceSession(QObject):
    sig_attached = Signal()
    sig_use_profile = Signal(str)  # Settings saved this profile, or the rep chose it: work with it
    sig_use_demo = Signal()  # Settings: back to demo mode
    sig_reconnect = Signal()  # the config file was saved: connect again, as chosen before

    def __init__(self, window: PanelWindow) -> None:
        super().__init__(window)
        self._window = window
        self.services: Services | None = None
        self.refresher: DirectoryRefresher | None = None  # of a file or Salesforce directory
        self.history: JournalView | None = None
        self.settings: SettingsDialog | None = None
        self.key_problem: PanelError | None = None  # why transfers cannot be signed now (None: they can)
        self._checking_key = False
        self._key_check_wanted = False
        self._wired = False

    # ---- attaching and detaching ------------------------------------------------------------
    def attach(self, services: Services, keep_call: bool = False) -> None:
        """Start working with these services (built after the first paint)."""
        window = self._window
        window.finish_setup()
        self._wire_once()
        self.services = services
        profile = services.profile
        window.controller.set_desk(services.desk)
        window.sign_in.set_session(services.signing_session)
        window.header.show_mode("demo" if services.is_demo else "training" if profile.training else "",
                                services.endpoint)
        window.trainer_button.setVisible(services.is_demo)
        window.trainer_tools.set_simulator(services.demo.simulator if services.demo is not None else None)
        # Short enough for the header beside "On top" and "Settings…"; the endpoint in the tooltip.
        # In demo mode the badge says it all and the header's room goes to the trainer's button.
        window.profile_label.setText("" if services.is_demo else self.tr("Profile {name}").format(name=profile.name))
        window.profile_label.setToolTip(self.tr("Profile {name}: {endpoint}").format(name=profile.name,
                                                                                     endpoint=services.endpoint))
        window.call_panel.set_demo_mode(services.is_demo)
        from app.core.calls import CallSource

        demo_call_left = window.call_panel.source() is CallSource.DEMO and not services.is_demo
        if not keep_call or not window.call_panel.text() or demo_call_left:
            window.show_call(services.call)  # a real profile never keeps the demo's simulated call
        window.call_panel.enable_validation(services.desk.check_call_id)
        window.directory.set_preferences(services.favorites.ids if services.favorites else (), services.recents)
        window.directory.set_index(services.directory, _empty_directory_text(services))
        self._follow_directory(services)
        window.form.set_call_id(window.call_panel.text())
        self._show_key_problem(services.warnings[0] if services.warnings else None)
        if services.interrupted or services.journal_moved_aside is not None:
            window.show_notice("warning", *_history_notice(services))
        else:
            window.notice.hide()
        self._show_state_in_settings()
        self.sig_attached.emit()

    def _wire_once(self) -> None:
        """What the sections built after the first paint tell the session (connected once)."""
        if self._wired:
            return
        self._wired = True
        window = self._window
        window.controller.sig_finished.connect(self._transfer_finished)
        window.header.key_state.clicked.connect(self.check_key_again)
        window.installEventFilter(self)  # the rep coming back to the window checks the key again

    def detach(self) -> Services | None:
        """Stop using the current services (to replace them) and return them for closing."""
        services, self.services = self.services, None
        self._let_go()
        self._window.header.show_key_state("", "")
        self._window.form.set_checker(None, self.tr("Reconnecting…"))
        self._show_state_in_settings()
        return services

    def _let_go(self) -> None:
        """The sections, the refresher and the windows that work on the services let go of them."""
        window = self._window
        window.controller.set_desk(None)
        window.sign_in.set_session(None)
        self._follow_directory(None)
        window.trainer_tools.set_simulator(None)
        if self.history is not None:
            self.history.retire()
            self.history = None

    def _follow_directory(self, services: Services | None) -> None:
        """Refresh the directory of these services from its source (None: stop refreshing)."""
        if self.refresher is not None:
            self.refresher.stop()
            self.refresher.deleteLater()
            self.refresher = None
        directory = self._window.directory
        directory.set_freshness("")
        if services is not None and services.directory_source is not None:
            from app.ui.directory.refresher import DirectoryRefresher

            self.refresher = DirectoryRefresher(services.directory_source, directory, services.directory_as_of, self)
            self.refresher.start()

    async def close(self) -> None:
        """Let a transfer in flight finish (it gets its journal row), then close the services."""
        services, self.services = self.services, None
        if services is None:
            return
        window = self._window
        if window.controller.busy():
            window.show_notice("info", self.tr("Closing…"), self.tr("Waiting for the transfer in progress to finish."))
            await window.controller.wait_idle(services.profile.timeout_s + _SHUTDOWN_GRACE_S)
        self._let_go()
        import asyncio  # the window is built before asyncio is loaded (app.py: the first paint)

        try:
            await asyncio.wait_for(services.aclose(), timeout=5)
        except Exception:
            log.exception("closing the services failed")

    # ---- favorites --------------------------------------------------------------------------
    def toggle_favorite(self, target_id: str) -> None:
        """Star or unstar a target: it moves to (or leaves) the top of the results; saved off the GUI thread."""
        if self.services is None or self.services.favorites is None:
            return
        window, favorites = self._window, self.services.favorites
        starred = favorites.toggle(target_id)
        current = window.form.target()
        if current is not None and current.target_id == target_id:
            window.form.set_favorite(starred)
        window.directory.set_preferences(favorites.ids, self.services.recents)
        spawn(self._save_favorites())

    async def _save_favorites(self) -> None:
        if self.services is None or self.services.favorites is None:
            return
        import asyncio

        try:
            await asyncio.get_running_loop().run_in_executor(None, self.services.favorites.save)
        except OSError as error:
            self._window.show_notice("warning", self.tr("Favorites not saved"),
                                     self.tr("{error}. They last until the panel closes.").format(
                                         error=error.strerror or error))

    def is_favorite(self, target_id: str) -> bool:
        favorites = self.services.favorites if self.services is not None else None
        return favorites is not None and favorites.is_favorite(target_id)

    def pick_favorite(self, number: int) -> None:
        """Ctrl+1…9: favorite `number` goes to the form, ready to transfer."""
        if self.services is None or self.services.favorites is None:
            return
        window = self._window
        ids, index = self.services.favorites.ids, window.directory.index()
        # Only a target the directory still holds: a starred agent who left is not offered as an ID.
        in_directory = number <= len(ids) and index is not None and index.get(ids[number - 1]) is not None
        view = window.directory.view_for(ids[number - 1]) if in_directory else None
        if view is None:
            window.show_notice("info", self.tr("No favorite {number}").format(number=number),
                               self.tr("Star a target (☆ on its row or in the form, or Ctrl+D) to pick it with "
                                       "Ctrl+1…9."))
            return
        window.target_activated(view)

    # ---- whether transfers can be signed ------------------------------------------------------
    def _show_key_problem(self, problem: PanelError | None) -> None:
        """Transfers that cannot be signed (no keyring, a locked one, no key) are not offered: the
        header says why in a word (the reason in its tooltip), and so does the Transfer button."""
        from app.messages import KEY_STATE_LABELS, Front, describe, say

        window, services = self._window, self.services
        self.key_problem = problem
        if problem is None:
            window.header.show_key_state("", "")
            if services is not None:
                window.form.set_checker(services.desk.check, caution=services.desk.caution)
            return
        reason = describe(problem, Front.WINDOW)
        short = say(KEY_STATE_LABELS[problem.code]) if problem.code in KEY_STATE_LABELS else self.tr("Cannot sign")
        window.header.show_key_state(short, reason)
        window.form.set_checker(None, reason)

    def check_key_again(self) -> None:
        """Look at the keyring again (off the event loop), e.g. after the rep unlocked it or stored the key;
        asked while a look is under way, another follows it (what changed meanwhile is seen)."""
        self._key_check_wanted = True
        if self.services is not None and not self._checking_key:
            self._checking_key = True
            spawn(self._check_key())

    async def _check_key(self) -> None:
        import asyncio

        try:
            while self._key_check_wanted and (services := self.services) is not None:
                self._key_check_wanted = False
                problem = await asyncio.get_running_loop().run_in_executor(None, services.key_problem)
                if services is self.services:
                    self._show_key_problem(problem)
        finally:
            self._checking_key = False

    def _transfer_finished(self, _request: object, outcome: RouteOutcome) -> None:
        """A transfer that could not be signed for the keyring's sake: the header says so from now on."""
        from app.core.errors import PanelError, Problem
        from app.messages import KEY_STATE_LABELS

        if isinstance(outcome.cause, Problem) and outcome.cause in KEY_STATE_LABELS:
            problem = PanelError(outcome.cause)
            problem.params.update(outcome.params)
            self._show_key_problem(problem)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate and self.key_problem is not None:
            self.check_key_again()
        return False

    # ---- the settings window ----------------------------------------------------------------
    def open_settings(self, config_path: Path) -> None:
        """Profiles, keys and the config file, non-modal; what the rep saves or chooses there is what
        the panel works with next."""
        from app.ui.settings.dialog import SettingsDialog

        if self.settings is None:
            self.settings = SettingsDialog(config_path, self._window)
            self.settings.sig_profile_saved.connect(self.sig_use_profile)
            self.settings.sig_use_profile.connect(self.sig_use_profile)
            self.settings.sig_use_demo.connect(self.sig_use_demo)
            self.settings.sig_file_saved.connect(self.sig_reconnect)
            self._show_state_in_settings()
        self.settings.open()

    def close_settings(self) -> None:
        if self.settings is not None:
            self.settings.close()

    def _show_state_in_settings(self) -> None:
        if self.settings is not None:
            services = self.services
            self.settings.show_panel_state(demo=services is not None and services.is_demo,
                                           profile=services.profile.name if services and not services.is_demo
                                           else None)

    # ---- the history ------------------------------------------------------------------------
    def open_history(self) -> None:
        """The transfer journal, non-modal; "Transfer again" puts a row's target in the form."""
        from app.ui.history.journal_view import JournalView

        if self.services is None:
            return
        if self.history is None:
            self.history = JournalView(self.services.journal, self._window, queue_name=self._queue_name)
            self.history.sig_transfer_again.connect(self._transfer_again)
        self.history.open()

    def _queue_name(self, queue_id: str) -> str | None:
        """A queue's name in the directory in use, for the history's rows. Called off the GUI thread:
        `get` reads the index's table, which never changes (a new directory is a new index)."""
        index = self._window.directory.index()
        target = index.get(queue_id) if index is not None else None
        return target.label if target is not None else None

    def _transfer_again(self, entry: JournalEntry) -> None:
        window = self._window
        if (view := window.directory.view_for(entry.target_id)) is not None:
            window.target_activated(view)
            window.raise_()
            window.activateWindow()


def _empty_directory_text(services: Services) -> str:
    if services.is_demo:
        return QCoreApplication.translate("ServiceSession", "The demo directory is empty.")
    if services.directory_source is not None:
        return QCoreApplication.translate("ServiceSession", "Loading the directory from {source}…").format(
            source=services.directory_source.label)
    return QCoreApplication.translate("ServiceSession", "No directory is set up for this profile yet.\nPaste an agent "
                                      "(005…), queue (00G…) or flow (300…) ID in the search box to transfer to it.")


def _history_notice(services: Services) -> tuple[str, str]:
    """What the rep must know about the history before the next transfer (shown once)."""
    from app.messages import Front, outcome_text
    from app.ui.common.i18n import clock

    if services.interrupted:
        lines = [f"{clock(entry.at.astimezone())} {entry.call_id}: "
                 f"{outcome_text(entry.outcome, entry.target_label, Front.WINDOW).headline}"
                 for entry in services.interrupted if entry.outcome is not None]
        return (QCoreApplication.translate("ServiceSession", "The panel closed during a transfer"),
                "\n".join([*lines[:3], QCoreApplication.translate(
                    "ServiceSession", "Check the softphone: these calls may have moved. They are in the history "
                    "(Ctrl+H) and transferring them again asks first.")]))
    return (QCoreApplication.translate("ServiceSession", "A new transfer history was started"),
            QCoreApplication.translate("ServiceSession", "The old one could not be used and was moved to "
                                       "{path}.").format(path=services.journal_moved_aside))
