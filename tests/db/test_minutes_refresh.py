"""Unsigned minutes after the meeting's decisions changed: the warning, and bringing them
up to date.

A decision of the closed meeting is corrected after the draft was made: the
draft says what changed, refuses circulation in plain words, and "bring up to
date" makes a new draft from the record that states the correction, keeps
every section the secretariat edited, flags an edited section whose decisions
changed, and then goes through circulation, approval and signature. Signed
minutes are never changed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from db import minutes as M
from db.errors import PermissionDeniedError, ValidationError
from db.models import Decision, MinutesStatus, MinutesVersion
from db.services.decisions import correct_decision
from db.store import Database
from tests.db.minutes_board import MinutesBoard, build_minutes_board

TARGET = "The Board agreed a target of fewer than 15% agency social workers by December 2019."
CORRECTED = "The Board agreed a target of fewer than 12% agency social workers by March 2020."
EDIT = "Members discussed agency spend at length; the Director will report in March."
OTHER_EDIT = "Apologies were received from the Lead Member, who was unwell."


@pytest.fixture
def board(database: Database) -> Iterator[MinutesBoard]:
    yield build_minutes_board(database)


def _decision(database: Database, number: str) -> Decision:
    with database.session() as s:
        row = s.scalars(select(Decision).where(Decision.number == number)).one()
        s.expunge(row)
        return row


def _sections(database: Database, board: MinutesBoard, version_id: str) -> dict[str, M.Section]:
    with database.session() as s:
        return {x.heading: x for x in M.sections(s, board.clerk, version_id)}


def _key(sections: dict[str, M.Section], title_part: str) -> str:
    return next(x.key for h, x in sections.items() if title_part in h)


def _stated_wordings(database: Database, version_id: str) -> list[str]:
    with database.session() as s:
        content = json.loads(s.get(MinutesVersion, version_id).content_json)  # type: ignore[union-attr]
    return [d["wording"] for i in content["items"] for d in i.get("decisions") or []]


def _edited_draft(database: Database, board: MinutesBoard) -> tuple[str, str, str]:
    """A draft with two sections edited: the item of OPAB 19/02 and the apologies."""
    with database.begin(board.clerk) as s:
        version_id = M.create_draft(s, board.clerk, board.meeting).version_id
    sections = _sections(database, board, version_id)
    workforce = next(x.key for x in sections.values() if "orkforce" in x.heading)
    apologies = _key(sections, "pologies")
    with database.begin(board.clerk) as s:
        M.edit_section(s, board.clerk, version_id, workforce, EDIT)
        M.edit_section(s, board.clerk, version_id, apologies, OTHER_EDIT)
    return version_id, workforce, apologies


def _correct(database: Database, board: MinutesBoard) -> str:
    target = _decision(database, "OPAB 19/02")
    with database.begin(board.clerk) as s:
        return correct_decision(s, board.clerk, target.id, CORRECTED).number


def test_a_corrected_decision_flags_the_draft_and_bringing_it_up_to_date_keeps_the_edits(
    database: Database, board: MinutesBoard
) -> None:
    v1, workforce, apologies = _edited_draft(database, board)
    with database.session() as s:
        assert M.record_changes(s, board.clerk, v1) == ()
    number = _correct(database, board)
    today = dt.datetime.now(dt.UTC)

    with database.session() as s:
        (change,) = M.record_changes(s, board.clerk, v1)
    assert change.kind == "corrected" and change.number == "OPAB 19/02"
    item = next(h for h in _sections(database, board, v1) if "orkforce" in h)
    number_, title = item.split(". ", 1)
    assert change.text == (
        f"Decision OPAB 19/02 (item {number_}, {title}) was corrected on {today.day} "
        f"{today:%B %Y} by {number} — these minutes still state only the earlier wording"
    )

    with database.begin(board.clerk) as s, pytest.raises(ValidationError) as refused:
        M.circulate(s, board.clerk, v1)
    assert "bring the minutes up to date" in str(refused.value)
    assert "corrected, amended or renumbered" in str(refused.value)

    with database.begin(board.clerk) as s:
        done = M.bring_up_to_date(s, board.clerk, v1)
    v2 = done.version.version_id
    assert (done.version.version, done.version.status) == (2, "draft")
    assert done.version.supersedes_id == v1
    assert done.kept == 2
    (flagged,) = done.flagged
    assert "orkforce" in flagged

    assert CORRECTED in " ".join(_stated_wordings(database, v2))
    assert TARGET in _stated_wordings(database, v2)  # the original stays: a correction cites it
    sections = _sections(database, board, v2)
    by_key = {x.key: x for x in sections.values()}
    assert by_key[workforce].text == EDIT and by_key[workforce].review
    assert by_key[apologies].text == OTHER_EDIT and by_key[apologies].review is None
    with database.session() as s:
        assert M.record_changes(s, board.clerk, v2) == ()
        assert M.flagged_sections(s, board.clerk, v2) == (flagged,)
        old = s.get(MinutesVersion, v1)
        assert old is not None and old.status is MinutesStatus.DRAFT  # v1 is kept as it was

    # The flagged section holds circulation until it is edited or marked reviewed.
    with database.begin(board.clerk) as s, pytest.raises(ValidationError) as held:
        M.circulate(s, board.clerk, v2)
    assert "marked for review" in str(held.value) and "orkforce" in str(held.value)
    with database.begin(board.clerk) as s:
        M.mark_reviewed(s, board.clerk, v2, workforce)
    with database.session() as s:
        assert M.flagged_sections(s, board.clerk, v2) == ()

    with database.begin(board.clerk) as s:
        M.circulate(s, board.clerk, v2)
        M.approve(s, board.clerk, v2, decision_id=board.approving_decision)
    with database.begin(board.chair) as s:
        signed = M.sign(s, board.chair, v2)
        assert signed.status == "signed" and M.verify_record(s, v2)


def test_editing_a_flagged_section_clears_its_flag(database: Database, board: MinutesBoard) -> None:
    v1, workforce, _ = _edited_draft(database, board)
    _correct(database, board)
    with database.begin(board.clerk) as s:
        v2 = M.bring_up_to_date(s, board.clerk, v1).version.version_id
        M.edit_section(s, board.clerk, v2, workforce, EDIT + " The correction was noted.")
        assert M.flagged_sections(s, board.clerk, v2) == ()
        assert M.circulate(s, board.clerk, v2).status == "circulated"


def test_an_unedited_section_is_regenerated_and_not_flagged(
    database: Database, board: MinutesBoard
) -> None:
    with database.begin(board.clerk) as s:
        v1 = M.create_draft(s, board.clerk, board.meeting).version_id
    _correct(database, board)
    with database.begin(board.clerk) as s:
        done = M.bring_up_to_date(s, board.clerk, v1)
    assert done.flagged == () and done.kept == 0
    with database.begin(board.clerk) as s:
        assert M.circulate(s, board.clerk, done.version.version_id).status == "circulated"


def test_a_circulated_or_approved_version_gets_a_new_draft(
    database: Database, board: MinutesBoard
) -> None:
    v1, _, _ = _edited_draft(database, board)
    with database.begin(board.clerk) as s:
        M.circulate(s, board.clerk, v1)
        M.approve(s, board.clerk, v1, decision_id=board.approving_decision)
    _correct(database, board)
    with database.begin(board.chair) as s, pytest.raises(ValidationError) as refused:
        M.sign(s, board.chair, v1)
    assert "bring the minutes up to date" in str(refused.value)
    with database.begin(board.clerk) as s:
        done = M.bring_up_to_date(s, board.clerk, v1)
        M.mark_reviewed(s, board.clerk, done.version.version_id, "all")
        assert s.get(MinutesVersion, v1).status is MinutesStatus.APPROVED  # type: ignore[union-attr]
        M.circulate(s, board.clerk, done.version.version_id)
        M.approve(s, board.clerk, done.version.version_id, decision_id=board.approving_decision)
    with database.begin(board.chair) as s:
        assert M.sign(s, board.chair, done.version.version_id).status == "signed"


def test_signed_minutes_are_never_changed_a_correction_of_them_is_brought_up_to_date(
    database: Database, board: MinutesBoard
) -> None:
    with database.begin(board.clerk) as s:
        v1 = M.create_draft(s, board.clerk, board.meeting).version_id
        M.circulate(s, board.clerk, v1)
        M.approve(s, board.clerk, v1, decision_id=board.approving_decision)
    with database.begin(board.chair) as s:
        M.sign(s, board.chair, v1)
    _correct(database, board)
    with database.session() as s:
        assert (
            M.record_changes(s, board.clerk, v1) == ()
        )  # frozen: the correction is its own record
        assert M.verify_record(s, v1)
    with database.begin(board.clerk) as s, pytest.raises(ValidationError) as refused:
        M.bring_up_to_date(s, board.clerk, v1)
    assert "signed and is never changed" in str(refused.value)
    with database.begin(board.clerk) as s:
        v2 = M.start_correction(s, board.clerk, v1).version_id
        assert [c.kind for c in M.record_changes(s, board.clerk, v2)] == ["corrected"]
        v3 = M.bring_up_to_date(s, board.clerk, v2).version.version_id
        assert M.record_changes(s, board.clerk, v3) == ()
        assert M.verify_record(s, v1)


def test_refusals_are_plain_sentences(database: Database, board: MinutesBoard) -> None:
    v1, _, _ = _edited_draft(database, board)
    with database.begin(board.clerk) as s, pytest.raises(ValidationError) as unchanged:
        M.bring_up_to_date(s, board.clerk, v1)
    assert str(unchanged.value) == ("version 1 already states the meeting's decisions as recorded")
    _correct(database, board)
    with database.begin(board.member) as s, pytest.raises(PermissionDeniedError):
        M.bring_up_to_date(s, board.member, v1)
    with database.begin(board.clerk) as s:
        M.bring_up_to_date(s, board.clerk, v1)
    with database.begin(board.clerk) as s, pytest.raises(ValidationError) as older:
        M.bring_up_to_date(s, board.clerk, v1)
    assert str(older.value) == "version 2 is newer (draft); bring that one up to date"


def test_an_amendment_or_renumbering_arriving_by_sync_is_named(
    database: Database, board: MinutesBoard
) -> None:
    with database.begin(board.clerk) as s:
        v1 = M.create_draft(s, board.clerk, board.meeting).version_id
    noted = _decision(database, "OPAB 19/01")
    target = _decision(database, "OPAB 19/02")
    with database.begin(board.clerk) as s:  # as another laptop's versions arrive by sync
        for old, number, wording in (
            (noted, "OPAB 19/01", "The Board noted the workforce report and its annex."),
            (target, "OPAB 19/13", TARGET),
        ):
            s.add(
                Decision(
                    board_id=old.board_id,
                    meeting_id=old.meeting_id,
                    agenda_item_id=old.agenda_item_id,
                    year=old.year,
                    seq=int(number.rsplit("/", 1)[1]),
                    version=2,
                    number=number,
                    kind=old.kind,
                    wording=wording,
                    supersedes_id=old.id,
                    recorded_at=dt.datetime(2019, 2, 3, 10, tzinfo=dt.UTC),
                )
            )
    with database.session() as s:
        texts = [c.text for c in M.record_changes(s, board.clerk, v1)]
    assert texts == [
        "Decision OPAB 19/01 (item 4, Workforce: reducing agency staff) was amended on 3 "
        "February 2019 (version 2) — these minutes still state the earlier wording",
        "Decision OPAB 19/02 (item 4, Workforce: reducing agency staff) was renumbered OPAB "
        "19/13 on 3 February 2019 — these minutes still state the earlier number",
    ]
    with database.begin(board.clerk) as s:
        v2 = M.bring_up_to_date(s, board.clerk, v1).version.version_id
        assert M.record_changes(s, board.clerk, v2) == ()
        assert M.circulate(s, board.clerk, v2).status == "circulated"
