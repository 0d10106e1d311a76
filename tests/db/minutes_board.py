"""A small board whose closed meeting holds every kind of minuted record (minutes tests).

The meeting (OPAB, 22 January 2019) has the standing items, a business item
with a linked plan action (RAG changed after the meeting, so "as at the
meeting" is testable), a linked indicator, an agreed decision with a named
vote and a noted one, an action arising, and an exempt item (paragraph 3)
whose every text field carries `SENTINEL` — the sentence that must never reach
a public document. A later meeting (19 March 2019) holds the decision that
approves the minutes; an earlier one holds a decision that must not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.models import (
    Action,
    ActionArising,
    AgendaItem,
    Attendance,
    AttendanceMode,
    AttendanceStatus,
    Board,
    Capacity,
    Decision,
    DecisionKind,
    Declaration,
    ItemKind,
    Kpi,
    KpiValue,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    Plan,
    Polarity,
    ProgressUpdate,
    Rag,
    Role,
    Theme,
    agenda_item_actions,
    agenda_item_kpis,
)
from db.store import Database

SENTINEL = "Zebra quartz sentinel: the foster carer at 14 Lantern Row is under investigation."
EXEMPT_TITLE = "Commissioning of residential placements"
UTC = dt.UTC


@dataclass(frozen=True)
class MinutesBoard:
    board: str
    meeting: str
    earlier_meeting: str
    later_meeting: str
    approving_decision: str  # later meeting, agreed
    earlier_decision: str  # earlier meeting
    noted_later_decision: str  # later meeting, noted
    chair: str
    clerk: str
    member: str
    officer: str
    observer: str
    exempt_item: str


def build_minutes_board(db: Database) -> MinutesBoard:
    """Create the board (in one transaction) and return its ids."""
    with db.begin() as s:
        people = {
            key: Person(name=name, job_title=job)
            for key, name, job in (
                ("chair", "Dr Helen Marchbank", None),
                ("clerk", "Emma Castellano", "Clerk to the Board"),
                ("member", "Gareth Lomax", "Detective Superintendent"),
                ("member2", "Moira Caldwell", None),
                ("officer", "Owen Pryce", "Head of Workforce Development"),
                ("observer", "Pat Observer", None),
            )
        }
        board = Board(code="OPAB", name="Ofsted Priority Action Board")
        s.add_all([board, *people.values()])
        s.flush()
        for key, role, position in (
            ("chair", Role.CHAIR, "Independent Chair"),
            ("clerk", Role.SECRETARIAT, "Clerk to the Board"),
            ("member", Role.MEMBER, "Wealdshire Police"),
            ("member2", Role.MEMBER, None),
            ("officer", Role.OFFICER, None),
            ("observer", Role.OBSERVER, None),
        ):
            s.add(
                Membership(
                    board_id=board.id, person_id=people[key].id, role=role, position=position
                )
            )
        plan = Plan(board_id=board.id, title="Children's Improvement Plan")
        s.add(plan)
        s.flush()
        theme = Theme(plan_id=plan.id, number=4, title="Practice Leadership")
        s.add(theme)
        s.flush()
        action = Action(
            plan_id=plan.id,
            theme_id=theme.id,
            reference="4.3",
            title="Reduce agency social workers to below 15%",
            rag=Rag.GREEN,
        )
        kpi = Kpi(
            plan_id=plan.id,
            reference="K4",
            title="Agency social workers",
            unit="%",
            polarity=Polarity.LOWER_IS_BETTER,
            target=15.0,
        )
        s.add_all([action, kpi])
        s.flush()
        s.add_all(
            [
                ProgressUpdate(
                    action_id=action.id,
                    recorded_at=dt.datetime(2019, 1, 10, 9, tzinfo=UTC),
                    rag=Rag.RED,
                    author_id=people["officer"].id,
                ),
                ProgressUpdate(  # after the meeting: the minutes still say Red
                    action_id=action.id,
                    recorded_at=dt.datetime(2019, 2, 10, 9, tzinfo=UTC),
                    rag=Rag.GREEN,
                    author_id=people["officer"].id,
                ),
            ]
        )
        for month, value in enumerate((33.0, 32.5, 31.9, 32.0, 30.2, 29.0), start=8):
            year, m = (2018, month) if month <= 12 else (2019, month - 12)
            s.add(
                KpiValue(
                    kpi_id=kpi.id,
                    period=dt.date(year, m, 1),
                    value=value,
                    national=15.4,
                    regional=19.8,
                )
            )
        s.add(  # after the meeting: not on the chart
            KpiValue(kpi_id=kpi.id, period=dt.date(2019, 2, 1), value=1.0)
        )

        def meeting(day: dt.date) -> Meeting:
            m = Meeting(
                board_id=board.id,
                meeting_date=day,
                start_time=dt.time(10),
                end_time=dt.time(12, 15),
                venue="Committee Room C, County Hall",
                status=MeetingStatus.CLOSED,
            )
            s.add(m)
            s.flush()
            return m

        earlier, main, later = (
            meeting(dt.date(2018, 11, 14)),
            meeting(dt.date(2019, 1, 22)),
            meeting(dt.date(2019, 3, 19)),
        )
        later.status = MeetingStatus.PLANNED
        items: dict[str, AgendaItem] = {}
        for position, (key, kind, title) in enumerate(
            (
                ("apologies", ItemKind.APOLOGIES, "Welcome and apologies for absence"),
                ("declarations", ItemKind.DECLARATIONS, "Declarations of interest"),
                ("previous", ItemKind.PREVIOUS_MINUTES, "Minutes of the previous meeting"),
                ("workforce", ItemKind.BUSINESS, "Workforce: reducing agency staff"),
                ("exempt", ItemKind.BUSINESS, EXEMPT_TITLE),
                ("aob", ItemKind.AOB, "Any other business"),
                ("next", ItemKind.NEXT_MEETING, "Date of next meeting"),
            ),
            start=1,
        ):
            item = AgendaItem(meeting_id=main.id, position=position, kind=kind, title=title)
            items[key] = item
        items["workforce"].report_of = "Owen Pryce, Head of Workforce Development"
        items["workforce"].discussion = (
            "The Head of Workforce Development reported agency social workers at 31.9%.\n\n"
            "Members asked for the retention offer to be agreed with the trade unions."
        )
        items["exempt"].exempt = True
        items["exempt"].exempt_paragraph = 3
        items["exempt"].report_of = f"Director of Commissioning. {SENTINEL}"
        items["exempt"].discussion = f"The Board considered the tender. {SENTINEL}"
        items["aob"].discussion = "There was no other business."
        s.add_all(items.values())
        s.flush()
        s.execute(
            agenda_item_actions.insert().values(
                agenda_item_id=items["workforce"].id, action_id=action.id
            )
        )
        s.execute(
            agenda_item_kpis.insert().values(agenda_item_id=items["workforce"].id, kpi_id=kpi.id)
        )
        for key, status, capacity, mode in (
            ("chair", AttendanceStatus.PRESENT, Capacity.MEMBER, AttendanceMode.IN_PERSON),
            ("member", AttendanceStatus.PRESENT, Capacity.MEMBER, AttendanceMode.REMOTE),
            ("member2", AttendanceStatus.APOLOGIES, Capacity.MEMBER, AttendanceMode.IN_PERSON),
            ("clerk", AttendanceStatus.PRESENT, Capacity.IN_ATTENDANCE, AttendanceMode.IN_PERSON),
            ("officer", AttendanceStatus.PRESENT, Capacity.IN_ATTENDANCE, AttendanceMode.IN_PERSON),
        ):
            s.add(
                Attendance(
                    meeting_id=main.id,
                    person_id=people[key].id,
                    status=status,
                    capacity=capacity,
                    mode=mode,
                    left_after_item_id=items["workforce"].id if key == "officer" else None,
                )
            )
        s.add_all(
            [
                Declaration(
                    meeting_id=main.id,
                    agenda_item_id=items["workforce"].id,
                    person_id=people["member"].id,
                    interest="Spouse works for a social work agency.",
                    action_taken="Took no part in the decision.",
                ),
                Declaration(
                    meeting_id=main.id,
                    agenda_item_id=items["exempt"].id,
                    person_id=people["member"].id,
                    interest=f"Related to a bidder. {SENTINEL}",
                ),
            ]
        )

        def decision(
            m: Meeting,
            item: AgendaItem | None,
            seq: int,
            kind: DecisionKind,
            wording: str,
            **extra: object,
        ) -> Decision:
            d = Decision(
                board_id=board.id,
                meeting_id=m.id,
                agenda_item_id=item.id if item else None,
                year=m.meeting_date.year,
                seq=seq,
                number=f"OPAB {m.meeting_date.year % 100}/{seq:02d}",
                kind=kind,
                wording=wording,
                **extra,
            )
            s.add(d)
            s.flush()
            return d

        earlier_decision = decision(earlier, None, 9, DecisionKind.AGREED, "Earlier business.")
        decision(
            main, items["workforce"], 1, DecisionKind.NOTED, "The Board noted the workforce report."
        )
        decision(
            main,
            items["workforce"],
            2,
            DecisionKind.AGREED,
            "The Board agreed a target of fewer than 15% agency social workers by December 2019.",
            votes_for=1,
            votes_against=1,
            votes_abstain=0,
            named_votes=[
                {"person_id": people["chair"].id, "vote": "for"},
                {"person_id": people["member"].id, "vote": "against"},
            ],
        )
        decision(main, items["exempt"], 3, DecisionKind.AGREED, f"Award the contract. {SENTINEL}")
        s.add_all(
            [
                ActionArising(
                    board_id=board.id,
                    meeting_id=main.id,
                    agenda_item_id=items["workforce"].id,
                    text="Agree the retention offer with the trade unions.",
                    owner_id=people["officer"].id,
                    due_date=dt.date(2019, 4, 30),
                ),
                ActionArising(
                    board_id=board.id,
                    meeting_id=main.id,
                    agenda_item_id=items["exempt"].id,
                    text=f"Write to the bidders. {SENTINEL}",
                    owner_id=people["clerk"].id,
                ),
            ]
        )
        prev_item = AgendaItem(
            meeting_id=later.id, position=1, kind=ItemKind.PREVIOUS_MINUTES, title="Minutes"
        )
        s.add(prev_item)
        s.flush()
        approving = decision(
            later,
            prev_item,
            10,
            DecisionKind.AGREED,
            "The minutes of the meeting held on 22 January 2019 were agreed as a correct record.",
        )
        noted_later = decision(later, prev_item, 11, DecisionKind.NOTED, "Matters arising noted.")
        return MinutesBoard(
            board=board.id,
            meeting=main.id,
            earlier_meeting=earlier.id,
            later_meeting=later.id,
            approving_decision=approving.id,
            earlier_decision=earlier_decision.id,
            noted_later_decision=noted_later.id,
            chair=people["chair"].id,
            clerk=people["clerk"].id,
            member=people["member"].id,
            officer=people["officer"].id,
            observer=people["observer"].id,
            exempt_item=items["exempt"].id,
        )
