"""The profile editor of the settings dialog: a field for every key of a profile, no file access.

The form only turns widgets into a `Profile` and back; the dialog validates with
`app.core.profile.validate_profile` and writes with `save_profile`. Which keys a profile uses
(a directory file only with a file source, OpenBao's keys only when it signs) is the core's
rule (`keys_that_apply`): the form shows those and keeps the others' values.
"""

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.profile import CHOICES, KEYS, SECONDS_RANGES, Profile, keys_that_apply
from app.ui.common.i18n import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate  # pyside6-lupdate reads translate("Context", "…")

# Labels and tooltips follow the README's configuration reference.
_FIELDS: dict[str, tuple[str, str]] = {
    "name": (QT_TRANSLATE_NOOP("ProfileForm", "&Name"),
             QT_TRANSLATE_NOOP("ProfileForm", "The profile's name, used with --profile. Letters, digits, '-' and "
                               "'_' (at most 64). An existing profile cannot be renamed here: create a new one "
                               "instead.")),
    "base_url": (QT_TRANSLATE_NOOP("ProfileForm", "&Base URL"),
                 QT_TRANSLATE_NOOP("ProfileForm", "The SCRT base URL, taken whole (sandboxes use other host "
                                   "shapes), e.g.\nhttps://<MyDomain>.my.salesforce-scrt.com/telephony/v1\nMust be "
                                   "https://; plain http:// only to this computer (a local simulator).")),
    "org_id": (QT_TRANSLATE_NOOP("ProfileForm", "&Org ID"),
               QT_TRANSLATE_NOOP("ProfileForm", "The Salesforce org ID (00D…, 15 or 18 characters), from Setup > "
                                 "Company Information. It is the token's issuer (iss).")),
    "call_center": (QT_TRANSLATE_NOOP("ProfileForm", "&Call center"),
                    QT_TRANSLATE_NOOP("ProfileForm", "The Call Center's API name, e.g. HVCC. It is the token's "
                                      "subject (sub).")),
    "provider_name": (QT_TRANSLATE_NOOP("ProfileForm", "&Provider name"),
                      QT_TRANSLATE_NOOP("ProfileForm", "Optional. Sent as the Telephony-Provider-Name header when "
                                        "set: plain ASCII, e.g. Amazon Connect.")),
    "training": (QT_TRANSLATE_NOOP("ProfileForm", "Training"),
                 QT_TRANSLATE_NOOP("ProfileForm", "A classroom profile only: allows plain http:// to the trainer's "
                                   "simulator on another computer (never Salesforce or a public address); the "
                                   "window says TRAINING.")),
    "route_shape": (QT_TRANSLATE_NOOP("ProfileForm", "&Route shape"),
                    QT_TRANSLATE_NOOP("ProfileForm", "How the route call is addressed (Salesforce documents "
                                      "both):\nseed (default): POST "
                                      "{base}/voiceCalls/{id}/routeVoiceCall\nconnector: PATCH "
                                      "{base}/voiceCalls/route/{id}\nA 405 answer means the server wants the other "
                                      "one.")),
    "body_format": (QT_TRANSLATE_NOOP("ProfileForm", "Bo&dy format"),
                    QT_TRANSLATE_NOOP("ProfileForm", "json (default) or xml (root <routeVoiceCall>, flow inputs as "
                                      "<entry><key/><value/></entry>).")),
    "flow_inputs_as": (QT_TRANSLATE_NOOP("ProfileForm", "&Flow inputs as"),
                       QT_TRANSLATE_NOOP("ProfileForm", "object (default) sends flowInputParameters as a JSON "
                                         "object; string sends it JSON-encoded as a string. JSON bodies only.")),
    "timeout_s": (QT_TRANSLATE_NOOP("ProfileForm", "&Timeout"),
                  QT_TRANSLATE_NOOP("ProfileForm", "Deadline for one transfer, retry included (1–120 seconds, "
                                    "default 10).")),
    "contact_id_pattern": (QT_TRANSLATE_NOOP("ProfileForm", "Contact ID pattern"),
                           QT_TRANSLATE_NOOP("ProfileForm", "Optional. A regular expression the telephony vendor's "
                                             "contact IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect's "
                                             "UUIDs. Empty: one word, no spaces.")),
    "directory_source": (QT_TRANSLATE_NOOP("ProfileForm", "Director&y"),
                         QT_TRANSLATE_NOOP("ProfileForm", "Where the directory comes from: none (paste IDs), file "
                                           "(an admin's CSV or JSON file), salesforce (the org's REST API) or demo "
                                           "(the built-in one).")),
    "directory_file": (QT_TRANSLATE_NOOP("ProfileForm", "Directory file"),
                       QT_TRANSLATE_NOOP("ProfileForm", "Path of the directory file (CSV or JSON). Checked every 5 "
                                         "s and reloaded when it changes.")),
    "salesforce_login_url": (QT_TRANSLATE_NOOP("ProfileForm", "Login URL"),
                             QT_TRANSLATE_NOOP("ProfileForm", "https://login.salesforce.com (default), "
                                               "https://test.salesforce.com or your My Domain URL: the JWT's "
                                               "audience.")),
    "salesforce_consumer_key": (QT_TRANSLATE_NOOP("ProfileForm", "Consumer key"),
                                QT_TRANSLATE_NOOP("ProfileForm", "The connected app's consumer key: the JWT's "
                                                  "issuer.")),
    "salesforce_username": (QT_TRANSLATE_NOOP("ProfileForm", "API user"),
                            QT_TRANSLATE_NOOP("ProfileForm", "The integration user: the JWT's subject. Its key is "
                                              "stored with transfer-panel credentials set --purpose salesforce-api.")),
    "salesforce_api_version": (QT_TRANSLATE_NOOP("ProfileForm", "API version"),
                               QT_TRANSLATE_NOOP("ProfileForm", "REST API version, e.g. 62.0 (default).")),
    "presence_refresh_s": (QT_TRANSLATE_NOOP("ProfileForm", "Presence refresh"),
                           QT_TRANSLATE_NOOP("ProfileForm", "How often agents' presence is read again (10–3600 "
                                             "seconds, default 30).")),
    "signing": (QT_TRANSLATE_NOOP("ProfileForm", "Si&gning"),
                QT_TRANSLATE_NOOP("ProfileForm", "keyring (default): the Call Center's key in this PC's keyring. "
                                  "openbao: OpenBao or HashiCorp Vault Transit holds the key; the rep signs in to "
                                  "it.")),
    "openbao_url": (QT_TRANSLATE_NOOP("ProfileForm", "OpenBao URL"),
                    QT_TRANSLATE_NOOP("ProfileForm", "The OpenBao or Vault address, e.g. "
                                      "https://openbao.example.com:8200.")),
    "openbao_transit_mount": (QT_TRANSLATE_NOOP("ProfileForm", "Transit mount"),
                              QT_TRANSLATE_NOOP("ProfileForm", "Where Transit is mounted (default transit).")),
    "openbao_key": (QT_TRANSLATE_NOOP("ProfileForm", "Transit key"),
                    QT_TRANSLATE_NOOP("ProfileForm", "The Transit key that holds the Call Center's private key.")),
    "openbao_auth": (QT_TRANSLATE_NOOP("ProfileForm", "Sign-in method"),
                     QT_TRANSLATE_NOOP("ProfileForm", "How reps sign in to OpenBao: oidc (the browser), userpass, "
                                       "approle, cert or token.")),
    "openbao_role": (QT_TRANSLATE_NOOP("ProfileForm", "Sign-in role"),
                     QT_TRANSLATE_NOOP("ProfileForm", "The OIDC or cert role IT set up for the panel; the RoleID "
                                       "for approle.")),
    "openbao_namespace": (QT_TRANSLATE_NOOP("ProfileForm", "Namespace"),
                          QT_TRANSLATE_NOOP("ProfileForm", "Optional: a Vault Enterprise / OpenBao namespace.")),
    "openbao_ca_file": (QT_TRANSLATE_NOOP("ProfileForm", "CA file"),
                        QT_TRANSLATE_NOOP("ProfileForm", "Optional: the CA certificate that signed OpenBao's; else "
                                          "the OS trust store.")),
}
_GROUPS = {
    QT_TRANSLATE_NOOP("ProfileForm", "Connection"): (
        "name", "base_url", "org_id", "call_center", "provider_name", "training"),
    QT_TRANSLATE_NOOP("ProfileForm", "Requests"): (
        "route_shape", "body_format", "flow_inputs_as", "timeout_s", "contact_id_pattern"),
    QT_TRANSLATE_NOOP("ProfileForm", "Directory"): (
        "directory_source", "directory_file", "salesforce_login_url", "salesforce_consumer_key",
        "salesforce_username", "salesforce_api_version", "presence_refresh_s"),
    QT_TRANSLATE_NOOP("ProfileForm", "Signing"): (
        "signing", "openbao_url", "openbao_transit_mount", "openbao_key", "openbao_auth", "openbao_role",
        "openbao_namespace", "openbao_ca_file"),
}
_PLACEHOLDERS = {"base_url": "https://<MyDomain>.my.salesforce-scrt.com/telephony/v1", "org_id": "00D…",
                 "call_center": QT_TRANSLATE_NOOP("ProfileForm", "e.g. HVCC"),
                 "provider_name": QT_TRANSLATE_NOOP("ProfileForm", "optional, e.g. Amazon Connect"),
                 "contact_id_pattern": QT_TRANSLATE_NOOP("ProfileForm", "optional, e.g. [0-9a-f-]{36}"),
                 "directory_file": QT_TRANSLATE_NOOP("ProfileForm", "e.g. /srv/team.csv")}
_EMPTY = Profile(name="", base_url="", org_id="", call_center="")  # the core's defaults


def _tr(text: str) -> str:
    return translate("ProfileForm", text)


def label(key: str) -> str:
    """A key's name on the form (without its mnemonic)."""
    return _tr(_FIELDS[key][0]).replace("&", "")


class ProfileForm(QWidget):
    """Edits one profile's keys. `profile()` builds an unvalidated Profile from them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileForm")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QWidget] = {}
        self._rows: dict[str, QFormLayout] = {}
        captions: list[QLabel] = []
        for title, keys in _GROUPS.items():
            group = QGroupBox(_tr(title), self)
            rows = QFormLayout(group)
            rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for key in keys:
                widget = self._make_field(key, group)
                caption = QLabel(_tr(_FIELDS[key][0]), group)
                caption.setBuddy(widget)
                caption.setToolTip(_tr(_FIELDS[key][1]))
                captions.append(caption)
                rows.addRow(caption, widget)
                self.fields[key] = widget
                self._rows[key] = rows
            column.addWidget(group)
        self.locked_note = QLabel(self)
        self.locked_note.setObjectName("muted")
        self.locked_note.setWordWrap(True)
        self.locked_note.hide()
        column.addWidget(self.locked_note)
        widest = max(caption.sizeHint().width() for caption in captions)
        for caption in captions:  # one column of fields across the groups
            caption.setMinimumWidth(widest)
        for key in CHOICES:  # a choice decides which other keys apply
            self.fields[key].currentTextChanged.connect(self._show_keys_that_apply)  # type: ignore[attr-defined]
        self.clear()

    def _make_field(self, key: str, parent: QWidget) -> QWidget:
        widget: QWidget
        if key in CHOICES:
            widget = QComboBox(parent)
            widget.addItems([str(choice) for choice in CHOICES[key]])
        elif key in SECONDS_RANGES:
            widget = QDoubleSpinBox(parent)
            widget.setRange(*SECONDS_RANGES[key])
            widget.setDecimals(1 if key == "timeout_s" else 0)
            widget.setSuffix(self.tr(" s"))
        elif key == "training":
            widget = QCheckBox(self.tr("Classroom simulator (plain http:// allowed)"), parent)
        else:
            widget = QLineEdit(parent)
            widget.setPlaceholderText(_tr(_PLACEHOLDERS[key]) if key in _PLACEHOLDERS else "")
        widget.setObjectName(f"field_{key}")
        widget.setAccessibleName(label(key))
        self._describe(key, widget, "")
        return widget

    @staticmethod
    def _describe(key: str, widget: QWidget, locked_reason: str) -> None:
        tooltip = _tr(_FIELDS[key][1])
        widget.setToolTip(f"🔒 {locked_reason}\n\n{tooltip}" if locked_reason else tooltip)
        locked = translate("ProfileForm", "Locked. {reason}").format(reason=locked_reason)
        widget.setAccessibleDescription(locked if locked_reason else tooltip)

    # ---- values -------------------------------------------------------------------------
    def set_profile(self, profile: Profile) -> None:
        """Show a saved profile; its name is fixed (saving under a new name would copy it)."""
        for key, widget in self.fields.items():
            value = getattr(profile, key)
            if isinstance(widget, QComboBox):
                widget.setCurrentText(str(value))
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(value)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(value)
        self._line("name").setReadOnly(True)
        self._show_keys_that_apply()

    def clear(self) -> None:
        """Empty fields with the core's defaults, ready for a new profile."""
        self.set_profile(_EMPTY)
        self._line("name").setReadOnly(False)

    def profile(self) -> Profile:
        """The fields as a Profile (text trimmed, not validated)."""
        values: dict[str, Any] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QComboBox):
                values[key] = widget.currentText()
            elif isinstance(widget, QDoubleSpinBox):
                values[key] = widget.value()
            elif isinstance(widget, QCheckBox):
                values[key] = widget.isChecked()
            elif isinstance(widget, QLineEdit):
                values[key] = widget.text().strip()
        return Profile(**values)

    def _line(self, key: str) -> QLineEdit:
        widget = self.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget

    # ---- what is shown and editable ---------------------------------------------------------
    def _show_keys_that_apply(self, _choice: str = "") -> None:
        """Only the keys the profile's choices use are shown (the others keep their values)."""
        shown = keys_that_apply(self.profile())
        for key in KEYS:
            self._rows[key].setRowVisible(self.fields[key], key in shown)

    def set_locked(self, reasons: dict[str, str]) -> None:
        """Fields IT manages (site config) are read-only and say why; the others editable."""
        for key, widget in self.fields.items():
            if key == "name":
                continue
            widget.setEnabled(key not in reasons)
            self._describe(key, widget, reasons.get(key, ""))
        names = [label(key) for key in self.fields if key in reasons]
        self.locked_note.setText(f"🔒 {', '.join(names)}: {next(iter(reasons.values()))}" if names else "")
        self.locked_note.setVisible(bool(names))

    def tab_chain(self) -> list[QWidget]:
        """The fields a rep can tab to, in order (those shown)."""
        return [widget for key, widget in self.fields.items()
                if key == "name" or self._rows[key].isRowVisible(widget)]
