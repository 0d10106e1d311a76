"""A person settles a conflict once, and every laptop agrees: text, update-vs-delete,
changes made to minutes after signing; and the overridden values shown to their author."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.dump import dump_text
from db.models import (
    Action,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    MinutesVersion,
    Person,
    Rag,
)
from db.store import Database
from db.sync import conflicts as svc
from db.sync.engine import status
from tests.db.conftest import Laptop, settle, two_laptops


def set_description(db: Database, action_id: str, value: str) -> None:
    with db.begin() as s:
        row = s.get(Action, action_id)
        assert row is not None
        row.description = value


def test_choosing_the_version_already_shown_closes_the_conflict_everywhere(
    central_url: str, laptop: Laptop
) -> None:
    a, b, ids = two_laptops(central_url, laptop, actions=1)
    set_description(a, ids["a0"], "From the chair")
    set_description(b, ids["a0"], "From the officer")
    settle(central_url, a, b)
    [conflict] = svc.open_conflicts(a)
    assert conflict.kind == svc.KIND_TEXT and conflict.field == "description"
    assert conflict.record.startswith("actions 1.1")
    assert sorted(v.value for v in conflict.versions) == ["From the chair", "From the officer"]
    with a.session() as s:
        shown = s.get(Action, ids["a0"]).description  # type: ignore[union-attr]
    svc.resolve_text(a, conflict, shown, ids["chair"])  # same text as on screen
    assert svc.open_conflicts(a) == []
    settle(central_url, a, b)
    assert svc.open_conflicts(b) == [] and status(b).open_conflicts == 0
    assert dump_text(a.engine) == dump_text(b.engine)


def test_a_merged_text_closes_the_conflict_everywhere(central_url: str, laptop: Laptop) -> None:
    a, b, ids = two_laptops(central_url, laptop, actions=1)
    set_description(a, ids["a0"], "Version A")
    set_description(b, ids["a0"], "Version B")
    settle(central_url, a, b)
    [conflict] = svc.open_conflicts(b)
    svc.resolve_text(b, conflict, "A and B, merged", None)
    settle(central_url, a, b)
    for db in (a, b):
        assert svc.open_conflicts(db) == []
        with db.session() as s:
            assert s.get(Action, ids["a0"]).description == "A and B, merged"  # type: ignore[union-attr]


def _delete_vs_update(central_url: str, laptop: Laptop) -> tuple[Database, Database, str]:
    a, b, _ = two_laptops(central_url, laptop, actions=1)
    with a.begin() as s:
        person = Person(name="Co-opted Member", job_title="Interim")
        s.add(person)
        s.flush()
        person_id = person.id
    settle(central_url, a, b)
    with a.begin() as s:
        s.delete(s.get(Person, person_id))
    with b.begin() as s:
        s.get(Person, person_id).job_title = "Head of Service"  # type: ignore[union-attr]
    settle(central_url, a, b)
    return a, b, person_id


def test_keep_deleted_settles_everywhere(central_url: str, laptop: Laptop) -> None:
    a, b, person_id = _delete_vs_update(central_url, laptop)
    [conflict] = svc.open_conflicts(b)
    assert conflict.kind == svc.KIND_DELETED
    assert {"job_title": "Head of Service"} in [v.value for v in conflict.versions]
    svc.resolve_deleted(b, conflict, restore=False, actor_id=None)
    settle(central_url, a, b)
    for db in (a, b):
        assert svc.open_conflicts(db) == []
        with db.session() as s:
            assert s.get(Person, person_id) is None
    assert dump_text(a.engine) == dump_text(b.engine)


def test_restore_brings_the_record_back_with_the_update(central_url: str, laptop: Laptop) -> None:
    a, b, person_id = _delete_vs_update(central_url, laptop)
    [conflict] = svc.open_conflicts(a)
    svc.resolve_deleted(a, conflict, restore=True, actor_id=None)
    settle(central_url, a, b)
    for db in (a, b):
        assert svc.open_conflicts(db) == []
        with db.session() as s:
            person = s.get(Person, person_id)
            assert person is not None and person.job_title == "Head of Service"
    assert dump_text(a.engine) == dump_text(b.engine)


def test_signed_minutes_win_over_an_unseen_edit(central_url: str, laptop: Laptop) -> None:
    a, b, ids = two_laptops(central_url, laptop, actions=1)
    with a.begin() as s:
        meeting = Meeting(board_id=ids["board"], meeting_date=dt.date(2019, 1, 22))
        s.add(meeting)
        s.flush()
        minutes = MinutesVersion(meeting_id=meeting.id, content_json='{"text":"draft"}')
        s.add(minutes)
        s.flush()
        minutes_id = minutes.id
    settle(central_url, a, b)
    with a.begin(ids["chair"]) as s:  # the chair signs on one laptop...
        m = s.get(MinutesVersion, minutes_id)
        assert m is not None
        m.status = MinutesStatus.SIGNED
        m.content_hash = "f" * 64
        m.signed_by_id = ids["chair"]
        m.signed_at = dt.datetime(2019, 3, 20, 12, tzinfo=dt.UTC)
    with b.begin() as s:  # ...while the clerk, offline, still edits the draft
        m = s.get(MinutesVersion, minutes_id)
        assert m is not None
        m.content_json = '{"text":"late edit"}'
    settle(central_url, a, b)
    for db in (a, b):
        with db.session() as s:
            m = s.get(MinutesVersion, minutes_id)
            assert m is not None
            assert (m.status, m.content_json) == (MinutesStatus.SIGNED, '{"text":"draft"}')
    [conflict] = svc.open_conflicts(b)
    assert conflict.kind == svc.KIND_FROZEN
    svc.acknowledge_frozen(b, conflict, None, "Correction to follow as version 2")
    settle(central_url, a, b)
    assert svc.open_conflicts(a) == svc.open_conflicts(b) == []
    assert dump_text(a.engine) == dump_text(b.engine)


def test_a_closed_meeting_wins_over_an_unseen_edit(central_url: str, laptop: Laptop) -> None:
    a, b, ids = two_laptops(central_url, laptop, actions=1)
    with a.begin() as s:
        meeting = Meeting(board_id=ids["board"], meeting_date=dt.date(2019, 1, 22), venue="Room C")
        s.add(meeting)
        s.flush()
        meeting_id = meeting.id
    settle(central_url, a, b)
    with a.begin(ids["chair"]) as s:  # the chair closes the meeting on one laptop...
        m = s.get(Meeting, meeting_id)
        assert m is not None
        m.status = MeetingStatus.CLOSED
        m.closed_at = dt.datetime(2019, 1, 22, 12, tzinfo=dt.UTC)
    with b.begin() as s:  # ...while another laptop, offline, still changes its record
        m = s.get(Meeting, meeting_id)
        assert m is not None
        m.venue = "Council Chamber"
    settle(central_url, a, b)
    for db in (a, b):
        with db.session() as s:
            m = s.get(Meeting, meeting_id)
            assert m is not None
            assert (m.status, m.venue) == (MeetingStatus.CLOSED, "Room C")
    [conflict] = svc.open_conflicts(b)
    assert conflict.kind == svc.KIND_FROZEN
    assert svc.open_conflicts(a) == svc.open_conflicts(b)
    assert dump_text(a.engine) == dump_text(b.engine)


def test_overridden_values_are_listed_for_their_author(central_url: str, laptop: Laptop) -> None:
    a, b, ids = two_laptops(central_url, laptop, actions=1)
    with a.begin() as s:
        s.get(Action, ids["a0"]).rag = Rag.AMBER  # type: ignore[union-attr]
    with b.begin(ids["chair"]) as s:
        s.get(Action, ids["a0"]).rag = Rag.GREEN  # type: ignore[union-attr]
    settle(central_url, a, b)
    [lost] = svc.overrides(a)
    assert (lost.field, lost.lost_value, lost.won_value, lost.won_by) == (
        "rag",
        "amber",
        "green",
        "Alex Marsh",
    )
    svc.mark_overrides_seen(a, [lost.id])
    assert svc.overrides(a) == [] and len(svc.overrides(a, unseen_only=False)) == 1
    with b.session() as s:
        assert s.scalars(select(Action.rag)).one() is Rag.GREEN
