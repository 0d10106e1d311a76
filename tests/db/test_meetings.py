"""Meetings (db.services.meetings, .meeting_view, .quorum, .attendance, .declarations,
.meeting_notes, .meeting_choices, .agenda) on the demo board: the list, the standing items,
the agenda editor's writes, exempt items, attendance and quorum by item, the live meeting's
current item and timings, notes, closing."""

# ruff: noqa: F811  (the fixtures `db` and `cast` are imported from meeting_fixtures)

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.errors import NotFoundError, PermissionDeniedError, ValidationError
from db.models import (
    AgendaItem,
    Board,
    ItemKind,
    Meeting,
    MeetingStatus,
    Role,
    agenda_item_actions,
)
from db.rules import exclusion_resolution, quorum_required
from db.services import agenda, attendance, declarations, meeting_choices, meeting_notes, meetings
from db.services.decisions import record_decision
from db.services.meeting_view import meeting_view
from db.services.quorum import quorum
from db.store import Database
from tests.db.meeting_fixtures import (  # noqa: F401  (fixtures)
    DEMO_AS_OF,
    LAST_OPAB,
    NEXT_OPAB,
    Cast,
    cast,
    count,
    db,
    item_ids,
    open_with_everyone,
    run,
    status,
)

T0 = dt.datetime(2020, 1, 14, 10, 0, tzinfo=dt.UTC)

# --------------------------------------------------------------------------- rules


def test_quorum_required_rounds_up_a_fraction_without_float_noise() -> None:
    assert quorum_required(1 / 3, 9) == 3  # 9 × ⅓ is 3.0000000000000004 in floating point
    assert quorum_required(1 / 3, 10) == 4
    assert quorum_required(1 / 2, 7) == 4
    assert quorum_required(1 / 3, 0) == 1


def test_exclusion_resolution_cites_section_100a_and_the_paragraph() -> None:
    text = exclusion_resolution(1)
    assert "section 100A(4) of the Local Government Act 1972" in text
    assert "paragraph 1 of Part 1 of Schedule 12A" in text
    assert "information relating to any individual" in text
    assert "public interest in maintaining the exemption" in text
    assert "paragraph 3 " in exclusion_resolution(3)
    with pytest.raises(ValueError, match="paragraphs 1 to 7"):
        exclusion_resolution(8)


# --------------------------------------------------------------------------- reads


def test_meetings_are_listed_upcoming_soonest_first_and_past_latest_first(
    db: Database, cast: Cast
) -> None:
    with db.session() as s:
        listing = meetings.meetings_of(s, cast.chair, cast.board_id, today=DEMO_AS_OF)
        everything = meetings.meetings_of(s, cast.chair, today=DEMO_AS_OF)
    assert [r.meeting_date for r in listing.upcoming] == [NEXT_OPAB]
    assert listing.past[0].meeting_date == LAST_OPAB
    dates = [r.meeting_date for r in listing.past]
    assert dates == sorted(dates, reverse=True)
    assert all(r.status == "closed" for r in listing.past)
    nxt = listing.upcoming[0]
    assert (nxt.ref, nxt.status_label, nxt.item_count) == ("OPAB:2020-01-14", "Planned", 13)
    codes = {r.board_code for r in everything.upcoming + everything.past}
    assert {"OPAB", "CPB"} <= codes


def test_meeting_view_numbers_items_by_position_and_states_the_quorum_rule(
    db: Database, cast: Cast
) -> None:
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.last_meeting)
    assert [i.number for i in view.items] == [str(n) for n in range(1, len(view.items) + 1)]
    assert view.items[0].kind == "apologies" and view.items[-1].kind == "next_meeting"
    assert view.quorum_rule == (
        "a third of the 9 voting members (3), with the chair or vice-chair present"
    )
    assert view.decisions and all(d.number.startswith("OPAB 19/") for d in view.decisions)
    assert view.attendance and view.can_run and not view.can_edit_agenda


def test_create_meeting_lays_out_the_standing_items_in_order(db: Database, cast: Cast) -> None:
    day = dt.date(2020, 3, 10)
    meeting_id = run(
        db, cast.clerk, meetings.create_meeting, cast.board_id, day, start_time=dt.time(10)
    )
    with db.session() as s:
        view = meeting_view(s, cast.clerk, meeting_id)
    assert [i.kind for i in view.items] == [
        "apologies",
        "declarations",
        "previous_minutes",
        "action_log",
        "business",
        "aob",
        "next_meeting",
    ]
    assert (view.status, view.ref) == ("planned", "OPAB:2020-03-10")
    with pytest.raises(ValidationError, match="already has a meeting on 10 March 2020"):
        run(db, cast.clerk, meetings.create_meeting, cast.board_id, day, start_time=dt.time(10))
    cpb = meetings.standing_items_template("CPB")
    assert (ItemKind.ACTION_CARDS, "Children in care council action cards") in cpb


# --------------------------------------------------------------------------- agenda


def test_agenda_items_are_added_before_aob_moved_and_removed_with_positions_kept_unique(
    db: Database, cast: Cast
) -> None:
    meeting_id = cast.next_meeting
    before = item_ids(db, meeting_id)
    new = run(
        db,
        cast.clerk,
        agenda.add_item,
        meeting_id,
        "Scrutiny of agency staffing",
        time_box_minutes=15,
        presenter_id=cast.chair,
    )
    after = item_ids(db, meeting_id)
    assert after.index(new) == len(before) - 2  # before AOB and the date of the next meeting
    run(db, cast.clerk, agenda.move_item, new, 1)
    assert item_ids(db, meeting_id)[0] == new
    run(db, cast.clerk, agenda.move_item, new, len(after))
    assert item_ids(db, meeting_id)[-1] == new
    with db.session() as s:
        positions = sorted(
            s.scalars(select(AgendaItem.position).where(AgendaItem.meeting_id == meeting_id))
        )
    assert positions == list(range(1, len(after) + 1))
    run(db, cast.clerk, agenda.update_item, new, title="Agency staffing", time_box_minutes=20)
    with db.session() as s:
        item = meeting_view(s, cast.clerk, meeting_id).item(new)
    assert (item.title, item.time_box_minutes, item.presenter_id) == (
        "Agency staffing",
        20,
        cast.chair,
    )
    run(db, cast.clerk, agenda.remove_item, new)
    assert item_ids(db, meeting_id) == before
    with pytest.raises(ValidationError, match="items 1 to"):
        run(db, cast.clerk, agenda.move_item, before[0], 99)
    with pytest.raises(ValidationError, match="no field"):
        run(db, cast.clerk, agenda.update_item, before[0], exempt=True)


def test_an_item_with_decisions_cannot_be_removed(db: Database, cast: Cast) -> None:
    items = open_with_everyone(db, cast)
    run(db, cast.clerk, meetings.start_item, items[0])
    run(db, cast.clerk, record_decision, items[0], "noted", "Apologies were noted.")
    run(db, cast.clerk, meetings.start_item, items[1])
    with pytest.raises(ValidationError, match="decisions recorded against it"):
        run(db, cast.clerk, agenda.remove_item, items[0])
    with pytest.raises(ValidationError, match="being taken"):
        run(db, cast.clerk, agenda.remove_item, items[1])


def test_links_replace_the_given_sets_and_refuse_another_boards_records(
    db: Database, cast: Cast
) -> None:
    items = item_ids(db, cast.next_meeting)
    with db.session() as s:
        linked = s.execute(select(agenda_item_actions.c.action_id).limit(3)).scalars().all()
        cpb = s.scalar(select(Board.id).where(Board.code == "CPB"))
    assert len(linked) == 3
    run(db, cast.clerk, agenda.link_item, items[4], action_ids=linked[:2])
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.next_meeting)
    assert {a.id for a in view.item(items[4]).actions} == set(linked[:2])
    run(db, cast.clerk, agenda.link_item, items[4], action_ids=[linked[2]])
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.next_meeting)
    assert [a.id for a in view.item(items[4]).actions] == [linked[2]]
    assert view.item(items[4]).actions[0].label.split(" ")[0].count(".") == 1  # "2.3 Title"
    with pytest.raises(NotFoundError):
        run(db, cast.clerk, agenda.link_item, items[4], risk_ids=["nope"])
    assert cpb is not None


def test_exempt_items_show_title_and_paragraph_only_to_viewers_without_read_exempt(
    db: Database, cast: Cast
) -> None:
    items = item_ids(db, cast.next_meeting)
    target = items[7]
    run(db, cast.clerk, agenda.set_exempt, target, 1)
    run(db, cast.clerk, agenda.update_item, target, purpose="Case of child J")
    with db.session() as s:
        member = meeting_view(s, cast.people[Role.MEMBER], cast.next_meeting)
        observer = meeting_view(s, cast.people[Role.OBSERVER], cast.next_meeting)
    full = member.item(target)
    assert full.purpose == "Case of child J" and not full.withheld
    assert full.exclusion_resolution == exclusion_resolution(1)
    hidden = observer.item(target)
    assert hidden.withheld and hidden.title == full.title and hidden.exempt_paragraph == 1
    assert hidden.purpose is None and hidden.actions == () and hidden.discussion is None
    assert hidden.exemption == "information relating to any individual"
    with pytest.raises(ValidationError, match="from 1 to 7"):
        run(db, cast.clerk, agenda.set_exempt, target, 9)
    run(db, cast.clerk, agenda.set_exempt, target, None)
    with db.session() as s:
        again = meeting_view(s, cast.people[Role.OBSERVER], cast.next_meeting)
    assert not again.item(target).withheld and again.item(target).purpose == "Case of child J"


def test_decisions_on_an_exempt_item_are_withheld_from_an_observer(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    run(db, cast.clerk, agenda.set_exempt, items[6], 3)
    run(db, cast.clerk, meetings.start_item, items[6])
    run(db, cast.clerk, record_decision, items[6], "agreed", "The contract was varied.")
    with db.session() as s:
        chair = meeting_view(s, cast.chair, cast.next_meeting)
        observer = meeting_view(s, cast.people[Role.OBSERVER], cast.next_meeting)
    assert [d.wording for d in chair.decisions] == ["The contract was varied."]
    assert observer.decisions == ()
    assert chair.item(items[6]).chair_notes is None  # nothing written yet
    assert observer.can_run is False


# --------------------------------------------------------------------------- quorum


def test_quorum_counts_voting_members_present_at_the_item_with_the_chair_rule(
    db: Database, cast: Cast
) -> None:
    items = item_ids(db, cast.next_meeting)
    members = [p for p in cast.voting if p not in (cast.chair, cast.people[Role.VICE_CHAIR])]
    for person in members[:3]:
        run(db, cast.clerk, attendance.set_attendance, cast.next_meeting, person, "present")
    with db.session() as s:
        state = quorum(s, cast.next_meeting)
    assert (state.present_voting, state.required, state.quorate) == (3, 3, False)
    assert state.reason == "Inquorate: neither the chair nor a vice-chair is present"
    # The chair arrives at item 3: inquorate for items 1-2, quorate from 3.
    run(db, cast.clerk, attendance.record_arrival, cast.next_meeting, cast.chair, items[2])
    with db.session() as s:
        at2 = quorum(s, cast.next_meeting, items[1])
        at3 = quorum(s, cast.next_meeting, items[2])
    assert not at2.quorate and at3.quorate and at3.present_voting == 4
    assert at3.reason == "Quorate: 4 of 9 voting members present (3 needed)"
    # Two members leave after item 5: from item 6, two voting members remain with the chair.
    for person in members[:2]:
        run(db, cast.clerk, attendance.record_departure, cast.next_meeting, person, items[4])
    with db.session() as s:
        at5 = quorum(s, cast.next_meeting, items[4])
        at6 = quorum(s, cast.next_meeting, items[5])
    assert at5.quorate and not at6.quorate
    assert at6.reason == "Inquorate: 2 voting members present, 3 needed"
    # An officer in attendance does not count.
    run(
        db,
        cast.clerk,
        attendance.set_attendance,
        cast.next_meeting,
        cast.people[Role.OFFICER],
        "present",
        capacity="in_attendance",
    )
    with db.session() as s:
        assert quorum(s, cast.next_meeting, items[5]).present_voting == 2
    with pytest.raises(ValidationError, match="before the item at which they arrived"):
        run(db, cast.clerk, attendance.record_departure, cast.next_meeting, cast.chair, items[0])


def test_an_item_started_while_inquorate_is_flagged_in_the_record(db: Database, cast: Cast) -> None:
    items = item_ids(db, cast.next_meeting)
    run(db, cast.clerk, attendance.set_attendance, cast.next_meeting, cast.chair, "present")
    run(db, cast.clerk, meetings.open_meeting, cast.next_meeting)
    assert not run(db, cast.clerk, meetings.start_item, items[0]).quorate
    assert not run(db, cast.clerk, meetings.start_item, items[1]).quorate
    # The clerk takes the roll during item 2: its flag is read again, item 1's stays.
    for person in cast.voting[:4]:
        run(db, cast.clerk, attendance.set_attendance, cast.next_meeting, person, "present")
    assert run(db, cast.clerk, meetings.start_item, items[2]).quorate
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.next_meeting)
    assert [view.item(i).taken_inquorate for i in items[:3]] == [True, False, False]
    assert view.quorum.quorate
    # Going back to item 1 while quorate does not clear what happened when it was taken.
    run(db, cast.clerk, meetings.start_item, items[0])
    with db.session() as s:
        assert meeting_view(s, cast.chair, cast.next_meeting).item(items[0]).taken_inquorate
    # Quorum lost during an item (a departure recorded after an earlier item) flags it.
    run(db, cast.clerk, meetings.start_item, items[3])
    for person in cast.voting[:4]:
        if person != cast.chair:
            run(db, cast.clerk, attendance.record_departure, cast.next_meeting, person, items[2])
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.next_meeting)
    assert view.item(items[3]).taken_inquorate and not view.quorum.quorate


# --------------------------------------------------------------------------- the live meeting


def test_items_are_timed_across_visits_and_the_current_item_survives_a_restart(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)

    def at(minutes: int) -> dict[str, object]:
        return {"clock": lambda: T0 + dt.timedelta(minutes=minutes)}

    for minute, item in ((0, items[0]), (4, items[1]), (10, items[0]), (12, items[2])):
        with db.begin(cast.clerk, **at(minute)) as s:  # type: ignore[arg-type]
            meetings.start_item(s, cast.clerk, item)
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.next_meeting)
    first, second = view.item(items[0]), view.item(items[1])
    assert first.started_at == T0 and first.elapsed_seconds == (4 + 2) * 60
    assert second.elapsed_seconds == 6 * 60 and second.ended_at == T0 + dt.timedelta(minutes=10)
    assert view.current_item_id == items[2]
    assert view.current_elapsed(T0 + dt.timedelta(minutes=15)) == 3 * 60
    with db.begin(cast.clerk, clock=lambda: T0 + dt.timedelta(minutes=20)) as s:
        meetings.close_meeting(s, cast.clerk, cast.next_meeting)
    with db.session() as s:
        closed = meeting_view(s, cast.chair, cast.next_meeting)
    assert closed.status == "closed" and closed.current_item_id is None
    assert closed.item(items[2]).elapsed_seconds == 8 * 60
    assert closed.closed_at == T0 + dt.timedelta(minutes=20)


def test_nothing_runs_before_the_meeting_is_opened_or_after_it_is_closed(
    db: Database, cast: Cast
) -> None:
    items = item_ids(db, cast.next_meeting)
    with pytest.raises(ValidationError, match="has not been opened yet; open it before"):
        run(db, cast.clerk, meetings.start_item, items[0])
    with pytest.raises(ValidationError, match="never opened"):
        run(db, cast.clerk, meetings.close_meeting, cast.next_meeting)
    run(db, cast.clerk, meetings.open_meeting, cast.next_meeting)
    with pytest.raises(ValidationError, match="already open"):
        run(db, cast.clerk, meetings.open_meeting, cast.next_meeting)
    run(db, cast.clerk, meetings.close_meeting, cast.next_meeting)
    assert status(db, cast.next_meeting) is MeetingStatus.CLOSED
    for call in (
        lambda: run(db, cast.clerk, meetings.close_meeting, cast.next_meeting),
        lambda: run(db, cast.clerk, meeting_notes.save_notes, items[0], discussion="late"),
        lambda: run(
            db, cast.clerk, attendance.set_attendance, cast.next_meeting, cast.chair, "absent"
        ),
        lambda: run(db, cast.clerk, agenda.add_item, cast.next_meeting, "Late item"),
        lambda: run(
            db,
            cast.clerk,
            declarations.add_declaration,
            cast.next_meeting,
            cast.chair,
            "Governor of a school",
        ),
    ):
        with pytest.raises(ValidationError, match="closed"):
            call()


def test_notes_are_saved_only_when_changed_and_the_chairs_notes_stay_private(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    assert run(db, cast.clerk, meeting_notes.save_notes, items[4], discussion="Members asked …")
    assert not run(db, cast.clerk, meeting_notes.save_notes, items[4], discussion="Members asked …")
    assert run(db, cast.chair, meeting_notes.save_notes, items[4], chair_notes="Press on 3.9")
    with db.session() as s:
        chair = meeting_view(s, cast.chair, cast.next_meeting).item(items[4])
        member = meeting_view(s, cast.people[Role.MEMBER], cast.next_meeting)
    assert (chair.discussion, chair.chair_notes) == ("Members asked …", "Press on 3.9")
    assert member.item(items[4]).discussion == "Members asked …"
    assert member.item(items[4]).chair_notes is None
    with pytest.raises(PermissionDeniedError):
        run(db, cast.people[Role.MEMBER], meeting_notes.save_notes, items[4], discussion="x")


def test_declarations_are_recorded_by_item_and_listed_with_it(db: Database, cast: Cast) -> None:
    items = open_with_everyone(db, cast)
    member = cast.people[Role.MEMBER]
    run(
        db,
        cast.clerk,
        declarations.add_declaration,
        cast.next_meeting,
        member,
        "Trustee of a fostering charity",
        item_id=items[7],
        action_taken="Left the room",
    )
    run(
        db,
        cast.clerk,
        declarations.add_declaration,
        cast.next_meeting,
        cast.chair,
        "Spouse works for the council",
    )
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.next_meeting)
    assert len(view.declarations) == 2
    on_item = view.item(items[7]).declarations
    assert [(d.person_id, d.action_taken) for d in on_item] == [(member, "Left the room")]
    with pytest.raises(ValidationError, match="needs the interest"):
        run(db, cast.clerk, declarations.add_declaration, cast.next_meeting, member, "  ")
    with pytest.raises(ValidationError, match="not on this meeting's agenda"):
        run(
            db,
            cast.clerk,
            declarations.add_declaration,
            cast.next_meeting,
            member,
            "x",
            item_id=item_ids(db, cast.last_meeting)[0],
        )


def test_unknown_ids_are_refused_with_a_sentence(db: Database, cast: Cast) -> None:
    with db.session() as s:
        with pytest.raises(NotFoundError, match="no meeting with id nope"):
            meeting_view(s, cast.chair, "nope")
        with pytest.raises(NotFoundError, match="no agenda item"):
            meetings.start_item(s, cast.chair, "nope")
        assert s.scalar(select(Meeting.id).where(Meeting.id == "nope")) is None
    assert count(db, Meeting) > 0


def test_board_people_lists_everyone_senior_role_first_for_the_pickers(
    db: Database, cast: Cast
) -> None:
    with db.session() as s:
        people = meeting_choices.board_people(s, cast.board_id)
    assert people[0].person_id == cast.chair and people[0].roles[0] == "Chair"
    assert people[1].person_id == cast.people[Role.VICE_CHAIR]
    assert {p.person_id for p in people if p.voting} == set(cast.voting)
    assert len({p.person_id for p in people}) == len(people)
    observer = next(p for p in people if p.person_id == cast.people[Role.OBSERVER])
    assert observer.roles == ("Observer",) and not observer.voting
    ranks = ["Chair", "Vice-chair", "Member", "Secretariat", "Officer", "Observer"]
    assert [ranks.index(p.roles[0]) for p in people] == sorted(
        ranks.index(p.roles[0]) for p in people
    )


def test_link_choices_offer_the_boards_actions_risks_and_kpis_in_reference_order(
    db: Database, cast: Cast
) -> None:
    with db.session() as s:
        choices = meeting_choices.link_choices(s, cast.board_id)
        cpb = s.scalar(select(Board.id).where(Board.code == "CPB"))
        assert cpb is not None
        none = meeting_choices.link_choices(s, cpb)
    refs = [a.label.split(" ")[0] for a in choices.actions]
    assert refs == sorted(refs, key=lambda r: [int(p) for p in r.split(".")])
    assert len(refs) > 30
    assert choices.risks[0].label.startswith("R1 ") and choices.kpis
    risk_refs = [r.label.split(" ")[0] for r in choices.risks]
    assert risk_refs.index("R2") < risk_refs.index("R10")
    assert none.actions == () and none.risks == ()


def test_an_officer_reads_the_exempt_items_they_present_and_no_others(
    db: Database, cast: Cast
) -> None:
    officer = cast.people[Role.OFFICER]
    items = item_ids(db, cast.next_meeting)
    run(db, cast.clerk, agenda.update_item, items[6], presenter_id=officer, purpose="Own")
    run(db, cast.clerk, agenda.update_item, items[7], purpose="Not theirs")
    for item in items[6:8]:
        run(db, cast.clerk, agenda.set_exempt, item, 2)
    with db.session() as s:
        view = meeting_view(s, officer, cast.next_meeting)
    assert view.item(items[6]).purpose == "Own" and not view.item(items[6]).withheld
    assert view.item(items[7]).withheld and view.item(items[7]).purpose is None


def test_every_meeting_mode_write_leaves_change_records_for_sync(db: Database, cast: Cast) -> None:
    """The new columns of migration 0007 are captured: another laptop gets the current
    item, the timings and the notes, as well as the decision."""
    import json

    from sqlalchemy import text

    items = open_with_everyone(db, cast)
    with db.session() as s:
        start = s.execute(text("SELECT max(site_seq) FROM change_log")).scalar_one()
    run(db, cast.clerk, meetings.start_item, items[0])
    run(db, cast.clerk, meeting_notes.save_notes, items[0], discussion="Apologies from …")
    run(db, cast.clerk, meetings.start_item, items[1])
    ref = run(db, cast.clerk, record_decision, items[1], "noted", "No declarations.")
    with db.session() as s:
        rows = s.execute(
            text(
                "SELECT table_name, row_id, op, fields FROM change_log WHERE site_seq > :n "
                "ORDER BY site_seq"
            ),
            {"n": start},
        ).all()
    fields: dict[tuple[str, str], set[str]] = {}
    for table, row_id, _op, changed in rows:
        fields.setdefault((table, row_id), set()).update(json.loads(changed or "{}"))
    assert {"current_item_id", "current_item_since"} <= fields[("meetings", cast.next_meeting)]
    assert {"started_at", "discussion", "ended_at", "elapsed_seconds"} <= fields[
        ("agenda_items", items[0])
    ]
    assert {"number", "wording", "seq"} <= fields[("decisions", ref.decision_id)]
