"""Shared set-up for the Papers page and reader tests: the demo board with its papers rendered.

The demo is built once per test module (with `exports.papers.render_paper_pdf`,
so its papers are real PDFs with real text); each test gets its own copy through
`demo_database` in tests/desktop/conftest.py. Qt's settings are pointed at the
test's own folder, so remembering the last page read never touches the real
user's settings. Helpers find where a line of text sits on a page (from the
PDF's own text runs) so tests can drag the mouse over it as a person would.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings
from sqlalchemy import select

from db.demo import create_demo
from db.models import Board, Membership, Role
from db.store import Database
from desktop.reader.canvas import PageCanvas


def build_demo(path: Path) -> Path:
    from exports.papers import render_paper_pdf

    create_demo(path, render_paper=render_paper_pdf).close()
    return path


@pytest.fixture(autouse=True)
def scratch_settings(tmp_path: Path) -> Iterator[None]:
    """QSettings() writes under the test's folder, as an INI file."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))
    yield
    QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


def person(database: Database, board_code: str, role: Role) -> str:
    """The first person holding `role` on the board `board_code`."""
    with database.session() as s:
        found = s.scalars(
            select(Membership.person_id)
            .join(Board, Board.id == Membership.board_id)
            .where(Board.code == board_code, Membership.role == role)
            .order_by(Membership.person_id)
        ).first()
    assert found is not None
    return found


def line_on_page(data: bytes, page: int, min_chars: int = 30) -> tuple[str, tuple[float, ...]]:
    """A line of text on `page` (at least `min_chars` long) and its box as page fractions."""
    from db.papers.pdftext import read_pages

    text = read_pages(data)[page]
    for run in text.runs:
        line = text.text[run.start : run.end].strip()
        if len(line) >= min_chars:
            return line, tuple(run.box)
    raise AssertionError(f"no line of {min_chars}+ characters on page {page}")


def point_at(canvas: PageCanvas, fx: float, fy: float) -> QPoint:
    return QPoint(round(fx * canvas.width()), round(fy * canvas.height()))


def act_as(page: object, actor_id: str) -> None:
    """Re-attach a board page acting as `actor_id`."""
    env = page.env  # type: ignore[attr-defined]
    page.attach(dataclasses.replace(env, actor_id=actor_id))  # type: ignore[attr-defined]
