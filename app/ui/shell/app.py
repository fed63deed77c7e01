"""Start the panel: paint the window first, build the services right after.

Order matters for start-up time: PySide6, the window, `show()`, wait for its first paint;
then qasync (after PySide6, so it binds to it; it also brings asyncio, ~25 ms) and the
event loop; then, on a worker thread, the keyring, JWT, HTTP and crypto modules, and the
services (`app.compose.open_window_services`). Errors at any point are shown in the window;
the process never dies with a traceback.
"""

from __future__ import annotations

import gc
import logging
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.ui.common.i18n import TRANSLATIONS, choose, connect_core_words, saved_choice
from app.ui.common.style import QT_STYLE_ARGS, follow_color_scheme, is_dark, is_high_contrast
from app.ui.common.tasks import spawn
from app.ui.shell.window import PanelWindow

_FIRST_PAINT_WAIT_MS = 3000
_SWITCH_WAIT_S = 130.0  # a transfer's longest deadline (timeout_s is at most 120 s), and some

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StartOptions:
    """How the window was started (the `gui` command's options)."""

    config_path: Path | None = None
    profile: str | None = None
    call_id: str | None = None  # already checked (`validate_call_id`)
    demo: bool = False  # --demo: demo mode even when profiles are configured
    language: str | None = None  # --lang: overrides Settings' choice and the desktop's
    qt_arguments: tuple[str, ...] = ()  # Qt's own options (-reverse, -platform, -style …)


_start_up_frozen = False


def _preload() -> None:
    """Import what the services need, on a worker thread, while the window stays responsive; and
    what httpx imports only at the first request (its connection pool, anyio's asyncio backend:
    ~60 ms from source), which the first transfer would otherwise import on the GUI thread.

    The first time, Python's collector waits: the imports' ~35,000 new objects set off a full
    collection that found nothing and held the GIL for 20-40 ms. What start-up made then lives as
    long as the panel, so it is frozen: later full collections (after a directory refresh) skip it."""
    global _start_up_frozen
    first = not _start_up_frozen
    if first:
        gc.disable()
    try:
        import anyio._backends._asyncio  # noqa: F401
        import httpcore  # noqa: F401

        import app.compose  # noqa: F401
        import app.messages  # noqa: F401
    finally:
        if first:
            gc.freeze()
            gc.enable()
            _start_up_frozen = True


class Boot:
    """Builds the window's services after the first paint, and again as Settings chooses: a profile
    saved or chosen there, demo mode, or the config file saved."""

    def __init__(self, window: PanelWindow, options: StartOptions) -> None:
        self.window = window
        self.options = options
        self._call_handed_over = False
        self._reconnecting = False
        self._pending = False  # a switch asked for while one is under way
        window.session.sig_use_profile.connect(self.use_profile)
        window.session.sig_use_demo.connect(self.use_demo)
        window.session.sig_reconnect.connect(self.reload)

    def receive_call(self, call_id: str | None) -> None:
        """A call from another launch (the softphone). One that comes before the services stays
        when they attach: a panel started to take a call gets it this way (app/ui/shell/launch.py)."""
        self._call_handed_over = self._call_handed_over or bool(call_id)
        self.window.receive_call(call_id)

    def start(self) -> None:
        self._reconnecting = True
        spawn(self._first_start())

    async def _first_start(self) -> None:
        try:
            await self._start()
        finally:
            self._reconnecting = False
        if self._pending:  # Settings chose something while the first services were being built
            self._reconnect()

    async def _start(self, keep_call: bool = False) -> None:
        import asyncio

        from app.core.errors import PanelError

        try:
            await asyncio.get_running_loop().run_in_executor(None, _preload)
            connect_core_words()
            from app.compose import open_window_services
            from app.core.calls import CallSource, IncomingCall

            options = self.options
            call = IncomingCall(options.call_id, CallSource.COMMAND_LINE) if options.call_id else None
            services = await open_window_services(options.config_path, options.profile, call, options.demo)
        except PanelError as error:
            log.warning("cannot start: %s", error)
            self.window.show_startup_problem(error)
            return
        except Exception as error:
            log.exception("starting the services failed")
            self.window.show_startup_problem(error)
            return
        if self.window.is_closing():
            await services.aclose()
            return
        self.window.session.attach(services, keep_call=keep_call or self._call_handed_over)

    def reload(self) -> None:
        """The config file was saved: connect again as chosen (demo mode chosen stays)."""
        if not self.options.demo:
            self._reconnect()

    def use_profile(self, name: str) -> None:
        """Settings saved this profile, or the rep chose it: work with it from now on."""
        self.options = replace(self.options, profile=name, demo=False)
        self._reconnect()

    def use_demo(self) -> None:
        """Settings: back to demo mode (the profiles stay as they are)."""
        self.options = replace(self.options, demo=True)
        self._reconnect()

    def _reconnect(self) -> None:
        self._pending = True
        if not self._reconnecting:
            self._reconnecting = True
            spawn(self._reload())

    async def _reload(self) -> None:
        """Replace the services, one switch at a time: a choice made meanwhile is the next one."""
        window = self.window
        try:
            while self._pending:
                self._pending = False
                if window.controller.busy():
                    window.show_notice("info", QCoreApplication.translate("Boot", "Switching after this transfer"),
                                       QCoreApplication.translate("Boot", "The panel connects as chosen in Settings "
                                                                  "once the transfer in progress ends."))
                    await window.controller.wait_idle(_SWITCH_WAIT_S)
                old = window.session.detach()
                if old is not None:
                    await old.aclose()
                await self._start(keep_call=not self.options.demo)  # demo mode brings its own call
        finally:
            self._reconnecting = False


def run(options: StartOptions, verbose: bool = False) -> int:
    """Be the panel (app/ui/shell/launch.py found none running): paint, listen for hand-overs, serve."""
    from app.ui.shell.display import explained_qt_start, prefer_xwayland
    from app.ui.shell.single_instance import InstanceServer

    platform_note = prefer_xwayland()
    with explained_qt_start():
        existing = QApplication.instance()  # tests make one first
        style = [] if "-style" in options.qt_arguments else QT_STYLE_ARGS  # a -style given wins
        app = existing if isinstance(existing, QApplication) else QApplication(
            [*sys.argv[:1], *style, *options.qt_arguments])
    app.setApplicationName("transfer-panel")
    language = TRANSLATIONS.install(choose(options.language, saved_choice()),
                                    keep_direction="-reverse" in options.qt_arguments)
    app.setApplicationDisplayName(QCoreApplication.translate("PanelWindow", "Voice Transfer Panel"))
    app.setDesktopFileName("transfer-panel")
    follow_color_scheme()
    window = PanelWindow(config_path=options.config_path)
    window.restore_place()
    window.show()
    _wait_for_first_paint(window)
    from app.logs import setup_logging

    setup_logging(verbose)  # ~13 ms that the first paint does without
    if platform_note:
        log.warning("%s", platform_note)
    log.info("language %s (%s), locale %s%s", language.language, language.source, TRANSLATIONS.locale.name(),
             "" if TRANSLATIONS.qt_own_loaded or language.language == "en" else ", Qt's own words in English")
    if language.problem:
        log.warning("%s", language.problem)
        window.show_notice("info", "Language", language.problem)  # English: the language asked for is missing
    _set_icon(app)
    window.desktop.add_tray_icon()
    hints = app.styleHints()
    hints.colorSchemeChanged.connect(lambda scheme: _follow_desktop_scheme(window, scheme))
    hints.accessibility().contrastPreferenceChanged.connect(lambda wish: _follow_desktop_contrast(window, wish))
    _follow_desktop_contrast(window, hints.accessibility().contrastPreference())
    _follow_desktop_scheme(window, hints.colorScheme())
    boot = Boot(window, options)
    instance = InstanceServer(window)
    instance.sig_call.connect(boot.receive_call)
    instance.listen()
    _restart_after_updates()

    import asyncio

    import qasync  # after PySide6, so qasync binds to it

    from app.ui.shell.error_hooks import install_error_hooks

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    restore_hooks = install_error_hooks(window.show_error, loop)
    QTimer.singleShot(0, boot.start)
    try:
        with loop:
            loop.run_forever()
    finally:
        restore_hooks()
    return 0


def _restart_after_updates() -> None:
    """Windows: the installer that closes the panel to update it (Inno Setup's CloseApplications,
    through the Restart Manager) starts it again; not after a crash, a hang or a reboot.
    Untested: no Windows in this project's CI."""
    if sys.platform == "win32":
        import ctypes

        restart_no_crash, restart_no_hang, restart_no_reboot = 1, 2, 8
        ctypes.windll.kernel32.RegisterApplicationRestart("gui", restart_no_crash | restart_no_hang | restart_no_reboot)


def _follow_desktop_scheme(window: PanelWindow, scheme) -> None:
    """The desktop's light or dark setting, where it has one (the first paint went by its palette).
    In high contrast the theme's palette decides; a scheme change there is another contrast theme."""
    from PySide6.QtCore import Qt

    if is_high_contrast():
        window.follow_color_scheme()
    elif scheme != Qt.ColorScheme.Unknown and (scheme == Qt.ColorScheme.Dark) != is_dark():
        window.follow_color_scheme(scheme == Qt.ColorScheme.Dark)


def _follow_desktop_contrast(window: PanelWindow, preference) -> None:
    """The desktop's high-contrast setting (Windows' contrast themes): the theme's colours, or the panel's again."""
    from PySide6.QtCore import Qt

    high_contrast = preference == Qt.ContrastPreference.HighContrast
    if high_contrast != is_high_contrast():
        window.follow_color_scheme(high_contrast=high_contrast)


def _set_icon(app: QApplication) -> None:
    """The window and task-bar icon, read after the first paint (a PNG decode is not free)."""
    from PySide6.QtGui import QIcon

    from app.core.errors import ConfigError
    from app.core.resources import resource_path

    try:
        app.setWindowIcon(QIcon(str(resource_path("icons/transfer-panel.png"))))
    except ConfigError as error:  # a missing icon is not worth stopping for; self-test reports it
        log.warning("%s", error)


def _wait_for_first_paint(window: PanelWindow) -> None:
    """Run Qt's own loop until the window has painted once (bounded, e.g. for a minimized start)."""
    if window.painted():
        return
    waiter = QEventLoop()
    window.sig_first_paint.connect(waiter.quit)
    QTimer.singleShot(_FIRST_PAINT_WAIT_MS, waiter.quit)
    waiter.exec()
