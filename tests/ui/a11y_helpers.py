"""What Qt hands a screen reader for a widget: its accessible interface's texts (the AT-SPI bridge
sends these). Widget properties are not enough: a label's name is its text unless one was set."""

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid(), f"{widget!r} has no accessible interface"
    return interface.text(QAccessible.Text.Name)


def spoken_description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None and interface.isValid(), f"{widget!r} has no accessible interface"
    return interface.text(QAccessible.Text.Description)
