"""A list model that adapts one search result of the core directory; no filtering of its own.

The core `SearchIndex` does the matching and ranking; this model only exposes the result
sequence it returns (reset once per query) and turns the rows the view asks for into
`TargetView`s on demand, so a 100k-row result costs nothing until it is painted.

Rows are handed to the view in batches (`canFetchMore`/`fetchMore`): on a reset QListView
checks every row it knows through `rowCount()`, a Python call each, which costs ~200 ms
at 100k rows. The view fetches the next batch when the rep scrolls near the end, and
`total_rows()` counts them all, so every match stays reachable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore  # QtCore.Qt, not Qt: see "Before the first paint" in app/ui/shell/window.py
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex

if TYPE_CHECKING:  # loaded with the first row, not for the empty list of the first paint
    from app.ui.directory.target_view import TargetView

# Qt.ItemDataRole.UserRole (0x0100) + 1 and + 2, written out: importing this module must not build `Qt`.
TARGET_ROLE = 0x0101
FAVORITE_ROLE = 0x0102
_Index = QModelIndex | QPersistentModelIndex
_CACHE_LIMIT = 512
BATCH_ROWS = 200
ROW_HEIGHT = 46  # every row is this tall (times the presenter view's scale): the view never measures rows


class TargetListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entered: TargetView | None = None
        self._rows: Sequence[Any] = ()
        self._views: dict[int, TargetView] = {}
        self._shown = 0
        self._changing = False
        self._favorites: frozenset[str] = frozenset()

    def set_result(self, rows: Sequence[Any], entered: TargetView | None = None, at_once: int = 0) -> None:
        """Show a new result (and, first, a row for an ID the rep pasted); `at_once`: hold that many
        rows from the start instead of a batch (assistive technology counts the rows it is given)."""
        self._changing = True  # views and testers may ask to fetch while a change is announced: not then
        self.beginResetModel()
        self._rows = rows
        self._entered = entered
        self._views.clear()
        self._shown = min(self.total_rows(), max(BATCH_ROWS, at_once))
        self.endResetModel()
        self._changing = False

    def set_favorites(self, ids: frozenset[str]) -> None:
        self._favorites = ids
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, 0), [FAVORITE_ROLE])

    def total_rows(self) -> int:
        """Every row of the result, fetched by the view yet or not."""
        return len(self._rows) + (self._entered is not None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._changing and self._shown < self.total_rows()

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        more = min(BATCH_ROWS, self.total_rows() - self._shown)
        if parent.isValid() or self._changing or more <= 0:
            return
        self._changing = True
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()
        self._changing = False

    def fetch_through(self, row: int) -> None:
        """Make rows up to `row` available (keyboard moves past the fetched ones)."""
        while row >= self._shown and self.canFetchMore():
            self.fetchMore()

    def view(self, row: int) -> TargetView:
        view = self._views.get(row)
        if view is None:
            from app.ui.directory.target_view import view_of

            if self._entered is not None:
                view = self._entered if row == 0 else view_of(self._rows[row - 1])
            else:
                view = view_of(self._rows[row])
            if len(self._views) >= _CACHE_LIMIT:
                self._views.clear()
            self._views[row] = view
        return view

    def data(self, index: _Index, role: int = 0) -> Any:  # 0: Qt.ItemDataRole.DisplayRole
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        if role == TARGET_ROLE:
            return self.view(index.row())
        if role == FAVORITE_ROLE:
            return self.view(index.row()).target_id in self._favorites
        roles = QtCore.Qt.ItemDataRole
        if role == roles.DisplayRole:
            return self.view(index.row()).name
        if role in (roles.ToolTipRole, roles.AccessibleTextRole):
            text = self.view(index.row()).accessible_text()
            if self.view(index.row()).target_id in self._favorites:
                return QtCore.QCoreApplication.translate("TargetListModel", "{target}, favorite").format(target=text)
            return text
        return None

    def flags(self, index: _Index) -> QtCore.Qt.ItemFlag:
        flag = QtCore.Qt.ItemFlag
        if not index.isValid():
            return flag.NoItemFlags
        return flag.ItemIsEnabled | flag.ItemIsSelectable | flag.ItemNeverHasChildren
