"""The settings dialog: edit connection profiles and manage each profile's private key.

Non-modal: the window builds `SettingsDialog(config_path)` and calls `.open()`. Profiles
are validated by the core (`validate_profile`) and written with `save_profile`; a
problem is shown next to the form and nothing is saved. The credentials part
(`CredentialsPanel`) does its keyring work off the GUI thread.
"""

import logging
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.config_files import Config, load_config, save_profile
from app.core.errors import PanelError
from app.core.profile import Profile, validate_profile
from app.core.secrets import SecretStore
from app.messages import Front, describe
from app.ui.common.background import Background
from app.ui.common.style import themed
from app.ui.settings.credentials import CredentialsPanel
from app.ui.settings.profile_form import ProfileForm


def _file_error(error: Exception) -> str:
    """A config file's problem in the window's words (a bug's type only: its details are in the log)."""
    if isinstance(error, PanelError):
        return describe(error, Front.WINDOW)
    log.error("Settings: unexpected %s", type(error).__name__, exc_info=error)
    return f"Unexpected error ({type(error).__name__}); details are in the log file."


def _error_style() -> str:
    return f"color: {themed('#a40000')};"


log = logging.getLogger(__name__)


class SettingsDialog(QDialog):
    """Profiles and credentials. Emits `sig_profiles_changed` after each successful save.

    `store` is the keyring access to use (tests pass one over an in-memory backend); by
    default a `SecretStore()` is made on first use, off the GUI thread.
    """

    sig_profiles_changed = Signal()

    def __init__(self, config_path: Path, parent: QWidget | None = None,
                 store: SecretStore | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.setModal(False)
        self._config_path = Path(config_path)
        self._config = Config(self._config_path, {})
        # Reading and writing the config file: off the GUI thread (a network home folder can stall).
        self._files = Background("configFilesPool", _file_error, self)
        self._files.sig_busy_changed.connect(self._files_busy)

        self.config_error = QLabel(self)
        self.config_error.setObjectName("configError")
        self.config_error.setAccessibleName("Configuration file problem")
        self.config_error.setWordWrap(True)
        self.config_error.setStyleSheet(_error_style())
        self.config_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.profile_list = QListWidget(self)
        self.profile_list.setObjectName("profileList")
        self.profile_list.setAccessibleName("Profiles")
        self.profile_list.setMaximumWidth(160)
        self.profile_list.currentItemChanged.connect(self._profile_selected)
        self.new_button = QPushButton("Ne&w", self)
        self.new_button.setAccessibleName("New profile")
        self.new_button.clicked.connect(self.new_profile)
        self.form = ProfileForm(self)
        self.form_status = QLabel(self)
        self.form_status.setObjectName("formStatus")
        self.form_status.setAccessibleName("Profile status")
        self.form_status.setWordWrap(True)
        self.form_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("&Save profile", self)
        self.save_button.setAccessibleName("Save profile")
        self.save_button.clicked.connect(self.save)
        self.credentials = CredentialsPanel(store, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close settings")
        for button in (self.new_button, self.save_button, self.close_button):
            button.setAutoDefault(False)

        left = QVBoxLayout()
        list_label = QLabel("Profi&les", self)
        list_label.setBuddy(self.profile_list)
        left.addWidget(list_label)
        left.addWidget(self.profile_list, 1)
        left.addWidget(self.new_button)
        save_row = QHBoxLayout()
        save_row.addWidget(self.form_status, 1)
        save_row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        page = QWidget(self)
        right = QVBoxLayout(page)
        right.setContentsMargins(0, 0, 6, 0)
        right.addWidget(self.form)
        right.addLayout(save_row)
        right.addWidget(self.credentials)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left)
        scroll = QScrollArea(self)  # the claims can make the page taller than a small screen
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        columns.addWidget(scroll, 1)
        root = QVBoxLayout(self)
        root.addWidget(self.config_error)
        root.addLayout(columns, 1)
        root.addWidget(buttons)

        chain = [self.profile_list, self.new_button, *self.form.tab_chain(), self.save_button,
                 *self.credentials.tab_chain(), self.close_button]
        for first, second in pairwise(chain):
            self.setTabOrder(first, second)
        self.resize(720, 700)

    def showEvent(self, event: QShowEvent) -> None:
        """Read the file each time the dialog appears: it may have changed while hidden."""
        if not event.spontaneous():
            current = self.selected_profile()
            self.reload(select=current.name if current else None)
        super().showEvent(event)

    def open(self) -> None:
        """Show without blocking anything: unlike QDialog.open(), the panel stays usable."""
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.show()
        self.raise_()
        self.activateWindow()

    # ---- profiles -----------------------------------------------------------------------
    def _files_busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)  # one save at a time, never over a read

    def is_busy(self) -> bool:
        """Whether the config file or the keyring is being read or written."""
        return self._files.is_busy() or self.credentials.is_busy()

    def reload(self, select: str | None = None, then: Callable[[], None] | None = None) -> None:
        """Read the config file again (off the GUI thread), then select `select` (or the first
        profile, or New) and call `then`."""
        path = self._config_path

        def done(ok: bool, loaded: Config | str) -> None:
            if isinstance(loaded, Config):
                self._show_config(loaded, "")
            else:
                self._show_config(Config(path, {}), loaded)
            self._select(select)
            if then is not None:
                then()

        self._files.run(lambda: load_config(path), done)

    def _show_config(self, config: Config, problem: str) -> None:
        self._config = config
        notes = [f"[profiles.{name}] {key} is set by your IT department ({config.site_path}); the value in "
                 f"{config.path} is ignored." for name, key in config.ignored]
        self.config_error.setText(problem or "\n".join(notes))
        self.config_error.setVisible(bool(self.config_error.text()))

    def _select(self, select: str | None) -> None:
        """List the profiles of the config just read and select one."""
        names = sorted(self._config.profiles)
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        self.profile_list.addItems(names)
        self.profile_list.blockSignals(False)
        if names:
            self.profile_list.setCurrentRow(names.index(select) if select in names else 0)
        else:
            self.new_profile()

    def selected_profile(self) -> Profile | None:
        """The selected profile as saved in the file; None while a new one is being edited."""
        item = self.profile_list.currentItem()
        return self._config.profiles.get(item.text()) if item is not None else None

    def _profile_selected(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        profile = self._config.profiles.get(item.text()) if item is not None else None
        if profile is None:
            return
        self._set_status("")
        self.form.set_profile(profile)
        reason = f"Set by your IT department in {self._config.site_path}; it cannot be changed here."
        self.form.set_locked({key: reason for key in self.form.fields if self._config.is_locked(profile.name, key)})
        self.credentials.set_profile(profile)

    def new_profile(self) -> None:
        self.profile_list.blockSignals(True)
        self.profile_list.setCurrentRow(-1)
        self.profile_list.blockSignals(False)
        self._set_status("")
        self.form.clear()
        self.form.set_locked({})
        self.credentials.set_profile(None)
        self.form.fields["name"].setFocus()

    def save(self) -> None:
        """Validate the form and save it (off the GUI thread); on any problem show it and write nothing."""
        try:
            profile = validate_profile(self.form.profile())
        except PanelError as error:  # a value refused: shown at once, nothing touches the file
            self._set_status(describe(error, Front.WINDOW), error=True)
            return
        path, locked = self._config_path, self._config.locked.get(profile.name, frozenset())
        self._set_status("Saving…")

        def saved(ok: bool, problem: str | None) -> None:
            if not ok:  # the file could not be read or written: nothing was saved
                self._set_status(str(problem), error=True)
                return
            self.reload(select=profile.name, then=lambda: self._saved(profile.name))

        self._files.run(lambda: save_profile(path, profile, locked), saved)

    def _saved(self, name: str) -> None:
        self._set_status(f"Saved profile '{name}' to {self._config_path}.")
        self.sig_profiles_changed.emit()

    def _set_status(self, text: str, error: bool = False) -> None:
        self.form_status.setStyleSheet(_error_style() if error else "")
        self.form_status.setText(text)
