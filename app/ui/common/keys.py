"""Window-wide shortcuts that keep working while a text field has the focus.

Line edits claim some keys for editing (on Linux Ctrl+K deletes to the end of the line),
which would make Ctrl+K "focus search" dead inside any field. `ShortcutGuard` keeps those
keys for the window's shortcuts in the fields it protects.
"""

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

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


def add_shortcuts(parent: QWidget, sequences: tuple[str, ...], slot) -> list[QShortcut]:
    shortcuts = []
    for text in sequences:
        shortcut = QShortcut(QKeySequence(text), parent)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        shortcuts.append(shortcut)
    return shortcuts
