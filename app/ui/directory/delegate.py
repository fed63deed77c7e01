"""Paints one directory row: kind tile, name, kind word, a star, and a second line.

Second line: presence (shape and words) for agents, developer name for queues, API name
for flows. Every row has the same height, so the view never measures 100k rows. The star
(filled for a favorite, hollow on the hovered or selected row) toggles the favorite when
clicked.
"""

from PySide6.QtCore import QEvent, QModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from app.core.ids import IdKind
from app.ui.common.icons import paint_kind, paint_presence
from app.ui.common.style import text_scale, themed
from app.ui.directory.model import FAVORITE_ROLE, ROW_HEIGHT, TARGET_ROLE
from app.ui.directory.target_view import TargetView

_SELECTED, _HOVER, _ACCENT, _TEXT, _MUTED, _SEPARATOR = "#dce9f8", "#f0f4f9", "#0b5cad", "#17202b", "#4f5b69", "#edf0f4"


def _color(light: str) -> QColor:
    return QColor(themed(light))
_SHORT_KIND = {IdKind.AGENT: "Agent", IdKind.QUEUE: "Queue", IdKind.FLOW: "Flow"}


def star_rect(row: QRect) -> QRect:
    """Where a row's star sits: bottom right, on the second line (in a row of ROW_HEIGHT)."""
    return QRect(row.right() - 26, row.top() + 23, 20, 19)


def _unscaled(row: QRect) -> QRect:
    """A painted row in the coordinates the row layout is written in (the presenter view scales it)."""
    scale = text_scale()
    return QRect(0, 0, round(row.width() / scale), ROW_HEIGHT)


class TargetDelegate(QStyledItemDelegate):
    sig_star_clicked = Signal(str)  # target ID

    def editorEvent(self, event: QEvent, model, option: QStyleOptionViewItem, index: QModelIndex) -> bool:
        view: TargetView | None = index.data(TARGET_ROLE)
        if (event.type() == QEvent.Type.MouseButtonRelease and view is not None and not view.entered
                and star_rect(_unscaled(option.rect)).contains(
                    ((event.position() - option.rect.topLeft().toPointF()) / text_scale()).toPoint())):
            self.sig_star_clicked.emit(view.target_id)
            return True
        return super().editorEvent(event, model, option, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(120, round(ROW_HEIGHT * text_scale()))  # the view gives every row its full width

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        from PySide6.QtWidgets import QStyle  # its enums cost ~7 ms: not before the first paint

        view: TargetView | None = index.data(TARGET_ROLE)
        if view is None:
            return
        painter.save()
        # The layout below is in unscaled pixels; the presenter view scales the painter instead.
        painter.translate(option.rect.topLeft())
        painter.scale(text_scale(), text_scale())
        rect = _unscaled(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, _color(_SELECTED))
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), _color(_ACCENT))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, _color(_HOVER))
        painter.setPen(_color(_SEPARATOR))
        painter.drawLine(rect.left() + 44, rect.bottom(), rect.right(), rect.bottom())

        tile = QRectF(rect.left() + 11, rect.top() + (rect.height() - 24) / 2, 24, 24)
        paint_kind(painter, tile, view.kind)

        left = rect.left() + 46
        right = rect.right() - 8
        base = QFont(option.font)
        base.setPointSizeF(base.pointSizeF() / text_scale())  # the painter already scales it
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.88))
        kind_text = _SHORT_KIND.get(view.kind, view.kind)
        kind_width = QFontMetrics(small).horizontalAdvance(kind_text)
        painter.setFont(small)
        painter.setPen(_color(_MUTED))
        top_line = QRect(left, rect.top() + 5, right - left, 19)
        painter.drawText(top_line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, kind_text)

        name_font = QFont(base)
        name_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(name_font)
        painter.setPen(_color(_TEXT))
        name_rect = QRect(left, top_line.top(), top_line.width() - kind_width - 8, 19)
        name = QFontMetrics(name_font).elidedText(view.name, Qt.TextElideMode.ElideRight, name_rect.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)

        favorite = bool(index.data(FAVORITE_ROLE))
        if (favorite or selected or option.state & QStyle.StateFlag.State_MouseOver) and not view.entered:
            painter.setFont(base)
            painter.setPen(_color(_ACCENT if favorite else _MUTED))
            painter.drawText(star_rect(rect), Qt.AlignmentFlag.AlignCenter, "★" if favorite else "☆")
        second = QRect(left, rect.top() + 24, right - left - 28, 17)
        if view.presence is not None:
            paint_presence(painter, QRectF(left, second.top() + 2.5, 12, 12), view.presence)
            second.setLeft(left + 17)
        painter.setFont(small)
        painter.setPen(_color(_MUTED))
        text = view.secondary if view.kind is IdKind.AGENT else view.secondary_with_label
        text = QFontMetrics(small).elidedText(text, Qt.TextElideMode.ElideRight, second.width())
        painter.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()
