"""Draw the app icon and write resources/icons/transfer-panel.{png,ico,icns}.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

A blue rounded tile with a white arrow curving from one call to another: the panel's
accent colour, readable at 16 px. The outputs are committed; rerun after changing this.
"""

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
ACCENT = QColor("#0b5cad")


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ACCENT)
    painter.drawRoundedRect(QRectF(s * 0.04, s * 0.04, s * 0.92, s * 0.92), s * 0.2, s * 0.2)
    white = QColor("white")
    painter.setBrush(white)
    for center in (QPointF(s * 0.28, s * 0.7), QPointF(s * 0.72, s * 0.7)):  # two calls
        painter.drawEllipse(center, s * 0.1, s * 0.1)
    arc = QPainterPath(QPointF(s * 0.28, s * 0.54))  # the transfer, from one to the other
    arc.cubicTo(QPointF(s * 0.3, s * 0.2), QPointF(s * 0.7, s * 0.2), QPointF(s * 0.7, s * 0.46))
    pen = QPen(white, s * 0.08)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(arc)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(white)
    head = QPainterPath(QPointF(s * 0.58, s * 0.42))
    head.lineTo(QPointF(s * 0.82, s * 0.42))
    head.lineTo(QPointF(s * 0.7, s * 0.58))
    head.closeSubpath()
    painter.drawPath(head)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (painting needs it)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size in (("transfer-panel.png", 256), ("transfer-panel.ico", 256), ("transfer-panel.icns", 512)):
        if not draw(size).save(str(OUT / name)):
            raise SystemExit(f"could not write {name}")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
