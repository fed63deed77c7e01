"""Living beside the softphone all day: the window's place per screen setup, a compact
always-on-top mode, and a tray icon.

The place is saved per screen setup (the names and sizes of all screens), so a laptop
that is docked in the morning and undocked at lunch gets the right place in each. Stored
with QSettings (the registry on Windows, a small file in the user config dir elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore  # QtCore.Qt, not Qt: see "Before the first paint" in app/ui/shell/window.py
from PySide6.QtCore import QByteArray, QObject, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.ui.common.windows import fit_on_screen

if TYPE_CHECKING:
    from PySide6.QtWidgets import QSystemTrayIcon


def screen_setup() -> str:
    screens = sorted(f"{s.name()}={s.geometry().width()}x{s.geometry().height()}" for s in QGuiApplication.screens())
    return ";".join(screens) or "none"


class DesktopIntegration(QObject):
    def __init__(self, window: QWidget, show_compact: Callable[[bool], None]) -> None:
        """`show_compact(on)`: the window lays itself out compact (and takes its height) or normal."""
        super().__init__(window)
        self.window = window
        self._show_compact = show_compact
        self.settings = QSettings("transfer-panel", "transfer-panel")
        self.tray: QSystemTrayIcon | None = None
        self._normal_size = QSize()

    # ---- place ------------------------------------------------------------------------
    def restore(self) -> bool:
        """The saved place and mode for this screen setup (before the window shows); True: compact."""
        geometry = self.settings.value(f"geometry/{screen_setup()}")
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)  # Qt moves it onto a screen if that one is gone
        compact = bool(self.settings.value("compact", False, type=bool))
        if compact:
            self.set_compact(True)
        return compact

    def save(self) -> None:
        if self.is_compact():
            self.set_compact(False)  # the normal size is what is remembered
            self.settings.setValue("compact", True)
        else:
            self.settings.setValue("compact", False)
        self.settings.setValue(f"geometry/{screen_setup()}", self.window.saveGeometry())
        self.settings.sync()

    # ---- compact, always on top ---------------------------------------------------------
    def is_compact(self) -> bool:
        return bool(self.window.windowFlags() & QtCore.Qt.WindowType.WindowStaysOnTopHint)

    def set_compact(self, compact: bool) -> None:
        if compact == self.is_compact():
            return
        visible = self.window.isVisible()
        if compact:
            self._normal_size = self.window.size()
        self.window.setWindowFlag(QtCore.Qt.WindowType.WindowStaysOnTopHint, compact)
        if visible:
            self.window.show()  # changing window flags hides a window
        self._show_compact(compact)  # shown: its layouts measure what they hold
        if not compact and self._normal_size.isValid():
            fit_on_screen(self.window, self._normal_size)

    # ---- tray -----------------------------------------------------------------------------
    def add_tray_icon(self) -> bool:
        """A tray icon to show/hide the panel and quit, where the desktop has a tray."""
        from PySide6.QtGui import QAction  # the tray comes after the first paint: so do its classes
        from PySide6.QtWidgets import QMenu, QSystemTrayIcon

        if not QSystemTrayIcon.isSystemTrayAvailable():
            return False
        self.tray = QSystemTrayIcon(QGuiApplication.windowIcon(), self)
        self.tray.setToolTip(self.tr("Voice Transfer Panel"))
        menu = QMenu(self.window)
        show_hide = QAction(self.tr("Show / hide the panel"), menu)
        show_hide.triggered.connect(self.toggle_visible)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(self.window.close)
        menu.addActions([show_hide, quit_action])
        self.tray.setContextMenu(menu)
        self.tray.activated.connect(self._tray_activated)
        self.tray.show()
        return True

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:  # a click, not the context menu
            self.toggle_visible()

    def toggle_visible(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()
