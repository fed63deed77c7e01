"""The profile editor of the settings dialog: one form with the core's fields, no file access.

The form only turns widgets into a `Profile` and back; the dialog validates with
`app.core.profile.validate_profile` and writes with `save_profile`.
"""

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.core.profile import BodyFormat, FlowInputsAs, Profile, RouteShape

# Tooltips follow the README's configuration reference.
TOOLTIPS = {
    "name": "The profile's name, used with --profile. Letters, digits, '-' and '_' (at most 64). "
            "An existing profile cannot be renamed here: create a new one instead.",
    "base_url": "The SCRT base URL, taken whole (sandboxes use other host shapes), e.g.\n"
                "https://<MyDomain>.my.salesforce-scrt.com/telephony/v1\n"
                "Must be https://; plain http:// only to this computer (a local simulator).",
    "org_id": "The Salesforce org ID (00D…, 15 or 18 characters), from Setup > Company "
              "Information. It is the token's issuer (iss).",
    "call_center": "The Call Center's API name, e.g. HVCC. It is the token's subject (sub).",
    "provider_name": "Optional. Sent as the Telephony-Provider-Name header when set, "
                     "e.g. Amazon Connect.",
    "route_shape": "How the route call is addressed (Salesforce documents both):\n"
                   "seed (default): POST {base}/voiceCalls/{id}/routeVoiceCall\n"
                   "connector: PATCH {base}/voiceCalls/route/{id}\n"
                   "A 405 answer means the server wants the other one.",
    "body_format": "json (default) or xml (root <routeVoiceCall>, flow inputs as "
                   "<entry><key/><value/></entry>).",
    "flow_inputs_as": "object (default) sends flowInputParameters as a JSON object; string "
                      "sends it JSON-encoded as a string. Applies to JSON bodies only.",
    "timeout_s": "Deadline for one transfer, retry included (1–120 seconds, default 10).",
}

_LABELS = {
    "name": "&Name", "base_url": "&Base URL", "org_id": "&Org ID", "call_center": "&Call center",
    "provider_name": "&Provider name", "route_shape": "&Route shape", "body_format": "Bo&dy format",
    "flow_inputs_as": "&Flow inputs as", "timeout_s": "&Timeout",
}
_CHOICES = {"route_shape": [str(v) for v in RouteShape], "body_format": [str(v) for v in BodyFormat],
            "flow_inputs_as": [str(v) for v in FlowInputsAs]}


class ProfileForm(QWidget):
    """Edits one profile's fields. `profile()` builds an unvalidated Profile from them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileForm")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QWidget] = {}
        self._shown = Profile(name="", base_url="", org_id="", call_center="")  # keeps the keys not on the form
        for key, label_text in _LABELS.items():
            if key in _CHOICES:
                combo = QComboBox(self)
                combo.addItems(list(_CHOICES[key]))
                widget: QWidget = combo
            elif key == "timeout_s":
                widget = QDoubleSpinBox(self)
                widget.setRange(1.0, 120.0)
                widget.setDecimals(1)
                widget.setSuffix(" s")
            else:
                widget = QLineEdit(self)
            widget.setObjectName(f"field_{key}")
            widget.setToolTip(TOOLTIPS[key])
            widget.setAccessibleName(label_text.replace("&", ""))
            widget.setAccessibleDescription(TOOLTIPS[key])
            label = QLabel(label_text, self)
            label.setBuddy(widget)
            label.setToolTip(TOOLTIPS[key])
            layout.addRow(label, widget)
            self.fields[key] = widget
        self.locked_note = QLabel(self)
        self.locked_note.setObjectName("muted")
        self.locked_note.setWordWrap(True)
        self.locked_note.hide()
        layout.addRow(self.locked_note)
        self._line("base_url").setPlaceholderText("https://<MyDomain>.my.salesforce-scrt.com/telephony/v1")
        self._line("org_id").setPlaceholderText("00D…")
        self._line("call_center").setPlaceholderText("e.g. HVCC")
        self._line("provider_name").setPlaceholderText("optional, e.g. Amazon Connect")
        self.clear()

    def _line(self, key: str) -> QLineEdit:
        widget = self.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget

    def set_profile(self, profile: Profile) -> None:
        """Show a saved profile; its name is fixed (saving under a new name would copy it)."""
        self._shown = profile
        for key in ("name", "base_url", "org_id", "call_center", "provider_name"):
            self._line(key).setText(getattr(profile, key))
        for key in _CHOICES:
            combo = self.fields[key]
            assert isinstance(combo, QComboBox)
            combo.setCurrentText(getattr(profile, key))
        spin = self.fields["timeout_s"]
        assert isinstance(spin, QDoubleSpinBox)
        spin.setValue(profile.timeout_s)
        self._line("name").setReadOnly(True)

    def set_locked(self, reasons: dict[str, str]) -> None:
        """Fields IT manages (site config) are read-only and say why; the others editable."""
        for key, widget in self.fields.items():
            if key == "name":
                continue
            reason = reasons.get(key)
            widget.setEnabled(reason is None)
            widget.setToolTip(f"🔒 {reason}\n\n{TOOLTIPS[key]}" if reason else TOOLTIPS[key])
            widget.setAccessibleDescription(f"Locked. {reason}" if reason else TOOLTIPS[key])
        names = [_LABELS[key].replace("&", "") for key in self.fields if key in reasons]
        self.locked_note.setText(f"🔒 {', '.join(names)}: {next(iter(reasons.values()))}" if names else "")
        self.locked_note.setVisible(bool(names))

    def clear(self) -> None:
        """Empty fields with the core's defaults, ready for a new profile."""
        defaults = Profile(name="", base_url="", org_id="", call_center="")
        self.set_profile(defaults)
        self._line("name").setReadOnly(False)

    def profile(self) -> Profile:
        """The fields as a Profile (trimmed, not validated); keys the form does not show (the
        directory's) keep the values of the profile shown."""
        combos = {key: self.fields[key].currentText() for key in _CHOICES}  # type: ignore[attr-defined]
        return replace(
            self._shown,
            name=self._line("name").text().strip(),
            base_url=self._line("base_url").text().strip(),
            org_id=self._line("org_id").text().strip(),
            call_center=self._line("call_center").text().strip(),
            provider_name=self._line("provider_name").text().strip(),
            timeout_s=self.fields["timeout_s"].value(),  # type: ignore[attr-defined]
            **combos,
        )

    def tab_chain(self) -> list[QWidget]:
        return list(self.fields.values())
