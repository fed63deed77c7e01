"""Small glyphs drawn with QPainter: a kind icon per target and a presence shape per agent.

Drawn rather than loaded so they stay crisp at any scale and cost no file reads at
start-up. Presence is always a distinct *shape* (check, bar, clock, ring) next to its text,
so it never relies on colour alone.
"""

from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from app.core.ids import IdKind
from app.ui.common.i18n import QT_TRANSLATE_NOOP
from app.ui.common.style import is_high_contrast, themed

_KIND_COLORS = {IdKind.AGENT: "#1d5fa8", IdKind.QUEUE: "#6b4aa0", IdKind.FLOW: "#0f7a6c"}


class PresenceShape(Enum):
    AVAILABLE = "available"   # green disc with a check mark
    BUSY = "busy"             # red disc with a white bar (no entry)
    AWAY = "away"             # amber disc with clock hands
    OFFLINE = "offline"       # grey ring, hollow
    UNKNOWN = "unknown"       # grey ring with a dot


PRESENCE_WORDS = {  # what the shape means, for a screen reader (the row's text says the org's own status)
    PresenceShape.AVAILABLE: QT_TRANSLATE_NOOP("TransferForm", "available"),
    PresenceShape.BUSY: QT_TRANSLATE_NOOP("TransferForm", "busy"),
    PresenceShape.AWAY: QT_TRANSLATE_NOOP("TransferForm", "away"),
    PresenceShape.OFFLINE: QT_TRANSLATE_NOOP("TransferForm", "offline"),
    PresenceShape.UNKNOWN: QT_TRANSLATE_NOOP("TransferForm", "unknown"),
}
_PRESENCE_COLORS = {  # light; `themed` gives each a lighter one on dark rows (3:1 on a row, selected too)
    PresenceShape.AVAILABLE: "#1f8a3b",
    PresenceShape.BUSY: "#c4291c",
    PresenceShape.AWAY: "#b26a00",
    PresenceShape.OFFLINE: "#6e6e6e",
    PresenceShape.UNKNOWN: "#6e6e6e",
}


def presence_color(shape: PresenceShape) -> QColor:
    """The shape's colour in the current scheme (light or dark)."""
    return QColor(themed(_PRESENCE_COLORS[shape]))


def paint_kind(painter: QPainter, rect: QRectF, kind: IdKind) -> None:
    """A rounded tile in the kind's colour with a white glyph: person, queue lines, or flow branches
    (in high contrast: the text colour, the glyph cut out in the background's)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(themed(_KIND_COLORS.get(kind, "#6e6e6e")))  # any other kind: grey, no glyph
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    radius = rect.width() * 0.22
    painter.drawRoundedRect(rect, radius, radius)
    s = rect.width()
    x, y = rect.left(), rect.top()
    white = QColor(themed("#ffffff") if is_high_contrast() else "white")
    if kind is IdKind.AGENT:
        painter.setBrush(white)
        painter.drawEllipse(QPointF(x + s * 0.5, y + s * 0.36), s * 0.16, s * 0.16)
        body = QPainterPath()
        body.moveTo(x + s * 0.2, y + s * 0.84)
        body.cubicTo(x + s * 0.22, y + s * 0.55, x + s * 0.78, y + s * 0.55, x + s * 0.8, y + s * 0.84)
        body.closeSubpath()
        painter.drawPath(body)
    elif kind is IdKind.QUEUE:
        painter.setBrush(white)
        for row, width in enumerate((0.6, 0.48, 0.36)):
            top = y + s * (0.24 + row * 0.2)
            painter.drawRoundedRect(QRectF(x + s * 0.2, top, s * width, s * 0.12), s * 0.05, s * 0.05)
    elif kind is IdKind.FLOW:
        pen = QPen(white, max(1.2, s * 0.08))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        start = QPointF(x + s * 0.26, y + s * 0.5)
        up, down = QPointF(x + s * 0.74, y + s * 0.28), QPointF(x + s * 0.74, y + s * 0.72)
        painter.drawLine(start, QPointF(x + s * 0.48, y + s * 0.5))
        painter.drawLine(QPointF(x + s * 0.48, y + s * 0.5), up)
        painter.drawLine(QPointF(x + s * 0.48, y + s * 0.5), down)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(white)
        for point in (start, up, down):
            painter.drawEllipse(point, s * 0.09, s * 0.09)
    painter.restore()


def paint_presence(painter: QPainter, rect: QRectF, shape: PresenceShape) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = presence_color(shape)
    s = rect.width()
    center = rect.center()
    r = s * 0.45
    # The mark inside a disc: white on the light scheme's dark discs, the row's colour (cut out) on the dark one's.
    mark = QPen(QColor(themed("#ffffff")), max(1.2, s * 0.13))
    mark.setCapStyle(Qt.PenCapStyle.RoundCap)
    if shape in (PresenceShape.OFFLINE, PresenceShape.UNKNOWN):
        painter.setPen(QPen(color, max(1.2, s * 0.13)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(center, r * 0.85, r * 0.85)
        if shape is PresenceShape.UNKNOWN:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawEllipse(center, s * 0.1, s * 0.1)
        painter.restore()
        return
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(center, r, r)
    painter.setPen(mark)
    cx, cy = center.x(), center.y()
    if shape is PresenceShape.AVAILABLE:
        path = QPainterPath(QPointF(cx - r * 0.45, cy + r * 0.02))
        path.lineTo(cx - r * 0.1, cy + r * 0.35)
        path.lineTo(cx + r * 0.48, cy - r * 0.3)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
    elif shape is PresenceShape.BUSY:
        painter.drawLine(QPointF(cx - r * 0.5, cy), QPointF(cx + r * 0.5, cy))
    elif shape is PresenceShape.AWAY:
        painter.drawLine(QPointF(cx, cy), QPointF(cx, cy - r * 0.55))
        painter.drawLine(QPointF(cx, cy), QPointF(cx + r * 0.4, cy + r * 0.25))
    painter.restore()


def kind_icon(kind: IdKind, size: int = 20) -> QIcon:
    return _icon(lambda painter, rect: paint_kind(painter, rect, kind), size)


def presence_icon(shape: PresenceShape, size: int = 14) -> QIcon:
    return _icon(lambda painter, rect: paint_presence(painter, rect, shape), size)


def _icon(paint, size: int) -> QIcon:
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        paint(painter, QRectF(0, 0, size * scale, size * scale))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        icon.addPixmap(pixmap)
    return icon
