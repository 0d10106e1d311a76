"""The minutes lifecycle: order, rights, edits that never touch decisions, signing, freezing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from db import minutes as M
from db.canonical import canonical_json
from db.errors import AppendOnlyError, PermissionDeniedError, ValidationError
from db.models import Meeting, MeetingStatus, MinutesStatus, MinutesVersion
from db.store import Database
from tests.db.minutes_board import SENTINEL, MinutesBoard, build_minutes_board

T0 = dt.datetime(2019, 1, 28, 9, tzinfo=dt.UTC)


@pytest.fixture
def board(database: Database) -> Iterator[MinutesBoard]:
    yield build_minutes_board(database)


def _clock() -> Callable[[], dt.datetime]:
    moments = iter(T0 + dt.timedelta(hours=h) for h in range(1000))
    return lambda: next(moments)


def _draft(database: Database, board: MinutesBoard) -> str:
    with database.begin(board.clerk, clock=_clock()) as s:
        return M.create_draft(s, board.clerk, board.meeting).version_id


def _signed(database: Database, board: MinutesBoard) -> str:
    version_id = _draft(database, board)
    with database.begin(board.clerk) as s:
        M.circulate(s, board.clerk, version_id)
        M.approve(s, board.clerk, version_id, decision_id=board.approving_decision)
    with database.begin(board.chair) as s:
        M.sign(s, board.chair, version_id)
    return version_id


def test_the_whole_path_draft_circulated_approved_signed(
    database: Database, board: MinutesBoard
) -> None:
    version_id = _draft(database, board)
    with database.begin(board.clerk, clock=_clock()) as s:
        (info,) = M.versions(s, board.clerk, board.meeting)
        assert (info.version, info.status, info.content_hash) == (1, "draft", None)
        info = M.circulate(s, board.clerk, version_id)
        assert info.status == "circulated" and info.circulated_at == T0
        info = M.approve(s, board.clerk, version_id, decision_id=board.approving_decision)
        assert info.status == "approved"
        assert info.approved_by == "OPAB 19/10 (meeting of 19 March 2019)"
    with database.begin(board.chair, clock=_clock()) as s:
        info = M.sign(s, board.chair, version_id)
    assert info.status == "signed" and info.signed_by == "Dr Helen Marchbank"
    assert info.signed_at == T0
    with database.session() as s:
        stored = s.get(MinutesVersion, version_id)
        assert stored is not None
        # The hash is the SHA-256 of the stored canonical JSON (sorted keys, NFC, UTF-8).
        assert stored.content_json == canonical_json(json.loads(stored.content_json))
        digest = hashlib.sha256(stored.content_json.encode("utf-8")).hexdigest()
        assert stored.content_hash == digest == info.content_hash
        assert M.verify_record(s, version_id)
        doc = M.version_doc(s, board.chair, version_id, public=False)
        assert doc.record is not None and doc.record.content_hash == digest
        assert doc.record.signed_by == "Dr Helen Marchbank"


def test_the_chair_approves_between_meetings(database: Database, board: MinutesBoard) -> None:
    version_id = _draft(database, board)
    with database.begin(board.clerk) as s:
        M.circulate(s, board.clerk, version_id)
    with database.begin(board.clerk) as s, pytest.raises(PermissionDeniedError):
        M.approve(s, board.clerk, version_id)  # the clerk cannot approve on their own
    with database.begin(board.chair) as s:
        info = M.approve(s, board.chair, version_id)
    assert info.approved_by == "Dr Helen Marchbank, Chair, between meetings"


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("approve", "only circulated minutes can be approved"),
        ("sign", "only approved minutes can be signed"),
    ],
)
def test_steps_cannot_be_skipped(
    database: Database, board: MinutesBoard, step: str, message: str
) -> None:
    version_id = _draft(database, board)
    with database.begin(board.chair) as s, pytest.raises(ValidationError, match=message):
        getattr(M, step)(s, board.chair, version_id)


def test_circulating_twice_and_signing_twice_are_refused(
    database: Database, board: MinutesBoard
) -> None:
    version_id = _signed(database, board)
    with database.begin(board.clerk) as s, pytest.raises(ValidationError, match="is signed"):
        M.circulate(s, board.clerk, version_id)
    with database.begin(board.chair) as s, pytest.raises(ValidationError, match="is signed"):
        M.sign(s, board.chair, version_id)


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ("earlier_decision", "not of a later meeting"),
        ("noted_later_decision", "was noted, not agreed or approved"),
    ],
)
def test_approval_needs_an_agreeing_decision_of_a_later_meeting(
    database: Database, board: MinutesBoard, decision: str, message: str
) -> None:
    version_id = _draft(database, board)
    with database.begin(board.clerk) as s:
        M.circulate(s, board.clerk, version_id)
    with database.begin(board.clerk) as s, pytest.raises(ValidationError, match=message):
        M.approve(s, board.clerk, version_id, decision_id=getattr(board, decision))


def test_one_decision_approves_one_meetings_minutes(
    database: Database, board: MinutesBoard
) -> None:
    with database.begin(board.clerk) as s:
        other = MinutesVersion(
            meeting_id=board.earlier_meeting,
            content_json="{}",
            status=MinutesStatus.APPROVED,
            approved_by_decision_id=board.approving_decision,
        )
        s.add(other)
    version_id = _draft(database, board)
    with database.begin(board.clerk) as s:
        M.circulate(s, board.clerk, version_id)
    with (
        database.begin(board.clerk) as s,
        pytest.raises(
            ValidationError,
            match="already approved the minutes of the meeting held on 14 November 2018",
        ),
    ):
        M.approve(s, board.clerk, version_id, decision_id=board.approving_decision)


def test_who_may_do_what(database: Database, board: MinutesBoard) -> None:
    # Only the secretariat drafts; chair, member, officer and observer are refused.
    for person in (board.chair, board.member, board.officer, board.observer):
        with database.begin(person) as s, pytest.raises(PermissionDeniedError):
            M.create_draft(s, person, board.meeting)
    version_id = _draft(database, board)
    for person in (board.chair, board.member, board.observer):
        with database.begin(person) as s, pytest.raises(PermissionDeniedError):
            M.edit_section(s, person, version_id, "item:4", "Rewritten.")
        with database.begin(person) as s, pytest.raises(PermissionDeniedError):
            M.circulate(s, person, version_id)
    with database.begin(board.clerk) as s:
        M.circulate(s, board.clerk, version_id)
    for person in (board.member, board.observer, board.officer):
        with database.begin(person) as s, pytest.raises(PermissionDeniedError):
            M.approve(s, person, version_id, decision_id=board.approving_decision)
    with database.begin(board.chair) as s:
        M.approve(s, board.chair, version_id, decision_id=board.approving_decision)
    for person in (board.clerk, board.member):
        with database.begin(person) as s, pytest.raises(PermissionDeniedError, match="sign"):
            M.sign(s, person, version_id)
    with database.session() as s:
        with pytest.raises(PermissionDeniedError):
            M.version_doc(s, board.observer, version_id, public=False)
        assert M.version_doc(s, board.observer, version_id, public=True).public
        with pytest.raises(PermissionDeniedError):
            M.sections(s, board.observer, version_id)


def test_a_draft_needs_a_closed_meeting_and_only_one_open_version(
    database: Database, board: MinutesBoard
) -> None:
    with database.begin(board.clerk) as s:
        meeting = s.get(Meeting, board.meeting)
        assert meeting is not None
        meeting.status = MeetingStatus.IN_PROGRESS
    with database.begin(board.clerk) as s, pytest.raises(ValidationError, match="closed"):
        M.create_draft(s, board.clerk, board.meeting)
    with database.begin(board.clerk) as s:
        meeting = s.get(Meeting, board.meeting)
        assert meeting is not None
        meeting.status = MeetingStatus.CLOSED
    _draft(database, board)
    with database.begin(board.clerk) as s, pytest.raises(ValidationError, match="already"):
        M.create_draft(s, board.clerk, board.meeting)


def test_section_edits_change_text_never_decisions(database: Database, board: MinutesBoard) -> None:
    version_id = _draft(database, board)
    with database.begin(board.clerk) as s:
        keys = [section.key for section in M.sections(s, board.clerk, version_id)]
        assert keys == [f"item:{n}" for n in range(1, 8)]
        before = {x.key: x.text for x in M.sections(s, board.clerk, version_id)}
        assert before["item:4"].startswith("The Head of Workforce Development reported")
        M.edit_section(
            s, board.clerk, version_id, "item:4", "Cafe\u0301 discussion.\r\nSecond line."
        )
        doc = M.version_doc(s, board.clerk, version_id, public=False)
    work = doc.item(4)
    assert work.minutes == "Caf\u00e9 discussion.\nSecond line."  # NFC, \n
    assert [d.number for d in work.decisions] == ["OPAB 19/01", "OPAB 19/02"]
    with database.begin(board.clerk) as s:
        with pytest.raises(ValidationError, match="no section"):
            M.edit_section(s, board.clerk, version_id, "decisions", "x")
        with pytest.raises(ValidationError, match="no section"):
            M.edit_section(s, board.clerk, version_id, "item:99", "x")
        with pytest.raises(ValidationError, match="at most"):
            M.edit_section(s, board.clerk, version_id, "item:4", "x" * 20_001)


def test_a_tampered_decision_is_refused_at_circulation(
    database: Database, board: MinutesBoard
) -> None:
    version_id = _draft(database, board)
    with database.begin(board.clerk) as s:
        version = s.get(MinutesVersion, version_id)
        assert version is not None
        content = json.loads(version.content_json)
        content["items"][3]["decisions"][1]["wording"] = "The Board agreed something else."
        version.content_json = canonical_json(content)
    with database.begin(board.clerk) as s, pytest.raises(ValidationError, match="as recorded"):
        M.circulate(s, board.clerk, version_id)


def test_signed_minutes_cannot_be_edited_through_the_services(
    database: Database, board: MinutesBoard
) -> None:
    version_id = _signed(database, board)
    with database.begin(board.clerk) as s, pytest.raises(ValidationError, match="signed"):
        M.edit_section(s, board.clerk, version_id, "item:4", "Rewritten.")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content_json", '{"items": []}'),
        ("status", MinutesStatus.DRAFT),
        ("content_hash", "0" * 64),
        ("signed_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_signed_minutes_cannot_be_changed_through_the_orm(
    database: Database, board: MinutesBoard, field: str, value: object
) -> None:
    version_id = _signed(database, board)
    with database.session() as s:
        before = s.get(MinutesVersion, version_id)
        assert before is not None
        kept = getattr(before, field)
    with pytest.raises(AppendOnlyError, match="frozen"), database.begin(board.chair) as s:
        version = s.get(MinutesVersion, version_id)
        assert version is not None
        setattr(version, field, value)
    with pytest.raises(AppendOnlyError, match="frozen"), database.begin(board.chair) as s:
        version = s.get(MinutesVersion, version_id)
        s.delete(version)
    with database.session() as s:
        after = s.get(MinutesVersion, version_id)
        assert after is not None and getattr(after, field) == kept
        assert M.verify_record(s, version_id)


def test_signed_minutes_cannot_be_changed_with_raw_sql(
    database: Database, board: MinutesBoard
) -> None:
    version_id = _signed(database, board)
    with sqlite3.connect(database.path) as conn:
        for sql in (
            "UPDATE minutes_versions SET content_json = '{}' WHERE id = ?",
            "UPDATE minutes_versions SET status = 'draft' WHERE id = ?",
            "DELETE FROM minutes_versions WHERE id = ?",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="signed minutes are frozen"):
                conn.execute(sql, (version_id,))
        (text,) = conn.execute(
            "SELECT content_json FROM minutes_versions WHERE id = ?", (version_id,)
        ).fetchone()
    assert SENTINEL in text  # the full record, intact
    with database.session() as s:
        assert M.verify_record(s, version_id)


def test_a_correction_is_a_new_version_through_the_same_path(
    database: Database, board: MinutesBoard
) -> None:
    first = _signed(database, board)
    with database.begin(board.clerk) as s:
        with pytest.raises(ValidationError, match="start a correction"):
            M.create_draft(s, board.clerk, board.meeting)
        info = M.start_correction(s, board.clerk, first)
    assert (info.version, info.status, info.supersedes_id) == (2, "draft", first)
    second = info.version_id
    with database.begin(board.clerk) as s:
        with pytest.raises(ValidationError, match="newer"):
            M.start_correction(s, board.clerk, first)
        with pytest.raises(ValidationError, match="only signed"):
            M.start_correction(s, board.clerk, second)
        M.edit_section(s, board.clerk, second, "item:6", "Corrected: no other business.")
        M.circulate(s, board.clerk, second)
    with database.begin(board.chair) as s:
        M.approve(s, board.chair, second)
        signed = M.sign(s, board.chair, second)
    with database.session() as s:
        versions = M.versions(s, board.chair, board.meeting)
        doc = M.version_doc(s, board.chair, second, public=True)
        old = s.scalars(select(MinutesVersion).where(MinutesVersion.id == first)).one()
    assert [v.status for v in versions] == ["signed", "signed"]
    assert versions[0].content_hash != signed.content_hash
    assert doc.record is not None and doc.record.supersedes_version == 1
    assert doc.item(6).minutes == "Corrected: no other business."
    assert "no other business" in old.content_json and "Corrected" not in old.content_json


def test_find_meeting_by_board_and_date(database: Database, board: MinutesBoard) -> None:
    from db.errors import NotFoundError

    with database.session() as s:
        assert M.find_meeting(s, "OPAB:2019-01-22") == board.meeting
        assert M.find_meeting(s, " opab:2019-01-22 ") == board.meeting
        assert M.find_meeting(s, board.meeting) == board.meeting
        with pytest.raises(NotFoundError, match="no meeting of OPAB on 2019-01-23"):
            M.find_meeting(s, "OPAB:2019-01-23")
        with pytest.raises(NotFoundError, match="BOARD:YYYY-MM-DD"):
            M.find_meeting(s, "nonsense")
