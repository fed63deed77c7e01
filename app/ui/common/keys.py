"""Window-wide keys: shortcuts that keep working while a text field has the focus, and
type-to-search.

Line edits claim some keys for editing (on Linux Ctrl+K deletes to the end of the line),
which would make Ctrl+K "focus search" dead inside any field. `ShortcutGuard` keeps those
keys for the window's shortcuts in the fields it protects.
"""

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

FOCUS_SEARCH = ("Ctrl+K", "Ctrl+F")
TRANSFER = ("Ctrl+Return", "Ctrl+Enter")
SETTINGS = ("Ctrl+,",)
FOCUS_CALL = ("Ctrl+L",)
QUIT = ("Ctrl+Q",)
TOGGLE_FAVORITE = ("Ctrl+D",)
HISTORY = ("Ctrl+H",)
TRAINER = ("Ctrl+T",)  # demo mode only
INSPECTOR = ("Ctrl+I",)  # demo mode only
PICK_FAVORITE = tuple(f"Ctrl+{number}" for number in range(1, 10))  # favorite 1…9


def _combination(sequence: str) -> QKeyCombination:
    return QKeySequence(sequence)[0]  # type: ignore[index]  # PySide6's stubs lack __getitem__


class ShortcutGuard(QObject):
    def __init__(self, sequences: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys = {_combination(text).toCombined() for text in sequences}

    def protect(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            combined = QKeyCombination(modifiers, Qt.Key(event.key())).toCombined()
            if combined in self._keys:
                return True  # not accepted by the field: the window's shortcut runs
        return False


class TypeToSearch(QObject):
    """Printable keys pressed anywhere in `window` outside an editable field go to `search`.

    It watches the window, which sees every key its controls leave unused (a button, a check
    box, the read-only call ID), and the controls that would use letters themselves
    (`takes_letters`: the results list, for its own type-ahead). Not the whole application:
    Qt then hands every event of every object to Python, and the first one for an object of a
    class PySide had not loaded yet made it load them all (a 30-48 ms stall while the directory
    loaded). Space on a button, Enter, Tab and keys with Ctrl, Alt or Meta keep their meaning."""

    def __init__(self, window: QWidget, search: QLineEdit, takes_letters: tuple[QWidget, ...] = ()) -> None:
        super().__init__(window)
        self._window = window
        self._search = search
        for widget in (window, *takes_letters):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        text = event.text()
        focus = (QApplication.focusWidget() or watched) if watched is self._window else watched  # a key left unused
        receiver = focus if isinstance(focus, QWidget) else None
        if (not text.isprintable() or not text or receiver is None or receiver is self._search
                or (text.isspace() and isinstance(receiver, QAbstractButton))  # Space presses a button
                or not (receiver is self._window or self._window.isAncestorOf(receiver)) or _is_editable(receiver)
                or event.modifiers() & _COMMAND_MODIFIERS):
            return False
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.insert(text)
        return True


_COMMAND_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | \
    Qt.KeyboardModifier.MetaModifier


def _is_editable(widget: QWidget) -> bool:
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QAbstractSpinBox) or (isinstance(widget, QComboBox) and widget.isEditable())


def add_shortcuts(parent: QWidget, sequences: tuple[str, ...], slot) -> list[QShortcut]:
    shortcuts = []
    for text in sequences:
        shortcut = QShortcut(QKeySequence(text), parent)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        shortcuts.append(shortcut)
    return shortcuts
