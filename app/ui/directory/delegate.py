"""Paints one directory row: kind tile, name, kind word, a star, and a second line.

Second line: presence (shape and words) for agents, developer name for queues, API name
for flows. Every row has the same height, so the view never measures 100k rows. The star
(filled for a favorite, hollow on the hovered or selected row) toggles the favorite when
clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.core.ids import IdKind
from app.ui.common.i18n import QT_TRANSLATE_NOOP
from app.ui.common.icons import PresenceShape, paint_kind, paint_presence
from app.ui.common.style import is_high_contrast, text_scale, themed
from app.ui.directory.model import FAVORITE_ROLE, ROW_HEIGHT, TARGET_ROLE
from app.ui.directory.target_view import TargetView

_SELECTED, _HOVER, _ACCENT, _TEXT, _MUTED, _SEPARATOR = "#dce9f8", "#f0f4f9", "#0b5cad", "#17202b", "#4f5b69", "#edf0f4"
_SHORT_KIND = {IdKind.AGENT: QT_TRANSLATE_NOOP("TargetDelegate", "Agent"),
               IdKind.QUEUE: QT_TRANSLATE_NOOP("TargetDelegate", "Queue"),
               IdKind.FLOW: QT_TRANSLATE_NOOP("TargetDelegate", "Flow")}
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ELIDE = Qt.TextElideMode.ElideRight
_SELECTED_STATE, _HOVER_STATE = QStyle.StateFlag.State_Selected, QStyle.StateFlag.State_MouseOver
_TILE, _DOT = 24, 12  # the kind tile and the presence shape, in unscaled pixels


def star_rect(row: QRect, right_to_left: bool = False) -> QRect:
    """Where a row's star sits: bottom right (left, right to left), on the second line (in a row of ROW_HEIGHT)."""
    return _mirrored(QRect(row.right() - 26, row.top() + 23, 20, 19), row, right_to_left)


def _mirrored(part: QRect, row: QRect, right_to_left: bool) -> QRect:
    """`part` of a row laid out left to right, where it goes in the row as written right to left."""
    if not right_to_left:
        return part
    return QRect(row.left() + row.right() - part.right(), part.top(), part.width(), part.height())


def _right_to_left(option: QStyleOptionViewItem) -> bool:
    return option.direction == Qt.LayoutDirection.RightToLeft


def _unscaled(row: QRect) -> QRect:
    """A painted row in the coordinates the row layout is written in (the presenter view scales it)."""
    scale = text_scale()
    return QRect(0, 0, round(row.width() / scale), ROW_HEIGHT)


class _Look:
    """What every row painted with one font, text scale, colour scheme and pixel ratio shares:
    fonts, their metrics, colours, the kind words' widths, the glyphs as pixmaps. Made once,
    not per row: a row then costs its texts and a few copies of pixels."""

    def __init__(self, font: QFont, scale: float, pixel_ratio: float) -> None:
        self.base = QFont(font)
        self.base.setPointSizeF(self.base.pointSizeF() / scale)  # the painter already scales it
        self.small = QFont(self.base)
        self.small.setPointSizeF(max(7.0, self.base.pointSizeF() * 0.88))
        self.name = QFont(self.base)
        self.name.setWeight(QFont.Weight.DemiBold)
        self.small_metrics, self.name_metrics = QFontMetrics(self.small), QFontMetrics(self.name)
        self.kind_words = {kind: QCoreApplication.translate("TargetDelegate", word)
                           for kind, word in _SHORT_KIND.items()}
        self.kind_widths = {kind: self.small_metrics.horizontalAdvance(text) for kind, text in self.kind_words.items()}
        self.color = {light: QColor(themed(light)) for light in (_SELECTED, _HOVER, _ACCENT, _TEXT, _MUTED, _SEPARATOR)}
        self.frame_selected = is_high_contrast()  # the row keeps its background, so its text keeps its contrast
        device = scale * pixel_ratio  # glyph pixels per unscaled pixel: drawn 1:1, so as crisp as painted
        self.tiles = {kind: _glyph(partial(paint_kind, kind=kind), _TILE, device) for kind in _SHORT_KIND}
        self.dots = {shape: _glyph(partial(paint_presence, shape=shape), _DOT, device) for shape in PresenceShape}


def _glyph(paint: Callable[[QPainter, QRectF], None], size: int, device: float) -> QPixmap:
    pixels = round(size * device)
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    return pixmap


class TargetDelegate(QStyledItemDelegate):
    sig_star_clicked = Signal(str)  # target ID

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._looks: dict[tuple[str, float, str, str, str, float], _Look] = {}

    def editorEvent(self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        view: TargetView | None = index.data(TARGET_ROLE)
        if (isinstance(event, QMouseEvent) and event.type() == QEvent.Type.MouseButtonRelease and view is not None
                and not view.entered and star_rect(_unscaled(option.rect), _right_to_left(option)).contains(
                    ((event.position() - option.rect.topLeft().toPointF()) / text_scale()).toPoint())):
            self.sig_star_clicked.emit(view.target_id)
            return True
        return super().editorEvent(event, model, option, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(120, round(ROW_HEIGHT * text_scale()))  # the view gives every row its full width

    def _look(self, font: QFont, pixel_ratio: float) -> _Look:
        key = (font.key(), text_scale(), themed(_TEXT), themed(_SELECTED), themed(_ACCENT), pixel_ratio)
        look = self._looks.get(key)
        if look is None:
            if len(self._looks) > 8:  # styles come and go (presenter view, dark scheme): keep a few
                self._looks.clear()
            look = self._looks[key] = _Look(font, text_scale(), pixel_ratio)
        return look

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        view: TargetView | None = index.data(TARGET_ROLE)
        if view is None:
            return
        look = self._look(option.font, painter.device().devicePixelRatioF())
        color = look.color
        painter.save()
        # The layout below is in unscaled pixels; the presenter view scales the painter instead.
        scale = text_scale()
        painter.translate(option.rect.topLeft())
        painter.scale(scale, scale)
        rect = _unscaled(option.rect)
        # Laid out left to right below; right to left (Arabic, -reverse) every part is mirrored.
        rtl = _right_to_left(option)
        place = partial(_mirrored, row=rect, right_to_left=rtl)
        # Absolute: Qt would flip a plain AlignLeft again on a right-to-left painter.
        start, end = (_RIGHT, _LEFT) if rtl else (_LEFT, _RIGHT)
        start, end = start | Qt.AlignmentFlag.AlignAbsolute, end | Qt.AlignmentFlag.AlignAbsolute

        def x(left: float, width: float) -> float:
            return rect.left() + rect.right() + 1 - left - width if rtl else left

        selected = bool(option.state & _SELECTED_STATE)
        hovered = bool(option.state & _HOVER_STATE)
        if selected:
            painter.fillRect(rect, color[_SELECTED])
            painter.fillRect(place(QRect(rect.left(), rect.top(), 3, rect.height())), color[_ACCENT])
            if look.frame_selected:
                painter.setPen(QPen(color[_ACCENT], 2))
                painter.drawRect(QRectF(rect).adjusted(1, 1, -1, -1))
        elif hovered:
            painter.fillRect(rect, color[_HOVER])
        painter.setPen(color[_SEPARATOR])
        separator = place(QRect(rect.left() + 44, rect.bottom(), rect.right() - rect.left() - 43, 1))
        painter.drawLine(separator.left(), rect.bottom(), separator.right(), rect.bottom())

        tile = look.tiles.get(view.kind)
        if tile is not None:
            painter.drawPixmap(QRectF(x(rect.left() + 11, _TILE), rect.top() + (rect.height() - _TILE) / 2, _TILE,
                                      _TILE), tile, QRectF(tile.rect()))

        left = rect.left() + 46
        right = rect.right() - 8
        kind_text = look.kind_words.get(view.kind, view.kind.value)
        kind_width = look.kind_widths.get(view.kind) or look.small_metrics.horizontalAdvance(kind_text)
        painter.setFont(look.small)
        painter.setPen(color[_MUTED])
        top_line = QRect(left, rect.top() + 5, right - left, 19)
        painter.drawText(place(top_line), end, kind_text)

        painter.setFont(look.name)
        painter.setPen(color[_TEXT])
        name_rect = QRect(left, top_line.top(), top_line.width() - kind_width - 8, 19)
        painter.drawText(place(name_rect), start,
                         look.name_metrics.elidedText(view.name, _ELIDE, name_rect.width()))

        favorite = bool(index.data(FAVORITE_ROLE))
        if (favorite or selected or hovered) and not view.entered:
            painter.setFont(look.base)
            painter.setPen(color[_ACCENT if favorite else _MUTED])
            painter.drawText(star_rect(rect, rtl), Qt.AlignmentFlag.AlignCenter, "★" if favorite else "☆")
        second = QRect(left, rect.top() + 24, right - left - 28, 17)
        if view.presence is not None:
            dot = look.dots[view.presence]
            painter.drawPixmap(QRectF(x(left, _DOT), second.top() + 2.5, _DOT, _DOT), dot, QRectF(dot.rect()))
            second.setLeft(left + 17)
        painter.setFont(look.small)
        painter.setPen(color[_MUTED])
        text = view.secondary if view.kind is IdKind.AGENT else view.secondary_with_label
        painter.drawText(place(second), start, look.small_metrics.elidedText(text, _ELIDE, second.width()))
        painter.restore()
