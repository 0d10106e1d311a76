"""Render installer/icon/boardpack.svg to the PNG (Linux, the window) and ICO (Windows) icons.

Run after editing the SVG:
`QT_QPA_PLATFORM=offscreen .venv/bin/python installer/icon/make_icons.py`.
Qt draws the SVG (QtSvg) and writes both formats (the ICO through Qt's own image
plugin), so no image library beyond PySide6 is needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(HERE / "boardpack.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    if not render(256).save(str(HERE / "boardpack.png")):
        print("could not write boardpack.png", file=sys.stderr)
        return 1
    # Qt's ICO writer stores one size per file; 256 px is what Windows scales from.
    if not render(256).save(str(HERE / "boardpack.ico"), "ICO"):
        print("could not write boardpack.ico (Qt's ico image plugin missing?)", file=sys.stderr)
        return 1
    print("wrote boardpack.png and boardpack.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
