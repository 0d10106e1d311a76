"""A small, fully known board written straight through the models, for the window's tests.

Every figure the dashboard shows can be worked out by hand from this file;
`EXPECTED` says what it should be relative to `TODAY`. Two boards are created
so the "open on OPAB, not the first code" rule is exercised (CPB sorts first).
"""

from __future__ import annotations

import datetime as dt

from db.models import (
    Action,
    Board,
    Kpi,
    KpiValue,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    Plan,
    Polarity,
    Rag,
    Risk,
    RiskStatus,
    Role,
    Theme,
)
from db.store import Database

TODAY = dt.date(2019, 3, 1)

EXPECTED = {
    "board_name": "Ofsted Priority Action Board",
    "plan_title": "Children's Improvement Plan 2018–2020",
    "chair": "Alex Morgan",
    "themes": {
        # number: (blue, green, amber, red, unrated)
        1: (1, 2, 0, 1, 0),
        2: (0, 1, 2, 0, 1),
        3: (0, 0, 0, 0, 0),
    },
    "overdue": 3,  # 1.3 red, 2.1 amber, 2.3 no RAG; 1.1 is Blue, 1.4 is due today
    "open_risks": 3,
    "risks_above_target": 2,  # R1 16>6, R4 15>9; R2 equal; R3 closed
    "kpis_in_decline": ("PI 04", "PI 01"),  # 4 moves, then 3 moves
    "next_meeting": dt.date(2019, 3, 12),
    "counts": {"themes": 3, "actions": 8, "risks": 4, "kpis": 4, "meetings": 3},
}


def _month(index: int) -> dt.date:
    return dt.date(2018 + (9 + index) // 12, (9 + index) % 12 + 1, 1)


def populate(database: Database) -> None:
    """Write the known board into an empty database."""
    with database.begin() as s:
        chair = Person(name="Alex Morgan", organisation="Independent")
        member = Person(name="Sam Patel", organisation="Surrey Police")
        other_chair = Person(name="Jo Lewis", organisation="Council")
        s.add_all([chair, member, other_chair])
        opab = Board(code="OPAB", name="Ofsted Priority Action Board")
        cpb = Board(code="CPB", name="Corporate Parenting Board")
        s.add_all([opab, cpb])
        s.flush()
        s.add_all(
            [
                Membership(board_id=opab.id, person_id=member.id, role=Role.MEMBER),
                Membership(
                    board_id=opab.id,
                    person_id=chair.id,
                    role=Role.CHAIR,
                    position="Independent Chair",
                ),
                Membership(board_id=cpb.id, person_id=other_chair.id, role=Role.CHAIR),
            ]
        )
        plan = Plan(board_id=opab.id, title="Children's Improvement Plan 2018–2020")
        s.add(plan)
        s.flush()
        themes = [
            Theme(plan_id=plan.id, number=1, title="Strategic Leadership and Governance"),
            Theme(plan_id=plan.id, number=2, title="Quality of Practice & Planning"),
            Theme(
                plan_id=plan.id,
                number=3,
                title="Identifying Needs – Right Help at the Right Time by the Right People",
            ),
        ]
        s.add_all(themes)
        s.flush()
        t1, t2, _t3 = themes
        actions = [
            ("1.1", t1, Rag.BLUE, dt.date(2019, 1, 31)),
            ("1.2", t1, Rag.GREEN, dt.date(2019, 6, 30)),
            ("1.3", t1, Rag.RED, dt.date(2019, 2, 1)),
            ("1.4", t1, Rag.GREEN, TODAY),
            ("2.1", t2, Rag.AMBER, dt.date(2019, 2, 15)),
            ("2.2", t2, Rag.AMBER, dt.date(2019, 4, 1)),
            ("2.3", t2, None, dt.date(2019, 1, 1)),
            ("2.4", t2, Rag.GREEN, None),
        ]
        for ref, theme, rag, due in actions:
            s.add(
                Action(
                    plan_id=plan.id,
                    theme_id=theme.id,
                    reference=ref,
                    title=f"Action {ref}",
                    rag=rag,
                    due_date=due,
                )
            )
        risks = [
            ("R1", 4, 4, 2, 3, RiskStatus.OPEN),
            ("R2", 2, 2, 2, 2, RiskStatus.OPEN),
            ("R3", 5, 5, 1, 1, RiskStatus.CLOSED),
            ("R4", 3, 5, 3, 3, RiskStatus.OPEN),
        ]
        for ref, lk, im, tlk, tim, status in risks:
            s.add(
                Risk(
                    plan_id=plan.id,
                    reference=ref,
                    title=f"Risk {ref}",
                    description="…",
                    likelihood=lk,
                    impact=im,
                    target_likelihood=tlk,
                    target_impact=tim,
                    status=status,
                )
            )
        kpis = [
            ("PI 01", "Initial health assessments in 20 working days", "%",
             Polarity.HIGHER_IS_BETTER, [60, 58, 55, 52]),
            ("PI 02", "Re-referrals within 12 months", "%",
             Polarity.LOWER_IS_BETTER, [10, 12, 14]),
            ("PI 03", "Average caseload", "cases",
             Polarity.LOWER_IS_BETTER, [10, 11, 12, 12, 13]),
            ("PI 04", "Agency social workers", "%",
             Polarity.LOWER_IS_BETTER, [5, 6, 7, 8, 9]),
        ]  # fmt: skip
        for ref, title, unit, polarity, values in kpis:
            kpi = Kpi(plan_id=plan.id, reference=ref, title=title, unit=unit, polarity=polarity)
            s.add(kpi)
            s.flush()
            for i, value in enumerate(values):
                s.add(KpiValue(kpi_id=kpi.id, period=_month(i), value=float(value)))
        meetings = [
            (opab, dt.date(2019, 1, 15), MeetingStatus.CLOSED),
            (opab, dt.date(2019, 5, 7), MeetingStatus.PLANNED),
            (opab, dt.date(2019, 3, 12), MeetingStatus.PLANNED),
            (cpb, dt.date(2019, 3, 5), MeetingStatus.PLANNED),
        ]
        for board, day, status in meetings:
            s.add(
                Meeting(
                    board_id=board.id,
                    meeting_date=day,
                    start_time=dt.time(10, 0),
                    venue="County Hall, Kingston",
                    status=status,
                )
            )
