"""The large-board generator: ten boards, ten years of plan, meetings and record.

Benchmarks need a board far bigger than the demo (20,000 actions, 200,000
progress updates, 5,000 meetings, 50,000 decisions, 2,000 papers at scale 1)
and they need the same one every time, so every row of the generated tables
comes from one seeded `random.Random` and one seeded id factory, with fixed
dates (2015–2024). Speed matters as much: rows go in through SQLAlchemy Core
`insert()` executemany on the real tables of `db.models`, in one transaction,
into a file created by `open_database(create=True)` so it has the real schema,
triggers and revision. That bypasses the ORM flush hook on purpose, so **the
audit log of a generated board is empty**; the database's own triggers still
fire (sync change capture logs every inserted row, stamped with the wall
clock, so that bookkeeping is the one part not reproducible byte for byte).
Foreign keys and the journal are switched off while rows go in (parents and
children are written in batches, not in dependency order; a failure deletes
the file rather than rolling back); then the whole file is checked with
`PRAGMA foreign_key_check`, which must come back empty, and its row counts
against the plan. The result is cached as
`bench/.cache/large-board-v<N>-<schema head>-<schema fingerprint>.db` and
rebuilt only when that name changes (generator version, schema, scale, seed).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table

import db.models  # noqa: F401  (registers every table)
from bench.pdf import minimal_pdf
from db.base import Base
from db.models import (
    ActionArisingStatus,
    ActionStatus,
    AnchorState,
    AnnotationKind,
    AttendanceMode,
    AttendanceStatus,
    Capacity,
    DecisionKind,
    EvidenceState,
    ItemKind,
    MeetingStatus,
    MilestoneKind,
    MinutesStatus,
    PaperKind,
    Polarity,
    Rag,
    RecommendationSource,
    ReviewOutcome,
    RiskStatus,
    Role,
)
from db.session import seeded_ids
from db.store import head_revision, open_database

# Bump whenever the generated content changes, so stale caches are rebuilt.
GENERATOR_VERSION = 1
DEFAULT_SEED = 20250101
CACHE_DIR = Path(__file__).resolve().parent / ".cache"

START = dt.date(2015, 1, 1)
YEARS = 10
DAYS = 365 * YEARS + YEARS // 4
MONTHS = 12 * YEARS
ITEMS_PER_MEETING = 8
UPDATES_PER_ACTION = 10
ARISING_PER_MEETING = 3
REVIEWS_PER_RISK = 20
MILESTONES_PER_PLAN = 20
MAX_ATTENDEES = 12
MAX_MEMBERS = 15
MAX_BLOBS = 40
BATCH = 5000

_UTC = dt.UTC

# Agenda of every meeting, in the standing order of DOMAIN.md.
_AGENDA: list[tuple[ItemKind, str]] = [
    (ItemKind.APOLOGIES, "Welcome and apologies"),
    (ItemKind.DECLARATIONS, "Declarations of interest"),
    (ItemKind.PREVIOUS_MINUTES, "Minutes of the previous meeting and matters arising"),
    (ItemKind.ACTION_LOG, "Action log"),
    (ItemKind.BUSINESS, "Improvement plan progress report"),
    (ItemKind.BUSINESS, "Performance scorecard and risk register"),
    (ItemKind.AOB, "Any other business"),
    (ItemKind.NEXT_MEETING, "Date of next meeting"),
]
assert len(_AGENDA) == ITEMS_PER_MEETING

_BOARDS = [
    ("OPAB", "Ofsted Priority Action Board"),
    ("IPDG", "Improvement Plan Delivery Group"),
    ("CPB", "Corporate Parenting Board"),
    ("SELECT", "Children's Services Select Committee"),
    ("SCP", "Safeguarding Children Partnership Executive"),
    ("EHB", "Early Help Partnership Board"),
    ("QAB", "Quality Assurance Board"),
    ("WFB", "Workforce Development Board"),
    ("SEND", "SEND Improvement Board"),
    ("YJB", "Youth Justice Management Board"),
]
_THEMES = [
    "Strategic Leadership and Governance",
    "Quality of Practice & Planning",
    "Identifying Needs – Right Help at the Right Time by the Right People",
    "Practice Leadership",
    "Participation, Engagement & Co-Production",
]
_FIRST = [
    "Aisha", "Ben", "Chloe", "David", "Emma", "Farah", "George", "Hannah", "Imran", "Jess",
    "Kwame", "Laura", "Mohammed", "Nina", "Owen", "Priya", "Rachel", "Sam", "Tom", "Yasmin",
]  # fmt: skip
_LAST = [
    "Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Morris", "Nolan", "Owusu", "Patel", "Roberts", "Smith",
    "Taylor", "Walker",
]  # fmt: skip
_ORGS = [
    "Council Children's Services", "Police", "Integrated Care Board", "Community NHS Trust",
    "Schools Forum", "Voluntary Sector Alliance", "Department for Education", "Ofsted",
]  # fmt: skip
_JOBS = [
    "Director of Children's Services", "Assistant Director", "Head of Service",
    "Team Manager", "Principal Social Worker", "Independent Chair", "Lead Member",
    "Governance Officer", "Performance Analyst", "Detective Chief Inspector",
    "Designated Nurse", "Headteacher", "Commissioner",
]  # fmt: skip
_VERBS = [
    "Embed", "Review", "Strengthen", "Audit", "Introduce", "Refresh", "Train staff on",
    "Publish", "Monitor", "Recruit to", "Co-produce", "Evaluate",
]  # fmt: skip
_TOPICS = [
    "the front door and MASH thresholds", "supervision of social workers",
    "care plans for children in care", "return home interviews", "pathway plans for care leavers",
    "the quality assurance framework", "management oversight on case files",
    "early help assessments", "child protection conferences", "the participation strategy",
    "placement sufficiency", "the workforce strategy", "the practice model",
    "contextual safeguarding", "initial health assessments",
]  # fmt: skip
_COMMENTS = [
    "Audit findings show steady improvement; sampling continues next quarter.",
    "Recruitment delays have slowed delivery; interim cover in place.",
    "Evidence submitted to the Delivery Group for review.",
    "Partner agencies have agreed the revised protocol.",
    "Performance has dipped below target; recovery plan agreed with the service.",
    "Training completed by most teams; remaining sessions booked.",
    "Children in care council consulted on the draft; feedback incorporated.",
    "Dependency on the case management system upgrade; supplier date confirmed.",
]  # fmt: skip
_KPIS = [
    ("Re-referrals within 12 months", "%", Polarity.LOWER_IS_BETTER, 22.0),
    ("Child protection plans for a second or subsequent time", "%", Polarity.LOWER_IS_BETTER, 20.0),
    ("Initial health assessments within 20 working days", "%", Polarity.HIGHER_IS_BETTER, 85.0),
    ("Agency social workers", "%", Polarity.LOWER_IS_BETTER, 15.0),
    ("Average caseload", "cases", Polarity.LOWER_IS_BETTER, 18.0),
    ("Assessments completed within 45 working days", "%", Polarity.HIGHER_IS_BETTER, 85.0),
    ("Children in care with three or more placements", "%", Polarity.LOWER_IS_BETTER, 10.0),
    ("Care leavers in education, employment or training", "%", Polarity.HIGHER_IS_BETTER, 55.0),
]  # fmt: skip
_RISKS = [
    "Insufficient permanent social workers", "Placement sufficiency for older children",
    "Partner engagement at the front door", "Case management system failure",
    "Budget pressure on children's social care", "Loss of senior leadership capacity",
    "Quality of practice not improving at pace", "Data quality undermines oversight",
]  # fmt: skip
_DECISIONS = {
    DecisionKind.NOTED: "The board noted the report and the progress described.",
    DecisionKind.AGREED: "The board agreed the RAG ratings proposed by the Delivery Group.",
    DecisionKind.APPROVED: "The minutes of the previous meeting were approved as a correct record.",
    DecisionKind.ENDORSED: "The board endorsed the revised milestone dates.",
    DecisionKind.DEFERRED: "Consideration was deferred to the next meeting pending evidence.",
    DecisionKind.REJECTED: "The board did not accept the evidence as showing impact.",
}
_DECISION_KINDS = list(_DECISIONS)
_DECISION_WEIGHTS = [40, 25, 15, 10, 7, 3]
_RAG_STEPS: dict[Rag, tuple[list[Rag], list[int]]] = {
    Rag.GREEN: ([Rag.GREEN, Rag.AMBER, Rag.RED], [70, 25, 5]),
    Rag.AMBER: ([Rag.GREEN, Rag.AMBER, Rag.RED], [35, 45, 20]),
    Rag.RED: ([Rag.GREEN, Rag.AMBER, Rag.RED], [10, 50, 40]),
}


class GenerationError(RuntimeError):
    """The generated file failed its own integrity checks."""


def _split(total: int, parts: int) -> list[int]:
    """`total` spread over `parts` as evenly as integers allow (earlier parts get more)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


@dataclass(frozen=True)
class Shape:
    """How big a generated board is at a given scale (scale 1.0 is the reference board)."""

    scale: float
    boards: int
    people: int
    recommendations: int
    actions: int
    meetings: int
    decisions: int
    papers: int
    risks: int
    kpis: int

    @classmethod
    def for_scale(cls, scale: float) -> Shape:
        if scale <= 0:
            raise ValueError("scale must be positive")

        def n(base: int, minimum: int) -> int:
            return max(minimum, round(base * scale))

        boards = n(10, 1)
        return cls(
            scale=scale,
            boards=boards,
            people=n(600, 20),
            recommendations=n(300, 2 * boards),
            actions=n(20_000, 2 * len(_THEMES) * boards),
            meetings=n(5_000, 2 * boards),
            decisions=n(50_000, 1),
            papers=n(2_000, 1),
            risks=n(1_000, boards),
            kpis=n(300, boards),
        )

    @property
    def members_per_board(self) -> int:
        return min(MAX_MEMBERS, self.people)

    @property
    def attendees_per_meeting(self) -> int:
        return min(MAX_ATTENDEES, self.members_per_board)

    @property
    def blobs(self) -> int:
        return min(MAX_BLOBS, self.papers)

    def counts(self) -> dict[str, int]:
        """The exact number of rows `generate` writes to each table."""
        b, mt = self.boards, self.meetings
        per_board_actions = _split(self.actions, b)
        return {
            "action_recommendations": sum(a + (a + 2) // 3 for a in per_board_actions),
            "actions": self.actions,
            "actions_arising": mt * ARISING_PER_MEETING,
            "agenda_item_actions": mt * 2,
            "agenda_item_kpis": mt,
            "agenda_item_risks": mt,
            "agenda_items": mt * ITEMS_PER_MEETING,
            "annotations": self.papers * 2,
            "attendance": mt * self.attendees_per_meeting,
            "audit_events": 0,
            "blobs": self.blobs,
            "boards": b,
            "decisions": self.decisions,
            "declarations": (mt + 3) // 4,
            "evidence": sum((a + 3) // 4 for a in per_board_actions),
            "evidence_reviews": sum((a + 3) // 4 for a in per_board_actions),
            "kpi_values": self.kpis * MONTHS,
            "kpis": self.kpis,
            "meetings": mt,
            "memberships": b * self.members_per_board,
            "milestones": b * MILESTONES_PER_PLAN,
            "minutes_versions": mt - b,
            "papers": self.papers,
            "people": self.people,
            "plans": b,
            "progress_updates": self.actions * UPDATES_PER_ACTION,
            "questions": mt,
            "rag_definitions": b * 4,
            "recommendations": self.recommendations,
            "risk_actions": self.risks * 2,
            "risk_reviews": self.risks * REVIEWS_PER_RISK,
            "risks": self.risks,
            "themes": b * len(_THEMES),
        }


@dataclass
class GenerationReport:
    """What one generation wrote and how long it took."""

    path: Path
    seconds: float
    counts: dict[str, int]  # every table of the schema, read back from the file
    size_bytes: int
    generated_rows: int  # rows the generator inserted (the rest were written by triggers)

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


@functools.lru_cache(maxsize=1)
def schema_fingerprint() -> str:
    """A short hash of the schema `open_database(create=True)` builds today.

    The schema head alone misses a migration edited in place, or triggers
    generated from code that changed; creating an empty database costs well
    under a second and catches both.
    """
    with tempfile.TemporaryDirectory(prefix="boardpack-schema-") as tmp:
        database = open_database(Path(tmp) / "schema.db", create=True)
        try:
            with database.engine.connect() as conn:
                rows = conn.exec_driver_sql(
                    "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
                    "ORDER BY type, name"
                ).fetchall()
        finally:
            database.close()
    digest = hashlib.sha256()
    for row in rows:
        digest.update("\x1f".join(row).encode() + b"\x1e")
    return digest.hexdigest()[:10]


def cache_key(scale: float = 1.0, seed: int = DEFAULT_SEED) -> str:
    """The cache file's version key: generator version, schema head and fingerprint, shape."""
    key = f"v{GENERATOR_VERSION}-{head_revision()}-{schema_fingerprint()}"
    if scale != 1.0:
        key += f"-scale{scale:g}"
    if seed != DEFAULT_SEED:
        key += f"-seed{seed}"
    return key


def cached_path(cache_dir: Path = CACHE_DIR, scale: float = 1.0, seed: int = DEFAULT_SEED) -> Path:
    return cache_dir / f"large-board-{cache_key(scale, seed)}.db"


def ensure_large_board(
    cache_dir: Path = CACHE_DIR, *, scale: float = 1.0, seed: int = DEFAULT_SEED
) -> tuple[Path, GenerationReport | None]:
    """The cached large board, generated first if missing or stale.

    Returns:
        The path, and the generation report when it was (re)generated in this call.
    """
    path = cached_path(cache_dir, scale, seed)
    if path.exists():
        return path, None
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    report = generate(tmp, scale=scale, seed=seed)
    tmp.replace(path)
    report.path = path
    # Older versions of the same shape are stale now.
    for stale in cache_dir.glob("large-board-v*.db"):
        if stale != path and _same_shape(stale.name, path.name):
            stale.unlink()
    return path, report


def _same_shape(a: str, b: str) -> bool:
    def shape_part(name: str) -> str:
        parts = name.removesuffix(".db").split("-")
        return "-".join(p for p in parts if p.startswith(("scale", "seed")))

    return shape_part(a) == shape_part(b)


class _Writer:
    """Batches rows per table and writes each batch with one Core executemany."""

    def __init__(self, conn: Connection, batch: int = BATCH) -> None:
        self.conn = conn
        self.batch = batch
        self.tables: dict[str, Table] = dict(Base.metadata.tables)
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.counts: Counter[str] = Counter()

    def add(self, table: str, row: dict[str, Any]) -> None:
        rows = self.pending.setdefault(table, [])
        rows.append(row)
        if len(rows) >= self.batch:
            self._write(table)

    def _write(self, table: str) -> None:
        rows = self.pending.pop(table, [])
        if rows:
            self.conn.execute(self.tables[table].insert(), rows)
            self.counts[table] += len(rows)

    def flush(self) -> None:
        for table in list(self.pending):
            self._write(table)


def _at(day: int, rng: random.Random) -> dt.datetime:
    """A time of day in office hours on day `day` after START, UTC."""
    d = START + dt.timedelta(days=day)
    return dt.datetime(d.year, d.month, d.day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=_UTC)


def _date(day: int) -> dt.date:
    return START + dt.timedelta(days=day)


@dataclass
class _BoardCtx:
    """What later tables of one board need to refer to."""

    code: str
    board_id: str
    plan_id: str
    members: list[str]
    chair: str
    secretariat: str
    theme_ids: list[str] = field(default_factory=list)
    recommendation_ids: list[str] = field(default_factory=list)
    action_ids: list[str] = field(default_factory=list)
    risk_ids: list[str] = field(default_factory=list)
    kpi_ids: list[str] = field(default_factory=list)
    # (meeting day, decision id) in meeting order, for linking RAG changes and reviews.
    decisions: list[tuple[int, str]] = field(default_factory=list)


class _Generator:
    def __init__(self, writer: _Writer, shape: Shape, seed: int) -> None:
        self.w = writer
        self.shape = shape
        self.rng = random.Random(seed)
        self.new_id = seeded_ids(f"bench-{seed}")
        self.people: list[str] = []
        self.boards: list[_BoardCtx] = []
        self.blobs: list[tuple[str, str]] = []  # (sha256, text)
        self.meetings_done = 0

    def decision_near(self, ctx: _BoardCtx, day: int) -> str | None:
        if not ctx.decisions:
            return None
        index = min(len(ctx.decisions) - 1, day * len(ctx.decisions) // DAYS)
        return ctx.decisions[index][1]

    def run(self) -> None:
        self.make_people()
        self.make_boards()
        self.make_blobs()
        meetings_per_board = _split(self.shape.meetings, self.shape.boards)
        closed_total = self.shape.meetings - self.shape.boards
        decisions_per_closed = iter(_split(self.shape.decisions, closed_total))
        papers_per_meeting = iter(_split(self.shape.papers, self.shape.meetings))
        for ctx, n_actions, n_recs, n_risks, n_kpis in zip(
            self.boards,
            _split(self.shape.actions, self.shape.boards),
            _split(self.shape.recommendations, self.shape.boards),
            _split(self.shape.risks, self.shape.boards),
            _split(self.shape.kpis, self.shape.boards),
            strict=True,
        ):
            ctx.action_ids = [self.new_id() for _ in range(n_actions)]
            ctx.risk_ids = [self.new_id() for _ in range(n_risks)]
            ctx.kpi_ids = [self.new_id() for _ in range(n_kpis)]
            self.make_plan(ctx, n_recs)
            self.make_meetings(
                ctx, meetings_per_board.pop(0), decisions_per_closed, papers_per_meeting
            )
            self.make_actions(ctx)
            self.make_risks(ctx)
            self.make_kpis(ctx)
        self.w.flush()

    # -- people, boards, plans ---------------------------------------------------------

    def make_people(self) -> None:
        rng = self.rng
        for i in range(self.shape.people):
            first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST)) % len(_LAST)]
            pid = self.new_id()
            self.people.append(pid)
            self.w.add(
                "people",
                {
                    "id": pid,
                    "name": f"{first} {last}",
                    "email": f"{first.lower()}.{last.lower()}.{i}@example.gov.uk",
                    "organisation": rng.choice(_ORGS),
                    "job_title": rng.choice(_JOBS),
                    "created_at": _at(rng.randrange(30), rng),
                },
            )

    def make_boards(self) -> None:
        shape, rng = self.shape, self.rng
        m = shape.members_per_board
        roles = [Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARIAT] + [Role.MEMBER] * (m - 3)
        roles = roles[:m]
        if m >= 6:
            roles[-2:] = [Role.OFFICER, Role.OBSERVER]
        for b in range(shape.boards):
            code, name = _BOARDS[b % len(_BOARDS)]
            if b >= len(_BOARDS):
                code, name = f"{code}{b // len(_BOARDS) + 1}", f"{name} {b // len(_BOARDS) + 1}"
            board_id = self.new_id()
            members = [self.people[(b * 7 + j) % shape.people] for j in range(m)]
            ctx = _BoardCtx(
                code=code,
                board_id=board_id,
                plan_id=self.new_id(),
                members=members,
                chair=members[0],
                secretariat=members[2 % m],
            )
            self.boards.append(ctx)
            self.w.add(
                "boards",
                {
                    "id": board_id,
                    "code": code,
                    "name": name,
                    "purpose": f"Oversees delivery of the improvement plan ({name}).",
                    "quorum_fraction": 1 / 3,
                    "quorum_needs_chair": True,
                    "meeting_interval_weeks": 1,
                    "created_at": _at(0, rng),
                },
            )
            for person_id, role in zip(members, roles, strict=True):
                self.w.add(
                    "memberships",
                    {
                        "id": self.new_id(),
                        "board_id": board_id,
                        "person_id": person_id,
                        "role": role,
                        "voting": role in (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER),
                        "position": role.label,
                        "start_date": START,
                        "end_date": None,
                    },
                )

    def make_blobs(self) -> None:
        for i in range(self.shape.blobs):
            text = f"Board paper template {i + 1}: {_TOPICS[i % len(_TOPICS)]}"
            data = minimal_pdf(text)
            sha = hashlib.sha256(data).hexdigest()
            self.blobs.append((sha, text))
            self.w.add(
                "blobs",
                {
                    "sha256": sha,
                    "size": len(data),
                    "media_type": "application/pdf",
                    "data": data,
                    "created_at": _at(i, self.rng),
                },
            )

    def make_plan(self, ctx: _BoardCtx, n_recs: int) -> None:
        rng = self.rng
        self.w.add(
            "plans",
            {
                "id": ctx.plan_id,
                "board_id": ctx.board_id,
                "title": f"{ctx.code} Improvement Plan",
                "version": "10.0",
                "approved_on": START,
                "created_at": _at(0, rng),
            },
        )
        meanings = {
            Rag.BLUE: ("Complete", "Complete, evidence accepted by the board", "#1F4E9E"),
            Rag.GREEN: ("On track", "On track to the due date", "#2E7D32"),
            Rag.AMBER: ("At risk", "Slipping or partly delivered, recovery in hand", "#F9A825"),
            Rag.RED: ("Off track", "Off track or overdue, needs intervention", "#C62828"),
        }
        for order, (rag, (label, meaning, colour)) in enumerate(meanings.items()):
            self.w.add(
                "rag_definitions",
                {
                    "id": self.new_id(),
                    "plan_id": ctx.plan_id,
                    "rag": rag,
                    "label": label,
                    "meaning": meaning,
                    "colour": colour,
                    "sort_order": order,
                },
            )
        for number, title in enumerate(_THEMES, start=1):
            tid = self.new_id()
            ctx.theme_ids.append(tid)
            self.w.add(
                "themes",
                {
                    "id": tid,
                    "plan_id": ctx.plan_id,
                    "number": number,
                    "title": title,
                    "description": f"Theme {number} of the {ctx.code} plan: {title}.",
                    "lead_id": rng.choice(ctx.members),
                },
            )
        sources = list(RecommendationSource)
        for i in range(n_recs):
            rid = self.new_id()
            ctx.recommendation_ids.append(rid)
            source = sources[i % len(sources)]
            self.w.add(
                "recommendations",
                {
                    "id": rid,
                    "plan_id": ctx.plan_id,
                    "source": source,
                    "reference": f"{source.value[:3].upper()}-{i + 1}",
                    "text": f"Ensure that {rng.choice(_TOPICS)} is consistently effective.",
                    "issued_on": _date(rng.randrange(365)),
                },
            )
        for i in range(MILESTONES_PER_PLAN):
            day = (i + 1) * DAYS // (MILESTONES_PER_PLAN + 1)
            kind = [MilestoneKind.MONITORING_VISIT, MilestoneKind.COMMISSIONER_REVIEW][i % 2]
            self.w.add(
                "milestones",
                {
                    "id": self.new_id(),
                    "plan_id": ctx.plan_id,
                    "title": f"{kind.value.replace('_', ' ').capitalize()} {i + 1}",
                    "kind": kind,
                    "due_date": _date(day),
                    "achieved_on": _date(day + rng.randrange(10)),
                    "notes": None,
                },
            )

    # -- meetings and their record -----------------------------------------------------

    def make_meetings(
        self,
        ctx: _BoardCtx,
        n_meetings: int,
        decisions_per_closed: Iterator[int],
        papers_per_meeting: Iterator[int],
    ) -> None:
        rng, w, shape = self.rng, self.w, self.shape
        meeting_ids = [self.new_id() for _ in range(n_meetings)]
        seq_by_year: Counter[int] = Counter()
        attendees = ctx.members[: shape.attendees_per_meeting]
        for m, meeting_id in enumerate(meeting_ids):
            day = m * (DAYS - 1) // max(1, n_meetings - 1) if n_meetings > 1 else 0
            closed = m < n_meetings - 1
            when = _date(day)
            w.add(
                "meetings",
                {
                    "id": meeting_id,
                    "board_id": ctx.board_id,
                    "meeting_date": when,
                    "start_time": dt.time(10, 0),
                    "end_time": dt.time(12, 30),
                    "venue": "County Hall, Committee Room 2",
                    "hybrid": m % 3 == 0,
                    "status": MeetingStatus.CLOSED if closed else MeetingStatus.PLANNED,
                    "opened_at": _at(day, rng) if closed else None,
                    "closed_at": _at(day, rng) if closed else None,
                    "created_at": _at(max(0, day - 28), rng),
                },
            )
            item_ids = [self.new_id() for _ in range(ITEMS_PER_MEETING)]
            for position, (item_id, (kind, title)) in enumerate(
                zip(item_ids, _AGENDA, strict=True), start=1
            ):
                exempt = kind is ItemKind.BUSINESS and (m + position) % 7 == 0
                w.add(
                    "agenda_items",
                    {
                        "id": item_id,
                        "meeting_id": meeting_id,
                        "position": position,
                        "kind": kind,
                        "title": title,
                        "purpose": "For decision" if kind is ItemKind.BUSINESS else None,
                        "presenter_id": rng.choice(ctx.members),
                        "report_of": None,
                        "time_box_minutes": 20 if kind is ItemKind.BUSINESS else 5,
                        "exempt": exempt,
                        "exempt_paragraph": 1 if exempt else None,
                        "discussion": (
                            f"The board discussed {rng.choice(_TOPICS)}." if closed else None
                        ),
                        "taken_inquorate": False,
                        "chair_notes": None,
                    },
                )
            business = item_ids[4:6]
            n_actions = len(ctx.action_ids)
            for offset, item_id in enumerate(business):
                w.add(
                    "agenda_item_actions",
                    {
                        "agenda_item_id": item_id,
                        "action_id": ctx.action_ids[(m * 2 + offset) % n_actions],
                    },
                )
            w.add(
                "agenda_item_risks",
                {"agenda_item_id": business[1], "risk_id": ctx.risk_ids[m % len(ctx.risk_ids)]},
            )
            w.add(
                "agenda_item_kpis",
                {"agenda_item_id": business[1], "kpi_id": ctx.kpi_ids[m % len(ctx.kpi_ids)]},
            )
            for a, person_id in enumerate(attendees):
                status = AttendanceStatus.PRESENT
                if (m + a) % 9 == 0:
                    status = AttendanceStatus.APOLOGIES
                elif (m + a) % 23 == 0:
                    status = AttendanceStatus.ABSENT
                w.add(
                    "attendance",
                    {
                        "id": self.new_id(),
                        "meeting_id": meeting_id,
                        "person_id": person_id,
                        "status": status,
                        "mode": AttendanceMode.REMOTE
                        if (m + a) % 4 == 0
                        else AttendanceMode.IN_PERSON,
                        "capacity": Capacity.MEMBER,
                        "arrived_at_item_id": None,
                        "left_after_item_id": None,
                        "note": None,
                    },
                )
            if self.meetings_done % 4 == 0:
                w.add(
                    "declarations",
                    {
                        "id": self.new_id(),
                        "meeting_id": meeting_id,
                        "agenda_item_id": business[0],
                        "person_id": attendees[m % len(attendees)],
                        "interest": "Employed by a provider named in the report.",
                        "action_taken": "Left the room for the item.",
                    },
                )
            self.meetings_done += 1
            next_meeting = meeting_ids[m + 1] if m + 1 < n_meetings else None
            for k in range(ARISING_PER_MEETING):
                is_closed = closed and next_meeting is not None and (m + k) % 5 != 0
                w.add(
                    "actions_arising",
                    {
                        "id": self.new_id(),
                        "board_id": ctx.board_id,
                        "meeting_id": meeting_id,
                        "agenda_item_id": business[k % 2],
                        "decision_id": None,
                        "text": f"{rng.choice(_VERBS)} {rng.choice(_TOPICS)} and report back.",
                        "owner_id": rng.choice(ctx.members),
                        "due_date": _date(day + 28 + 14 * k),
                        "status": (
                            ActionArisingStatus.CLOSED if is_closed else ActionArisingStatus.OPEN
                        ),
                        "plan_action_id": ctx.action_ids[(m + k) % n_actions] if k == 0 else None,
                        "closed_in_meeting_id": next_meeting if is_closed else None,
                        "closing_note": "Completed." if is_closed else None,
                        "created_at": _at(day, rng),
                    },
                )
            w.add(
                "questions",
                {
                    "id": self.new_id(),
                    "agenda_item_id": business[0],
                    "author_id": rng.choice(ctx.members),
                    "text": f"What assurance do we have about {rng.choice(_TOPICS)}?",
                    "shared": True,
                    "answer": "The service will report back with audit evidence."
                    if closed
                    else None,
                    "answered_by": "Director of Children's Services" if closed else None,
                    "answered_at": _at(day, rng) if closed else None,
                    "created_at": _at(max(0, day - 3), rng),
                },
            )
            for _ in range(next(papers_per_meeting)):
                self.make_paper(ctx, meeting_id, business[0], day)
            if not closed:
                continue
            self.make_decisions(ctx, meeting_id, item_ids, day, seq_by_year, decisions_per_closed)
            self.make_minutes(ctx, meeting_id, item_ids, day)

    def make_decisions(
        self,
        ctx: _BoardCtx,
        meeting_id: str,
        item_ids: list[str],
        day: int,
        seq_by_year: Counter[int],
        decisions_per_closed: Iterator[int],
    ) -> None:
        rng = self.rng
        year = _date(day).year
        targets = [item_ids[2], item_ids[4], item_ids[5]]
        for k in range(next(decisions_per_closed)):
            seq_by_year[year] += 1
            seq = seq_by_year[year]
            kind = rng.choices(_DECISION_KINDS, _DECISION_WEIGHTS)[0]
            decision_id = self.new_id()
            ctx.decisions.append((day, decision_id))
            votes = kind in (DecisionKind.APPROVED, DecisionKind.REJECTED)
            self.w.add(
                "decisions",
                {
                    "id": decision_id,
                    "board_id": ctx.board_id,
                    "meeting_id": meeting_id,
                    "agenda_item_id": targets[k % len(targets)],
                    "year": year,
                    "seq": seq,
                    "version": 1,
                    "number": f"{ctx.code} {year % 100:02d}/{seq:02d}",
                    "kind": kind,
                    "wording": f"{_DECISIONS[kind]} ({rng.choice(_TOPICS)})",
                    "votes_for": 7 if votes else None,
                    "votes_against": 1 if votes else None,
                    "votes_abstain": 0 if votes else None,
                    "recorded_by_id": ctx.secretariat,
                    "recorded_at": _at(day, rng),
                    "supersedes_id": None,
                    "corrects_id": None,
                },
            )

    def make_minutes(self, ctx: _BoardCtx, meeting_id: str, item_ids: list[str], day: int) -> None:
        rng = self.rng
        content = json.dumps(
            {
                "meeting_id": meeting_id,
                "items": [
                    {"title": title, "id": i}
                    for i, (_, title) in zip(item_ids, _AGENDA, strict=True)
                ],
            },
            sort_keys=True,
            separators=(",", ":"),
        )
        self.w.add(
            "minutes_versions",
            {
                "id": self.new_id(),
                "meeting_id": meeting_id,
                "version": 1,
                "status": MinutesStatus.SIGNED,
                "content_json": content,
                "content_hash": hashlib.sha256(content.encode()).hexdigest(),
                "created_by_id": ctx.secretariat,
                "created_at": _at(day + 1, rng),
                "circulated_at": _at(day + 7, rng),
                "approved_at": _at(day + 14, rng),
                "approved_by_chair_id": ctx.chair,
                "signed_by_id": ctx.chair,
                "signed_at": _at(day + 15, rng),
            },
        )

    def make_paper(self, ctx: _BoardCtx, meeting_id: str, item_id: str, day: int) -> None:
        sha, text = self.blobs[self.w.counts["papers"] % len(self.blobs)]
        paper_id = self.new_id()
        exempt = self.rng.random() < 0.1
        self.w.add(
            "papers",
            {
                "id": paper_id,
                "meeting_id": meeting_id,
                "agenda_item_id": item_id,
                "title": text,
                "kind": PaperKind.REPORT,
                "report_of": "Director of Children's Services",
                "blob_sha256": sha,
                "page_count": 1,
                "text": text,
                "exempt": exempt,
                "supplement": False,
                "version": 1,
                "supersedes_id": None,
                "issued_at": _at(max(0, day - 7), self.rng),
            },
        )
        for n, kind in enumerate((AnnotationKind.HIGHLIGHT, AnnotationKind.NOTE)):
            self.w.add(
                "annotations",
                {
                    "id": self.new_id(),
                    "paper_id": paper_id,
                    "author_id": ctx.members[(n + day) % len(ctx.members)],
                    "kind": kind,
                    "page": 0,
                    "x": 72.0,
                    "y": 770.0,
                    "quote": text[:20],
                    "comment": "Ask about the trend." if kind is AnnotationKind.NOTE else None,
                    "shared": n == 1,
                    "anchor": AnchorState.ANCHORED,
                    "created_at": _at(max(0, day - 2), self.rng),
                    "updated_at": _at(max(0, day - 2), self.rng),
                },
            )

    # -- the plan: actions and their history, risks, indicators ------------------------

    def make_actions(self, ctx: _BoardCtx) -> None:
        rng, w = self.rng, self.w
        n_recs = len(ctx.recommendation_ids)
        n_themes = len(ctx.theme_ids)
        for i, action_id in enumerate(ctx.action_ids):
            owner = rng.choice(ctx.members)
            created = rng.randrange(DAYS - 400)
            step = (DAYS - 1 - created) // (UPDATES_PER_ACTION + 1)
            due = created + rng.randint(180, 900)
            rag: Rag | None = None
            day = created
            recorded = _at(created, rng)
            for j in range(UPDATES_PER_ACTION):
                day += step
                if j == UPDATES_PER_ACTION - 1 and i % 3 == 0:
                    new = Rag.BLUE
                elif rag is None:
                    new = Rag.GREEN if rng.random() < 0.7 else Rag.AMBER
                else:
                    choices, weights = _RAG_STEPS[rag]
                    new = rng.choices(choices, weights)[0]
                moved = j == 5 and new in (Rag.AMBER, Rag.RED)
                recorded = _at(day, rng)
                w.add(
                    "progress_updates",
                    {
                        "id": self.new_id(),
                        "action_id": action_id,
                        "recorded_at": recorded,
                        "author_id": owner,
                        "rag": new,
                        "previous_rag": rag,
                        "commentary": rng.choice(_COMMENTS),
                        "previous_due_date": _date(due) if moved else None,
                        "new_due_date": _date(due + 90) if moved else None,
                        "due_date_reason": "Recovery plan agreed." if moved else None,
                        "decision_id": self.decision_near(ctx, day) if j % 5 == 4 else None,
                    },
                )
                if moved:
                    due += 90
                rag = new
            theme = i % n_themes
            w.add(
                "actions",
                {
                    "id": action_id,
                    "plan_id": ctx.plan_id,
                    "theme_id": ctx.theme_ids[theme],
                    "reference": f"{theme + 1}.{i // n_themes + 1}",
                    "title": f"{rng.choice(_VERBS)} {rng.choice(_TOPICS)}",
                    "description": (
                        f"{rng.choice(_VERBS)} {rng.choice(_TOPICS)} so that children receive "
                        f"the right help at the right time; reviewed at the Delivery Group."
                    ),
                    "owner_id": owner,
                    "lead_agency": rng.choice(_ORGS),
                    "due_date": _date(due),
                    "status": ActionStatus.COMPLETE
                    if rag is Rag.BLUE
                    else ActionStatus.IN_PROGRESS,
                    "rag": rag,
                    "success_measure": f"Audit shows improvement in {rng.choice(_TOPICS)}.",
                    "created_at": _at(created, rng),
                    "updated_at": recorded,
                },
            )
            w.add(
                "action_recommendations",
                {"action_id": action_id, "recommendation_id": ctx.recommendation_ids[i % n_recs]},
            )
            if i % 3 == 0:
                w.add(
                    "action_recommendations",
                    {
                        "action_id": action_id,
                        "recommendation_id": ctx.recommendation_ids[(i + 1) % n_recs],
                    },
                )
            if i % 4 == 0:
                self.make_evidence(ctx, action_id, owner, rag is Rag.BLUE, day)

    def make_evidence(
        self, ctx: _BoardCtx, action_id: str, owner: str, accepted: bool, day: int
    ) -> None:
        evidence_id = self.new_id()
        self.w.add(
            "evidence",
            {
                "id": evidence_id,
                "action_id": action_id,
                "title": "Audit report and dip-sample findings",
                "description": "Quarterly audit of case files against the practice standards.",
                "filename": None,
                "blob_sha256": None,
                "url": f"https://intranet.example.gov.uk/evidence/{evidence_id}",
                "submitted_by_id": owner,
                "submitted_at": _at(day - 20, self.rng),
                "state": EvidenceState.ACCEPTED if accepted else EvidenceState.RETURNED,
            },
        )
        self.w.add(
            "evidence_reviews",
            {
                "id": self.new_id(),
                "evidence_id": evidence_id,
                "outcome": ReviewOutcome.ACCEPTED if accepted else ReviewOutcome.RETURNED,
                "reviewed_by_id": ctx.chair,
                "reviewed_at": _at(day - 5, self.rng),
                "decision_id": self.decision_near(ctx, day),
                "comment": "Evidence shows impact." if accepted else "Needs impact, not activity.",
            },
        )

    def make_risks(self, ctx: _BoardCtx) -> None:
        rng, w = self.rng, self.w
        n_actions = len(ctx.action_ids)
        for r, risk_id in enumerate(ctx.risk_ids):
            likelihood, impact = rng.randint(2, 5), rng.randint(2, 5)
            for k in range(REVIEWS_PER_RISK):
                day = (k + 1) * (DAYS - 1) // (REVIEWS_PER_RISK + 1)
                likelihood = min(5, max(1, likelihood + rng.choice((-1, 0, 0, 1))))
                impact = min(5, max(1, impact + rng.choice((-1, 0, 0, 0, 1))))
                w.add(
                    "risk_reviews",
                    {
                        "id": self.new_id(),
                        "risk_id": risk_id,
                        "reviewed_on": _date(day),
                        "reviewed_by_id": rng.choice(ctx.members),
                        "likelihood": likelihood,
                        "impact": impact,
                        "commentary": rng.choice(_COMMENTS),
                        "decision_id": self.decision_near(ctx, day) if k % 4 == 3 else None,
                    },
                )
            title = _RISKS[r % len(_RISKS)]
            w.add(
                "risks",
                {
                    "id": risk_id,
                    "plan_id": ctx.plan_id,
                    "reference": f"R{r + 1:03d}",
                    "title": title,
                    "description": f"{title}: delivery of the plan may slip.",
                    "cause": "Regional shortage and competition from neighbouring authorities.",
                    "consequence": "Children wait longer for the right help.",
                    "mitigation": f"{rng.choice(_VERBS)} {rng.choice(_TOPICS)}.",
                    "owner_id": rng.choice(ctx.members),
                    "likelihood": likelihood,
                    "impact": impact,
                    "target_likelihood": 2,
                    "target_impact": 2,
                    "status": RiskStatus.OPEN if r % 5 else RiskStatus.CLOSED,
                    "created_at": _at(0, rng),
                    "updated_at": _at(DAYS - 30, rng),
                },
            )
            for offset in (0, 1):
                w.add(
                    "risk_actions",
                    {"risk_id": risk_id, "action_id": ctx.action_ids[(r + offset) % n_actions]},
                )

    def make_kpis(self, ctx: _BoardCtx) -> None:
        rng, w = self.rng, self.w
        for k, kpi_id in enumerate(ctx.kpi_ids):
            title, unit, polarity, target = _KPIS[k % len(_KPIS)]
            w.add(
                "kpis",
                {
                    "id": kpi_id,
                    "plan_id": ctx.plan_id,
                    "reference": f"KPI-{k + 1:03d}",
                    "title": title,
                    "description": f"{title} (monthly, rolling).",
                    "unit": unit,
                    "polarity": polarity,
                    "target": target,
                    "source_note": "Children's social care case management system.",
                    "narrative": None,
                    "narrative_by_id": None,
                    "narrative_at": None,
                },
            )
            value = target * rng.uniform(0.8, 1.2)
            for month in range(MONTHS):
                value = max(0.0, value * rng.uniform(0.95, 1.05))
                w.add(
                    "kpi_values",
                    {
                        "id": self.new_id(),
                        "kpi_id": kpi_id,
                        "period": dt.date(START.year + month // 12, month % 12 + 1, 1),
                        "value": round(value, 1),
                        "national": round(target * 1.05, 1),
                        "regional": round(target * 1.02, 1),
                        "note": None,
                    },
                )


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows per table of `db.models`, by name."""
    return {
        name: int(conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one())
        for name in sorted(Base.metadata.tables)
    }


def generate(
    path: Path, *, scale: float = 1.0, seed: int = DEFAULT_SEED, batch: int = BATCH
) -> GenerationReport:
    """Write a large board to the NEW file `path`; the same arguments give the same rows.

    Args:
        path: where to create the database (must not exist).
        scale: 1.0 is the reference board; 0.001 makes a few hundred rows for tests.
        seed: the random seed of every choice, id and time.
        batch: rows per executemany.

    Returns:
        The report: rows per table (read back from the file), seconds, size.

    Raises:
        FileExistsError: `path` exists.
        GenerationError: a foreign key or a count check failed (the file is deleted).
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; the generator only creates new files")
    shape = Shape.for_scale(scale)
    started = time.perf_counter()
    database = open_database(path, create=True)
    try:
        with database.engine.connect() as conn:
            # Outside any transaction, so these take effect for this connection. No
            # journal while the rows go in (WAL would write them all twice); a failed
            # generation deletes the file instead of rolling back.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
            writer = _Writer(conn, batch)
            _Generator(writer, shape, seed).run()
            conn.commit()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
            if broken:
                raise GenerationError(f"generated rows break foreign keys: {broken}")
            counts = table_counts(conn)
            conn.commit()
            expected = shape.counts()
            if any(counts.get(t) != n for t, n in expected.items()):
                diff = {t: (counts.get(t), n) for t, n in expected.items() if counts.get(t) != n}
                raise GenerationError(f"row counts differ from the plan (got, want): {diff}")
            mode = conn.exec_driver_sql("PRAGMA journal_mode=WAL").scalar()
            if mode != "wal":
                raise GenerationError(f"could not switch the new file back to WAL ({mode})")
    except BaseException:
        database.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    database.close()
    seconds = time.perf_counter() - started
    generated = sum(expected.values())
    return GenerationReport(path, seconds, counts, path.stat().st_size, generated)
