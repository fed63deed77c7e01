"""The credentials part of the settings dialog: one profile's private key in the OS keyring.

Keyring calls block (D-Bus, maybe an unlock prompt) and making a key takes up to seconds, so
they run on the keyring's one-thread pool (`app.ui.common.background`) and report back on the
GUI thread. Secrets never stay in a widget, reach a log line or a message: "Test" shows the
token's claims and the key's fingerprint, never the token or the PEM; "Create key and
certificate…" writes only the certificate (the use cases are `app.core.credentials`', shared
with `transfer-panel credentials`).
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.credentials import Certificate, CredentialsDesk, read_key_file
from app.core.errors import PanelError
from app.core.profile import Profile
from app.core.secrets import SecretStore
from app.messages import Front, describe
from app.ui.common.background import Background
from app.ui.common.i18n import QT_TRANSLATE_NOOP, TRANSLATIONS

translate = QCoreApplication.translate  # pyside6-lupdate reads translate("Context", "…")

log = logging.getLogger(__name__)
WORKING = QT_TRANSLATE_NOOP("CredentialsPanel", "Working…")


def error_message(error: Exception) -> str:
    """A message fit for the rep. Core errors carry codes and never secrets; others only their type."""
    if isinstance(error, PanelError):
        return describe(error, Front.WINDOW)
    if isinstance(error, OSError):
        return translate("CredentialsPanel", "Cannot read the file: {error}.").format(error=error.strerror or error)
    log.error("Settings: unexpected %s", type(error).__name__, exc_info=error)
    return translate("CredentialsPanel", "Unexpected error ({error}); details are in the log file.").format(
        error=type(error).__name__)


def action_button(parent: QWidget, text: str, accessible: str, slot: Callable[[], None]) -> QPushButton:
    """A Settings page's button: named for screen readers, never the default (Enter stays in the fields)."""
    button = QPushButton(text, parent)
    button.setAccessibleName(accessible)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button


def format_claims(claims: dict[str, Any], fingerprint: str) -> str:
    lines = []
    for name in ("iss", "sub", "aud", "iat", "exp", "jti"):
        value = claims.get(name, "")
        if name in ("iat", "exp") and isinstance(value, int):
            value = f"{value}  ({datetime.fromtimestamp(value, UTC):%Y-%m-%d %H:%M:%S} UTC)"
        lines.append(f"{name + ':':<13}{value}")
    first, second = fingerprint_halves(fingerprint)
    lines.append(f"{'fingerprint:':<13}{first}")
    lines.append(f"{'':<13}{second}")
    return "\n".join(lines)


def fingerprint_halves(fingerprint: str) -> tuple[str, str]:
    """A SHA-256 fingerprint on two lines of 16 bytes (one line of 95 characters cannot wrap)."""
    half = len(fingerprint) // 2 + 1
    return fingerprint[:half].rstrip(":"), fingerprint[half:]


def certificate_text(certificate: Certificate, path: Path) -> str:
    first, second = fingerprint_halves(certificate.fingerprint)
    return translate("CredentialsPanel", "Upload the certificate {path} on the Call Center (valid until "
                                         "{date}).\nCertificate fingerprint "
               "(SHA-256):\n{first}\n{second}").format(
        path=path, first=first, second=second,
        date=TRANSLATIONS.locale.toString(QDate(certificate.not_after.year, certificate.not_after.month,
                                                certificate.not_after.day), QLocale.FormatType.ShortFormat))



class CredentialsPanel(QGroupBox):
    """Shows the keyring backend and key status of one saved profile; sets, removes, tests its key."""

    def __init__(self, store: SecretStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(translate("CredentialsPanel", "Private key (OS keyring)"), parent)
        self.setObjectName("credentialsPanel")
        # The use cases, shared with the command line; its store is made on the pool thread.
        self._credentials = CredentialsDesk(lambda: store if store is not None else SecretStore())
        self._profile: Profile | None = None
        self._keyring = Background("keyringPool", error_message, self)
        self._keyring.sig_busy_changed.connect(lambda _busy: self._update_controls())
        self.file_dialog: QFileDialog | None = None

        self.backend_label = self._label("backendLabel")
        self.key_status = self._label("keyStatus")
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Key passphrase"))
        self.passphrase.setPlaceholderText(self.tr("only if the PEM file is encrypted"))
        self.passphrase.setToolTip(self.tr("Type it before choosing the file; it is cleared as soon as it is used."))
        self.set_key_button = self._button(self.tr("Set private &key from PEM file…"),
                                           self.tr("Set private key from PEM file"), self.choose_pem)
        self.create_key_button = self._button(self.tr("Create key and cert&ificate…"),
                                              self.tr("Create key and certificate"), self.create_key)
        self.create_key_button.setToolTip(self.tr("A new 2048-bit RSA key, kept only in the keyring, and the "
                                                  "self-signed certificate to upload on the Call Center, saved where "
                                                  "you choose."))
        self.export_cert_button = self._button(self.tr("E&xport certificate…"), self.tr("Export certificate"),
                                               self.export_certificate)
        self.export_cert_button.setToolTip(self.tr("Save a new self-signed certificate for the stored key (e.g. when "
                                                   "the first one was lost)."))
        self.remove_key_button = self._button(self.tr("Re&move key"), self.tr("Remove key"), self._remove_key)
        self.test_button = self._button(self.tr("T&est"), self.tr("Test the key and show a token's claims"), self._test)
        # Asked in place before a stored key is replaced (never a modal box: the panel stays usable).
        self.replace_question = self._label("replaceQuestion")
        self.replace_button = self._button(self.tr("Replace the ke&y…"), self.tr("Replace the stored key"),
                                           self._replace_confirmed)
        self.keep_button = self._button(self.tr("Keep it"), self.tr("Keep the stored key"), self._hide_replace_question)
        self._replace_row = QWidget(self)
        replace_row = QHBoxLayout(self._replace_row)
        replace_row.setContentsMargins(0, 0, 0, 0)
        replace_row.addWidget(self.replace_question, 1)
        replace_row.addWidget(self.replace_button, 0, Qt.AlignmentFlag.AlignTop)
        replace_row.addWidget(self.keep_button, 0, Qt.AlignmentFlag.AlignTop)
        self._replace_row.hide()
        self._has_key: bool | None = None  # as the last look at the keyring found it
        self.busy_label = self._label("busyLabel")
        self.message = self._label("credMessage")
        self.claims = self._label("claims", wrap=False)
        self.claims.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        form = QFormLayout()
        form.addRow(self.tr("Keyring:"), self.backend_label)
        form.addRow(self.tr("Key:"), self.key_status)
        passphrase_label = QLabel(self.tr("P&assphrase:"), self)
        passphrase_label.setBuddy(self.passphrase)
        form.addRow(passphrase_label, self.passphrase)
        key_buttons = QHBoxLayout()
        for button in (self.set_key_button, self.create_key_button):
            key_buttons.addWidget(button)
        key_buttons.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.export_cert_button, self.remove_key_button, self.test_button):
            buttons.addWidget(button)
        buttons.addWidget(self.busy_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(key_buttons)
        layout.addLayout(buttons)
        layout.addWidget(self._replace_row)
        layout.addWidget(self.message)
        layout.addWidget(self.claims)
        self.message.hide()
        self.claims.hide()

    def _label(self, name: str, wrap: bool = True) -> QLabel:
        """A label for messages: it speaks its text (a name set here would hide it from a screen reader)."""
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(wrap)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _button(self, text: str, accessible: str, slot: Callable[[], None]) -> QPushButton:
        return action_button(self, text, accessible, slot)

    @staticmethod
    def _show(label: QLabel, text: str) -> None:
        """Set a result label's text; an empty one takes no room."""
        label.setText(text)
        label.setVisible(bool(text))

    def tab_chain(self) -> list[QWidget]:
        return [self.passphrase, self.set_key_button, self.create_key_button, self.export_cert_button,
                self.remove_key_button, self.test_button, self.replace_button, self.keep_button]

    def is_busy(self) -> bool:
        return self._keyring.is_busy()

    def set_profile(self, profile: Profile | None) -> None:
        """Show a saved profile's key status (None: an unsaved profile, which has no key yet)."""
        self._profile = profile
        self._has_key = None
        self._replace_row.hide()
        self._show(self.claims, "")
        self._show(self.message, "")
        self.refresh()

    # ---- the pool -----------------------------------------------------------------------
    def _run(self, work: Callable[[], Any], on_done: Callable[[bool, Any], None]) -> None:
        self._keyring.run(work, on_done)

    def _update_controls(self) -> None:
        idle = not self.is_busy()
        self.busy_label.setText("" if idle else self.tr(WORKING))
        for button in (self.set_key_button, self.create_key_button, self.export_cert_button, self.remove_key_button,
                       self.test_button, self.replace_button):
            button.setEnabled(self._profile is not None and idle)
        self.passphrase.setEnabled(self._profile is not None)

    # ---- actions ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Look up the backend and whether the profile has a key (in the pool)."""
        profile = self._profile
        if profile is None:
            self.key_status.setText(self.tr("Save the profile first, then store its key."))
        name = profile.name if profile else None

        def work() -> tuple[str, bool | None]:
            credentials = self._credentials
            return credentials.backend_name(), (credentials.is_stored(name) if name else None)

        def done(ok: bool, value: Any) -> None:
            if not ok:
                self.backend_label.setText(value)
                if profile is not None:
                    self.key_status.setText(self.tr("unknown: the keyring cannot be used"))
                return
            backend, has_key = value
            self.backend_label.setText(backend)
            if profile is not None and profile is self._profile:
                self._has_key = has_key
                self.key_status.setText((self.tr("stored for '{name}'") if has_key
                                         else self.tr("none stored for '{name}'")).format(name=name))

        self._run(work, done)

    def choose_pem(self) -> None:
        dialog = QFileDialog(self, self.tr("Private key (PEM)"))
        dialog.setObjectName("pemFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([self.tr("PEM private keys (*.pem *.key)"), self.tr("All files (*)")])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.set_key_from_file)
        self.file_dialog = dialog
        dialog.open()  # non-modal to the event loop: never exec()

    def set_key_from_file(self, path: str | Path) -> None:
        """Load the PEM at `path` with the typed passphrase; store it for the profile."""
        passphrase = self.passphrase.text() or None
        self.passphrase.clear()  # never left in a widget after use
        profile, file = self._profile, Path(path)
        if profile is None:
            return
        self._show(self.claims, "")

        def work() -> str:
            info = self._credentials.store_key(profile.name, read_key_file(file), passphrase)
            return translate("CredentialsPanel", "Stored the {bits}-bit RSA key for '{name}'.\nFingerprint: "
                                                 "{fingerprint}").format(
                bits=info.bits, name=profile.name, fingerprint=info.fingerprint)

        self._run(work, self._show_message)
        self.refresh()

    def create_key(self) -> None:
        """A new key pair for the profile; a stored key is replaced only once the rep says so."""
        if self._profile is None:
            return
        if self._has_key:
            name = self._profile.name
            question = self.tr("'{name}' already has a key. A new one replaces it, and transfers fail until its "
                               "certificate is registered on the Call Center.")
            self.replace_question.setText(question.format(name=name))
            self._replace_row.show()
            self.keep_button.setFocus()
            return
        self._choose_certificate_file(lambda path: self.create_key_to(path))

    def _replace_confirmed(self) -> None:
        self._hide_replace_question()
        self._choose_certificate_file(lambda path: self.create_key_to(path, replace=True))

    def _hide_replace_question(self) -> None:
        self._replace_row.hide()
        self.create_key_button.setFocus()

    def export_certificate(self) -> None:
        if self._profile is not None:
            self._choose_certificate_file(self.export_certificate_to)

    def _choose_certificate_file(self, chosen: Callable[[Path], None]) -> None:
        profile = self._profile
        assert profile is not None
        dialog = QFileDialog(self, self.tr("Save the certificate (PEM)"))
        dialog.setObjectName("certFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([self.tr("PEM certificates (*.pem *.crt)"), self.tr("All files (*)")])
        dialog.setDefaultSuffix("pem")
        dialog.setDirectory(str(Path.home()))
        dialog.selectFile(f"{profile.name}.pem")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: chosen(Path(path)))
        self.file_dialog = dialog
        dialog.open()  # non-modal to the event loop: never exec()

    def create_key_to(self, path: Path, replace: bool = False) -> None:
        """Make the key pair (in the pool: RSA takes up to seconds), the certificate saved as `path`."""
        profile, credentials = self._profile, self._credentials
        if profile is None:
            return
        self._show(self.claims, "")

        def work() -> str:
            made = credentials.generate(profile, path, replace=replace)
            created = translate("CredentialsPanel", "Created a {bits}-bit RSA key for '{name}' in the "
                                                    "keyring.").format(bits=made.key.bits,
                                                                                             name=profile.name)
            if made.replaced:
                created += " " + translate("CredentialsPanel", "It replaces the previous key: transfers fail until "
                                                               "this certificate is "
                                     "registered on the Call Center.")
            return f"{created}\n{certificate_text(made.certificate, made.path)}"

        self._run(work, self._show_message)
        self.refresh()

    def export_certificate_to(self, path: Path) -> None:
        profile, credentials = self._profile, self._credentials
        if profile is None:
            return
        self._show(self.claims, "")

        def work() -> str:
            certificate = credentials.export_certificate(profile, path)
            saved = translate("CredentialsPanel", "Saved a new certificate for the key of '{name}'.").format(
                name=profile.name)
            return f"{saved}\n{certificate_text(certificate, path)}"

        self._run(work, self._show_message)

    def _remove_key(self) -> None:
        profile = self._profile
        if profile is None:
            return
        self._show(self.claims, "")

        def work() -> str:
            if self._credentials.delete(profile.name):
                return translate("CredentialsPanel", "Removed the key of '{name}' from the keyring.").format(
                    name=profile.name)
            return translate("CredentialsPanel", "No key was stored for '{name}'.").format(name=profile.name)

        self._run(work, self._show_message)
        self.refresh()

    def _test(self) -> None:
        profile = self._profile
        if profile is None:
            return
        self._show(self.claims, "")

        def work() -> str:
            check = self._credentials.check(profile)
            return format_claims(check.claims, check.key.fingerprint)

        def done(ok: bool, value: str) -> None:
            if not ok:
                self._show(self.message, value)
            elif profile is self._profile:
                self._show(self.message, self.tr("The key works: a token for '{name}' was minted. Its claims (the "
                                                 "token itself is never shown):").format(name=profile.name))
                self._show(self.claims, value)

        self._run(work, done)

    def _show_message(self, ok: bool, value: str) -> None:
        self._show(self.message, value)
