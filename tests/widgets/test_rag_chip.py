"""RAG chips: always text, readable text colour, accessible names, the item delegate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot

from widgets.rag_chip import (
    CHIP_COLOUR_ROLE,
    CHIP_MUTED_ROLE,
    ChipDelegate,
    RagChip,
    contrast_ratio,
    paint_chip,
    text_colour_for,
)

RAG = {"blue": "#1d70b8", "green": "#00703c", "amber": "#ffb000", "red": "#d4351c"}


@pytest.mark.parametrize(("rag", "colour"), RAG.items())
def test_chip_text_meets_wcag_aa_on_every_rag_colour(rag: str, colour: str) -> None:
    background = QColor(colour)
    assert contrast_ratio(text_colour_for(background), background) >= 4.5, rag


def test_text_colour_is_dark_on_pale_and_light_on_dark() -> None:
    assert text_colour_for(QColor("#ffff00")).lightness() < 50
    assert text_colour_for(QColor("#000080")).lightness() > 200


def test_contrast_ratio_extremes() -> None:
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21, rel=1e-3)
    assert contrast_ratio(QColor("#777777"), QColor("#777777")) == pytest.approx(1)


def test_rag_chip_carries_its_words(qtbot: QtBot) -> None:
    chip = RagChip("amber", "Amber", RAG["amber"], description="Amber: at risk")
    qtbot.addWidget(chip)
    assert chip.rag == "amber"
    assert chip.accessibleName() == "Amber"
    assert chip.accessibleDescription() == "Amber: at risk"
    assert chip.toolTip() == "Amber: at risk"
    assert chip.sizeHint().width() > chip.fontMetrics().horizontalAdvance("Amber")
    chip.set_rag("red", "Red", RAG["red"])
    assert (chip.rag, chip.label, chip.colour.name()) == ("red", "Red", RAG["red"])


def test_rag_chip_paints_its_colour(qtbot: QtBot) -> None:
    chip = RagChip("green", "Green", RAG["green"])
    qtbot.addWidget(chip)
    chip.resize(chip.sizeHint())
    image = chip.grab().toImage()
    centre_row = [QColor(image.pixel(x, image.height() // 2)).name() for x in range(image.width())]
    assert RAG["green"] in centre_row


def test_paint_chip_draws_text_over_the_fill() -> None:
    image = QImage(120, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_chip(painter, QRectF(0, 0, 120, 40), "12", QColor(RAG["blue"]))
    painter.end()
    colours = {QColor(image.pixel(x, 20)).name() for x in range(120)}
    assert RAG["blue"] in colours
    assert any(QColor(c).lightness() > 200 for c in colours)  # the white text


def test_delegate_paints_chips_only_where_the_model_gives_a_colour(qtbot: QtBot) -> None:
    model = QStandardItemModel(1, 2)
    plain = QStandardItem("Theme 1")
    chip = QStandardItem("3")
    chip.setData(RAG["red"], CHIP_COLOUR_ROLE)
    model.setItem(0, 0, plain)
    model.setItem(0, 1, chip)
    zero = QStandardItem("0")
    zero.setData(RAG["red"], CHIP_COLOUR_ROLE)
    zero.setData(True, CHIP_MUTED_ROLE)
    model.appendRow([QStandardItem("Theme 2"), zero])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(ChipDelegate(56, view))
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()

    def colours_in(row: int, column: int) -> set[str]:
        rect = view.visualRect(model.index(row, column))
        y = rect.center().y()
        return {QColor(image.pixel(x, y)).name() for x in range(rect.left(), rect.right())}

    assert RAG["red"] in colours_in(0, 1)
    assert RAG["red"] not in colours_in(0, 0)
    assert RAG["red"] not in colours_in(1, 1)  # a muted zero has no fill
    delegate = view.itemDelegate()
    option = QStyleOptionViewItem()
    assert delegate.sizeHint(option, model.index(0, 1)).height() >= 36
    assert delegate.sizeHint(option, model.index(0, 1)).width() >= 56 + 16
