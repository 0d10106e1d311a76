"""The demo board: its minimums, its internal consistency, its determinism and its scrubbing.

One demo (without papers, which need reportlab from `exports`) is built per
module and read by most tests; the papers themselves are checked in
`tests/exports/test_papers.py`. Every rule a screen will lean on — the RAG
column is its latest update, Blue only after accepted evidence, decisions
numbered per board and year, signed minutes hashed and approved by the next
meeting — is checked here against the data rather than trusted.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.canonical import canonical_json, sha256_hex
from db.demo import DATA_DIR, DEMO_AS_OF, build_demo, create_demo
from db.dump import dump_text
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
    Evidence,
    EvidenceReview,
    EvidenceState,
    ItemKind,
    Kpi,
    KpiValue,
    Meeting,
    MeetingStatus,
    Membership,
    Milestone,
    MilestoneKind,
    MinutesStatus,
    MinutesVersion,
    Person,
    Plan,
    Polarity,
    ProgressUpdate,
    Question,
    Rag,
    RagDefinition,
    Recommendation,
    RecommendationSource,
    Risk,
    RiskReview,
    Role,
    Theme,
    action_recommendations,
    agenda_item_actions,
    agenda_item_kpis,
    agenda_item_risks,
    risk_actions,
)
from db.store import Database

REAL_NAMES = (
    "Mary Lewis",
    "Dave Hill",
    "John Coughlin",
    "Trevor Doughty",
    "Joanna Killian",
    "Nick Stacey",
    "Maire Atherton",
)
REAL_PLACES = ("Surrey", "Hampshire", "Cornwall", "Kingston Upon Thames", "Quadrant Court")
DOMAIN_THEMES = [
    "Strategic Leadership and Governance",
    "Quality of Practice & Planning",
    "Identifying Needs – Right Help at the Right Time by the Right People",
    "Practice Leadership",
    "Participation, Engagement & Co-Production",
]
STANDING_ORDER = [
    ItemKind.APOLOGIES,
    ItemKind.DECLARATIONS,
    ItemKind.PREVIOUS_MINUTES,
    ItemKind.ACTION_LOG,
    ItemKind.BUSINESS,
    ItemKind.ACTION_CARDS,
    ItemKind.AOB,
    ItemKind.NEXT_MEETING,
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = create_demo(tmp_path_factory.mktemp("demo") / "demo.db")
    yield database
    database.close()


@pytest.fixture
def s(demo: Database) -> Iterator[Session]:
    with demo.session() as session:
        yield session


def _wrong_way_run(values: list[float], polarity: Polarity) -> int:
    run = 0
    for i in range(len(values) - 1, 0, -1):
        step = values[i] - values[i - 1]
        worse = step > 0 if polarity is Polarity.LOWER_IS_BETTER else step < 0
        if not worse:
            break
        run += 1
    return run


def test_boards_people_and_roles(s: Session) -> None:
    boards = {b.code: b for b in s.scalars(select(Board))}
    assert set(boards) == {"OPAB", "CPB", "IPDG"}
    assert boards["OPAB"].name == "Ofsted Priority Action Board"
    assert boards["OPAB"].meeting_interval_weeks == 8
    roles = {(m.board_id, m.role) for m in s.scalars(select(Membership))}
    for role in Role:
        assert (boards["OPAB"].id, role) in roles, role
    chairs = {
        m.board_id: m.person_id for m in s.scalars(select(Membership)) if m.role is Role.CHAIR
    }
    assert set(chairs) == {b.id for b in boards.values()}
    ruth = s.scalars(select(Person).where(Person.name == "Cllr Ruth Okonedo")).one()
    assert chairs[boards["CPB"].id] == ruth.id  # the lead member chairs the CPB
    assert all(p.email and p.email.endswith(".example") for p in s.scalars(select(Person)))


def test_plan_themes_and_rag_definitions(s: Session) -> None:
    plan = s.scalars(select(Plan)).one()
    assert plan.board_id == s.scalars(select(Board.id).where(Board.code == "OPAB")).one()
    themes = s.scalars(select(Theme).order_by(Theme.number)).all()
    assert [t.title for t in themes] == DOMAIN_THEMES
    assert [t.number for t in themes] == [1, 2, 3, 4, 5]
    definitions = s.scalars(select(RagDefinition).order_by(RagDefinition.sort_order)).all()
    assert [d.rag for d in definitions] == [Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", d.colour) for d in definitions)
    assert "evidence accepted" in definitions[0].meaning


def test_actions_are_complete_records(s: Session) -> None:
    actions = s.scalars(select(Action)).all()
    assert len(actions) >= 25
    agencies = {a.lead_agency for a in actions}
    for word in ("Council", "Police", "NHS", "Schools", "Voluntary"):
        assert any(word in (agency or "") for agency in agencies), word
    officer_ids = {m.person_id for m in s.scalars(select(Membership)) if m.role is Role.OFFICER}
    for action in actions:
        assert re.fullmatch(r"[1-5]\.\d+", action.reference)
        assert action.title and action.description and action.success_measure
        assert action.owner_id in officer_ids
        assert action.due_date is not None
    overdue = [
        a for a in actions if a.due_date and a.due_date < DEMO_AS_OF and a.rag is not Rag.BLUE
    ]
    assert len(overdue) >= 3
    # Red means off track *or overdue*: nothing overdue may still claim to be Green or Amber.
    assert {a.rag for a in overdue} == {Rag.RED}


def test_recommendations_and_traceability(s: Session) -> None:
    recs = s.scalars(select(Recommendation)).all()
    by_source: dict[RecommendationSource, list[Recommendation]] = defaultdict(list)
    for rec in recs:
        by_source[rec.source].append(rec)
    commissioner = by_source[RecommendationSource.COMMISSIONER]
    assert sorted(r.reference for r in commissioner) == sorted(f"C{i}" for i in range(1, 11))
    assert len(by_source[RecommendationSource.OFSTED]) >= 5
    assert len(by_source[RecommendationSource.MONITORING_VISIT]) >= 5
    texts = {r.reference: r.text for r in commissioner}
    assert texts["C3"] == "Prioritise reform of the MASH"
    assert texts["C7"] == "Consider a single improvement partner"
    links = s.execute(select(action_recommendations)).all()
    traced_actions = {a for a, _ in links}
    answered = {r for _, r in links}
    assert traced_actions == set(s.scalars(select(Action.id)))
    assert {r.id for r in commissioner} <= answered


def test_rag_column_is_the_latest_update_and_histories_are_long(s: Session) -> None:
    updates: dict[str, list[ProgressUpdate]] = defaultdict(list)
    for update in s.scalars(select(ProgressUpdate).order_by(ProgressUpdate.recorded_at)):
        updates[update.action_id].append(update)
    moved = 0
    for action in s.scalars(select(Action)):
        history = updates[action.id]
        assert action.rag is history[-1].rag, action.reference
        assert history[-1].recorded_at - history[0].recorded_at >= dt.timedelta(days=180)
        assert history[0].previous_rag is None
        for before, after in itertools.pairwise(history):
            assert after.previous_rag is before.rag
            assert after.commentary and after.author_id
        due = None
        for update in history:
            if update.new_due_date:
                assert update.due_date_reason and update.previous_due_date
                assert due in (None, update.previous_due_date)
                due = update.new_due_date
                moved += 1
        if due is not None:
            assert action.due_date == due
    assert moved >= 5
    trajectories = {tuple(u.rag for u in h) for h in updates.values()}
    assert any(Rag.RED in t and t[-1] in {Rag.GREEN, Rag.BLUE} for t in trajectories)
    assert any(Rag.GREEN in t and t[-1] is Rag.RED for t in trajectories)  # slipped


def test_blue_only_with_evidence_accepted_before(s: Session) -> None:
    accepted: dict[str, list[dt.datetime]] = defaultdict(list)
    joined = select(Evidence, EvidenceReview).join(
        EvidenceReview, EvidenceReview.evidence_id == Evidence.id
    )
    for evidence, review in s.execute(joined).all():
        if review.outcome.value == "accepted":
            accepted[evidence.action_id].append(review.reviewed_at)
    blue = s.scalars(select(ProgressUpdate).where(ProgressUpdate.rag == Rag.BLUE)).all()
    assert len(blue) >= 3
    for update in blue:
        assert any(at < update.recorded_at for at in accepted[update.action_id])
        assert update.decision_id is not None
    for action in s.scalars(select(Action).where(Action.rag == Rag.BLUE)):
        assert action.status.value == "complete"


def test_evidence_state_follows_its_latest_review(s: Session) -> None:
    states = set()
    for evidence in s.scalars(select(Evidence)):
        reviews = sorted(evidence.reviews, key=lambda r: r.reviewed_at)
        expected = EvidenceState(reviews[-1].outcome.value) if reviews else EvidenceState.SUBMITTED
        assert evidence.state is expected
        assert all(r.reviewed_at > evidence.submitted_at for r in reviews)
        states.add(evidence.state)
    assert states == set(EvidenceState)


def test_risks_with_trends_and_the_cabinet_report_risks_verbatim(s: Session) -> None:
    risks = {r.reference: r for r in s.scalars(select(Risk))}
    assert len(risks) >= 8
    report = (DATA_DIR / "cabinet_report_2018-12-18.txt").read_text(encoding="utf-8")
    seeded = re.findall(r"Risk description: (.+)\n\nMitigation activity: (.+)\n", report)
    assert len(seeded) == 2
    descriptions = {(r.description, r.mitigation) for r in risks.values()}
    for pair in seeded:
        assert pair in descriptions
    for risk in risks.values():
        reviews = sorted(risk.reviews, key=lambda r: r.reviewed_on)
        assert len(reviews) >= 4
        assert (risk.likelihood, risk.impact) == (reviews[-1].likelihood, reviews[-1].impact)
        for value in (risk.likelihood, risk.impact, risk.target_likelihood, risk.target_impact):
            assert 1 <= value <= 5
        assert risk.target_score <= risk.score
        assert risk.owner_id and risk.mitigation
    scores = [[r.likelihood * r.impact for r in risk.reviews] for risk in risks.values()]
    assert any(t[-1] < t[0] for t in scores) and any(t[-1] > t[-2] for t in scores)
    assert len(s.execute(select(risk_actions)).all()) >= 8


def test_kpis_benchmarks_and_a_sustained_decline(s: Session) -> None:
    kpis = s.scalars(select(Kpi)).all()
    assert len(kpis) >= 8
    declining = []
    for kpi in kpis:
        assert kpi.source_note and "illustrative" in kpi.source_note.lower()
        assert kpi.unit and kpi.target is not None
        values = s.scalars(
            select(KpiValue).where(KpiValue.kpi_id == kpi.id).order_by(KpiValue.period)
        ).all()
        assert len(values) >= 12
        assert all(v.national is not None and v.regional is not None for v in values)
        assert all(v.period.day == 1 for v in values)
        run = _wrong_way_run([v.value for v in values], kpi.polarity)
        if run >= 3:
            declining.append(kpi)
            assert kpi.narrative and kpi.narrative_by_id and kpi.narrative_at
    assert declining, "no indicator in sustained decline"
    titles = {k.title for k in kpis}
    assert "Re-referrals within 12 months" in titles
    assert "Initial health assessments within 20 working days" in titles


def test_milestones(s: Session) -> None:
    milestones = s.scalars(select(Milestone)).all()
    kinds = defaultdict(list)
    for m in milestones:
        kinds[m.kind].append(m.due_date)
    assert dt.date(2018, 9, 12) in kinds[MilestoneKind.MONITORING_VISIT]
    assert len(kinds[MilestoneKind.MONITORING_VISIT]) >= 3
    reviews = kinds[MilestoneKind.COMMISSIONER_REVIEW]
    assert any(d.month == 4 and d.year == 2019 for d in reviews)
    assert any(d.month == 9 and d.year == 2019 for d in reviews)


def test_meetings_agendas_in_standing_order(s: Session) -> None:
    boards = {b.id: b.code for b in s.scalars(select(Board))}
    meetings = s.scalars(select(Meeting).order_by(Meeting.meeting_date)).all()
    closed = [m for m in meetings if m.status is MeetingStatus.CLOSED]
    planned = [m for m in meetings if m.status is MeetingStatus.PLANNED]
    assert len(closed) >= 4 and planned
    assert closed[0].meeting_date == dt.date(2018, 9, 19) and boards[closed[0].board_id] == "OPAB"
    assert any(boards[m.board_id] == "CPB" for m in closed)
    assert min(m.meeting_date for m in planned) > max(m.meeting_date for m in closed)
    assert min(planned, key=lambda m: m.meeting_date).meeting_date > DEMO_AS_OF
    opab = [m.meeting_date for m in closed if boards[m.board_id] == "OPAB"]
    gaps = [(b - a).days for a, b in itertools.pairwise(opab)]
    assert all(49 <= gap <= 70 for gap in gaps)  # every ~8 weeks
    for meeting in meetings:
        items = meeting.items
        assert [i.position for i in items] == list(range(1, len(items) + 1))
        order = [STANDING_ORDER.index(i.kind) for i in items]
        assert order == sorted(order), meeting.meeting_date
        assert items[0].kind is ItemKind.APOLOGIES and items[-1].kind is ItemKind.NEXT_MEETING
        for item in items:
            assert item.presenter_id and item.time_box_minutes
            if meeting.status is MeetingStatus.CLOSED:
                assert item.discussion
        if meeting.status is MeetingStatus.CLOSED:
            assert meeting.opened_at and meeting.closed_at and meeting.opened_at < meeting.closed_at
    assert any(i.kind is ItemKind.ACTION_CARDS for m in meetings for i in m.items)
    for table in (agenda_item_actions, agenda_item_risks, agenda_item_kpis):
        assert len(s.execute(select(table)).all()) >= 10


def test_exempt_item_its_paper_slot_and_observers_leaving(s: Session) -> None:
    exempt = s.scalars(select(AgendaItem).where(AgendaItem.exempt.is_(True))).all()
    assert exempt and all(i.exempt_paragraph in (1, 2) for i in exempt)
    item = exempt[0]
    observers = {
        m.person_id for m in s.scalars(select(Membership).where(Membership.role == Role.OBSERVER))
    }
    positions = {i.id: i.position for i in item.meeting.items}
    for row in s.scalars(select(Attendance).where(Attendance.meeting_id == item.meeting_id)):
        if row.person_id in observers and row.status is AttendanceStatus.PRESENT:
            assert row.left_after_item_id is not None
            assert positions[row.left_after_item_id] < item.position


def test_attendance_declarations_and_actions_arising(s: Session) -> None:
    rows = s.scalars(select(Attendance)).all()
    assert {r.status for r in rows} == set(AttendanceStatus)
    assert {r.mode for r in rows} == set(AttendanceMode)
    assert {r.capacity for r in rows} == set(Capacity)
    assert any(r.arrived_at_item_id for r in rows) and any(r.left_after_item_id for r in rows)
    meetings = {m.id: m for m in s.scalars(select(Meeting))}
    for row in rows:
        assert meetings[row.meeting_id].status is MeetingStatus.CLOSED
    arising = s.scalars(select(ActionArising)).all()
    closed = [a for a in arising if a.closed_in_meeting_id]
    assert closed and any(a.closed_in_meeting_id is None for a in arising)
    for a in closed:
        assert a.status.value == "closed" and a.closing_note and a.closed_in_meeting_id
        closed_in = meetings[a.closed_in_meeting_id]
        assert closed_in.meeting_date > meetings[a.meeting_id].meeting_date
    assert s.scalars(select(Question)).all()


def test_decisions_numbered_per_board_and_year(s: Session) -> None:
    boards = {b.id: b.code for b in s.scalars(select(Board))}
    seqs: dict[tuple[str, int], list[int]] = defaultdict(list)
    for d in s.scalars(select(Decision).order_by(Decision.recorded_at)):
        code = boards[d.board_id]
        assert d.number == f"{code} {d.year % 100:02d}/{d.seq:02d}"
        assert d.version == 1 and d.year == d.recorded_at.year
        seqs[(code, d.year)].append(d.seq)
    assert ("OPAB", 2018) in seqs and seqs[("OPAB", 2018)][0] == 1
    for numbers in seqs.values():
        assert numbers == list(range(1, len(numbers) + 1))


def test_signed_minutes_are_hashed_and_approved_by_the_next_meeting(s: Session) -> None:
    chairs = {
        m.board_id: m.person_id for m in s.scalars(select(Membership)) if m.role is Role.CHAIR
    }
    versions = s.scalars(select(MinutesVersion)).all()
    signed = [v for v in versions if v.status is MinutesStatus.SIGNED]
    assert signed and any(v.status is not MinutesStatus.SIGNED for v in versions)
    meetings = {m.id: m for m in s.scalars(select(Meeting))}
    for version in signed:
        assert version.content_hash == sha256_hex(version.content_json)
        assert canonical_json(json.loads(version.content_json)) == version.content_json
        meeting = meetings[version.meeting_id]
        decision = s.get(Decision, version.approved_by_decision_id)
        assert decision is not None and "approved as a correct record" in decision.wording
        approving = meetings[decision.meeting_id]
        later = sorted(
            (m for m in meetings.values() if m.board_id == meeting.board_id),
            key=lambda m: m.meeting_date,
        )
        assert later[later.index(meeting) + 1] is approving
        assert version.signed_by_id == chairs[meeting.board_id]
        assert (
            version.signed_at and version.approved_at and version.signed_at >= version.approved_at
        )
        content = json.loads(version.content_json)
        assert content["meeting"]["date"] == meeting.meeting_date.isoformat()


def test_nothing_happens_after_the_snapshot(s: Session) -> None:
    limit = dt.datetime.combine(DEMO_AS_OF, dt.time(23, 59), tzinfo=dt.UTC)
    stamps = [u.recorded_at for u in s.scalars(select(ProgressUpdate))]
    stamps += [d.recorded_at for d in s.scalars(select(Decision))]
    stamps += [e.submitted_at for e in s.scalars(select(Evidence))]
    stamps += [r.reviewed_at for r in s.scalars(select(EvidenceReview))]
    stamps += [q.created_at for q in s.scalars(select(Question))]
    assert max(stamps) <= limit
    assert max(r.reviewed_on for r in s.scalars(select(RiskReview))) <= DEMO_AS_OF


def test_no_real_names_or_council_in_any_text(demo: Database) -> None:
    conn = sqlite3.connect(demo.path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = []
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
            for row in conn.execute(f"SELECT * FROM '{table}'"):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str):
                        found += [
                            (table, column, n) for n in REAL_NAMES + REAL_PLACES if n in value
                        ]
    finally:
        conn.close()
    for path in DATA_DIR.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        found += [(path.name, "", n) for n in REAL_NAMES + REAL_PLACES if n in text]
    assert found == []


def test_build_refuses_a_database_that_is_not_empty(database: Database, tmp_path: Path) -> None:
    started = time.perf_counter()
    build_demo(database)
    assert time.perf_counter() - started < 10
    with pytest.raises(ValueError, match="empty database"):
        build_demo(database)
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"")
    with pytest.raises(FileExistsError):
        create_demo(existing)


def test_without_a_renderer_there_are_no_papers(s: Session) -> None:
    assert s.execute(select(ProgressUpdate.id)).first() is not None
    conn = s.connection()
    for table in ("papers", "blobs", "annotations"):
        assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
    assert s.scalars(select(Question).where(Question.answer.is_not(None))).first() is not None


def test_two_builds_are_identical(tmp_path: Path) -> None:
    dumps = []
    for name in ("a.db", "b.db"):
        database = create_demo(tmp_path / name)
        try:
            dumps.append(dump_text(database.engine))
        finally:
            database.close()
    assert dumps[0] == dumps[1]
    assert '"audit_events":[' in dumps[0]
