"""The directory: search box, kind filter, "Available only", and the result list.

Each change of the query asks the core `SearchIndex` for a new result and resets the
model with it. Keyboard: Up/Down (and Page Up/Down) in the search box move through the
results, Enter picks the highlighted (or first) row, Esc clears the search. The keyboard,
the row painter and the empty list's text come right after the first paint (`finish_setup`).

Screen readers (issue 14, item 6): the focus stays in the search box while the rep types and
moves through the results, so what the rep needs to hear is put where the focus is, as the
search box's accessible description (the result count, "No match for …", then the highlighted
row as Up/Down move it), and a pause in typing announces the count. The kind filters are one
radio group. While assistive technology is active the list holds every row of a result up to
`SPOKEN_ROWS`, so it reports the true number of items; beyond that its description says it.

A search runs in steps (`SearchIndex.searching`) for at most `SEARCH_SLICE_S` at a time: in a
100,000-target directory nearly every search ends within the first slice, so its result shows at
once; a search of a million targets lets the window take keys and paint between slices, and the list shows
the previous result until the newest one is found. A newer query drops the unfinished search;
Enter, Up and Down finish it first, so they always act on what the box says.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore  # QtCore.Qt, not Qt: see "Before the first paint" in app/ui/shell/window.py
from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QFocusEvent, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.ids import IdKind
from app.ui.common import a11y
from app.ui.common.i18n import QT_TRANSLATE_NOOP, number
from app.ui.common.style import text_scale
from app.ui.directory.model import ROW_HEIGHT, TARGET_ROLE, TargetListModel

if TYPE_CHECKING:  # loaded with the first search, not for the first paint
    from collections.abc import Generator

    from app.ui.directory.delegate import TargetDelegate
    from app.ui.directory.target_view import TargetView

KINDS = ((QT_TRANSLATE_NOOP("DirectoryPanel", "All"), None),
         (QT_TRANSLATE_NOOP("DirectoryPanel", "Agents"), IdKind.AGENT),
         (QT_TRANSLATE_NOOP("DirectoryPanel", "Queues"), IdKind.QUEUE),
         (QT_TRANSLATE_NOOP("DirectoryPanel", "Flows"), IdKind.FLOW))
_SHOW_KIND = {IdKind.AGENT: QT_TRANSLATE_NOOP("DirectoryPanel", "Show agents"),
              IdKind.QUEUE: QT_TRANSLATE_NOOP("DirectoryPanel", "Show queues"),
              IdKind.FLOW: QT_TRANSLATE_NOOP("DirectoryPanel", "Show flows"),
              None: QT_TRANSLATE_NOOP("DirectoryPanel", "Show all kinds")}
SEARCH_HINT = QT_TRANSLATE_NOOP("DirectoryPanel", "Type any part of a name; Up and Down move through the results, "
                                "Enter picks one, Escape clears.")
SPOKEN_ROWS = 5_000  # rows a result holds at once for a screen reader (~2 ms to lay out; 100,000 take ~170 ms)
ANNOUNCE_PAUSE_MS = 600  # the count is announced once the rep stops typing this long, not at every key
SEARCH_SLICE_S = 0.02  # the longest a search holds the window before it may paint and take keys


def _list_minimum_height() -> int:
    return round(ROW_HEIGHT * text_scale()) * 2 + 4  # two rows and the frame


class SearchField(QLineEdit):
    """The search box, heard as soon as it takes the focus. QLineEdit selects its text while it takes
    the focus (Tab, Ctrl+K), so assistive technology got a selection (caret) event before the focus
    event, and Orca said nothing; the focus is reported first here (Qt reports it again after)."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Focus))
        super().focusInEvent(event)


class ResultsView(QListView):
    """A list view that says why it is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A viewport made here is already known to Python: asking Qt for its own costs ~13 ms
        # of type look-up on the first call, right when the window is trying to show.
        self._viewport = QWidget(self)
        self.setViewport(self._viewport)
        self.placeholder = ""

    def sizeHint(self) -> QSize:
        # Prefer the minimum: the window's layout gives the list whatever room is left, so a
        # short screen scrolls the window only when even the minimum does not fit.
        return QSize(super().sizeHint().width(), self.minimumHeight())

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            rect = self.viewport().rect().adjusted(16, 16, -16, -16)
            align, text = QtCore.Qt.AlignmentFlag, QtCore.Qt.TextFlag
            painter.drawText(rect, align.AlignHCenter | align.AlignTop | text.TextWordWrap, self.placeholder)


class DirectoryPanel(QWidget):
    sig_target_selected = Signal(object)   # TargetView: the highlighted row changed
    sig_target_activated = Signal(object)  # TargetView: Enter or double-click: go to the form
    sig_star_clicked = Signal(str)         # target ID: the star on a row was clicked
    sig_index_changed = Signal(object)     # the SearchIndex now searched (None: no directory)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index: Any = None
        self._search: Generator[None, None, Any] | None = None  # the newest query's unfinished search
        self._next_slice = QTimer(self)
        self._next_slice.setSingleShot(True)
        self._next_slice.setInterval(0)
        self._next_slice.timeout.connect(lambda: self._go_on(SEARCH_SLICE_S))
        self._preferred: tuple[str, ...] = ()
        self._empty_hint = self.tr("Loading the directory…")
        self.title = QLabel(self.tr("DIRECTORY"), self)
        self.title.setObjectName("sectionTitle")
        self.search = SearchField(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search agents, queues, flows"))
        a11y.name(self.search, self.tr("Search the directory"))
        a11y.describe(self.search, self.tr(SEARCH_HINT))
        self._status = ""  # the result count or why there is none, as said to assistive technology
        self.search.setToolTip(self.tr("Search (Ctrl+K)"))
        # One radio group (exclusive; the arrows move and choose, Tab stops once): screen readers say
        # "Agents, radio button, 2 of 4". Drawn as a row of pills (the sheet hides the indicator).
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[IdKind | None, QRadioButton] = {}
        for text, kind in KINDS:
            button = QRadioButton(self.tr(text), self)
            button.setObjectName("kindFilter")
            a11y.name(button, self.tr(text))
            a11y.describe(button, self.tr(_SHOW_KIND[kind]))
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
        self.kind_buttons[None].setChecked(True)
        self.available_only = QCheckBox(self.tr("Available only"), self)
        a11y.name(self.available_only, self.tr("Available agents only"))
        legend = self.tr("Presence: green disc with a check = Available; red disc with a bar = Busy or on a call; "
                         "amber disc with clock hands = Away; grey ring = Offline or unknown. The status is also "
                         "written under each agent's name.")
        self.count = QLabel(self)  # speaks its text ("335 results")
        self.count.setObjectName("resultCount")
        self.progress = QProgressBar(self)
        self.progress.setMaximumHeight(6)
        self.progress.setTextVisible(False)
        a11y.name(self.progress, self.tr("Directory refresh progress"))
        self.progress.hide()
        self.freshness = QLabel(self)
        self.freshness.setObjectName("muted")
        self.freshness.setWordWrap(True)
        self.freshness.hide()
        a11y.name(self.freshness, self.tr("Directory freshness"))
        self.model = TargetListModel(self)
        self.results = ResultsView(self)
        self.results.setObjectName("results")
        a11y.name(self.results, self.tr("Directory results"))
        self._legend = legend
        a11y.describe(self.results, legend)
        self.available_only.setToolTip(self.tr("Hide agents who are busy, away or offline.") + f"\n{legend}")
        self.results.setModel(self.model)
        self._row_painter: TargetDelegate | None = None  # finish_setup
        self.results.setUniformItemSizes(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setMouseTracking(True)
        self.results.setMinimumHeight(_list_minimum_height())

        filters = QHBoxLayout()
        filters.setSpacing(4)
        for button in self.kind_buttons.values():
            filters.addWidget(button)
        filters.addSpacing(6)
        filters.addWidget(self.available_only)
        filters.addStretch(1)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(heading)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.freshness)

        self.search.textChanged.connect(self.refresh)
        self.kind_group.buttonToggled.connect(self._kind_toggled)
        self.available_only.toggled.connect(self.refresh)
        self.results.selectionModel().currentChanged.connect(self._current_changed)
        self.results.activated.connect(self._activated)

    def finish_setup(self) -> None:
        """What the first paint, of an empty list, does without: the row painter (kind tile,
        presence, star), the keyboard, the list's text ("Loading the directory…"), and no
        sideways scrolling. The window calls this right after that paint; `set_index` makes sure."""
        if self._row_painter is not None:
            return
        from app.ui.directory.delegate import TargetDelegate

        self._row_painter = painter = TargetDelegate(self.results)
        painter.sig_star_clicked.connect(self.sig_star_clicked)
        self.results.setItemDelegate(painter)
        self.results.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        align = QtCore.Qt.AlignmentFlag
        self.count.setAlignment(align.AlignRight | align.AlignVCenter)
        self._fit_count()
        self.search.installEventFilter(self)
        self.results.installEventFilter(self)
        timer = QTimer(self)  # the count is announced once the typing pauses
        timer.setSingleShot(True)
        timer.setInterval(ANNOUNCE_PAUSE_MS)
        timer.timeout.connect(self._announce_status)
        self.search.textEdited.connect(lambda _text: timer.start())
        self.refresh()

    # ---- directory ----------------------------------------------------------------------
    def follow_style(self) -> None:
        """The colours or the text size changed: rows are one height, so measure it again, and repaint them."""
        self._fit_count()
        self.results.setMinimumHeight(_list_minimum_height())
        self.results.doItemsLayout()
        self.results.viewport().update()

    def set_index(self, index: Any, empty_hint: str = "") -> None:
        """Search this core SearchIndex from now on (None: no directory yet)."""
        self.finish_setup()
        self._index = index
        self._empty_hint = empty_hint
        if index is not None:
            index.set_preferred(self._preferred)
        self.refresh()
        self.sig_index_changed.emit(index)

    def index(self) -> Any:
        """The SearchIndex searched now, or None."""
        return self._index

    def set_preferences(self, favorites: tuple[str, ...], recents: tuple[str, ...]) -> None:
        """Favorites (starred on their rows) then recent targets come first in every result."""
        self._preferred = favorites + recents
        self.model.set_favorites(frozenset(favorites))
        if self._index is not None:
            self._index.set_preferred(self._preferred)
            self.refresh()

    def set_freshness(self, text: str, problem: bool = False) -> None:
        """How current the directory is ("As of 09:42 · Salesforce"), or why it is not."""
        self.freshness.setText(text)
        self.freshness.setObjectName("transferReason" if problem else "muted")
        self.freshness.setStyleSheet("")  # re-read the sheet for the new object name
        self.freshness.setVisible(bool(text))

    def set_progress(self, done: int, total: int | None) -> None:
        """A refresh's progress: a bar, determinate once the total is known; (0, 0) hides it."""
        if done == 0 and total == 0:
            self.progress.hide()
            return
        self.progress.setRange(0, total or 0)  # (0, 0): Qt's busy indicator
        self.progress.setValue(min(done, total or 0))
        self.progress.show()

    def kind(self) -> IdKind | None:
        for kind, button in self.kind_buttons.items():
            if button.isChecked():
                return kind
        return None

    def _kind_toggled(self, _button: QRadioButton, checked: bool) -> None:
        if checked:  # the button left unchecked toggles too
            self.refresh()

    def refresh(self) -> None:
        """Search for what the box, the kind and "Available only" say; the result shows once found."""
        self._search = None
        if self._index is None:
            self._show(())
            return
        self._search = self._index.searching(self.search.text(), kind=self.kind(),
                                             available_only=self.available_only.isChecked())
        self._go_on(SEARCH_SLICE_S)

    def searching(self) -> bool:
        """Whether the newest query's result is still being found (the list shows the previous one)."""
        return self._search is not None

    def settle(self) -> None:
        """Finish the search still running, so what follows acts on the newest query's result."""
        self._go_on(math.inf)

    def _go_on(self, slice_s: float) -> None:
        """Take the search further for up to `slice_s`; show its result when done, else come back soon."""
        search, until = self._search, time.perf_counter() + slice_s
        while search is not None:
            try:
                next(search)
            except StopIteration as done:
                self._search = None
                self._show(done.value)
                return
            if time.perf_counter() >= until:
                self._next_slice.start()
                return

    def _show(self, rows: Any) -> None:
        from app.ui.directory.target_view import entered_target

        query = self.search.text()
        entered = entered_target(query)
        if entered is not None and self._holds(rows, entered.target_id):
            entered = None
        self.model.set_result(rows, entered, SPOKEN_ROWS if QAccessible.isActive() else 0)
        self.results.doItemsLayout()  # now, not from a timer: that timer repainted the whole list a second time
        total = self.model.total_rows()
        self.count.setText(self.tr("%Ln result(s)", "", total) if self._index is not None else "")
        self.results.placeholder = self._placeholder(query)
        self.results.viewport().update()
        self._say_status(self.results.placeholder.split("\n")[0] or self.count.text())

    def status(self) -> str:
        """What assistive technology is told of the result: its count, or why the list is empty."""
        return self._status

    def _say_status(self, status: str) -> None:
        if status == self._status:
            return
        self._status = status
        hint = self.tr(SEARCH_HINT)
        a11y.describe(self.search, f"{status} {hint}" if status else hint)
        shown = self.model.rowCount()
        partly = (self.tr("; {shown} listed, more as you move down").format(shown=number(shown))
                  if shown < self.model.total_rows() else "")
        a11y.describe(self.results, f"{status}{partly}. {self._legend}" if status else self._legend)

    def _announce_status(self) -> None:
        if self._status and self.search.hasFocus():
            a11y.announce(self.search, self._status)

    def focus_search(self) -> None:
        self.search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def view_for(self, target_id: str) -> TargetView | None:
        """A target's row: from the directory, or as a pasted ID where the directory lacks it."""
        from app.ui.directory.target_view import entered_target, view_of

        target = self._index.get(target_id) if self._index is not None else None
        return view_of(target) if target is not None else entered_target(target_id)

    def current_view(self) -> TargetView | None:
        self.settle()
        index = self.results.currentIndex()
        return index.data(TARGET_ROLE) if index.isValid() else None

    # ---- keyboard -----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        key, keys, modifier = key_event.key(), QtCore.Qt.Key, QtCore.Qt.KeyboardModifier
        plain = key_event.modifiers() in (modifier.NoModifier, modifier.KeypadModifier)
        if watched is self.search and plain:
            steps = {keys.Key_Down.value: 1, keys.Key_Up.value: -1, keys.Key_PageDown.value: self._page(),
                     keys.Key_PageUp.value: -self._page()}
            if key in steps:
                self.move_current(steps[key])
                return True
            if key in (keys.Key_Return, keys.Key_Enter):
                self.activate_current()
                return True
        if key == keys.Key_Escape and plain and (watched is self.search or watched is self.results):
            if self.search.text():
                self.search.clear()
            self.focus_search()
            return True
        return False

    def move_current(self, step: int) -> None:
        self.settle()
        rows = self.model.total_rows()
        if not rows:
            return
        current = self.results.currentIndex()
        row = 0 if not current.isValid() else max(0, min(rows - 1, current.row() + step))
        self.model.fetch_through(row)
        self._set_current(row)

    def activate_current(self) -> None:
        self.settle()
        if not self.model.rowCount():
            return
        if not self.results.currentIndex().isValid():
            self._set_current(0)
        self._activated(self.results.currentIndex())

    # ---- internals ----------------------------------------------------------------------
    def _fit_count(self) -> None:
        """Room for any count: a label that changed size on every keystroke moved the heading
        and repainted the whole section (~3 ms a key)."""
        widest = self.tr("%Ln result(s)", "", 8_888_888)
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance(widest) + 4)

    def _set_current(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.results.selectionModel().setCurrentIndex(
            index, self.results.selectionModel().SelectionFlag.ClearAndSelect
        )
        self.results.scrollTo(index)
        if self.search.hasFocus():  # Up/Down in the search box: the highlighted row is heard there
            row_text = index.data(QtCore.Qt.ItemDataRole.AccessibleTextRole)
            spoken = self.tr("{row}, {position} of {total}").format(
                row=row_text, position=number(row + 1), total=number(self.model.total_rows()))
            a11y.describe(self.search, spoken)
            self._status = spoken

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.sig_target_selected.emit(current.data(TARGET_ROLE))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sig_target_activated.emit(index.data(TARGET_ROLE))

    def _page(self) -> int:
        return max(1, self.results.viewport().height() // round(ROW_HEIGHT * text_scale()) - 1)

    def _placeholder(self, query: str) -> str:
        if self._index is None:
            return self._empty_hint
        if self.model.rowCount():
            return ""
        if query.strip():
            return self.tr("No match for “{query}”.\nPaste an agent (005…), queue (00G…) or flow (300…) ID to use "
                           "it directly.").format(query=query.strip())
        return self._empty_hint or self.tr("No targets.")

    @staticmethod
    def _holds(rows: Any, target_id: str) -> bool:
        """Whether the first rows of a result already show this ID (an exact ID match ranks first)."""
        from app.ui.directory.target_view import view_of

        return any(view_of(rows[position]).target_id == target_id for position in range(min(len(rows), 3)))
