"""The settings dialog: connection profiles, each profile's private key, the config file itself, and
which of them the panel uses (a profile, or demo mode).

Non-modal: the window's session builds `SettingsDialog(config_path)` and calls `.open()`. Profiles
are validated by the core (`validate_profile`) and written with `save_profile`, which writes
nothing that would not read back valid and reads the file back after writing: "Saved" is said
only then. A file with problems shows them with their line numbers on the "Config file" page,
where it can be repaired. Files are read and written off the GUI thread; the credentials part
(`CredentialsPanel`) does its keyring work off the GUI thread too.
"""

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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.config_files import Config, ConfigReading, read_config, save_profile
from app.core.errors import PanelError
from app.core.profile import Profile, validate_profile
from app.core.secrets import SecretStore
from app.messages import Front, describe
from app.ui.common.background import Background
from app.ui.common.style import themed
from app.ui.common.windows import close_keys, open_on_screen
from app.ui.settings.config_file import ConfigFilePage, error_text, problem_text
from app.ui.settings.credentials import CredentialsPanel
from app.ui.settings.profile_form import ProfileForm


def _error_style() -> str:
    return f"color: {themed('#a40000')};"


class SettingsDialog(QDialog):
    """Profiles, credentials, the config file, and the panel's mode.

    Signals, one per action that changes what the panel should use: `sig_profile_saved(name)` after
    a profile was saved (and read back), `sig_file_saved()` after the config file was saved from the
    "Config file" page, `sig_use_profile(name)` for "Use this profile", `sig_use_demo()` for "Back to
    demo mode". `store` is the keyring access to use (tests pass one over an in-memory backend); by
    default a `SecretStore()` is made on first use, off the GUI thread.
    """

    sig_profile_saved = Signal(str)
    sig_file_saved = Signal()
    sig_use_profile = Signal(str)
    sig_use_demo = Signal()

    def __init__(self, config_path: Path, parent: QWidget | None = None,
                 store: SecretStore | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.setModal(False)
        close_keys(self)
        self._config_path = Path(config_path)
        self._config = Config(self._config_path, {})
        self._problems: tuple[PanelError, ...] = ()
        self._in_use: str | None = None  # the profile the panel uses
        self._demo = False
        # Reading and writing the config file: off the GUI thread (a network home folder can stall).
        self._files = Background("configFilesPool", error_text, self)
        self._files.sig_busy_changed.connect(self._files_busy)

        self.config_error = QLabel(self)
        self.config_error.setObjectName("configError")
        self.config_error.setWordWrap(True)
        self.config_error.setStyleSheet(_error_style())
        self.config_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_file_button = QPushButton("Show in the f&ile", self)
        self.show_file_button.setAccessibleName("Show the problems in the config file")
        self.show_file_button.clicked.connect(self.show_file)

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
        self.form_status.setWordWrap(True)
        self.form_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("&Save profile", self)
        self.save_button.setAccessibleName("Save profile")
        self.save_button.clicked.connect(self.save)
        self.credentials = CredentialsPanel(store, self)
        self.file_page = ConfigFilePage(self._files, self)
        self.file_page.sig_saved.connect(self._file_saved)
        self.file_page.sig_reload_requested.connect(lambda: self.reload(select=self._selected_name()))
        self.file_page.sig_problems_changed.connect(self._file_problems_changed)

        self.mode_label = QLabel(self)
        self.mode_label.setObjectName("panelMode")
        self.mode_label.setWordWrap(True)
        self.use_button = QPushButton("&Use this profile", self)
        self.use_button.setAccessibleName("Use this profile in the panel")
        self.use_button.clicked.connect(self._use_selected)
        self.demo_button = QPushButton("Back to demo mode", self)
        self.demo_button.setAccessibleName("Back to demo mode")
        self.demo_button.setToolTip("The built-in simulator, demo directory and calls; nothing reaches Salesforce. "
                                    "Your profiles stay as they are.")
        self.demo_button.clicked.connect(self.sig_use_demo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close settings")
        for button in (self.show_file_button, self.new_button, self.save_button, self.use_button, self.demo_button,
                       self.close_button):
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
        scroll = QScrollArea(self)  # every key and the claims make the page taller than a small screen
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a Tab stop on the area itself would say nothing
        scroll.setWidget(page)
        profiles_page = QWidget(self)
        columns = QHBoxLayout(profiles_page)
        columns.addLayout(left)
        columns.addWidget(scroll, 1)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self.tabs.addTab(profiles_page, "Profiles")
        self.tabs.addTab(self.file_page, "Config file")
        problem_row = QHBoxLayout()
        problem_row.addWidget(self.config_error, 1)
        problem_row.addWidget(self.show_file_button, 0, Qt.AlignmentFlag.AlignTop)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.mode_label, 1)
        mode_row.addWidget(self.use_button)
        mode_row.addWidget(self.demo_button)
        mode_row.addWidget(buttons)
        root = QVBoxLayout(self)
        root.addLayout(problem_row)
        root.addWidget(self.tabs, 1)
        root.addLayout(mode_row)

        self._update_tab_order()
        self.show_panel_state(demo=False, profile=None)
        self._show_problems_note()
        self.resize(760, 720)

    def _update_tab_order(self) -> None:
        chain = [self.show_file_button, self.tabs.tabBar(), self.profile_list, self.new_button, *self.form.tab_chain(),
                 self.save_button, *self.credentials.tab_chain(), *self.file_page.tab_chain(), self.use_button,
                 self.demo_button, self.close_button]
        for first, second in pairwise(chain):
            self.setTabOrder(first, second)

    def showEvent(self, event: QShowEvent) -> None:
        """Read the file each time the dialog appears: it may have changed while hidden."""
        if not event.spontaneous():
            self.reload(select=self._selected_name())
        super().showEvent(event)

    def open(self) -> None:
        """Show without blocking anything: unlike QDialog.open(), the panel stays usable."""
        self.setWindowModality(Qt.WindowModality.NonModal)
        open_on_screen(self, self.parentWidget())

    def show_file(self) -> None:
        self.tabs.setCurrentWidget(self.file_page)
        self.file_page.problems.setFocus()

    # ---- what the panel uses ----------------------------------------------------------------
    def show_panel_state(self, demo: bool, profile: str | None) -> None:
        """What the panel works with now: demo mode, a profile, or neither (it could not connect)."""
        self._demo, self._in_use = demo, profile
        if demo:
            self.mode_label.setText("The panel is in demo mode: transfers go to the built-in simulator.")
        elif profile is not None:
            self.mode_label.setText(f"The panel uses profile '{profile}'.")
        else:
            self.mode_label.setText("The panel is not connected: save a profile, or choose one and Use it.")
        self.demo_button.setVisible(not demo)
        self._update_use_button()

    def _update_use_button(self) -> None:
        name = self._selected_name()
        self.use_button.setVisible(name is not None and (self._demo or name != self._in_use))
        self.use_button.setText(f"&Use '{name}'" if name else "&Use this profile")

    def _use_selected(self) -> None:
        if (name := self._selected_name()) is not None:
            self.sig_use_profile.emit(name)

    # ---- reading the file -------------------------------------------------------------------
    def _files_busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)  # one save at a time, never over a read

    def is_busy(self) -> bool:
        """Whether the config file or the keyring is being read or written."""
        return self._files.is_busy() or self.credentials.is_busy()

    def reload(self, select: str | None = None, then: Callable[[], None] | None = None) -> None:
        """Read the config file again (off the GUI thread), then select `select` (or the first
        profile, or New) and call `then`."""
        path = self._config_path

        def done(ok: bool, read: ConfigReading | str) -> None:
            if isinstance(read, ConfigReading):
                self._config, self._problems = read.config, read.problems
                self.file_page.show_reading(read)
            else:  # not a file that can be read as text at all
                self._config, self._problems = Config(path, {}), ()
                self.file_page.show_unreadable(path, read)
            self._show_problems_note(read if isinstance(read, str) else "")
            self._select(select)
            if then is not None:
                then()

        self._files.run(lambda: read_config(path), done)

    def _file_problems_changed(self, _count: int) -> None:
        self.tabs.setTabText(1, f"Config file ({_count} problem{'s' if _count != 1 else ''})" if _count
                             else "Config file")

    def _show_problems_note(self, unreadable: str = "") -> None:
        """Above the tabs: the file's problems (each with its line), or notes about IT's locked keys."""
        config = self._config
        if unreadable:
            text = unreadable
        elif self._problems:
            count = len(self._problems)
            lines = [f"The config file {config.path} has {count} problem{'s' if count != 1 else ''}: the panel "
                     "cannot use it until they are fixed (Config file).",
                     *(f"  • {problem_text(problem, config.path)}" for problem in self._problems[:5])]
            text = "\n".join(lines + (["  • …"] if count > 5 else []))
        else:
            text = "\n".join(f"[profiles.{name}] {key} is set by your IT department ({config.site_path}); the value "
                             f"in {config.path} is ignored." for name, key in config.ignored)
        self.config_error.setText(text)
        self.config_error.setVisible(bool(text))
        self.show_file_button.setVisible(bool(self._problems))

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
        self._update_use_button()

    # ---- profiles ---------------------------------------------------------------------------
    def _selected_name(self) -> str | None:
        item = self.profile_list.currentItem()
        return item.text() if item is not None else None

    def selected_profile(self) -> Profile | None:
        """The selected profile as saved in the file; None while a new one is being edited."""
        name = self._selected_name()
        return self._config.profiles.get(name) if name is not None else None

    def _profile_selected(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        profile = self._config.profiles.get(item.text()) if item is not None else None
        self._update_use_button()
        if profile is None:
            return
        self._set_status("")
        self.form.set_profile(profile)
        reason = f"Set by your IT department in {self._config.site_path}; it cannot be changed here."
        self.form.set_locked({key: reason for key in self.form.fields if self._config.is_locked(profile.name, key)})
        self.credentials.set_profile(profile)
        self._update_tab_order()

    def new_profile(self) -> None:
        self.profile_list.blockSignals(True)
        self.profile_list.setCurrentRow(-1)
        self.profile_list.blockSignals(False)
        self._update_use_button()
        self._set_status("")
        self.form.clear()
        self.form.set_locked({})
        self.credentials.set_profile(None)
        self._update_tab_order()
        self.form.fields["name"].setFocus()

    def save(self) -> None:
        """Validate the form and save it (off the GUI thread); on any problem show it and write nothing.
        "Saved" only once the file was read back with the profile in it."""
        try:
            profile = validate_profile(self.form.profile())
        except PanelError as error:  # a value refused: shown at once, nothing touches the file
            self._set_status(describe(error, Front.WINDOW), error=True)
            return
        config = self._config
        path, locked, site_path = config.path, config.locked.get(profile.name, frozenset()), config.site_path
        self._set_status("Saving…")

        def saved(ok: bool, result: Config | str) -> None:
            if not ok:  # nothing was written (or it did not read back as saved): say why
                self._set_status(f"Not saved. {result}", error=True)
                return
            self.reload(select=profile.name, then=lambda: self._saved(profile.name))

        self._files.run(lambda: save_profile(path, profile, locked, site_path), saved)

    def _saved(self, name: str) -> None:
        if name not in self._config.profiles or self._problems:  # read back already; the file changed since
            self._set_status(f"Profile '{name}' was written to {self._config_path}, but the file now reads "
                             "differently (see above).", error=True)
            return
        self._set_status(f"Saved profile '{name}' to {self._config_path}. The panel now uses it.")
        self.sig_profile_saved.emit(name)

    def _file_saved(self, config: Config) -> None:
        self.reload(select=self._selected_name(), then=self.sig_file_saved.emit)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.form_status.setStyleSheet(_error_style() if error else "")
        self.form_status.setText(text)
