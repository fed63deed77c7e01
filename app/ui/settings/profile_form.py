"""The profile editor of the settings dialog: a field for every key of a profile, no file access.

The form only turns widgets into a `Profile` and back; the dialog validates with
`app.core.profile.validate_profile` and writes with `save_profile`. Which keys a profile uses
(a directory file only with a file source, OpenBao's keys only when it signs) is the core's
rule (`keys_that_apply`): the form shows those and keeps the others' values.
"""

from typing import Any

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

# Labels and tooltips follow the README's configuration reference.
_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("&Name", "The profile's name, used with --profile. Letters, digits, '-' and '_' (at most 64). "
                      "An existing profile cannot be renamed here: create a new one instead."),
    "base_url": ("&Base URL", "The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.\n"
                              "https://<MyDomain>.my.salesforce-scrt.com/telephony/v1\n"
                              "Must be https://; plain http:// only to this computer (a local simulator)."),
    "org_id": ("&Org ID", "The Salesforce org ID (00D…, 15 or 18 characters), from Setup > Company Information. "
                          "It is the token's issuer (iss)."),
    "call_center": ("&Call center", "The Call Center's API name, e.g. HVCC. It is the token's subject (sub)."),
    "provider_name": ("&Provider name", "Optional. Sent as the Telephony-Provider-Name header when set: plain "
                                        "ASCII, e.g. Amazon Connect."),
    "training": ("Training", "A classroom profile only: allows plain http:// to the trainer's simulator on "
                             "another computer (never Salesforce or a public address); the window says TRAINING."),
    "route_shape": ("&Route shape", "How the route call is addressed (Salesforce documents both):\n"
                                    "seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall\n"
                                    "connector: PATCH {base}/voiceCalls/route/{id}\n"
                                    "A 405 answer means the server wants the other one."),
    "body_format": ("Bo&dy format", "json (default) or xml (root <routeVoiceCall>, flow inputs as "
                                    "<entry><key/><value/></entry>)."),
    "flow_inputs_as": ("&Flow inputs as", "object (default) sends flowInputParameters as a JSON object; string "
                                          "sends it JSON-encoded as a string. JSON bodies only."),
    "timeout_s": ("&Timeout", "Deadline for one transfer, retry included (1–120 seconds, default 10)."),
    "contact_id_pattern": ("Contact ID pattern", "Optional. A regular expression the telephony vendor's contact "
                                                 "IDs match as a whole, e.g. [0-9a-f-]{36} for Amazon Connect's "
                                                 "UUIDs. Empty: one word, no spaces."),
    "directory_source": ("Director&y", "Where the directory comes from: none (paste IDs), file (an admin's CSV "
                                       "or JSON file), salesforce (the org's REST API) or demo (the built-in one)."),
    "directory_file": ("Directory file", "Path of the directory file (CSV or JSON). Checked every 5 s and "
                                         "reloaded when it changes."),
    "salesforce_login_url": ("Login URL", "https://login.salesforce.com (default), https://test.salesforce.com "
                                          "or your My Domain URL: the JWT's audience."),
    "salesforce_consumer_key": ("Consumer key", "The connected app's consumer key: the JWT's issuer."),
    "salesforce_username": ("API user", "The integration user: the JWT's subject. Its key is stored with "
                                        "transfer-panel credentials set --purpose salesforce-api."),
    "salesforce_api_version": ("API version", "REST API version, e.g. 62.0 (default)."),
    "presence_refresh_s": ("Presence refresh", "How often agents' presence is read again (10–3600 seconds, "
                                               "default 30)."),
    "signing": ("Si&gning", "keyring (default): the Call Center's key in this PC's keyring. openbao: OpenBao or "
                            "HashiCorp Vault Transit holds the key; the rep signs in to it."),
    "openbao_url": ("OpenBao URL", "The OpenBao or Vault address, e.g. https://openbao.example.com:8200."),
    "openbao_transit_mount": ("Transit mount", "Where Transit is mounted (default transit)."),
    "openbao_key": ("Transit key", "The Transit key that holds the Call Center's private key."),
    "openbao_auth": ("Sign-in method", "How reps sign in to OpenBao: oidc (the browser), userpass, approle, cert "
                                       "or token."),
    "openbao_role": ("Sign-in role", "The OIDC or cert role IT set up for the panel; the RoleID for approle."),
    "openbao_namespace": ("Namespace", "Optional: a Vault Enterprise / OpenBao namespace."),
    "openbao_ca_file": ("CA file", "Optional: the CA certificate that signed OpenBao's; else the OS trust store."),
}
_GROUPS = {
    "Connection": ("name", "base_url", "org_id", "call_center", "provider_name", "training"),
    "Requests": ("route_shape", "body_format", "flow_inputs_as", "timeout_s", "contact_id_pattern"),
    "Directory": ("directory_source", "directory_file", "salesforce_login_url", "salesforce_consumer_key",
                  "salesforce_username", "salesforce_api_version", "presence_refresh_s"),
    "Signing": ("signing", "openbao_url", "openbao_transit_mount", "openbao_key", "openbao_auth", "openbao_role",
                "openbao_namespace", "openbao_ca_file"),
}
_PLACEHOLDERS = {"base_url": "https://<MyDomain>.my.salesforce-scrt.com/telephony/v1", "org_id": "00D…",
                 "call_center": "e.g. HVCC", "provider_name": "optional, e.g. Amazon Connect",
                 "contact_id_pattern": "optional, e.g. [0-9a-f-]{36}", "directory_file": "e.g. /srv/team.csv"}
_EMPTY = Profile(name="", base_url="", org_id="", call_center="")  # the core's defaults


def label(key: str) -> str:
    """A key's name on the form (without its mnemonic)."""
    return _FIELDS[key][0].replace("&", "")


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
            group = QGroupBox(title, self)
            rows = QFormLayout(group)
            rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for key in keys:
                widget = self._make_field(key, group)
                caption = QLabel(_FIELDS[key][0], group)
                caption.setBuddy(widget)
                caption.setToolTip(_FIELDS[key][1])
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
            widget.setSuffix(" s")
        elif key == "training":
            widget = QCheckBox("Classroom simulator (plain http:// allowed)", parent)
        else:
            widget = QLineEdit(parent)
            widget.setPlaceholderText(_PLACEHOLDERS.get(key, ""))
        widget.setObjectName(f"field_{key}")
        widget.setAccessibleName(label(key))
        self._describe(key, widget, "")
        return widget

    @staticmethod
    def _describe(key: str, widget: QWidget, locked_reason: str) -> None:
        tooltip = _FIELDS[key][1]
        widget.setToolTip(f"🔒 {locked_reason}\n\n{tooltip}" if locked_reason else tooltip)
        widget.setAccessibleDescription(f"Locked. {locked_reason}" if locked_reason else tooltip)

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
