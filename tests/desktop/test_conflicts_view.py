"""The conflicts page on its own, from plain `OpenConflict` values: what it shows, what it emits."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from db.sync.conflicts import ConflictVersion, OpenConflict
from desktop.conflicts_model import field_label, record_label, value_text
from desktop.conflicts_view import ConflictsPage
from desktop.sync_control import OverrideRow

AT = dt.datetime(2019, 3, 12, 10, 30, tzinfo=dt.UTC)


def _version(hlc: int, site: str, author: str, value: object) -> ConflictVersion:
    return ConflictVersion(hlc, site, author, AT + dt.timedelta(minutes=hlc), value)


TEXT = OpenConflict(
    "risks",
    "r1",
    "mitigation",
    "text",
    "risks R1 — Workforce capacity",
    (_version(2, "there", "Sam Patel", "Recruit"), _version(1, "here", "unknown", "Retain")),
)
FROZEN = OpenConflict(
    "minutes_versions",
    "m1",
    "!",
    "frozen",
    "minutes versions 3",
    (_version(5, "there", "Jo Lewis", {"content_json": "{}", "status": "draft"}),),
)
DELETED = OpenConflict(
    "actions",
    "a1",
    "~",
    "deleted",
    "actions (deleted record)",
    (_version(3, "here", "Alex Morgan", None), _version(4, "there", "Sam Patel", {"rag": "red"})),
)


def _page(qtbot: QtBot) -> ConflictsPage:
    page = ConflictsPage()
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


def test_words() -> None:
    assert (
        record_label("actions", "actions 2.3 — Reform the MASH") == "Action 2.3 — Reform the MASH"
    )
    assert record_label("actions_arising", "actions arising 4") == "Action arising 4"
    assert record_label("new_things", "new things x") == "New things x"
    assert field_label("success_measure") == "Success measure"
    assert field_label("~") == "Whole record"
    assert value_text(None) == "(empty)" and value_text("amber", "rag") == "Amber"


def test_text_versions_oldest_first_with_where_they_were_made(qtbot: QtBot) -> None:
    page = _page(qtbot)
    page.set_conflicts([TEXT], this_site="here")
    assert page.selected is TEXT
    assert [card.body.toPlainText() for card in page.cards] == ["Retain", "Recruit"]
    assert page.cards[0].author_label.text().startswith("Author not recorded (this laptop), ")
    assert page.cards[1].author_label.text().startswith("Sam Patel (another laptop), ")
    assert page.cards[1].title_label.text() == "Version 2 of 2 (newest)"
    assert page.merged_edit.toPlainText() == "Recruit"
    assert page.detail_heading.text() == (
        "Risk R1 — Workforce capacity: Mitigation was edited on two laptops"
    )
    with qtbot.waitSignal(page.text_chosen) as chosen:
        assert page.cards[0].keep_button is not None
        qtbot.mouseClick(page.cards[0].keep_button, Qt.MouseButton.LeftButton)
    assert chosen.args == [TEXT, "Retain"]
    for widget in (page.conflicts_table, page.merged_edit, page.save_merged_button, *page.cards):
        assert widget.accessibleName()


def test_signed_minutes_offer_only_keep_signed(qtbot: QtBot) -> None:
    page = _page(qtbot)
    page.set_conflicts([FROZEN])
    assert page.keep_signed_button.isVisible()
    assert not page.save_merged_button.isVisible() and not page.restore_button.isVisible()
    assert page.cards[0].keep_button is None
    assert page.cards[0].body.toPlainText() == (
        "Changed after signing:\nMinutes text: {}\nStatus: draft"
    )
    with qtbot.waitSignal(page.signed_kept) as kept:
        qtbot.mouseClick(page.keep_signed_button, Qt.MouseButton.LeftButton)
    assert kept.args == [FROZEN]


def test_a_delete_can_be_restored(qtbot: QtBot) -> None:
    page = _page(qtbot)
    page.set_conflicts([DELETED, TEXT])
    assert page.conflicts_model.rowCount() == 2
    assert page.tabs.tabText(0) == "To resolve (2)"
    assert [card.body.toPlainText() for card in page.cards] == [
        "Deleted the record.",
        "Changed:\nRAG: Red",
    ]
    with qtbot.waitSignal(page.deleted_chosen) as chosen:
        qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert chosen.args == [DELETED, True]


def test_busy_blocks_a_second_choice_and_the_list_keeps_its_place(qtbot: QtBot) -> None:
    page = _page(qtbot)
    page.set_conflicts([DELETED, TEXT])
    page.conflicts_table.selectRow(1)
    assert page.selected is TEXT
    page.set_busy(True)
    assert page.message_label.text() == "Saving your choice…"
    assert not page.save_merged_button.isEnabled()
    assert all(card.keep_button and not card.keep_button.isEnabled() for card in page.cards)
    page.set_busy(False)
    assert page.save_merged_button.isEnabled() and not page.message_label.isVisible()
    page.set_conflicts([DELETED, TEXT])  # reloaded: still on the same conflict
    assert page.selected is TEXT
    page.set_conflicts([DELETED])  # settled elsewhere: the next one is shown
    assert page.selected is DELETED
    page.set_conflicts([])
    assert page.selected is None and page.empty_label.isVisible()
    page.show_message("the record no longer exists on this laptop", error=True)
    assert page.message_label.isVisible()


def test_overrides_are_marked_seen_by_selection(qtbot: QtBot) -> None:
    page = _page(qtbot)
    rows = [
        OverrideRow(7, "actions", "actions 1.2 — MASH", "rag", "amber", "green", "Sam Patel"),
        OverrideRow(9, "risks", "risks R1 — Workforce", "owner_id", "x", "y", "Jo Lewis"),
    ]
    page.set_overrides(rows)
    page.show_overrides()
    assert page.tabs.tabText(1) == "Your changes overridden (2)"
    assert page.overrides_model.index(0, 2).data() == "Amber"
    assert not page.mark_seen_button.isEnabled()
    page.overrides_table.selectAll()
    with qtbot.waitSignal(page.overrides_seen) as seen:
        qtbot.mouseClick(page.mark_seen_button, Qt.MouseButton.LeftButton)
    assert seen.args == [[7, 9]]
