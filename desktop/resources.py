"""The app icon and other files from resources/."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QRadialGradient

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resource_path(name: str) -> Path | None:
    path = RESOURCES / name
    return path if path.is_file() else None


def app_icon() -> QIcon:
    icon = QIcon()
    for name in ("amber.svg", "amber.png"):
        path = resource_path(name)
        if path is not None:
            icon.addFile(str(path))
    if icon.isNull():  # installed without resources/: paint the drop ourselves
        icon.addPixmap(drop_pixmap(256))
    return icon


def drop_pixmap(size: int) -> QPixmap:
    """The amber drop, painted; used for the empty-history page and as a fallback icon."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    scale = size / 256
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    path = QPainterPath(QPointF(128, 14))
    path.cubicTo(128, 14, 44, 110, 44, 162)
    path.arcTo(QRectF(44, 78, 168, 168), 180, 180)
    path.cubicTo(212, 110, 128, 14, 128, 14)
    gradient = QRadialGradient(QPointF(108, 148), 160)
    gradient.setColorAt(0.0, QColor("#ffd27a"))
    gradient.setColorAt(0.45, QColor("#f5a623"))
    gradient.setColorAt(1.0, QColor("#b35f00"))
    painter.setBrush(gradient)
    painter.setPen(QPen(QColor("#a35400"), 6))
    painter.drawPath(path)
    painter.setBrush(QColor(255, 248, 232, 235))
    painter.setPen(QPen(QColor("#7a3d00"), 6))
    painter.drawEllipse(QPointF(128, 166), 40, 40)
    pen = QPen(QColor("#7a3d00"), 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLine(QPointF(128, 140), QPointF(128, 168))
    painter.drawLine(QPointF(128, 168), QPointF(148, 180))
    painter.end()
    return pixmap
