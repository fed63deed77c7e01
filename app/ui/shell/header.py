"""The window's top row: the DEMO badge, the connection, the keyring's state when transfers cannot
be signed, and the window-level buttons."""

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui.common import a11y
from app.ui.common.fitted_text import FittedLabel


def _header_button(parent: QWidget, text: str, name: str, tooltip: str) -> QPushButton:
    button = QPushButton(text, parent)
    a11y.name(button, name)
    button.setToolTip(tooltip)
    button.setAutoDefault(False)
    button.setProperty("header", True)  # compact: the header holds several beside the label
    return button


class PanelHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.demo_badge = QLabel(self.tr("DEMO"), self)
        self.demo_badge.setObjectName("demoBadge")
        self.demo_badge.hide()
        self.profile_label = FittedLabel(self)  # it gives way (elided, the full text in its tooltip), not the buttons
        self.profile_label.setText(self.tr("Starting…"))
        self.profile_label.setObjectName("profileLabel")  # it speaks its text, as every label
        # Words, not icons: an emoji pin is a box without an emoji font.
        self.pin_button = _header_button(self, self.tr("On top"), self.tr("Compact and always on top"),
                                         self.tr("Compact and always on top, beside the softphone"))
        self.pin_button.setObjectName("pinButton")
        self.pin_button.setCheckable(True)
        self.trainer_button = _header_button(self, self.tr("Trainer"), self.tr("Trainer tools"),
                                             self.tr("Scenarios, presenter view and the request inspector (Ctrl+T)"))
        self.trainer_button.hide()  # demo mode only
        self.history_button = _header_button(self, self.tr("History"), self.tr("Transfer history"),
                                             self.tr("What was transferred, when, and how it went (Ctrl+H)"))
        self.settings_button = _header_button(self, self.tr("Settings…"), self.tr("Open settings"),
                                              self.tr("Profiles and keys (Ctrl+,)"))
        # No keyring, a locked one, no key: red, beside the profile; a click checks again (show_key_state).
        self.key_state = _header_button(self, "", self.tr("Keyring"), "")
        self.key_state.setObjectName("keyState")
        self.key_state.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.demo_badge)
        row.addWidget(self.profile_label, 1)
        row.addWidget(self.key_state)
        for button in (self.pin_button, self.trainer_button, self.history_button, self.settings_button):
            row.addWidget(button)

    def show_mode(self, mode: str, endpoint: str) -> None:
        """The badge: "demo" (the built-in simulator), "training" (a training profile) or "" (none)."""
        if mode == "demo":
            text = self.tr("DEMO")
            meaning = self.tr("Demo mode: transfers go to the built-in simulator at {endpoint}, never to "
                              "Salesforce").format(endpoint=endpoint)
        else:
            text = self.tr("TRAINING")
            meaning = self.tr("Training profile: transfers go to {endpoint}").format(endpoint=endpoint)
        self.demo_badge.setText(text)
        self.demo_badge.setToolTip(meaning)  # a screen reader reads it as the badge's description
        self.demo_badge.setVisible(bool(mode))

    def show_key_state(self, short: str, reason: str) -> None:
        """Why transfers cannot be signed, in a word or two and in full (""/"": they can)."""
        self.key_state.setText(short)
        self.key_state.setToolTip(self.tr("{reason}\nClick to check again.").format(reason=reason) if reason else "")
        spoken = self.tr("{short}: {reason} Activate to check again.") if short else self.tr("Keyring")
        a11y.name(self.key_state, spoken.format(short=short, reason=reason))
        self.key_state.setVisible(bool(short))

    def buttons(self) -> list[QPushButton]:
        return [self.key_state, self.pin_button, self.trainer_button, self.history_button, self.settings_button]
