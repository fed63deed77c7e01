"""The "Config file" page of the settings dialog: the user's config file as text, its problems with
their line numbers, and the means to repair it (edit it here; a typo in a key name fixed with a
click).

The core checks the text (`read_config`) and writes it (`save_config_text`: only a text that reads
back without a problem, never over a file changed meanwhile, read back after writing); this page
shows and forwards. Reading, checking and writing run on the config files' pool thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase, QPainter, QPaintEvent, QResizeEvent, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.config_files import Config, ConfigReading, read_config, renamed_key, save_config_text
from app.core.errors import PanelError, Problem
from app.messages import Front, describe, describe_code
from app.ui.common.background import Background
from app.ui.common.style import is_high_contrast, themed
from app.ui.settings.credentials import action_button, error_message

translate = QCoreApplication.translate  # pyside6-lupdate reads translate("Context", "…")

log = logging.getLogger(__name__)
CHECK_DELAY_MS = 400  # typing pauses this long before the edited text is checked


def problem_text(problem: PanelError, user_file: Path) -> str:
    """One problem of a config file, where it is first: "Line 6: …", or IT's file and its line."""
    line, file = problem.params.get("line"), str(problem.params.get("file") or user_file)
    said = describe(problem, Front.WINDOW)
    if file != str(user_file):
        where = (translate("ConfigFilePage", "{file} (IT's file), line {line}") if line
                 else translate("ConfigFilePage", "{file} (IT's file)"))
        return f"{where.format(file=file, line=line)}: {said}"
    return translate("ConfigFilePage", "Line {line}: {problem}").format(line=line, problem=said) if line else said



def error_text(error: Exception) -> str:
    """What went wrong reading or writing a config file, in the window's words, each of a file's
    problems with its line (a bug's type only: its details are in the log)."""
    if not isinstance(error, PanelError):
        return error_message(error)
    user_file = Path(str(error.params.get("path") or error.params.get("file") or ""))
    if not error.details:
        return problem_text(error, user_file)
    return "\n".join([describe_code(error.code, error.params, Front.WINDOW),
                      *(f"  • {problem_text(detail, user_file)}" for detail in error.details)])


def typo_fix(problem: PanelError, user_file: Path) -> tuple[int, str, str] | None:
    """(line, the key as written, the key meant) for an unknown key with a close known one in the user's file."""
    line, suggestion = problem.params.get("line"), problem.params.get("suggestion")
    if problem.code is not Problem.PROFILE_UNKNOWN_KEY or not suggestion or not isinstance(line, int):
        return None
    if str(problem.params.get("file")) != str(user_file):
        return None
    return line, str(problem.params["key"]), str(suggestion)


class NumberedEditor(QPlainTextEdit):
    """Plain text with the line numbers in a margin, as the problems name them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._margin = _LineNumbers(self)
        self.blockCountChanged.connect(self._fit_margin)
        self.updateRequest.connect(self._scroll_margin)
        self._fit_margin()

    def margin_width(self) -> int:
        return 12 + self.fontMetrics().horizontalAdvance("9") * len(str(max(1, self.blockCount())))

    def _fit_margin(self, _count: int = 0) -> None:
        self.setViewportMargins(self.margin_width(), 0, 0, 0)

    def _scroll_margin(self, rect: QRect, dy: int) -> None:
        if dy:
            self._margin.scroll(0, dy)
        else:
            self._margin.update(0, rect.y(), self._margin.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._margin.setGeometry(QRect(area.left(), area.top(), self.margin_width(), area.height()))

    def paint_margin(self, event: QPaintEvent) -> None:
        painter = QPainter(self._margin)
        painter.fillRect(event.rect(), self.palette().window())
        painter.setPen(self.palette().placeholderText().color())
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                painter.drawText(0, top, self._margin.width() - 6, self.fontMetrics().height(),
                                 Qt.AlignmentFlag.AlignRight, str(block.blockNumber() + 1))
            block, top = block.next(), bottom
        painter.end()

    def go_to_line(self, line: int) -> None:
        """Put the cursor at the start of `line` (1-based), in view and marked."""
        block = self.document().findBlockByNumber(max(0, line - 1))
        self.setTextCursor(QTextCursor(block))
        self.centerCursor()
        mark = QTextEdit.ExtraSelection()
        mark.format.setBackground(QColor(themed("#fff3bf")))
        if is_high_contrast():  # the mark is the theme's highlight: its text is the highlight's
            mark.format.setForeground(self.palette().highlightedText())
        mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        mark.cursor = QTextCursor(block)
        self.setExtraSelections([mark])


class _LineNumbers(QWidget):
    def __init__(self, editor: NumberedEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.margin_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_margin(event)


class ConfigFilePage(QWidget):
    """The user's config file, its problems and its repair. Emits `sig_saved(config)` after a save
    that was read back, `sig_reload_requested` for Reload, and `sig_problems_changed(count)` when
    the file's (or the edit's) problems change."""

    sig_saved = Signal(object)
    sig_reload_requested = Signal()
    sig_problems_changed = Signal(int)

    def __init__(self, files: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("configFilePage")
        self._files = files
        files.sig_busy_changed.connect(self._update_save_button)  # one write at a time, never over a read
        self._path = Path()
        self._site_path: Path | None = None
        self._on_disk: str | None = None  # the text the edit started from (None: no file yet)
        self._checking = QTimer(self)
        self._checking.setSingleShot(True)
        self._checking.setInterval(CHECK_DELAY_MS)
        self._checking.timeout.connect(self.check)

        self.path_label = QLabel(self)
        self.path_label.setObjectName("configPath")
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = QListWidget(self)
        self.problems.setObjectName("fileProblems")
        self.problems.setAccessibleName(self.tr("Problems in the config file"))
        self.problems.setWordWrap(True)
        self.problems.setMaximumHeight(120)
        self.problems.currentItemChanged.connect(self._problem_selected)
        self.problems.itemActivated.connect(self._problem_selected)
        self.fix_button = self._button(self.tr("Fix this &typo"), self.tr("Rename the mistyped key"), self.fix_typo)
        self.editor = NumberedEditor(self)
        self.editor.setObjectName("configText")
        self.editor.setAccessibleName(self.tr("Config file text"))
        self.editor.textChanged.connect(self._edited)
        self.status = QLabel(self)
        self.status.setObjectName("fileStatus")  # it speaks its text, as every label
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reload_button = self._button(self.tr("Re&load"), self.tr("Read the config file again"), self._reload)
        self.save_button = self._button(self.tr("Save &file"), self.tr("Save the config file"), self.save)

        problem_row = QHBoxLayout()
        problem_row.addWidget(self.problems, 1)
        problem_row.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.addWidget(self.path_label)
        column.addLayout(problem_row)
        column.addWidget(self.editor, 1)
        column.addLayout(buttons)
        self._show_problems(())

    def _button(self, text: str, accessible: str, slot: Callable[[], None]) -> QPushButton:
        return action_button(self, text, accessible, slot)

    def tab_chain(self) -> list[QWidget]:
        return [self.problems, self.fix_button, self.editor, self.reload_button, self.save_button]

    # ---- what is shown ----------------------------------------------------------------------
    def show_reading(self, reading: ConfigReading) -> None:
        """The file as just read (its text unless the rep is editing it, and its problems)."""
        self._path, self._site_path = reading.config.path, reading.config.site_path
        self.path_label.setText(str(self._path) if reading.text is not None
                                else self.tr("{path} (not created yet)").format(path=self._path))
        if self.editor.document().isModified() and reading.text != self._on_disk:
            self._set_status(self.tr("The file was changed elsewhere since you started editing: Reload shows it (and "
                                     "drops your edit); Save will not write over it."), error=True)
            return
        if self.editor.document().isModified():
            return  # the rep's edit stays, checked as typed
        if self.editor.isReadOnly():
            self._set_status("")  # it could not be read before; now it can
        self._on_disk = reading.text
        self.editor.blockSignals(True)
        self.editor.setPlainText(reading.text or "")
        self.editor.blockSignals(False)
        self.editor.document().setModified(False)
        self._show_problems(reading.problems)

    def show_unreadable(self, path: Path, message: str) -> None:
        """A file that cannot be read as text at all (a folder, too big, not UTF-8): nothing to edit here."""
        self._path, self._on_disk = path, None
        self.path_label.setText(str(path))
        self._show_problems(())
        self.editor.blockSignals(True)
        self.editor.setPlainText("")
        self.editor.blockSignals(False)
        self.editor.setReadOnly(True)
        self._update_save_button()
        self._set_status(message, error=True)

    def _show_problems(self, problems: tuple[PanelError, ...]) -> None:
        self.problems.clear()
        for problem in problems:
            item = QListWidgetItem(problem_text(problem, self._path), self.problems)
            item.setData(Qt.ItemDataRole.UserRole, problem)
        self.problems.setVisible(bool(problems))
        self.fix_button.setVisible(bool(problems))
        self.fix_button.setEnabled(False)
        if problems:
            self.problems.setCurrentRow(0)
        else:
            self.editor.setExtraSelections([])
        self.editor.setReadOnly(False)
        self._update_save_button()
        self.sig_problems_changed.emit(len(problems))

    def _update_save_button(self, _busy: bool = False) -> None:
        """Save file works on a file that could be read, when nothing else reads or writes it."""
        self.save_button.setEnabled(not self._files.is_busy() and not self.editor.isReadOnly())

    def problem_count(self) -> int:
        return self.problems.count()

    def _problem_selected(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        problem: PanelError | None = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        fix = typo_fix(problem, self._path) if problem is not None else None
        self.fix_button.setEnabled(fix is not None)
        self.fix_button.setText(self.tr("Rename '{typed}' to '{meant}'").format(typed=fix[1], meant=fix[2]) if fix
                                else self.tr("Fix this &typo"))
        if problem is None:
            return
        line = problem.params.get("line")
        if isinstance(line, int) and str(problem.params.get("file")) == str(self._path):
            self.editor.go_to_line(line)

    # ---- repairing ----------------------------------------------------------------------
    def fix_typo(self) -> None:
        """Rename the selected problem's mistyped key in the text (saved with Save file)."""
        item = self.problems.currentItem()
        fix = typo_fix(item.data(Qt.ItemDataRole.UserRole), self._path) if item is not None else None
        if fix is None:
            return
        fixed = renamed_key(self.editor.toPlainText(), *fix)
        cursor = self.editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(fixed)  # one step the rep can undo (Ctrl+Z)
        self.check()

    def _edited(self) -> None:
        self._set_status(self.tr("Edited: not saved yet."))
        self._checking.start()

    def check(self) -> None:
        """Check the text as edited (the core reads IT's file to merge it): its problems replace the list."""
        self._checking.stop()
        path, site_path, text = self._path, self._site_path, self.editor.toPlainText()

        def done(ok: bool, result: ConfigReading | str) -> None:
            if text != self.editor.toPlainText():
                return  # typed on meanwhile: the next check comes
            if isinstance(result, ConfigReading):
                self._show_problems(result.problems)
                if self.editor.document().isModified():
                    self._set_status(self.tr("Edited: not saved yet.") if not result.problems else
                                     self.tr("Edited: %n problem(s) to fix before it can be saved.", "",
                                             len(result.problems)), error=bool(result.problems))
            else:
                self._set_status(result, error=True)

        self._files.run(lambda: read_config(path, site_path, text), done)

    def save(self) -> None:
        """Write the text (only if it reads back without a problem), then read it back."""
        self._checking.stop()
        path, site_path, text, on_disk = self._path, self._site_path, self.editor.toPlainText(), self._on_disk
        self._set_status(self.tr("Saving…"))

        def done(ok: bool, result: Config | str) -> None:
            if not ok:  # the core's reason, each problem with its line
                self._set_status(self.tr("Not saved. {reason}").format(reason=result), error=True)
                return
            assert isinstance(result, Config)
            self._on_disk = text
            self.editor.document().setModified(False)
            self._show_problems(())
            self._set_status(self.tr("Saved {path}: %n profile(s), no problems.", "", len(result.profiles)).format(
                path=path))
            self.sig_saved.emit(result)

        self._files.run(lambda: save_config_text(path, text, on_disk, site_path), done)

    def _reload(self) -> None:
        self.editor.document().setModified(False)  # the edit is dropped: the file as it is comes back
        self.sig_reload_requested.emit()

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {themed('#a40000')};" if error else "")
        self.status.setText(text)
