"""The window's building blocks: a framed section, and the placeholder shown until one is built."""

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


def section(parent: QWidget, content: QWidget, stretch: bool = False) -> QFrame:
    frame = QFrame(parent)
    frame.setObjectName("section")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(10, 8, 10, 10)
    layout.addWidget(content, 1 if stretch else 0)
    return frame


def starting_placeholder(parent: QWidget) -> QWidget:
    """What the transfer section's place shows until it is built (see window.PanelWindow._build_rest)."""
    placeholder = QWidget(parent)
    title = QLabel(QCoreApplication.translate("TransferSection", "TRANSFER"), placeholder)
    title.setObjectName("sectionTitle")
    starting = QLabel(QCoreApplication.translate("TransferSection", "Starting…"), placeholder)
    starting.setObjectName("muted")
    layout = QVBoxLayout(placeholder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(title)
    layout.addWidget(starting)
    layout.addStretch(1)
    placeholder.setMinimumHeight(60)  # about the idle form's height: the list does not jump
    return placeholder
