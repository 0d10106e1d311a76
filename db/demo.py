"""The deterministic demo board: sixteen months of an invented council's improvement journey.

Wealdshire County Council and everyone in it are invented; the story follows
the two source documents (a Cabinet report and an Ofsted monitoring-visit
letter, scrubbed of real names and kept as papers in `db/demo_data/`). OPAB
first meets on 19 September 2018 beside the Corporate Parenting Board and the
Improvement Plan Delivery Group, and the record runs to `DEMO_AS_OF`
(10 January 2020): eight OPAB and four CPB meetings closed with decisions and
signed minutes, RAG histories, risk reviews and monthly KPIs with benchmarks
(all figures illustrative), and the board's responses to the children in care
council's action cards (in the CPB minutes); the next meetings, OPAB on
14 January 2020 (pack issued and annotated) and CPB on 28 January 2020
(questions prepared), are planned, so the GUI's "next meeting" is OPAB
14 January 2020. The build is deterministic so demos, screenshots and dumps can
be compared byte for byte: ids come from `seeded_ids(DEMO_SEED)`, the session
clock ticks one second per flush from 2018-09-01 09:00 UTC, every meaningful
timestamp is set from the story, and PDFs come from a caller-supplied
`render_paper` (`db` never imports reportlab; without a renderer there are no
papers, blobs, annotations or card responses).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from db.canonical import canonical_json, sha256_hex
from db.models import (
    Action,
    ActionArising,
    ActionArisingStatus,
    ActionStatus,
    AgendaItem,
    AnchorState,
    Annotation,
    AnnotationKind,
    Attendance,
    AttendanceMode,
    AttendanceStatus,
    Blob,
    Board,
    Capacity,
    Decision,
    DecisionKind,
    Declaration,
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
    Paper,
    PaperKind,
    Person,
    Plan,
    Polarity,
    ProgressUpdate,
    Question,
    Rag,
    RagDefinition,
    Recommendation,
    RecommendationSource,
    ReviewOutcome,
    Risk,
    RiskReview,
    RiskStatus,
    Role,
    Theme,
    action_recommendations,
    agenda_item_actions,
    agenda_item_kpis,
    agenda_item_risks,
    risk_actions,
)
from db.papers.anchoring import Method, PageText, Placement, find_quote
from db.papers.pdftext import read_page
from db.session import IdFactory, seeded_ids
from db.store import Database, open_database

DEMO_SEED = 20180919
DEMO_AS_OF = dt.date(2020, 1, 10)
COUNCIL = "Wealdshire County Council"
CLOCK_START = dt.datetime(2018, 9, 1, 9, 0, tzinfo=dt.UTC)
DATA_DIR = Path(__file__).with_name("demo_data")
ILLUSTRATIVE = (
    "Illustrative figures invented for the Boardpack demo (Wealdshire is not a real council); "
    "national and regional benchmarks are illustrative approximations, not published statistics."
)


class PaperRenderer(Protocol):
    """Turns a paper's title and plain-text body into (PDF bytes, page count)."""

    def __call__(self, title: str, body: str) -> tuple[bytes, int]: ...


# --------------------------------------------------------------------------- people

POLICE = "Wealdshire Police"
NHS = "NHS Wealdshire Clinical Commissioning Group"
SCHOOLS = "Wealdshire Schools Phase Councils"
CVS = "Wealdshire Council for Voluntary Service"

_DOMAINS = {
    COUNCIL: "wealdshire.example",
    POLICE: "police.wealdshire.example",
    NHS: "nhs.wealdshire.example",
    SCHOOLS: "schools.wealdshire.example",
    CVS: "wealdshirecvs.example",
    "Downland County Council": "downland.example",
    "Wealdshire Safeguarding Children Partnership": "wscp.wealdshire.example",
    "Wealdshire Foster Carers Association": "wfca.example",
    "Wealdshire Children in Care Council": "cicc.wealdshire.example",
    "Department for Education": "dfe.example",
    "Ofsted": "ofsted.example",
}

# key: (name, organisation, job title)
PEOPLE: dict[str, tuple[str, str, str]] = {
    "helen": (
        "Dr Helen Marchbank",
        "Downland County Council",
        "Chief Executive, Downland County Council; Independent Chair of OPAB",
    ),
    "priya": ("Priya Raman", COUNCIL, "Chief Executive"),
    "ruth": (
        "Cllr Ruth Okonedo",
        COUNCIL,
        "Cabinet Member for Children, Young People and Families",
    ),
    "daniel": ("Daniel Firth", COUNCIL, "Executive Director for Children, Families and Learning"),
    "gareth": ("Gareth Lomax", POLICE, "Detective Chief Superintendent, Head of Public Protection"),
    "anjali": ("Dr Anjali Desai", NHS, "Designated Doctor for Safeguarding Children"),
    "moira": (
        "Moira Caldwell",
        "Wealdshire Safeguarding Children Partnership",
        "Independent Chair, Wealdshire Safeguarding Children Partnership",
    ),
    "tom": ("Tom Everett", SCHOOLS, "Headteacher; secondary schools representative"),
    "bernadette": ("Bernadette Kaur", CVS, "Chief Executive"),
    "lucy": ("Lucy Hargreaves", COUNCIL, "Director of Children's Social Care"),
    "mark": ("Mark Oduya", COUNCIL, "Assistant Director, Safeguarding and Quality Assurance"),
    "claire": ("Claire Benson", COUNCIL, "Head of MASH and Front Door Services"),
    "owen": ("Owen Pryce", COUNCIL, "Head of Workforce Development"),
    "sarah": ("Sarah Lindqvist", COUNCIL, "Headteacher, Virtual School for Children in Care"),
    "jamal": ("Jamal Hussain", NHS, "Head of Health for Children in Care"),
    "fiona": ("Fiona McAllister", COUNCIL, "Head of Placements and Sufficiency"),
    "rachel": ("Rachel Adeyemi", COUNCIL, "Principal Social Worker"),
    "kevin": ("Kevin Doyle", COUNCIL, "Head of Early Help"),
    "natalie": ("Natalie Brooks", COUNCIL, "Participation Manager"),
    "joseph": ("Joseph Mwangi", COUNCIL, "Head of Children in Care and Permanence"),
    "rebecca": ("DI Rebecca Stone", POLICE, "Detective Inspector, Child Exploitation Team"),
    "grace": ("Grace Mensah", CVS, "Partnership Manager"),
    "angela": ("Angela Frost", SCHOOLS, "Lead, Designated Teachers Network"),
    "hannah": ("Hannah Wilde", COUNCIL, "Improvement Programme Manager"),
    "emma": ("Emma Castellano", COUNCIL, "Democratic Services Officer"),
    "peter": (
        "Cllr Peter Ashdown",
        COUNCIL,
        "Vice-Chairman, Children and Education Select Committee",
    ),
    "ian": (
        "Ian Fairweather",
        "Department for Education",
        "Children's Services Improvement Adviser",
    ),
    "janet": ("Cllr Janet Moorcroft", COUNCIL, "Deputy Cabinet Member for Children"),
    "samuel": ("Cllr Samuel Osei", COUNCIL, "Member, Children and Education Select Committee"),
    "chloe": (
        "Chloe Marsh",
        "Wealdshire Foster Carers Association",
        "Foster carer; Chair of the Foster Carers Association",
    ),
    "aisha": (
        "Aisha Rahman",
        "Wealdshire Children in Care Council",
        "Care leaver; Children in Care Council representative",
    ),
    "alison": ("Alison Brightwell", "Ofsted", "Her Majesty's Inspector"),
    "marcus": ("Marcus Tennant", "Ofsted", "Her Majesty's Inspector"),
    "graham": (
        "Graham Whitlock",
        "Department for Education",
        "Commissioner for Children's Services in Wealdshire",
    ),
}

BOARDS: dict[str, tuple[str, str, int | None]] = {
    "OPAB": (
        "Ofsted Priority Action Board",
        "Oversees delivery of the Children's Improvement Plan: advises, supports and challenges "
        "the County Council and its partners (police, NHS, schools, third sector) to secure "
        "sustainable improvement after the 2018 Ofsted re-inspection, and ensures every "
        "recommendation of the re-inspection and of each monitoring visit is implemented. "
        "Independent chair; meets every eight weeks.",
        8,
    ),
    "CPB": (
        "Corporate Parenting Board",
        "The Council's corporate parents for children in care and care leavers. Chaired by the "
        "lead member for children; a smaller panel since December 2018, with performance "
        "scrutinised before meetings, questions prepared in advance and action cards from the "
        "children in care council.",
        10,
    ),
    "IPDG": (
        "Improvement Plan Delivery Group",
        "Cross-partnership group that plans, delivers and evidences the Improvement Plan, "
        "reports progress to OPAB (including the evidence that an action is complete) and "
        "escalates issues and risks to the Board.",
        4,
    ),
}

_OPAB_OFFICERS = (
    "lucy",
    "mark",
    "claire",
    "owen",
    "sarah",
    "jamal",
    "fiona",
    "rachel",
    "kevin",
    "natalie",
    "joseph",
    "rebecca",
    "grace",
    "angela",
    "hannah",
)
# board code: (person, role, position)
MEMBERSHIPS: dict[str, list[tuple[str, Role, str]]] = {
    "OPAB": [
        ("helen", Role.CHAIR, "Independent Chair"),
        ("priya", Role.VICE_CHAIR, "Vice-Chair; Chief Executive, Wealdshire County Council"),
        ("ruth", Role.MEMBER, "Cabinet Member for Children, Young People and Families"),
        ("daniel", Role.MEMBER, "Director of Children's Services"),
        ("gareth", Role.MEMBER, "Wealdshire Police"),
        ("anjali", Role.MEMBER, "NHS Wealdshire Clinical Commissioning Group"),
        ("moira", Role.MEMBER, "Wealdshire Safeguarding Children Partnership"),
        ("tom", Role.MEMBER, "Wealdshire schools"),
        ("bernadette", Role.MEMBER, "Third sector"),
        ("emma", Role.SECRETARIAT, "Clerk to the Board"),
        *((key, Role.OFFICER, "Action owner") for key in _OPAB_OFFICERS),
        ("peter", Role.OBSERVER, "Children and Education Select Committee"),
        ("ian", Role.OBSERVER, "Department for Education"),
    ],
    "CPB": [
        ("ruth", Role.CHAIR, "Lead Member for Children (Chair)"),
        ("janet", Role.VICE_CHAIR, "Vice-Chair"),
        ("samuel", Role.MEMBER, "Elected member"),
        ("chloe", Role.MEMBER, "Foster carers' representative"),
        ("aisha", Role.MEMBER, "Children in Care Council representative"),
        ("anjali", Role.MEMBER, "Health"),
        ("emma", Role.SECRETARIAT, "Clerk to the Board"),
        ("daniel", Role.OFFICER, "Director of Children's Services"),
        *(
            (key, Role.OFFICER, "Officer")
            for key in ["lucy", "joseph", "sarah", "jamal", "fiona", "natalie"]
        ),
        ("peter", Role.OBSERVER, "Children and Education Select Committee"),
    ],
    "IPDG": [
        ("daniel", Role.CHAIR, "Chair"),
        ("lucy", Role.VICE_CHAIR, "Vice-Chair"),
        ("rebecca", Role.MEMBER, "Wealdshire Police"),
        ("jamal", Role.MEMBER, "NHS Wealdshire Clinical Commissioning Group"),
        ("angela", Role.MEMBER, "Wealdshire schools"),
        ("grace", Role.MEMBER, "Third sector"),
        ("hannah", Role.SECRETARIAT, "Programme office"),
        *(
            (key, Role.OFFICER, "Workstream lead")
            for key in [
                "mark",
                "claire",
                "owen",
                "sarah",
                "fiona",
                "rachel",
                "kevin",
                "natalie",
                "joseph",
            ]
        ),
    ],
}
_MEMBERSHIP_START = {
    "OPAB": dt.date(2018, 7, 1),
    "CPB": dt.date(2018, 12, 1),
    "IPDG": dt.date(2018, 10, 1),
}

# --------------------------------------------------------------------------- the plan

PLAN_TITLE = "Wealdshire Children's Improvement Plan (Strategic)"
RAG_DEFINITIONS: list[tuple[Rag, str, str, str]] = [
    (Rag.BLUE, "Blue", "Complete: evidence accepted by the board.", "#1D70B8"),
    (Rag.GREEN, "Green", "On track to the due date.", "#00703C"),
    (
        Rag.AMBER,
        "Amber",
        "At risk: slipping or partly delivered, recovery in hand.",
        "#F4A000",
    ),
    (
        Rag.RED,
        "Red",
        "Off track or overdue: needs the board's intervention.",
        "#D4351C",
    ),
]

THEMES: list[tuple[int, str, str, str]] = [
    (
        1,
        "Strategic Leadership and Governance",
        "Clear governance of the improvement journey, partners held to account, milestones "
        "understood by everyone, and performance reported against national and regional "
        "benchmarks.",
        "daniel",
    ),
    (
        2,
        "Quality of Practice & Planning",
        "Safe, consistent social work: plans that end only when risks have reduced, timely "
        "permanence, up-to-date assessments and care plans, purposeful direct work.",
        "lucy",
    ),
    (
        3,
        "Identifying Needs – Right Help at the Right Time by the Right People",
        "A reformed front door and MASH, a coherent Early Help offer, Family Safeguarding hubs, "
        "and an assertive multi-agency response to missing and exploited children.",
        "claire",
    ),
    (
        4,
        "Practice Leadership",
        "A unified practice model, a stable permanent workforce with manageable caseloads, and "
        "reflective supervision and management oversight recorded on every child's file.",
        "rachel",
    ),
    (
        5,
        "Participation, Engagement & Co-Production",
        "Children, young people, families, carers and frontline staff shape services and can "
        "judge the progress made.",
        "natalie",
    ),
]

_C = RecommendationSource.COMMISSIONER
_O = RecommendationSource.OFSTED
_M = RecommendationSource.MONITORING_VISIT
_COMMISSIONER_ISSUED = dt.date(2018, 10, 31)
_OFSTED_ISSUED = dt.date(2018, 5, 15)
_MV1_ISSUED = dt.date(2018, 10, 4)
_MV2_ISSUED = dt.date(2019, 1, 25)

# (reference, source, text, issued on); the Commissioner's ten are verbatim from the Cabinet report.
RECOMMENDATIONS: list[tuple[str, RecommendationSource, str, dt.date]] = [
    (
        "C1",
        _C,
        "Engage staff and partners in the vision and ensure they actively participate in the "
        "improvement of the overall children's system in Wealdshire",
        _COMMISSIONER_ISSUED,
    ),
    (
        "C2",
        _C,
        "Encourage the involvement of children and young people in the design and delivery of "
        "services",
        _COMMISSIONER_ISSUED,
    ),
    ("C3", _C, "Prioritise reform of the MASH", _COMMISSIONER_ISSUED),
    (
        "C4",
        _C,
        "Urgently address compliance issues and shortfalls in safe practice",
        _COMMISSIONER_ISSUED,
    ),
    ("C5", _C, "Review and configure the Early Help Offer", _COMMISSIONER_ISSUED),
    (
        "C6",
        _C,
        "Bring home children in care and care leavers placed outside Wealdshire",
        _COMMISSIONER_ISSUED,
    ),
    ("C7", _C, "Consider a single improvement partner", _COMMISSIONER_ISSUED),
    (
        "C8",
        _C,
        "Embed a unified theoretical model for Children's Social Care",
        _COMMISSIONER_ISSUED,
    ),
    (
        "C9",
        _C,
        "Continue urgent action around reducing agency staff and improving social worker "
        "employment and retention",
        _COMMISSIONER_ISSUED,
    ),
    (
        "C10",
        _C,
        "Establish widely understood milestones for the improvement journey with full commitment "
        "from Wealdshire County Council, partner organisations and the wider system",
        _COMMISSIONER_ISSUED,
    ),
    (
        "O1",
        _O,
        "Ensure that the multi-agency safeguarding hub responds to contacts and referrals "
        "promptly, and that thresholds are understood and applied consistently by the Council "
        "and its partners.",
        _OFSTED_ISSUED,
    ),
    (
        "O2",
        _O,
        "Improve the quality of assessments and plans for children in need of help and "
        "protection so that they analyse risk, including cumulative neglect and domestic abuse, "
        "and set out clearly what must change.",
        _OFSTED_ISSUED,
    ),
    (
        "O3",
        _O,
        "Ensure that child protection plans end only when risks to children have demonstrably "
        "reduced.",
        _OFSTED_ISSUED,
    ),
    (
        "O4",
        _O,
        "Strengthen management oversight and supervision so that they are regular, reflective "
        "and recorded on children's files, and drive progress in children's plans.",
        _OFSTED_ISSUED,
    ),
    (
        "O5",
        _O,
        "Reduce social workers' caseloads and the reliance on agency staff so that children "
        "have stable relationships with their social workers.",
        _OFSTED_ISSUED,
    ),
    (
        "O6",
        _O,
        "Ensure that children who go missing are offered timely return home interviews and that "
        "children at risk of exploitation are protected by effective multi-agency action.",
        _OFSTED_ISSUED,
    ),
    (
        "O7",
        _O,
        "Improve the timeliness of permanence planning for children in care, including early "
        "permanence.",
        _OFSTED_ISSUED,
    ),
    (
        "O8",
        _O,
        "Ensure that children coming into care receive an initial health assessment within "
        "statutory timescales.",
        _OFSTED_ISSUED,
    ),
    (
        "O9",
        _O,
        "Improve the quality of personal education plans and the virtual school's oversight of "
        "the progress of children in care.",
        _OFSTED_ISSUED,
    ),
    (
        "O10",
        _O,
        "Increase the sufficiency of local placements so that more children in care live close "
        "to their homes, schools and communities.",
        _OFSTED_ISSUED,
    ),
    (
        "O11",
        _O,
        "Ensure that every care leaver has an up-to-date pathway plan and that the Council stays "
        "in touch with its care leavers.",
        _OFSTED_ISSUED,
    ),
    (
        "O12",
        _O,
        "Ensure that the views of children in care and care leavers, including the children in "
        "care council, are heard by corporate parents and shape services.",
        _OFSTED_ISSUED,
    ),
    (
        "O13",
        _O,
        "Ensure that the early help offer is coherent and understood by partners, so that "
        "families receive help before problems escalate.",
        _OFSTED_ISSUED,
    ),
    (
        "M1",
        _M,
        "Too many children are removed from child protection plans before there is substantial "
        "evidence that risks have reduced or circumstances improved, so many children and "
        "families are placed on a plan for subsequent episodes.",
        _MV1_ISSUED,
    ),
    (
        "M2",
        _M,
        "Cyclical 'start again' social work is compounded by a complex service structure with "
        "numerous handover points and changes of social worker.",
        _MV1_ISSUED,
    ),
    (
        "M3",
        _M,
        "Social workers, frontline managers, child protection conference chairs and partner "
        "agencies have insufficient knowledge and understanding of the impact of cumulative "
        "neglect, exposure to domestic abuse and other adult difficulties on children.",
        _MV1_ISSUED,
    ),
    (
        "M4",
        _M,
        "Initial health assessments have improved from a very low rate, but further work is "
        "required to ensure that all children are assessed within the first four weeks.",
        _MV2_ISSUED,
    ),
    (
        "M5",
        _M,
        "Many children's circumstances are not regularly reassessed for their reviews or when "
        "significant changes occur, and the use of chronologies is sparse.",
        _MV2_ISSUED,
    ),
    (
        "M6",
        _M,
        "Early permanence planning is not well documented in all care plans; social workers' "
        "understanding of permanence planning and managers' tracking of plans need "
        "strengthening.",
        _MV2_ISSUED,
    ),
    (
        "M7",
        _M,
        "The quality of personal education plans remains poor, the active involvement of the "
        "virtual school is insufficient and purposeful use of the pupil premium is inconsistent.",
        _MV2_ISSUED,
    ),
    (
        "M8",
        _M,
        "Many children's cases show long gaps between supervision meetings, and recorded "
        "management oversight rarely shows reflective, evaluative discussion.",
        _MV2_ISSUED,
    ),
    (
        "M9",
        _M,
        "The goals of direct work with children are often unclear, records of visits are not "
        "always up to date, and children's diverse backgrounds and identities are rarely "
        "evidenced.",
        _MV2_ISSUED,
    ),
    (
        "M10",
        _M,
        "For older children who go missing and are exploited, multi-agency measures are not "
        "always effective in reducing serious risks with the necessary speed, and efforts to "
        "disrupt, pursue and prosecute perpetrators are not always assertive enough.",
        _MV2_ISSUED,
    ),
    (
        "M11",
        _M,
        "More children in care need to be placed closer to their homes; the sufficiency and "
        "retention of local foster carers need to improve.",
        _MV2_ISSUED,
    ),
    (
        "M12",
        _M,
        "Caseloads remain high in one quadrant because of turnover of social workers, capability "
        "issues and vacancies.",
        _MV2_ISSUED,
    ),
]

WCC = COUNCIL


@dataclass(frozen=True)
class _Ev:
    """Evidence for an action: submitted on a date, reviewed at zero or more meetings."""

    title: str
    description: str
    submitted: dt.date
    reviews: tuple[tuple[dt.date, ReviewOutcome, str], ...] = ()
    url_slug: str = ""


@dataclass(frozen=True)
class _ActionSpec:
    ref: str
    title: str
    description: str
    owner: str
    agency: str
    due: dt.date
    success: str
    recs: tuple[str, ...]
    start: dt.date  # first month of the RAG history
    path: str  # RAG letters month by month; the last letter repeats to the end
    issue: str  # what holds it back (used in commentary)
    progress: str  # what has been achieved (commentary while Green)
    blue_at: dt.date | None = None  # the meeting that accepted the evidence
    moves: tuple[tuple[int, dt.date, str], ...] = ()  # (month index, new due date, reason)
    evidence: tuple[_Ev, ...] = ()
    status: ActionStatus | None = None
    recovery: str = ""  # what is in hand (commentary while Red or Amber)
    notes: dict[int, str] = field(default_factory=dict)  # month index: extra commentary


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


SEP18 = _d("2018-09-01")
OCT18 = _d("2018-10-01")
FEB19 = _d("2019-02-01")
MAR19 = _d("2019-03-01")
MAY19 = _d("2019-05-01")

ACTIONS: list[_ActionSpec] = [
    # Theme 1 ------------------------------------------------------------------------------
    _ActionSpec(
        "1.1",
        "Establish the Ofsted Priority Action Board and the Improvement Plan Delivery Group",
        "Independent chair, reduced membership and terms of reference for OPAB; a "
        "cross-partnership Delivery Group with council, police, NHS, schools and third sector "
        "representatives that plans, delivers and evidences the plan.",
        "hannah",
        WCC,
        _d("2018-10-31"),
        "Both groups meet to schedule with partner attendance of at least 80%; every action "
        "has an owner and reports monthly.",
        ("C1", "C10"),
        SEP18,
        "AGG",
        "partners have still to nominate members of the Delivery Group",
        "both groups meet to schedule and partners attend",
        recovery="the programme office is chasing nominations",
        blue_at=_d("2019-05-14"),
        evidence=(
            _Ev(
                "OPAB and Delivery Group terms of reference",
                "Terms of reference and membership lists for both groups.",
                _d("2019-02-27"),
                (
                    (
                        _d("2019-03-19"),
                        ReviewOutcome.RETURNED,
                        "Shows the groups exist; add a "
                        "record of partner attendance to show they work.",
                    ),
                ),
                "terms-of-reference",
            ),
            _Ev(
                "Attendance record, September 2018 to April 2019",
                "Attendance by organisation at every OPAB and Delivery Group meeting, with the "
                "forward plan of reports.",
                _d("2019-04-23"),
                (
                    (
                        _d("2019-05-14"),
                        ReviewOutcome.ACCEPTED,
                        "Accepted: attendance above 80% across all partners since November.",
                    ),
                ),
                "attendance-record",
            ),
        ),
    ),
    _ActionSpec(
        "1.2",
        "Agree and publish widely understood milestones for the improvement journey",
        "A milestone plan to good, agreed with partners and the wider system, communicated to "
        "staff, and refreshed after each Commissioner review.",
        "hannah",
        WCC,
        _d("2019-01-31"),
        "Milestones published; a staff survey shows at least 70% of staff know the next milestone.",
        ("C10", "C1"),
        SEP18,
        "AAAAAGG",
        "the milestones need re-sequencing around the practice model go-live",
        "milestones agreed with partners and published on the intranet",
        recovery="a draft milestone plan is with partners for comment",
        moves=(
            (
                4,
                _d("2019-04-30"),
                "Milestones re-sequenced around the April 2019 practice model go-live.",
            ),
            (
                12,
                _d("2020-03-31"),
                "Year-two milestones to be agreed with partners after the "
                "Commissioner's twelve-month review.",
            ),
        ),
    ),
    _ActionSpec(
        "1.3",
        "Monthly performance scorecard with national and regional benchmarks",
        "A scorecard of key indicators for OPAB and the Children and Education Select "
        "Committee, each month against the national average and quarterly regional "
        "benchmarks, with the service's narrative wherever there is a sustained downward trend.",
        "mark",
        WCC,
        _d("2019-03-31"),
        "Scorecard published monthly; every indicator with three or more periods moving the "
        "wrong way carries a narrative.",
        ("C10", "O4"),
        SEP18,
        "RAAGGGGG",
        "the case management system cannot yet produce several indicators",
        "the scorecard is produced monthly and shared with the Select Committee",
        recovery="missing indicators are built by hand until the system release",
        moves=(
            (
                6,
                _d("2020-03-31"),
                "The Select Committee asked for narratives on sustained "
                "downward trends to be added to the scorecard.",
            ),
        ),
        evidence=(
            _Ev(
                "Performance scorecard, June 2019",
                "The June scorecard as sent to the Select Committee.",
                _d("2019-06-20"),
                (
                    (
                        _d("2019-07-09"),
                        ReviewOutcome.RETURNED,
                        "Shows the scorecard exists, not "
                        "that narratives are produced for sustained downward trends; resubmit with "
                        "the Select Committee's quarterly report.",
                    ),
                ),
                "scorecard-2019-06",
            ),
        ),
    ),
    _ActionSpec(
        "1.4",
        "Partners report their contribution to the plan to OPAB each quarter",
        "Police, health, schools and the third sector each report quarterly on the actions they "
        "lead and on their staff's take-up of training and new procedures.",
        "hannah",
        WCC,
        _d("2020-03-31"),
        "Four quarterly partner reports received by OPAB, with actions arising completed.",
        ("C1",),
        OCT18,
        "AAAGGGG",
        "two partners have not yet nominated a reporting lead",
        "quarterly partner reports are received from police, health, schools and the third sector",
        recovery="a reporting template has been agreed with all partners",
    ),
    _ActionSpec(
        "1.5",
        "Agree a single improvement partner and a sector-led support programme",
        "Consider the options for a single improvement partner and agree a programme of "
        "support, peer challenge and practice mentoring.",
        "lucy",
        WCC,
        _d("2019-02-28"),
        "Partner agreed and support programme under way by March 2019.",
        ("C7",),
        OCT18,
        "AAG",
        "the options appraisal is taking longer than planned",
        "a preferred improvement partner has been identified and the programme is being agreed",
        recovery="the options appraisal is under way with the DfE adviser",
        blue_at=_d("2019-05-14"),
        evidence=(
            _Ev(
                "Improvement partner agreement and support programme",
                "Signed memorandum of understanding and the first quarter's programme.",
                _d("2019-04-18"),
                ((_d("2019-05-14"), ReviewOutcome.ACCEPTED, "Accepted."),),
                "improvement-partner",
            ),
        ),
    ),
    _ActionSpec(
        "1.6",
        "Engage staff and partners in the vision: roadshows, practice weeks and a staff survey",
        "Quarterly roadshows led by the Director, a practice week in each quadrant and a "
        "quarterly staff survey whose results come to OPAB.",
        "rachel",
        WCC,
        _d("2020-03-31"),
        "At least 75% of staff say they understand the vision and how their work contributes.",
        ("C1",),
        OCT18,
        "AAAGGG",
        "response rates to the staff survey are low",
        "roadshows have been held in every quadrant and survey responses are rising",
        recovery="roadshows are scheduled in every quadrant",
    ),
    # Theme 2 ------------------------------------------------------------------------------
    _ActionSpec(
        "2.1",
        "End child protection plans only when risks have demonstrably reduced",
        "A step-down panel and conference chair challenge for every plan proposed to end, with "
        "a review of children who became subject to a plan for a second or subsequent time.",
        "mark",
        WCC,
        _d("2019-06-30"),
        "Children subject to a plan for a second or subsequent time below 20% (indicator K2).",
        ("C4", "O3", "M1"),
        SEP18,
        "RRRAAAAGGGGGGGGA",
        "repeat child protection plans are still above the 18% target",
        "repeat plans are falling month on month",
        recovery="the step-down panel reviews every plan proposed to end",
        moves=(
            (
                7,
                _d("2019-12-31"),
                "Step-down panel embedded in the locality structure from "
                "April; impact to be shown over two quarters.",
            ),
            (
                15,
                _d("2020-06-30"),
                "Repeat plans have fallen to 19.6% but not yet to the 18% target; two more "
                "quarters to show sustained impact.",
            ),
        ),
    ),
    _ActionSpec(
        "2.2",
        "Reduce handovers: locality teams so children keep one social worker",
        "Restructure into locality teams so that a child keeps one social worker from "
        "assessment to closure, removing three of the four handover points.",
        "lucy",
        WCC,
        _d("2019-04-01"),
        "At least 85% of children keep the same social worker for six months after the "
        "restructure.",
        ("M2", "C8"),
        OCT18,
        "AAAAAAGG",
        "case transfer planning depends on the new structure being fully staffed",
        "the locality structure went live on 1 April and case transfers are complete",
        recovery="the case transfer plan for the April go-live is agreed",
        blue_at=_d("2019-11-05"),
        evidence=(
            _Ev(
                "Case transfer audit, September 2019",
                "Audit of 120 children's records six months after go-live.",
                _d("2019-10-14"),
                (
                    (
                        _d("2019-11-05"),
                        ReviewOutcome.ACCEPTED,
                        "Accepted: 88% of children kept their social worker.",
                    ),
                ),
                "case-transfer-audit",
            ),
        ),
    ),
    _ActionSpec(
        "2.3",
        "Permanence planning from the second review, tracked monthly by managers",
        "Permanence options considered together at every child's second review, recorded in the "
        "care plan, and a permanence tracker reviewed monthly by team managers.",
        "joseph",
        WCC,
        _d("2020-03-31"),
        "Every child in care for four months has a recorded permanence plan; tracker reviewed "
        "monthly in every team.",
        ("O7", "M6"),
        FEB19,
        "AAAGGG",
        "early permanence is not yet recorded in every care plan",
        "the permanence tracker is in use in every locality",
        recovery="the permanence tracker is being piloted in two localities",
    ),
    _ActionSpec(
        "2.4",
        "Reassess children's circumstances for every review and after significant events",
        "Updated assessments before each looked-after review and after significant changes; a "
        "chronology on every child's file.",
        "joseph",
        WCC,
        _d("2019-10-31"),
        "Audits show at least 80% of care plans informed by a current assessment and chronology.",
        ("M5", "C4"),
        FEB19,
        "RRAAAAAAAA",
        "the chronology template is not yet available in the case management system",
        "assessment updates are scheduled before every review",
        recovery="assessment updates are now scheduled before every review",
        moves=(
            (
                8,
                _d("2020-01-31"),
                "Case management system changes delayed to the December release.",
            ),
        ),
    ),
    _ActionSpec(
        "2.5",
        "Quality assurance and audit framework with monthly themed audits",
        "Monthly themed case audits with moderation, practice observation and findings "
        "reported to OPAB and the Safeguarding Children Partnership.",
        "mark",
        WCC,
        _d("2019-01-31"),
        "Audit programme running with moderation; audit judgements agree with Ofsted's.",
        ("C4", "O4"),
        SEP18,
        "AAGG",
        "moderation capacity is limited",
        "the audit programme runs monthly with moderation",
        recovery="moderators are being trained in every quadrant",
        blue_at=_d("2019-05-14"),
        evidence=(
            _Ev(
                "Audit framework and moderation reports, January to March 2019",
                "The framework, three monthly audit reports and the moderation log.",
                _d("2019-04-16"),
                (
                    (
                        _d("2019-05-14"),
                        ReviewOutcome.ACCEPTED,
                        "Accepted: confirmed by the January monitoring visit.",
                    ),
                ),
                "audit-framework",
            ),
        ),
    ),
    _ActionSpec(
        "2.6",
        "Purposeful direct work with children, recorded against their care plans",
        "Direct work toolkits, visits aligned to care plan objectives, and recording of "
        "children's identity, culture and diversity.",
        "rachel",
        WCC,
        _d("2020-03-31"),
        "Audits show purposeful direct work in at least 75% of children's records.",
        ("M9",),
        FEB19,
        "AAAGGG",
        "visit records are not always up to date",
        "toolkits are in use and audits show improving direct work",
        recovery="direct work toolkits have been issued to every team",
    ),
    _ActionSpec(
        "2.7",
        "Improve the quality of personal education plans",
        "A PEP quality audit each term, virtual school attendance at PEP meetings for children "
        "at risk of exclusion, and purposeful use of the pupil premium.",
        "sarah",
        WCC,
        _d("2019-07-31"),
        "At least 80% of PEPs rated good or better at audit.",
        ("O9", "M7"),
        FEB19,
        "RRAAAAARRR",
        "PEP quality audits still rate fewer than half of plans good",
        "PEP quality is improving",
        recovery="the PEP template has been revised with schools",
        notes={6: "The summer term audit rated 44% of PEPs good or better."},
    ),
    _ActionSpec(
        "2.8",
        "Designated teachers network and school-led PEP quality checks",
        "Training for designated teachers in every school with children in care, and "
        "school-led checks of PEP targets and pupil premium plans.",
        "angela",
        SCHOOLS,
        _d("2020-03-31"),
        "Every designated teacher trained; school-led checks in all secondary schools.",
        ("M7", "O9"),
        MAR19,
        "AAGG",
        "primary schools' take-up of designated teacher training has been slow",
        "designated teachers have been trained in most schools",
        recovery="extra twilight sessions have been arranged for primary schools",
    ),
    _ActionSpec(
        "2.9",
        "Pathway plans for every care leaver, and staying in touch",
        "An up-to-date pathway plan for every care leaver, personal advisers allocated at 16, "
        "and contact at least every eight weeks.",
        "joseph",
        WCC,
        _d("2020-03-31"),
        "At least 95% of care leavers in touch with the Council (indicator K7).",
        ("O11",),
        OCT18,
        "RRAAAGGG",
        "personal adviser vacancies leave some care leavers without regular contact",
        "personal advisers are allocated at 16 and contact is tracked monthly",
        recovery="agency personal advisers are covering vacancies",
    ),
    # Theme 3 ------------------------------------------------------------------------------
    _ActionSpec(
        "3.1",
        "Reform the MASH: co-located triage and decisions on contacts within 24 hours",
        "Police, health and social care co-located in the MASH with joint triage, a clear "
        "escalation route, and a decision on every contact within 24 hours.",
        "claire",
        WCC,
        _d("2019-03-31"),
        "Decisions on 95% of contacts within 24 hours; re-referrals within 12 months below 22% "
        "(indicator K1).",
        ("C3", "O1"),
        SEP18,
        "RRRAAAAGG",
        "police and health staff are not yet co-located in the MASH",
        "police and health triage staff are co-located and working to the 24-hour standard",
        recovery="co-location has been agreed in principle with police and health",
        blue_at=_d("2019-09-10"),
        moves=(
            (
                5,
                _d("2019-06-30"),
                "Police co-location delayed by building works at the front door premises.",
            ),
        ),
        evidence=(
            _Ev(
                "MASH timeliness report, March to July 2019",
                "Contacts decided within 24 hours, by month and by referring agency.",
                _d("2019-08-15"),
                ((_d("2019-09-10"), ReviewOutcome.ACCEPTED, "Accepted."),),
                "mash-timeliness",
            ),
            _Ev(
                "Partner co-location agreement",
                "Signed agreement with Wealdshire Police and the CCG for staff in the MASH.",
                _d("2019-08-15"),
                ((_d("2019-09-10"), ReviewOutcome.ACCEPTED, "Accepted."),),
                "mash-co-location",
            ),
        ),
    ),
    _ActionSpec(
        "3.2",
        "Relaunch threshold guidance with partner training",
        "Relaunch the continuum of need with partners, with training for referrers in schools, "
        "health and police, and feedback to referrers on every contact.",
        "claire",
        WCC,
        _d("2020-03-31"),
        "At least 60% of contacts lead to a social care or early help response.",
        ("O1", "C3", "C5"),
        SEP18,
        "AAAGGG",
        "some referrers still send contacts that need no social care response",
        "threshold training is being delivered to partner staff as planned",
        recovery="threshold training is booked for schools, health and police",
    ),
    _ActionSpec(
        "3.3",
        "Family Safeguarding hubs with adult specialists",
        "Multi-disciplinary hubs bringing adult mental health, substance misuse and domestic "
        "abuse practitioners together with social workers around the family.",
        "lucy",
        WCC,
        _d("2019-04-01"),
        "Hubs open in all four quadrants with adult practitioners in post; fewer repeat child "
        "protection plans (indicator K2).",
        ("M3", "C8", "C4"),
        OCT18,
        "AAGGGGARAAGG",
        "adult practitioners from health partners are not yet in post",
        "the hubs are opening to the agreed timetable",
        recovery="recruitment of adult practitioners is under way with the CCG",
        notes={7: "Two hubs opened on 1 April; the other two wait for adult practitioners."},
        moves=(
            (
                8,
                _d("2020-03-31"),
                "Recruitment of adult practitioners from health partners slower than planned.",
            ),
        ),
    ),
    _ActionSpec(
        "3.4",
        "Training on cumulative neglect and domestic abuse for staff and partners",
        "Training for social workers, managers, conference chairs and partner agencies on the "
        "impact of cumulative neglect, domestic abuse and other adult difficulties on children.",
        "rachel",
        WCC,
        _d("2019-06-30"),
        "All social workers, managers and conference chairs trained; audits show the impact of "
        "neglect analysed in assessments.",
        ("M3", "O2"),
        OCT18,
        "AAGGGGGG",
        "places for partner agencies' staff are oversubscribed",
        "training is running to plan for social workers, managers and conference chairs",
        recovery="extra courses have been commissioned",
        moves=(
            (
                8,
                _d("2020-01-31"),
                "Training extended to partner agencies' staff at the "
                "Safeguarding Children Partnership's request.",
            ),
        ),
        evidence=(
            _Ev(
                "Training completion and neglect audit, October 2019",
                "Completion by role and agency, and an audit of 60 assessments.",
                _d("2019-11-22"),
                (),
                "neglect-training",
            ),
        ),
    ),
    _ActionSpec(
        "3.5",
        "Missing and exploited children: assertive disruption and prosecution",
        "A weekly multi-agency exploitation panel, an escalation protocol with Wealdshire "
        "Police, and every civil and legal option used to disrupt, pursue and prosecute "
        "perpetrators.",
        "rebecca",
        POLICE,
        _d("2019-06-30"),
        "Every child at high risk of exploitation has a disruption plan reviewed weekly.",
        ("O6", "M10"),
        FEB19,
        "RRRRAARAAA",
        "the police exploitation team is not fully staffed",
        "disruption plans are in place for every high-risk child",
        recovery="the weekly exploitation panel reviews a disruption plan for every "
        "high-risk child",
        notes={9: "The new police exploitation team is fully staffed from November."},
        moves=(
            (4, _d("2020-03-31"), "New police exploitation team not fully staffed until November."),
        ),
    ),
    _ActionSpec(
        "3.6",
        "Return home interviews within 72 hours for every missing episode",
        "A return home interview offered within 72 hours of every missing episode, with "
        "information shared with the police analyst.",
        "grace",
        CVS,
        _d("2020-03-31"),
        "At least 90% of interviews offered within 72 hours (indicator K9).",
        ("O6",),
        OCT18,
        "RRAAAGGG",
        "notifications of missing episodes reach the service late",
        "notifications are automated and interviews are offered within 72 hours",
        recovery="automated notifications are being tested with the police",
    ),
    _ActionSpec(
        "3.7",
        "Review and reconfigure the Early Help offer",
        "Review the Early Help offer with schools and partners, and reconfigure it around "
        "family centres and a single early help assessment.",
        "kevin",
        WCC,
        _d("2019-09-30"),
        "A reconfigured offer agreed with partners and in place.",
        ("C5", "O13"),
        OCT18,
        "AAAAAAAARRRR",
        "the review has taken longer than planned and schools want more time to respond",
        "the review is on track",
        recovery="consultation with schools and partners is under way",
        notes={
            11: "The Board deferred its decision on the offer to November.",
            13: "The Board approved the reconfigured offer on 5 November; the implementation "
            "plan and a revised due date go to the January meeting.",
        },
    ),
    _ActionSpec(
        "3.8",
        "Initial health assessments within 20 working days for every child entering care",
        "Daily notification of children entering care to health, extra paediatric clinics and "
        "weekly tracking of every assessment.",
        "jamal",
        NHS,
        _d("2019-06-30"),
        "At least 90% of initial health assessments within 20 working days (indicator K3).",
        ("O8", "M4"),
        SEP18,
        "RRRRRAAAAAGGG",
        "notifications of children entering care reach health late",
        "timeliness is rising month on month towards the 90% trajectory",
        recovery="extra clinics run weekly and notifications are now sent daily",
        moves=(
            (10, _d("2020-03-31"), "The Board agreed a revised trajectory to 90% by March 2020."),
        ),
    ),
    _ActionSpec(
        "3.9",
        "Placements closer to home: a sufficiency strategy to bring children back to Wealdshire",
        "Increase local foster and residential placements so that children in care and care "
        "leavers live in or near Wealdshire.",
        "fiona",
        WCC,
        _d("2019-12-31"),
        "Children in care placed more than 20 miles from home below 15% (indicator K8).",
        ("C6", "O10", "M11"),
        SEP18,
        "AAAAGGGGGAAAAAR",
        "local foster carers are leaving faster than new carers are approved",
        "the sufficiency strategy is agreed and more children are returning to local placements",
        recovery="a recruitment campaign for foster carers is under way",
        notes={
            9: "Placements more than 20 miles from home rose in June for the first time this year.",
            14: "OPAB agreed the Red rating on 5 November and asked for a recovery plan in "
            "January.",
        },
    ),
    # Theme 4 ------------------------------------------------------------------------------
    _ActionSpec(
        "4.1",
        "Embed a unified practice model across children's social care",
        "A single strengths-based, systemic practice model with two days' training for all "
        "staff, practice leads in every team and a practice standards handbook.",
        "rachel",
        WCC,
        _d("2020-03-31"),
        "All staff trained; audits show the model in use in at least 80% of records.",
        ("C8",),
        SEP18,
        "AAAGGG",
        "training places had to be rescheduled around the restructure",
        "the training programme is on schedule and practice leads are in every team",
        recovery="training has been rescheduled so all teams finish before April",
    ),
    _ActionSpec(
        "4.2",
        "Monthly reflective supervision recorded on every child's file",
        "Supervision at least monthly, recorded on the child's file using the reflective "
        "template, with a compliance dashboard for managers.",
        "lucy",
        WCC,
        _d("2019-06-30"),
        "At least 90% of children's files show supervision in the last month.",
        ("O4", "M8"),
        FEB19,
        "RRAAAARRRR",
        "supervision is not recorded on many children's files",
        "supervision compliance is rising",
        recovery="the supervision dashboard is in use in every team",
        notes={6: "Compliance dipped to 61% over the summer."},
    ),
    _ActionSpec(
        "4.3",
        "Reduce agency social workers to below 15%",
        "Permanent recruitment, international recruitment cohorts and conversion offers for "
        "agency staff.",
        "owen",
        WCC,
        _d("2019-12-31"),
        "Agency social workers below 15% (indicator K4).",
        ("C9", "O5"),
        SEP18,
        "RRRRRAAAAAAAAAAR",
        "agency use remains well above the 15% target",
        "agency use is falling",
        recovery="permanent and international recruitment is under way",
        notes={15: "The December target has been missed: 20.6% in November."},
    ),
    _ActionSpec(
        "4.4",
        "Retention offer: career progression, market supplement and an ASYE academy",
        "A career progression framework, a market supplement for hard-to-fill teams and an "
        "academy for newly qualified social workers with protected caseloads.",
        "owen",
        WCC,
        _d("2019-04-30"),
        "Offer in place; social worker turnover below 18%.",
        ("C9",),
        OCT18,
        "AAGGG",
        "the market supplement needs agreement from the trade unions",
        "the offer is agreed and turnover is falling",
        recovery="negotiations with the trade unions are under way",
        blue_at=_d("2019-07-09"),
        evidence=(
            _Ev(
                "Retention offer and turnover report",
                "The approved offer and turnover by quarter.",
                _d("2019-06-17"),
                ((_d("2019-07-09"), ReviewOutcome.ACCEPTED, "Accepted."),),
                "retention-offer",
            ),
        ),
    ),
    _ActionSpec(
        "4.5",
        "Reduce caseloads to an average of 18 per social worker",
        "Caseload weighting tool, allocation rules by team type and monthly caseload reporting "
        "by quadrant.",
        "lucy",
        WCC,
        _d("2019-09-30"),
        "Average caseload of 18 or fewer in every quadrant (indicator K5).",
        ("O5", "M12"),
        OCT18,
        "RRRAAAAGGGAAAA",
        "vacancies in the south east quadrant keep caseloads high",
        "the average caseload is falling towards 18",
        recovery="agency cover and a caseload weighting tool are being introduced",
        moves=(
            (
                11,
                _d("2020-03-31"),
                "Vacancies in the south east quadrant; caseload weighting "
                "tool to be rolled out in January.",
            ),
        ),
    ),
    _ActionSpec(
        "4.6",
        "First-line manager development programme and practice standards",
        "A development programme for team and practice managers, practice standards and "
        "management oversight recorded on every file.",
        "mark",
        WCC,
        _d("2020-03-31"),
        "All first-line managers complete the programme; audits show reflective oversight on "
        "at least 75% of files.",
        ("O4", "C4", "M8"),
        OCT18,
        "AAAGGG",
        "managers struggle to release time for the programme",
        "cohorts of managers are completing the programme",
        recovery="sessions have moved to quadrant offices",
    ),
    # Theme 5 ------------------------------------------------------------------------------
    _ActionSpec(
        "5.1",
        "Children in care council action cards answered by the Corporate Parenting Board",
        "Action cards from the children in care council at every Corporate Parenting Board, "
        "each answered by a named board member within 28 days.",
        "natalie",
        WCC,
        _d("2019-03-31"),
        "Every card answered within 28 days and the answers reported back to the council.",
        ("C2", "O12"),
        SEP18,
        "AGG",
        "the action card process is still being designed with the children in care council",
        "every card is answered within 28 days",
        recovery="the first cards are due at the December Corporate Parenting Board",
        blue_at=_d("2019-07-09"),
        evidence=(
            _Ev(
                "Action card log, December 2018 to June 2019",
                "Each card, the board member answering it, the answer and the date.",
                _d("2019-06-20"),
                ((_d("2019-07-09"), ReviewOutcome.ACCEPTED, "Accepted."),),
                "action-card-log",
            ),
        ),
    ),
    _ActionSpec(
        "5.2",
        "Young inspectors and a co-produced local offer for care leavers",
        "Train young inspectors to review services, and co-produce the care leavers' local "
        "offer with care leavers.",
        "natalie",
        WCC,
        _d("2020-03-31"),
        "Two young inspector reviews a year; local offer co-produced and published.",
        ("C2", "O12"),
        OCT18,
        "AAAAGGGG",
        "recruiting young inspectors is taking longer than planned",
        "young inspectors are trained and the local offer is being drafted with care leavers",
        recovery="young inspectors are being recruited through the children in care council",
    ),
    _ActionSpec(
        "5.3",
        "Support networks for foster carers to improve retention",
        "Hub-and-spoke peer support networks for foster carers, with respite and a named "
        "supporting carer, to help carers through challenging periods.",
        "fiona",
        WCC,
        _d("2019-09-30"),
        "Foster carer retention above 90%; networks in all four quadrants.",
        ("M11", "C6"),
        FEB19,
        "AAGGGGGGGA",
        "the extension to all quadrants needs more supporting carers",
        "two networks are running and carers in them feel better supported",
        recovery="supporting carers are being recruited",
        moves=(
            (
                8,
                _d("2020-03-31"),
                "Extension to all four quadrants agreed in response to the "
                "rise in distant placements.",
            ),
        ),
    ),
    _ActionSpec(
        "5.4",
        "Annual wellbeing survey of children in care and care leavers",
        "A survey co-designed with the children in care council, with results reported to the "
        "Corporate Parenting Board.",
        "natalie",
        WCC,
        _d("2020-03-31"),
        "Survey completed by at least 40% of children in care and care leavers.",
        ("C2", "O12"),
        MAY19,
        "GGGGGGG",
        "fieldwork depends on the survey platform being procured",
        "the questions have been co-designed with the children in care council",
        recovery="the platform is being procured",
        status=ActionStatus.NOT_STARTED,
    ),
    _ActionSpec(
        "5.5",
        "Third sector and schools represented in every Delivery Group workstream",
        "Named third sector and school representatives in each workstream of the Delivery Group.",
        "grace",
        CVS,
        _d("2020-03-31"),
        "Every workstream has third sector and school representation.",
        ("C1",),
        OCT18,
        "AGGGG",
        "two workstreams lack a school representative",
        "every workstream now has third sector and school members",
        recovery="schools' phase councils have been asked to nominate",
    ),
]

# --------------------------------------------------------------------------- risks

OPAB_DATES = [
    _d(s)
    for s in (
        "2018-09-19",
        "2018-11-14",
        "2019-01-22",
        "2019-03-19",
        "2019-05-14",
        "2019-07-09",
        "2019-09-10",
        "2019-11-05",
    )
]


@dataclass(frozen=True)
class _RiskSpec:
    ref: str
    title: str
    description: str
    cause: str
    consequence: str
    mitigation: str
    owner: str
    target: tuple[int, int]
    first_review: int  # index into OPAB_DATES
    scores: tuple[tuple[int, int], ...]  # (likelihood, impact) at each OPAB review
    actions: tuple[str, ...]
    notes: dict[int, str] = field(default_factory=dict)
    closed: bool = False


RISKS: list[_RiskSpec] = [
    _RiskSpec(
        "R1",
        "Partners not engaged in delivering the plan",
        # Verbatim from the Cabinet report's risk table (council name invented).
        "Wider stakeholder groups involved in the provision of children's services and related "
        "support for vulnerable children and their families are not engaged or committed to "
        "working collaboratively to ensure the successful delivery of the Wealdshire Children's "
        "Improvement Plan.",
        "Partners face their own financial and inspection pressures; the plan was first seen as "
        "the Council's.",
        "Actions led by police, health and schools slip; the Commissioner finds the wider "
        "system is not improving.",
        "Partnership representation is vital and this view is supported by the recommendations "
        "following Ofsted's 2018 inspection of children's services. A cross-partnership "
        "'Improvement Plan Delivery Group' has been established. This group reports regularly "
        "to the Ofsted Priority Action Board on progress. Robust terms of reference have been "
        "agreed and all partners are held to account by the board's Independent Chair.",
        "daniel",
        (2, 4),
        0,
        ((4, 4), (4, 4), (3, 4), (3, 4), (3, 4), (2, 4), (2, 4), (2, 4)),
        ("1.1", "1.4", "5.5"),
        {2: "Partners now report quarterly to the Board; attendance above 80%."},
    ),
    _RiskSpec(
        "R2",
        "The scale of change reduces performance",
        # Verbatim from the Cabinet report's risk table.
        "The quantity of change happening across the children's services operation leads to "
        "reduced performance across the service.",
        "A new structure, practice model, front door and workforce plan are being introduced "
        "in the same year.",
        "Visits, assessments and plans fall out of timescale while staff move teams; children "
        "are less safe.",
        "The Improvement Plan Delivery Group is working closely with the Family Resilience "
        "Programme Team to ensure the Improvement Plan activity is sequenced to minimise "
        "negative impact on frontline services. Performance across the services continues to "
        "be monitored by staff and management with clearly defined escalation pathways in place "
        "enabling the service to escalate issues for consideration without delay.",
        "lucy",
        (2, 3),
        0,
        ((4, 4), (4, 4), (4, 4), (4, 5), (3, 4), (3, 4), (3, 4), (3, 3)),
        ("4.1", "2.2", "1.2"),
        {3: "Impact raised for the April go-live of the structure and practice model."},
    ),
    _RiskSpec(
        "R3",
        "Not enough permanent social workers and managers",
        "The Council cannot recruit and retain enough permanent, experienced social workers and "
        "managers to deliver the plan.",
        "A competitive regional market and the reputational effect of the inadequate judgement.",
        "High agency use, changes of social worker for children, and higher caseloads.",
        "Workforce strategy: permanent and international recruitment, a retention offer with a "
        "market supplement, an academy for newly qualified social workers, conversion offers "
        "for agency staff.",
        "owen",
        (2, 4),
        0,
        ((5, 5), (5, 5), (5, 4), (4, 4), (4, 4), (4, 4), (3, 4), (3, 4)),
        ("4.3", "4.4", "4.5"),
    ),
    _RiskSpec(
        "R4",
        "Go-live of the practice model and structure destabilises case allocation",
        "Moving 2,160 children's cases into the new locality structure in April 2019 leaves "
        "children unallocated or visits out of timescale.",
        "Simultaneous transfer of cases across all quadrants.",
        "Children not visited; loss of trust among families and partners.",
        "Transfer protocol, a daily dashboard of unallocated cases, and a senior manager on call "
        "in every quadrant for the first six weeks.",
        "rachel",
        (1, 3),
        2,
        ((3, 4), (4, 4), (3, 4), (2, 3), (2, 3), (1, 3)),
        ("2.2", "4.1"),
        {5: "Go-live complete and case transfers finished; risk closed."},
        closed=True,
    ),
    _RiskSpec(
        "R5",
        "Not enough local placements for children in care",
        "There are not enough local foster and residential placements, so children in care live "
        "far from their families, schools and communities.",
        "Foster carers leaving faster than new carers are approved; rising demand for "
        "placements for teenagers with complex needs.",
        "Children placed at a distance, placement moves, higher costs and poorer outcomes.",
        "Sufficiency strategy, foster carer recruitment campaign for teenagers, hub-and-spoke "
        "support networks for carers, joint commissioning with neighbouring councils.",
        "fiona",
        (2, 4),
        0,
        ((4, 4), (4, 4), (4, 4), (3, 4), (3, 4), (3, 4), (4, 4), (4, 5)),
        ("3.9", "5.3"),
        {
            6: "Placements more than 20 miles from home rising since May.",
            7: "Sustained rise in distant placements; recovery plan requested.",
        },
    ),
    _RiskSpec(
        "R6",
        "The front door cannot manage demand safely",
        "The MASH receives more contacts than it can triage safely, and partners apply "
        "thresholds inconsistently, so some children wait too long for a decision.",
        "High volumes of contacts that need no social care response; partners not co-located.",
        "Unsafe delays at the front door; children not protected promptly.",
        "MASH reform with co-located police and health triage, threshold relaunch and partner "
        "training, daily oversight of contacts awaiting a decision.",
        "claire",
        (2, 4),
        0,
        ((5, 5), (5, 5), (4, 5), (4, 5), (3, 5), (3, 4), (2, 4), (2, 4)),
        ("3.1", "3.2"),
    ),
    _RiskSpec(
        "R7",
        "Children at risk of exploitation are not protected quickly enough",
        "The multi-agency response to children who go missing and are exploited is not "
        "assertive enough to reduce serious risks quickly.",
        "Escalation to the police has met resistance; disruption options are not always used.",
        "Serious harm to children; loss of confidence in the partnership.",
        "Weekly exploitation panel, escalation protocol with Wealdshire Police, return home "
        "interviews within 72 hours, disruption plan for every high-risk child.",
        "rebecca",
        (2, 5),
        2,
        ((4, 5), (4, 5), (4, 5), (3, 5), (3, 5), (3, 5)),
        ("3.5", "3.6"),
        {3: "Escalation protocol agreed; police exploitation team being recruited."},
    ),
    _RiskSpec(
        "R8",
        "Performance information is not reliable",
        "Recording practice and the case management system do not yet give accurate, timely "
        "performance information.",
        "Inconsistent recording; reports built by hand.",
        "The Board and the Select Committee cannot rely on the scorecard.",
        "Data quality checks each month, recording standards, automated scorecard from the "
        "December system release.",
        "mark",
        (2, 3),
        0,
        ((3, 3), (3, 3), (3, 4), (3, 4), (3, 4), (3, 3), (3, 3), (3, 3)),
        ("1.3", "2.4"),
    ),
    _RiskSpec(
        "R9",
        "Improvement funded within existing budgets",
        "The plan is funded within the existing budget envelope; overspends on agency staff and "
        "placements squeeze the capacity to improve.",
        "No additional funding for the plan; rising placement costs.",
        "Improvement activity slows or is cut back.",
        "Monthly budget monitoring with the Section 151 Officer; agency reduction releases "
        "savings; improvement spend ring-fenced.",
        "daniel",
        (2, 3),
        0,
        ((3, 4), (3, 4), (3, 4), (3, 4), (3, 3), (3, 3), (3, 4), (3, 4)),
        ("4.3", "3.9"),
    ),
    _RiskSpec(
        "R10",
        "Insufficient progress at the Commissioner's reviews",
        "The Commissioner's six- and twelve-month reviews find insufficient progress and "
        "children's services are removed from the Council's control.",
        "Progress too slow or not evidenced.",
        "Loss of control of children's services to an independent trust.",
        "Evidence-led plan overseen by the Board, milestones agreed with the Commissioner, "
        "improvement partner support.",
        "daniel",
        (1, 5),
        0,
        ((3, 5), (3, 5), (3, 5), (3, 5), (2, 5), (2, 5), (1, 5), (1, 5)),
        ("1.2", "1.5"),
        {
            4: "Six-month review positive.",
            6: "Twelve-month review: control stays with the Council.",
        },
    ),
]

# --------------------------------------------------------------------------- KPIs

KPI_START = _d("2018-09-01")


@dataclass(frozen=True)
class _KpiSpec:
    ref: str
    title: str
    description: str
    unit: str
    polarity: Polarity
    target: float
    values: tuple[float, ...]  # monthly from KPI_START
    national: tuple[float, float]  # 2018-19 until March 2019, then 2019-20
    regional: tuple[float, ...]  # quarterly: Sep18, Q3, Q4, Q1, Q2...
    narrative: str | None = None
    narrative_by: str | None = None


_LOW = Polarity.LOWER_IS_BETTER
_HIGH = Polarity.HIGHER_IS_BETTER

KPIS: list[_KpiSpec] = [
    _KpiSpec(
        "K1",
        "Re-referrals within 12 months",
        "Referrals in the month for children referred within the previous 12 months, as a "
        "percentage of all referrals.",
        "%",
        _LOW,
        22.0,
        (
            28.9,
            29.4,
            28.7,
            27.9,
            28.2,
            27.1,
            26.4,
            25.8,
            25.1,
            24.6,
            24.9,
            24.0,
            23.5,
            23.1,
            22.8,
            22.5,
        ),
        (21.9, 22.6),
        (21.3, 21.0, 20.8, 20.9, 21.1),
    ),
    _KpiSpec(
        "K2",
        "Child protection plans for a second or subsequent time",
        "Children becoming subject to a child protection plan for a second or subsequent time, "
        "as a percentage of all new plans.",
        "%",
        _LOW,
        18.0,
        (
            26.5,
            27.3,
            26.8,
            25.9,
            25.2,
            24.8,
            24.1,
            23.0,
            22.6,
            21.9,
            22.3,
            21.4,
            20.7,
            20.2,
            19.8,
            19.6,
        ),
        (20.2, 20.8),
        (19.6, 19.5, 19.2, 19.4, 19.3),
    ),
    _KpiSpec(
        "K3",
        "Initial health assessments within 20 working days",
        "Children entering care whose initial health assessment took place within 20 working "
        "days, as a percentage of those entering care.",
        "%",
        _HIGH,
        90.0,
        (
            11.0,
            14.0,
            22.0,
            31.0,
            38.0,
            45.0,
            52.0,
            58.0,
            61.0,
            66.0,
            64.0,
            70.0,
            73.0,
            76.0,
            79.0,
            81.0,
        ),
        (68.0, 72.0),
        (66.0, 67.0, 69.0, 70.0, 71.0),
    ),
    _KpiSpec(
        "K4",
        "Agency social workers",
        "Agency social workers as a percentage of all social workers in post.",
        "%",
        _LOW,
        15.0,
        (
            33.0,
            32.4,
            31.8,
            31.9,
            30.2,
            28.7,
            27.5,
            26.8,
            25.1,
            24.0,
            23.6,
            22.4,
            21.7,
            21.0,
            20.6,
            20.4,
        ),
        (15.4, 15.8),
        (19.9, 19.7, 19.5, 19.8, 19.6),
    ),
    _KpiSpec(
        "K5",
        "Average caseload per social worker",
        "Children's cases held per case-holding social worker (average).",
        "cases",
        _LOW,
        18.0,
        (
            23.8,
            24.1,
            23.5,
            22.9,
            22.4,
            21.6,
            21.9,
            20.8,
            20.1,
            19.7,
            19.9,
            20.3,
            19.6,
            19.2,
            19.0,
            18.8,
        ),
        (17.4, 17.8),
        (17.9, 18.1, 18.0, 17.9, 18.2),
    ),
    _KpiSpec(
        "K6",
        "Personal education plans completed within timescale",
        "Children in care of school age with a personal education plan completed within the "
        "term, as a percentage.",
        "%",
        _HIGH,
        95.0,
        (
            58.0,
            61.0,
            60.0,
            64.0,
            67.0,
            71.0,
            74.0,
            78.0,
            81.0,
            83.0,
            80.0,
            85.0,
            87.0,
            89.0,
            90.0,
            91.0,
        ),
        (88.0, 89.0),
        (86.0, 86.0, 87.0, 87.0, 88.0),
    ),
    _KpiSpec(
        "K7",
        "Care leavers the Council is in touch with",
        "Care leavers aged 17 to 21 with whom the Council was in touch around their birthday, "
        "as a percentage.",
        "%",
        _HIGH,
        95.0,
        (
            84.0,
            85.0,
            85.0,
            86.0,
            87.0,
            87.0,
            88.0,
            89.0,
            90.0,
            90.0,
            91.0,
            92.0,
            92.0,
            93.0,
            93.0,
            94.0,
        ),
        (89.0, 90.0),
        (89.0, 89.0, 90.0, 90.0, 90.0),
    ),
    _KpiSpec(
        "K8",
        "Children in care placed more than 20 miles from home",
        "Children in care placed more than 20 miles from the address they were living at when "
        "they entered care, as a percentage of children in care.",
        "%",
        _LOW,
        15.0,
        (
            26.4,
            26.1,
            25.7,
            25.2,
            24.6,
            24.1,
            23.8,
            23.5,
            23.2,
            23.6,
            24.3,
            25.1,
            25.8,
            26.5,
            27.1,
            27.6,
        ),
        (15.0, 15.0),
        (18.0, 18.0, 18.2, 18.1, 18.3),
        "The rise since May reflects nineteen local foster carers retiring or resigning "
        "between May and September, more demand for placements for teenagers with complex "
        "needs, and two local children's homes closed for refurbishment. Our response: a "
        "recruitment campaign for foster carers for teenagers with an enhanced fee, the foster "
        "carer support networks extended to all quadrants, and joint commissioning of local "
        "residential places with two neighbouring councils. A recovery plan for action 3.9 "
        "comes to OPAB in January 2020.",
        "fiona",
    ),
    _KpiSpec(
        "K9",
        "Return home interviews offered within 72 hours",
        "Missing episodes after which the child was offered a return home interview within "
        "72 hours, as a percentage.",
        "%",
        _HIGH,
        90.0,
        (
            41.0,
            44.0,
            47.0,
            52.0,
            55.0,
            58.0,
            63.0,
            66.0,
            71.0,
            74.0,
            76.0,
            79.0,
            81.0,
            82.0,
            84.0,
            85.0,
        ),
        (70.0, 72.0),
        (73.0, 74.0, 74.0, 75.0, 76.0),
    ),
    _KpiSpec(
        "K10",
        "Child and family assessments within 45 working days",
        "Assessments completed within 45 working days of the referral, as a percentage.",
        "%",
        _HIGH,
        85.0,
        (
            62.0,
            64.0,
            61.0,
            66.0,
            69.0,
            72.0,
            70.0,
            74.0,
            77.0,
            79.0,
            81.0,
            80.0,
            83.0,
            84.0,
            85.0,
            86.0,
        ),
        (82.7, 83.1),
        (84.0, 84.5, 84.2, 84.8, 85.0),
    ),
]

MILESTONES: list[tuple[str, MilestoneKind, dt.date, dt.date | None, str]] = [
    (
        "Ofsted re-inspection report published: inadequate",
        MilestoneKind.INSPECTION,
        _d("2018-05-15"),
        _d("2018-05-15"),
        "Children's services judged inadequate; 18 recommendations.",
    ),
    (
        "Monitoring visit 1: children in need and child protection",
        MilestoneKind.MONITORING_VISIT,
        _d("2018-09-12"),
        _d("2018-09-12"),
        "11 and 12 September 2018; letter published 4 October 2018.",
    ),
    (
        "Commissioner's report and Statutory Direction published",
        MilestoneKind.COMMISSIONER_REVIEW,
        _d("2018-10-31"),
        _d("2018-10-31"),
        "Control of children's services stays with the Council, subject to reviews at six and "
        "twelve months.",
    ),
    (
        "Monitoring visit 2: children in care and permanence",
        MilestoneKind.MONITORING_VISIT,
        _d("2019-01-24"),
        _d("2019-01-24"),
        "23 and 24 January 2019; letter published 25 January 2019.",
    ),
    (
        "Practice model and locality structure go live",
        MilestoneKind.OTHER,
        _d("2019-04-01"),
        _d("2019-04-01"),
        "Family Safeguarding hubs open in two quadrants.",
    ),
    (
        "Commissioner's six-month review",
        MilestoneKind.COMMISSIONER_REVIEW,
        _d("2019-04-30"),
        _d("2019-04-25"),
        "Visit on 24 and 25 April 2019: progress and momentum maintained.",
    ),
    (
        "Monitoring visit 3: the front door and the MASH",
        MilestoneKind.MONITORING_VISIT,
        _d("2019-05-22"),
        _d("2019-05-22"),
        "21 and 22 May 2019.",
    ),
    (
        "Monitoring visit 4: care leavers",
        MilestoneKind.MONITORING_VISIT,
        _d("2019-08-14"),
        _d("2019-08-14"),
        "13 and 14 August 2019.",
    ),
    (
        "Commissioner's twelve-month review",
        MilestoneKind.COMMISSIONER_REVIEW,
        _d("2019-09-30"),
        _d("2019-09-05"),
        "Visit from 3 to 5 September 2019: control stays with the Council.",
    ),
    (
        "Monitoring visit 5: children in need of help and protection",
        MilestoneKind.MONITORING_VISIT,
        _d("2019-12-11"),
        _d("2019-12-11"),
        "10 and 11 December 2019; letter expected in January 2020.",
    ),
    (
        "Full re-inspection of children's services (ILACS)",
        MilestoneKind.INSPECTION,
        _d("2020-06-30"),
        None,
        "Expected in 2020; the Board's aim is a judgement of requires improvement or better.",
    ),
]

# --------------------------------------------------------------------------- meetings


@dataclass(frozen=True)
class _Dec:
    kind: DecisionKind
    wording: str
    role: str = ""  # "evidence": accepts/returns evidence; "risks": agrees risk scores
    rag_for: tuple[str, ...] = ()  # plan actions whose next RAG change this decision agreed


@dataclass(frozen=True)
class _Arising:
    text: str
    owner: str
    due: dt.date
    closed_on: dt.date | None = None  # date of the meeting that closed it
    closing_note: str = ""
    action: str | None = None  # plan action reference


@dataclass(frozen=True)
class _Q:
    author: str
    text: str
    shared: bool = True
    answer: str | None = None
    answered_by: str | None = None


@dataclass(frozen=True)
class _Item:
    title: str
    presenter: str
    minutes: str | None = None
    purpose: str | None = None
    kind: ItemKind = ItemKind.BUSINESS
    time_box: int = 20
    actions: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    kpis: tuple[str, ...] = ()
    decisions: tuple[_Dec, ...] = ()
    arising: tuple[_Arising, ...] = ()
    papers: tuple[str, ...] = ()
    exempt_paragraph: int | None = None
    questions: tuple[_Q, ...] = ()


@dataclass(frozen=True)
class _MeetingSpec:
    board: str
    date: dt.date
    items: tuple[_Item, ...]
    next_date: dt.date
    planned: bool = False
    hybrid: bool = False
    apologies: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()
    late: tuple[tuple[str, int], ...] = ()  # (person, position of the item they arrived at)
    left: tuple[tuple[str, int], ...] = ()  # (person, position of the last item they attended)
    declarations: tuple[tuple[str, int | None, str, str], ...] = ()
    aob: str = "There was no other business."


_AGREED = DecisionKind.AGREED
_APPROVED = DecisionKind.APPROVED
_NOTED = DecisionKind.NOTED
_ENDORSED = DecisionKind.ENDORSED
_DEFERRED = DecisionKind.DEFERRED
ALL_KPIS = tuple(k.ref for k in KPIS)
ALL_RISKS = tuple(r.ref for r in RISKS)

MEETINGS: list[_MeetingSpec] = [
    # ---------------------------------------------------------------- OPAB 19 September 2018
    _MeetingSpec(
        "OPAB",
        OPAB_DATES[0],
        (
            _Item(
                "Terms of reference and membership",
                "helen",
                "The Chair welcomed members to the first meeting of the Board with its new, "
                "reduced membership. Members discussed the quorum and agreed that partners "
                "would send a named deputy when they could not attend.",
                "To agree the Board's terms of reference, membership and quorum.",
                time_box=15,
                papers=("opab_terms_of_reference",),
                decisions=(
                    _Dec(
                        _APPROVED,
                        "The Board approved its terms of reference and membership, with a "
                        "quorum of one third of members including the Chair or Vice-Chair, and "
                        "agreed to meet every eight weeks.",
                    ),
                ),
            ),
            _Item(
                "Children's Improvement Plan (Strategic) September 2018 v4",
                "lucy",
                "The Director of Children's Social Care introduced the plan, developed by a "
                "multi-agency group of practitioners and leaders. Members asked that every "
                "action has a named owner and a success measure that shows impact for children, "
                "not only activity. The (B)RAG definitions were agreed: an action goes Blue "
                "only when the Board has accepted the evidence.",
                "To approve the Improvement Plan and the (B)RAG definitions.",
                time_box=40,
                actions=("1.1", "2.1", "3.1", "4.1", "4.3"),
                papers=("plan@2018-09-19",),
                decisions=(
                    _Dec(
                        _APPROVED,
                        "The Board approved the Children's Improvement Plan (Strategic) "
                        "September 2018 v4, its five themes and the (B)RAG definitions, and "
                        "agreed that the Improvement Plan Delivery Group will report progress to "
                        "every meeting.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Establish the Improvement Plan Delivery Group and circulate its terms "
                        "of reference.",
                        "hannah",
                        _d("2018-10-31"),
                        OPAB_DATES[1],
                        "Delivery Group established in October; terms of reference circulated.",
                        "1.1",
                    ),
                ),
            ),
            _Item(
                "Ofsted monitoring visit, 11 and 12 September 2018: initial feedback",
                "daniel",
                "The Director reported the inspectors' feedback. The findings matched the "
                "Council's self-assessment: too many child protection plans end before risks "
                "reduce, and practitioners do not understand well enough the impact of "
                "cumulative neglect and domestic abuse. Members asked for a performance "
                "scorecard with benchmarks at the next meeting.",
                "To note the feedback from the first monitoring visit.",
                time_box=30,
                actions=("2.1", "2.2", "3.3", "3.4"),
                kpis=("K1", "K2"),
                papers=("monitoring_visit_feedback_2018-09",),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the feedback from the monitoring visit of 11 and 12 "
                        "September 2018 and asked the Delivery Group to map each finding to "
                        "plan actions.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Bring a performance scorecard with national and regional benchmarks to "
                        "the next meeting.",
                        "mark",
                        _d("2018-11-14"),
                        OPAB_DATES[1],
                        "Scorecard presented at item 6 of the November meeting.",
                        "1.3",
                    ),
                ),
            ),
        ),
        OPAB_DATES[1],
        apologies=("tom",),
    ),
    # ---------------------------------------------------------------- OPAB 14 November 2018
    _MeetingSpec(
        "OPAB",
        OPAB_DATES[1],
        (
            _Item(
                "Report of the Commissioner and the Statutory Direction",
                "daniel",
                "The Director summarised the Commissioner's report and the Secretary of "
                "State's Direction of 31 October. Members welcomed the decision that control "
                "stays with the Council and stressed that the six- and twelve-month reviews "
                "will test whether momentum is maintained. Each of the ten recommendations has "
                "been mapped to plan actions.",
                "To note the Commissioner's report and agree how progress against his "
                "recommendations is reported.",
                time_box=30,
                actions=("1.2", "1.5", "3.1", "3.7", "4.1", "4.3"),
                risks=("R10",),
                papers=("commissioner_report_response",),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the report of the Commissioner for Children's Services "
                        "and the Statutory Direction of 31 October 2018.",
                    ),
                    _Dec(
                        _AGREED,
                        "The Board agreed that progress against each of the Commissioner's ten "
                        "recommendations will be reported at every meeting.",
                    ),
                ),
            ),
            _Item(
                "Performance scorecard",
                "mark",
                "The Assistant Director presented the first scorecard. Re-referrals and repeat "
                "child protection plans are well above national and regional averages; initial "
                "health assessments within 20 working days are very low. Members asked that the "
                "Select Committee receive the same scorecard.",
                "To agree the scorecard and its benchmarks.",
                time_box=25,
                kpis=ALL_KPIS,
                actions=("1.3",),
                papers=("performance@2018-11-14",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed the scorecard format: monthly values against the "
                        "national average and quarterly regional benchmarks, shared with the "
                        "Children and Education Select Committee.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Add the service's narrative to any indicator with three or more "
                        "periods moving the wrong way.",
                        "mark",
                        _d("2019-01-22"),
                        OPAB_DATES[2],
                        "Narrative field added to the scorecard.",
                        "1.3",
                    ),
                ),
            ),
            _Item(
                "MASH reform: priority plan",
                "claire",
                "The Head of MASH set out the plan for co-located triage. Police and health "
                "staff are not yet co-located and contacts awaiting a decision peaked at 410 "
                "in October. Members agreed the action remains Red and asked partners to "
                "confirm staff.",
                "To agree the priority plan for MASH reform.",
                time_box=30,
                actions=("3.1", "3.2"),
                risks=("R6",),
                kpis=("K1",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed the MASH priority plan, confirmed the Red rating of "
                        "action 3.1 and asked Wealdshire Police and the CCG to confirm staff for "
                        "co-location by January 2019.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Confirm police officers for MASH co-location.",
                        "gareth",
                        _d("2019-01-15"),
                        OPAB_DATES[2],
                        "Four officers confirmed from February 2019.",
                        "3.1",
                    ),
                ),
            ),
            _Item(
                "Risk register",
                "hannah",
                "The Improvement Programme Manager presented the register. Members asked that "
                "the two risks identified for the Cabinet report be kept verbatim and that a "
                "risk on the April go-live be added.",
                "To review the improvement risk register.",
                time_box=15,
                risks=ALL_RISKS,
                papers=("risks@2018-11-14",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed the risk register and its scores, and asked for a "
                        "risk on the go-live of the practice model to be added.",
                        role="risks",
                    ),
                ),
            ),
        ),
        OPAB_DATES[2],
        apologies=("anjali",),
        guests=("ian",),
    ),
    # ---------------------------------------------------------------- OPAB 22 January 2019
    _MeetingSpec(
        "OPAB",
        OPAB_DATES[2],
        (
            _Item(
                "Cabinet report, 18 December 2018: Children's Improvement Plan",
                "ruth",
                "The Cabinet Member reported that Cabinet had endorsed the governance "
                "arrangements and will review progress after the Commissioner's April visit. "
                "The Select Committee will receive monthly indicators and quarterly narratives "
                "on sustained downward trends.",
                "To note the Cabinet report and its recommendations.",
                time_box=15,
                risks=("R1", "R2"),
                papers=("cabinet_report_2018-12-18",),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the Cabinet report of 18 December 2018 and Cabinet's "
                        "endorsement of the governance arrangements for the plan.",
                    ),
                ),
            ),
            _Item(
                "Family Safeguarding hubs: business case",
                "lucy",
                "The Director of Children's Social Care presented the business case. Members "
                "welcomed bringing adult specialists into children's teams and asked the CCG to "
                "confirm its share of the funding for adult mental health practitioners.",
                "To endorse the business case for Family Safeguarding hubs.",
                time_box=30,
                actions=("3.3", "2.1"),
                kpis=("K1", "K2"),
                papers=("family_safeguarding_business_case",),
                decisions=(
                    _Dec(
                        _ENDORSED,
                        "The Board endorsed the business case for four Family Safeguarding "
                        "hubs, opening alongside the new practice model from April 2019.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Confirm NHS funding for adult mental health practitioners in the hubs.",
                        "anjali",
                        _d("2019-03-01"),
                        OPAB_DATES[3],
                        "Funding confirmed by the CCG governing body on 28 February.",
                        "3.3",
                    ),
                ),
            ),
            _Item(
                "Workforce: reducing agency staff",
                "owen",
                "The Head of Workforce Development reported agency social workers at 31.9%. "
                "Members agreed a target of fewer than 15% by December 2019 and asked for the "
                "retention offer to be agreed with the trade unions by April.",
                "To agree the agency reduction target.",
                time_box=25,
                actions=("4.3", "4.4", "4.5"),
                kpis=("K4", "K5"),
                risks=("R3",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed a target of fewer than 15% agency social workers by "
                        "December 2019.",
                    ),
                ),
            ),
            _Item(
                "Learning review: Child B",
                "mark",
                "The Board considered the learning review of the multi-agency response to a "
                "child in care at high risk of exploitation. Members agreed its recommendations "
                "and asked the police and the Council to agree an escalation protocol.",
                "To consider a learning review about an individual child.",
                time_box=25,
                actions=("3.5", "3.6"),
                risks=("R7",),
                papers=("learning_review_child_b",),
                exempt_paragraph=1,
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed the recommendations of the learning review, including "
                        "an escalation protocol between the Council and Wealdshire Police.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Agree the escalation protocol for children at high risk of exploitation.",
                        "gareth",
                        _d("2019-03-15"),
                        OPAB_DATES[3],
                        "Protocol signed on 11 March.",
                        "3.5",
                    ),
                ),
            ),
        ),
        OPAB_DATES[3],
        apologies=("priya",),
        guests=("alison", "marcus", "peter"),
        left=(("peter", 7),),
        declarations=(
            (
                "bernadette",
                8,
                "Chief Executive of Wealdshire Council for Voluntary Service, which provides the "
                "return home interview service under contract to the Council.",
                "Remained for the item but took no part in the decision.",
            ),
        ),
        aob="The Chair welcomed Her Majesty's Inspectors, who attended the meeting on the eve "
        "of the monitoring visit on children in care.",
    ),
    # ---------------------------------------------------------------- OPAB 19 March 2019
    _MeetingSpec(
        "OPAB",
        OPAB_DATES[3],
        (
            _Item(
                "Ofsted monitoring visit letter, 25 January 2019: children in care",
                "daniel",
                "The Director presented the letter. Inspectors found permanence planning "
                "improved but weaknesses in reassessment, personal education plans, supervision "
                "and direct work. The Delivery Group added actions 2.3, 2.4, 2.6, 2.7, 3.5, "
                "4.2 and 5.3 in February. Members welcomed the inspectors' comments on the "
                "reformed Corporate Parenting Board.",
                "To note the letter and confirm the actions added in response.",
                time_box=30,
                actions=("2.3", "2.4", "2.6", "2.7", "3.5", "4.2", "5.3", "3.8"),
                kpis=("K3", "K6", "K8"),
                papers=("monitoring_visit_letter_2019-01-25",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board confirmed the actions added to the plan in response to the "
                        "monitoring visit of 23 and 24 January 2019.",
                    ),
                ),
            ),
            _Item(
                "Practice model and service structure: readiness for go-live",
                "rachel",
                "The Principal Social Worker reported that all staff have been trained and "
                "cases mapped to new teams. Members asked for daily checks of unallocated cases "
                "during transfer.",
                "To agree go-live on 1 April 2019.",
                time_box=25,
                actions=("4.1", "2.2"),
                risks=("R4", "R2"),
                papers=("practice_model_go_live",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed that the practice model and locality structure go "
                        "live on 1 April 2019, with daily checks of unallocated cases for six "
                        "weeks.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Report case transfer completion and unallocated cases.",
                        "lucy",
                        _d("2019-05-14"),
                        OPAB_DATES[4],
                        "All transfers complete by 26 April; no unallocated cases.",
                        "2.2",
                    ),
                ),
            ),
            _Item(
                "Improvement plan progress and evidence",
                "hannah",
                "The Board reviewed progress by theme. Evidence for action 1.1 was returned: "
                "it shows that the groups exist, not that partners attend.",
                "To review progress and consider evidence of completion.",
                time_box=25,
                actions=("1.1", "1.2", "3.1", "3.8"),
                papers=("progress@2019-03-19",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board returned the evidence for action 1.1 and asked for a record "
                        "of partner attendance.",
                        role="evidence",
                    ),
                ),
            ),
            _Item(
                "Preparing for the Commissioner's six-month review",
                "hannah",
                "Members agreed the evidence pack and the programme for the Commissioner's "
                "visit on 24 and 25 April.",
                "To note arrangements for the review.",
                time_box=10,
                actions=("1.2",),
                risks=("R10",),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the arrangements for the Commissioner's six-month review.",
                    ),
                ),
            ),
        ),
        OPAB_DATES[4],
        apologies=("gareth",),
        late=(("daniel", 5),),
        guests=("ian",),
    ),
    # ---------------------------------------------------------------- OPAB 14 May 2019
    _MeetingSpec(
        "OPAB",
        OPAB_DATES[4],
        (
            _Item(
                "Commissioner's six-month review: feedback",
                "daniel",
                "The Director reported the Commissioner's feedback: momentum maintained, "
                "clear governance, the practice model live on time; further work needed at the "
                "front door, on agency staffing and on supervision.",
                "To note the feedback.",
                time_box=20,
                actions=("3.1", "4.3", "4.2"),
                risks=("R10",),
                papers=("commissioner_six_month_review",),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the feedback from the Commissioner's six-month review.",
                    ),
                ),
            ),
            _Item(
                "Improvement plan progress and evidence",
                "hannah",
                "The Board considered evidence for actions 1.1, 1.5 and 2.5 and agreed that "
                "each is complete.",
                "To review progress and accept evidence of completion.",
                time_box=25,
                actions=("1.1", "1.5", "2.5"),
                papers=("progress@2019-05-14",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board accepted the evidence for actions 1.1, 1.5 and 2.5 and "
                        "agreed that they be rated Blue.",
                        role="evidence",
                    ),
                ),
            ),
            _Item(
                "Performance report",
                "mark",
                "Initial health assessments within 20 working days have risen to 58%. Members "
                "asked that the Corporate Parenting Board receive the recovery trajectory.",
                "To scrutinise performance against benchmarks.",
                time_box=20,
                kpis=ALL_KPIS,
                papers=("performance@2019-05-14",),
                decisions=(_Dec(_NOTED, "The Board noted the performance report."),),
                arising=(
                    _Arising(
                        "Present the initial health assessment recovery trajectory to the "
                        "Corporate Parenting Board.",
                        "jamal",
                        _d("2019-07-16"),
                        OPAB_DATES[5],
                        "Presented to the Corporate Parenting Board on 16 July.",
                        "3.8",
                    ),
                ),
            ),
            _Item(
                "Risk register: quarterly review",
                "hannah",
                "Members agreed to reduce the go-live risk now that the structure is live.",
                "To review the risk register.",
                time_box=15,
                risks=ALL_RISKS,
                papers=("risks@2019-05-14",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed the risk scores, including a reduced score for R4 "
                        "after go-live.",
                        role="risks",
                    ),
                ),
            ),
        ),
        OPAB_DATES[5],
        hybrid=True,
        apologies=("tom", "moira"),
        remote=("anjali",),
        declarations=(
            (
                "tom",
                None,
                "Headteacher of a school piloting the revised personal education plan template.",
                "Noted.",
            ),
        ),
    ),
    # ---------------------------------------------------------------- OPAB 9 July 2019
    _MeetingSpec(
        "OPAB",
        OPAB_DATES[5],
        (
            _Item(
                "Review of the Board: continuing beyond July 2019",
                "helen",
                "The Chair reminded members that the Board was to operate until at least July "
                "2019. Members agreed the Board remains necessary until the next full "
                "inspection.",
                "To decide whether the Board continues.",
                time_box=15,
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed to continue until at least the next full inspection, "
                        "and to review its terms of reference in January 2020.",
                    ),
                ),
            ),
            _Item(
                "Workforce strategy: agency reduction and retention",
                "owen",
                "Agency social workers have fallen to 24%. The retention offer is in place. "
                "Members noted caseloads remain above 22 in the south east quadrant.",
                "To review progress on the workforce strategy.",
                time_box=20,
                actions=("4.3", "4.4", "4.5"),
                kpis=("K4", "K5"),
                risks=("R3",),
                papers=("workforce_strategy_update",),
                decisions=(_Dec(_NOTED, "The Board noted progress on the workforce strategy."),),
            ),
            _Item(
                "Improvement plan progress and evidence",
                "hannah",
                "The Board accepted evidence for actions 4.4 and 5.1. Evidence for action 1.3 "
                "was returned because it does not yet show narratives for sustained downward "
                "trends.",
                "To review progress and consider evidence of completion.",
                time_box=25,
                actions=("4.4", "5.1", "1.3"),
                papers=("progress@2019-07-09",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board accepted the evidence for actions 4.4 and 5.1 and agreed "
                        "that they be rated Blue; it returned the evidence for action 1.3.",
                        role="evidence",
                    ),
                ),
            ),
            _Item(
                "Missing and exploited children: partnership response",
                "rebecca",
                "The Detective Inspector described the weekly exploitation panel and the "
                "escalation protocol. Members asked for monthly data on disruption activity.",
                "To scrutinise the partnership response.",
                time_box=25,
                actions=("3.5", "3.6"),
                risks=("R7",),
                kpis=("K9",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board asked Wealdshire Police to report disruption activity and "
                        "prosecutions for child exploitation each month.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Share police disruption activity data with the Delivery Group monthly.",
                        "gareth",
                        _d("2019-08-31"),
                        OPAB_DATES[6],
                        "Monthly data shared from August.",
                        "3.5",
                    ),
                ),
            ),
        ),
        OPAB_DATES[6],
        hybrid=True,
        apologies=("bernadette",),
        absent=("tom",),
        remote=("moira",),
    ),
    # ---------------------------------------------------------------- OPAB 10 September 2019
    _MeetingSpec(
        "OPAB",
        OPAB_DATES[6],
        (
            _Item(
                "Commissioner's twelve-month review",
                "daniel",
                "The Commissioner attended and gave his feedback in person: sufficient "
                "progress for control to remain with the Council, practice not yet "
                "consistently good, and concerns about distant placements, Early Help and "
                "supervision.",
                "To note the Commissioner's feedback.",
                time_box=30,
                actions=("3.9", "3.7", "4.2"),
                risks=("R10", "R5"),
                papers=("commissioner_twelve_month_review",),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the feedback from the Commissioner's twelve-month review.",
                    ),
                ),
            ),
            _Item(
                "Improvement plan progress and evidence",
                "hannah",
                "The Board accepted the evidence for action 3.1: decisions on contacts within "
                "24 hours and partners co-located in the MASH.",
                "To review progress and accept evidence of completion.",
                time_box=20,
                actions=("3.1",),
                papers=("progress@2019-09-10",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board accepted the evidence for action 3.1 and agreed that it be "
                        "rated Blue.",
                        role="evidence",
                    ),
                ),
            ),
            _Item(
                "Early Help offer: outcome of consultation",
                "kevin",
                "Schools asked for more time to respond. Members were concerned that action "
                "3.7 is overdue and deferred the decision to November.",
                "To decide the reconfigured Early Help offer.",
                time_box=20,
                actions=("3.7",),
                decisions=(
                    _Dec(
                        _DEFERRED,
                        "The Board deferred the decision on the reconfigured Early Help offer "
                        "to its November meeting, pending consultation with schools.",
                    ),
                ),
            ),
            _Item(
                "Performance report",
                "mark",
                "Children placed more than 20 miles from home have risen for three months in a "
                "row. Members asked for an update on placement sufficiency.",
                "To scrutinise performance against benchmarks.",
                time_box=20,
                kpis=ALL_KPIS,
                papers=("performance@2019-09-10",),
                decisions=(_Dec(_NOTED, "The Board noted the performance report."),),
                arising=(
                    _Arising(
                        "Bring a placement sufficiency update, with the narrative on distant "
                        "placements, to the next meeting.",
                        "fiona",
                        _d("2019-11-05"),
                        OPAB_DATES[7],
                        "Update presented at item 5 of the November meeting.",
                        "3.9",
                    ),
                ),
            ),
        ),
        OPAB_DATES[7],
        hybrid=True,
        apologies=("ruth",),
        remote=("anjali",),
        guests=("graham", "ian"),
        left=(("gareth", 6),),
        declarations=(
            (
                "anjali",
                None,
                "Employed by NHS Wealdshire Clinical Commissioning Group, which commissions "
                "initial health assessments.",
                "Noted.",
            ),
        ),
    ),
    # ---------------------------------------------------------------- OPAB 5 November 2019
    _MeetingSpec(
        "OPAB",
        OPAB_DATES[7],
        (
            _Item(
                "Placement sufficiency and children placed at a distance",
                "fiona",
                "The Head of Placements explained the sustained rise in distant placements. "
                "Members agreed that action 3.9 should be rated Red and asked for a recovery "
                "plan.",
                "To scrutinise the sustained downward trend and the response.",
                time_box=30,
                actions=("3.9", "5.3"),
                risks=("R5",),
                kpis=("K8",),
                papers=("placement_sufficiency_update",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed that action 3.9 be rated Red and asked for a recovery "
                        "plan at its January meeting.",
                        rag_for=("3.9",),
                    ),
                ),
                arising=(
                    _Arising(
                        "Recovery plan for action 3.9 (placements closer to home).",
                        "fiona",
                        _d("2020-01-14"),
                        action="3.9",
                    ),
                ),
            ),
            _Item(
                "Early Help offer: decision",
                "kevin",
                "Schools supported the family centre model. Members approved the offer and "
                "asked for an implementation plan with a revised due date.",
                "To approve the reconfigured Early Help offer.",
                time_box=20,
                actions=("3.7",),
                decisions=(
                    _Dec(
                        _APPROVED,
                        "The Board approved the reconfigured Early Help offer for "
                        "implementation from April 2020.",
                    ),
                ),
                arising=(
                    _Arising(
                        "Present the Early Help implementation plan and a revised due date for "
                        "action 3.7.",
                        "kevin",
                        _d("2020-01-14"),
                        action="3.7",
                    ),
                ),
            ),
            _Item(
                "Improvement plan progress and evidence",
                "hannah",
                "The Board accepted the case transfer audit as evidence for action 2.2. "
                "Supervision (4.2) and personal education plans (2.7) remain Red and overdue.",
                "To review progress and accept evidence of completion.",
                time_box=25,
                actions=("2.2", "4.2", "2.7"),
                papers=("progress@2019-11-05",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board accepted the evidence for action 2.2 and agreed that it be "
                        "rated Blue.",
                        role="evidence",
                    ),
                ),
                arising=(
                    _Arising(
                        "Report supervision compliance by team each month until it exceeds 90%.",
                        "lucy",
                        _d("2020-01-14"),
                        action="4.2",
                    ),
                ),
            ),
        ),
        _d("2020-01-14"),
        hybrid=True,
        apologies=("priya", "anjali"),
        guests=("peter",),
    ),
    # ------------------------------------------------------- OPAB 14 January 2020 (planned)
    _MeetingSpec(
        "OPAB",
        _d("2020-01-14"),
        (
            _Item(
                "Improvement plan progress report",
                "hannah",
                purpose="To review progress by theme and the actions that are Red or overdue.",
                time_box=25,
                actions=("2.7", "3.7", "3.9", "4.2"),
                papers=("progress@2020-01-14",),
            ),
            _Item(
                "Evidence for acceptance: neglect and domestic abuse training (3.4)",
                "rachel",
                purpose="To consider the evidence submitted for action 3.4.",
                time_box=15,
                actions=("3.4",),
            ),
            _Item(
                "Performance report and sustained downward trends",
                "mark",
                purpose="To scrutinise performance against benchmarks and the narrative on "
                "children placed more than 20 miles from home.",
                time_box=20,
                kpis=ALL_KPIS,
                papers=("performance@2020-01-14",),
            ),
            _Item(
                "Placements closer to home: recovery plan for action 3.9",
                "fiona",
                purpose="To agree the recovery plan and a revised due date.",
                time_box=25,
                actions=("3.9", "5.3"),
                risks=("R5",),
                kpis=("K8",),
                papers=("placement_recovery_plan",),
            ),
            _Item(
                "Risk register: quarterly review",
                "hannah",
                purpose="To review the risk register.",
                time_box=15,
                risks=ALL_RISKS,
                papers=("risks@2020-01-14",),
            ),
            _Item(
                "Ofsted monitoring visit, 10 and 11 December 2019: feedback",
                "daniel",
                purpose="To note the inspectors' feedback ahead of the published letter.",
                time_box=20,
                actions=("2.1", "3.2", "3.3"),
                kpis=("K1", "K2", "K10"),
            ),
            _Item(
                "Review of the Board's terms of reference",
                "helen",
                purpose="To review the terms of reference, as agreed in July 2019.",
                time_box=15,
            ),
        ),
        _d("2020-03-10"),
        planned=True,
        hybrid=True,
    ),
    # ---------------------------------------------------------------- CPB 11 December 2018
    _MeetingSpec(
        "CPB",
        _d("2018-12-11"),
        (
            _Item(
                "The reformed Corporate Parenting Board: terms of reference and ways of working",
                "ruth",
                "The Chair introduced the new model: a smaller panel, detailed scrutiny of "
                "performance reports outside meetings, questions prepared in advance and "
                "action cards from the children in care council at every meeting.",
                "To agree the revised terms of reference.",
                time_box=20,
                decisions=(
                    _Dec(
                        _APPROVED,
                        "The Board approved its revised terms of reference: a smaller panel, "
                        "performance scrutiny before meetings, questions prepared in advance and "
                        "action cards from the children in care council at every meeting.",
                    ),
                ),
            ),
            _Item(
                "Initial health assessments for children entering care",
                "jamal",
                "Only 22% of assessments were completed within 20 working days in November. "
                "Members asked for weekly tracking of every child.",
                "To scrutinise the timeliness of initial health assessments.",
                time_box=25,
                actions=("3.8",),
                kpis=("K3",),
                decisions=(
                    _Dec(_NOTED, "The Board noted the report on initial health assessments."),
                ),
                arising=(
                    _Arising(
                        "Report weekly tracking of initial health assessments to the Director.",
                        "jamal",
                        _d("2019-01-31"),
                        _d("2019-03-26"),
                        "Weekly tracking in place since January.",
                        "3.8",
                    ),
                ),
            ),
            _Item(
                "Children in care council: action cards",
                "natalie",
                "Members of the children in care council presented three cards. Board members "
                "named to answer each card will reply within 28 days.",
                "To receive the action cards and agree who answers each.",
                kind=ItemKind.ACTION_CARDS,
                time_box=25,
                actions=("5.1",),
                papers=("cpb_action_cards_2018-12",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed that every action card will be answered by a named "
                        "board member within 28 days, with answers reported to the next "
                        "meeting.",
                    ),
                ),
            ),
        ),
        _d("2019-03-26"),
    ),
    # ---------------------------------------------------------------- CPB 26 March 2019
    _MeetingSpec(
        "CPB",
        _d("2019-03-26"),
        (
            _Item(
                "Ofsted monitoring visit on children in care: our response",
                "lucy",
                "Members discussed the findings on reassessment, personal education plans and "
                "supervision, and the inspectors' view of the reformed Board.",
                "To consider the response to the January monitoring visit.",
                time_box=25,
                actions=("2.3", "2.4", "2.7", "4.2"),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the findings of the monitoring visit of 23 and 24 "
                        "January 2019 and the actions added to the plan.",
                    ),
                ),
            ),
            _Item(
                "Personal education plans and the virtual school",
                "sarah",
                "PEP completion is improving but quality remains poor. Members asked for a "
                "termly quality report.",
                "To scrutinise PEP quality.",
                time_box=20,
                actions=("2.7", "2.8"),
                kpis=("K6",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed to receive a termly report on the quality of personal "
                        "education plans.",
                    ),
                ),
            ),
            _Item(
                "Foster carer support networks",
                "fiona",
                "The Head of Placements described the hub-and-spoke support networks. The "
                "foster carers' representative spoke about carers' experience.",
                "To endorse the support programme.",
                time_box=20,
                actions=("5.3", "3.9"),
                kpis=("K8",),
                decisions=(
                    _Dec(
                        _ENDORSED,
                        "The Board endorsed the foster carer support networks, starting in two "
                        "quadrants.",
                    ),
                ),
            ),
            _Item(
                "Children in care council: action cards",
                "natalie",
                "Answers to the December cards were reported. Two new cards were received.",
                "To receive answers and new action cards.",
                kind=ItemKind.ACTION_CARDS,
                time_box=20,
                actions=("5.1",),
                papers=("cpb_action_cards_2019-03",),
                decisions=(
                    _Dec(_NOTED, "The Board noted the answers to the December action cards."),
                ),
            ),
        ),
        _d("2019-07-16"),
        apologies=("samuel",),
        declarations=(
            (
                "chloe",
                7,
                "Approved foster carer for the Council.",
                "Spoke as a foster carer; took no part in the decision.",
            ),
        ),
    ),
    # ---------------------------------------------------------------- CPB 16 July 2019
    _MeetingSpec(
        "CPB",
        _d("2019-07-16"),
        (
            _Item(
                "Care leavers: staying in touch and the local offer",
                "joseph",
                "Contact with care leavers has reached 90%. Members agreed that the local offer "
                "be co-produced with care leavers.",
                "To review support for care leavers.",
                time_box=25,
                actions=("2.9", "5.2"),
                kpis=("K7",),
                decisions=(
                    _Dec(
                        _AGREED,
                        "The Board agreed that the care leavers' local offer be co-produced with "
                        "care leavers and published by March 2020.",
                    ),
                ),
            ),
            _Item(
                "Initial health assessments: recovery trajectory",
                "jamal",
                "Timeliness has reached 66%. The trajectory reaches 90% by March 2020.",
                "To scrutinise the recovery trajectory, as asked by OPAB.",
                time_box=20,
                actions=("3.8",),
                kpis=("K3",),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the recovery trajectory for initial health assessments.",
                    ),
                ),
            ),
            _Item(
                "Children in care council: action cards",
                "natalie",
                "Answers to the March cards were reported.",
                "To receive answers to action cards.",
                kind=ItemKind.ACTION_CARDS,
                time_box=15,
                actions=("5.1",),
                decisions=(_Dec(_NOTED, "The Board noted the answers to the March action cards."),),
            ),
        ),
        _d("2019-10-15"),
        apologies=("anjali",),
    ),
    # ---------------------------------------------------------------- CPB 15 October 2019
    _MeetingSpec(
        "CPB",
        _d("2019-10-15"),
        (
            _Item(
                "Thematic enquiry: children placed at a distance",
                "fiona",
                "Members' prepared questions focused on the rise in children placed more than "
                "20 miles from home and what it means for their schooling and friendships.",
                "To scrutinise performance on placements, prepared through questions in advance.",
                time_box=30,
                actions=("3.9", "5.3"),
                kpis=("K8", "K6", "K7"),
                decisions=(
                    _Dec(
                        _NOTED,
                        "The Board noted the report and asked that OPAB receive the placement "
                        "sufficiency update.",
                    ),
                ),
                questions=(
                    _Q(
                        "samuel",
                        "Of the children placed more than 20 miles from home, how many are in "
                        "placements the Council would not have chosen, and how many have had "
                        "to change school?",
                        answer="Forty-one of the 118 children are placed at a distance because "
                        "no suitable local placement was available; nine changed school. Each "
                        "has a plan reviewed monthly at the placements panel.",
                        answered_by="fiona",
                    ),
                ),
            ),
            _Item(
                "Children in care council: action cards",
                "natalie",
                "Answers to the July cards were reported; two new cards were received, one "
                "about living in Wealdshire.",
                "To receive answers and new action cards.",
                kind=ItemKind.ACTION_CARDS,
                time_box=20,
                actions=("5.1", "3.9"),
                papers=("cpb_action_cards_2019-10",),
                decisions=(_Dec(_NOTED, "The Board noted the answers to the July action cards."),),
            ),
        ),
        _d("2020-01-28"),
        apologies=("aisha",),
    ),
    # -------------------------------------------------------- CPB 28 January 2020 (planned)
    _MeetingSpec(
        "CPB",
        _d("2020-01-28"),
        (
            _Item(
                "Health of children in care: annual report",
                "jamal",
                purpose="To scrutinise the annual report on the health of children in care.",
                time_box=25,
                actions=("3.8",),
                kpis=("K3",),
                questions=(
                    _Q(
                        "janet",
                        "What is stopping the remaining one in five initial health "
                        "assessments being done within 20 working days, and is it the same for "
                        "children placed outside Wealdshire?",
                    ),
                    _Q(
                        "aisha",
                        "Can young people choose to see the same nurse for their review health "
                        "assessments each year?",
                    ),
                ),
            ),
            _Item(
                "Personal education plans: termly quality report",
                "sarah",
                purpose="To scrutinise the quality of personal education plans.",
                time_box=20,
                actions=("2.7", "2.8"),
                kpis=("K6",),
                questions=(
                    _Q(
                        "chloe",
                        "How often are foster carers invited to PEP meetings, and are their "
                        "views recorded in the plan?",
                        shared=False,
                    ),
                ),
            ),
            _Item(
                "Children in care council: action cards",
                "natalie",
                purpose="To receive answers to the October cards and new action cards.",
                kind=ItemKind.ACTION_CARDS,
                time_box=20,
                actions=("5.1",),
            ),
        ),
        _d("2020-04-21"),
        planned=True,
    ),
]

# (paper key, author, kind, quote, comment, shared)
ANNOTATIONS: list[tuple[str, str, AnnotationKind, str | None, str, bool]] = [
    (
        "performance@2020-01-14",
        "helen",
        AnnotationKind.HIGHLIGHT,
        "Indicators in sustained decline",
        "Five months in a row: I will ask for the recovery trajectory month by month.",
        True,
    ),
    (
        "performance@2020-01-14",
        "moira",
        AnnotationKind.HIGHLIGHT,
        "Initial health assessments within 20 working days",
        "Is the gap the same for children placed outside Wealdshire?",
        False,
    ),
    (
        "progress@2020-01-14",
        "gareth",
        AnnotationKind.NOTE,
        None,
        "Police view on 3.5: the exploitation team is fully staffed from November; expect Green "
        "by March.",
        False,
    ),
    (
        "progress@2020-01-14",
        "helen",
        AnnotationKind.HIGHLIGHT,
        "Red or overdue",
        "Take the Red actions first; owners to say what they need from the Board.",
        False,
    ),
    (
        "monitoring_visit_letter_2019-01-25",
        "ruth",
        AnnotationKind.HIGHLIGHT,
        "the recently implemented reforms of the corporate parenting board",
        "Inspectors looked at the reformed CPB: quote their findings in our annual report.",
        False,
    ),
]

# The board's responses to children in care council action cards, recorded by the clerk in
# meeting mode: (paper key, card, given by, status, response, meeting day, hour, minute).
# The December cards were answered at the March meeting; the minutes of each meeting show
# the responses recorded that day (db.minutes.build). The October cards are still to be
# answered (the reader's Action cards tab and meeting mode record their responses).
CARD_RESPONSES: list[tuple[str, int, str, str, str, dt.date, int, int]] = [
    (
        "cpb_action_cards_2018-12",
        1,
        "lucy",
        "agreed",
        "Every child in care will be given a card with their social worker's name, photograph "
        "and work phone number when the new teams start in April.",
        _d("2019-03-26"),
        15,
        10,
    ),
    (
        "cpb_action_cards_2018-12",
        2,
        "joseph",
        "done",
        "Reviews are now held outside lessons unless the child chooses otherwise; independent "
        "reviewing officers ask each child when and where they want to meet.",
        _d("2019-03-26"),
        15,
        12,
    ),
    (
        "cpb_action_cards_2018-12",
        3,
        "fiona",
        "done",
        "A single pocket money and savings policy for every foster home was agreed in February.",
        _d("2019-03-26"),
        15,
        14,
    ),
    (
        "cpb_action_cards_2019-03",
        4,
        "fiona",
        "agreed",
        "Agreed: no child will move with their things in bin bags. From May every child who "
        "moves placement will be given a holdall of their own.",
        _d("2019-03-26"),
        15,
        20,
    ),
    (
        "cpb_action_cards_2019-03",
        5,
        "ruth",
        "in progress",
        "The Cabinet Member supports the card and will ask Cabinet in the autumn to exempt care "
        "leavers under 25 from council tax. The answer will come back to the Board.",
        _d("2019-03-26"),
        15,
        24,
    ),
]

# =========================================================================== the engine

_RAG_BY_LETTER = {"B": Rag.BLUE, "G": Rag.GREEN, "A": Rag.AMBER, "R": Rag.RED}
_LAST_UPDATE_MONTH = _d("2019-12-01")


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """UK local wall-clock time on `day` as an aware UTC datetime (BST without tz data)."""
    bst = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)
    return local - dt.timedelta(hours=1 if bst else 0)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _month(day: dt.date) -> str:
    return f"{day:%B %Y}"


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _unit(value: float, unit: str) -> str:
    return f"{_fmt(value)}%" if unit == "%" else f"{_fmt(value)} {unit}"


def wrong_way_run(values: Sequence[float], polarity: Polarity) -> int:
    """How many of the latest periods in a row moved the wrong way for `polarity`."""
    run = 0
    for before, after in zip(reversed(values[:-1]), reversed(values[1:]), strict=True):
        worse = after > before if polarity is Polarity.LOWER_IS_BETTER else after < before
        if not worse:
            break
        run += 1
    return run


def _band(score: int) -> str:
    if score <= 4:
        return "low"
    if score <= 9:
        return "medium"
    if score <= 16:
        return "high"
    return "very high"


# ------------------------------------------------------------------ RAG histories (pure)


@dataclass(frozen=True)
class _Update:
    at: dt.datetime
    rag: Rag
    previous: Rag | None
    commentary: str
    author: str
    move: tuple[dt.date, dt.date, str] | None = None
    blue: bool = False


@dataclass
class _History:
    spec: _ActionSpec
    updates: list[_Update]
    due: dt.date
    status: ActionStatus

    def as_of(self, moment: dt.datetime) -> _Update | None:
        seen = [u for u in self.updates if u.at <= moment]
        return seen[-1] if seen else None


_TEMPLATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("R", "R"): (
        "Still off track: {issue}. {Recovery}, but delivery is not yet assured.",
        "No change: {issue}. Escalated to the Board.",
        "Remains Red: {issue}; the owner has asked the Board for support.",
    ),
    ("R", "A"): ("Improving: {recovery}. Recovery in hand but not yet assured.",),
    ("A", "A"): (
        "At risk: {issue}. {Recovery}.",
        "Still at risk: {issue}; the Delivery Group reviews the recovery plan monthly.",
        "No change this month; {recovery}.",
    ),
    ("A", "G"): ("Back on track: {progress}.",),
    ("R", "G"): ("Back on track: {progress}.",),
    ("G", "G"): (
        "On track: {progress}.",
        "On track; milestones for the quarter met.",
        "On track. This month's audit sample is consistent with the success measure.",
        "On track; nothing to escalate.",
    ),
    ("G", "A"): ("Slipping: {issue}. {Recovery}.",),
    ("A", "R"): ("Off track: {issue}. The Board's intervention is needed.",),
    ("G", "R"): ("Off track: {issue}. The Board's intervention is needed.",),
}
_BASELINE = {
    "R": "Baseline: off track, {issue}. {Recovery}.",
    "A": "Baseline: at risk, {issue}. {Recovery}.",
    "G": "Baseline: on track; milestones agreed with the Delivery Group.",
}


def _histories() -> dict[str, _History]:
    """Every action's RAG history, derived from its spec (no database involved)."""
    histories: dict[str, _History] = {}
    for index, spec in enumerate(ACTIONS):
        day = 18 + (index * 3) % 10
        last_month = _LAST_UPDATE_MONTH
        months: list[dt.date] = []
        month = spec.start
        while month <= last_month:
            when = month.replace(day=max(day, 20) if month == SEP18 else day)
            if spec.blue_at is not None and when >= spec.blue_at:
                break
            months.append(when)
            month = _add_months(month, 1)
        if len(spec.path) > len(months):
            raise ValueError(f"action {spec.ref}: RAG path longer than its history")
        due = spec.due
        moves = {i: (new, reason) for i, new, reason in spec.moves}
        updates: list[_Update] = []
        previous: str | None = None
        for i, when in enumerate(months):
            letter = spec.path[min(i, len(spec.path) - 1)]
            recovery = spec.recovery or "recovery plan agreed by the Delivery Group"
            words = {
                "issue": spec.issue,
                "progress": spec.progress,
                "recovery": recovery,
                "Recovery": recovery[0].upper() + recovery[1:],
            }
            if spec.status is ActionStatus.NOT_STARTED:
                text = f"Not yet started: {spec.issue}; on track to begin in January 2020."
            elif previous is None:
                text = _BASELINE[letter].format(**words)
                if spec.start >= FEB19:
                    text = "Added to the plan after the January 2019 monitoring visit. " + text
            else:
                options = _TEMPLATES[(previous, letter)]
                text = options[(i + index) % len(options)].format(**words)
            if i in spec.notes:
                text += " " + spec.notes[i]
            move = None
            if i in moves:
                new_due, reason = moves[i]
                move = (due, new_due, reason)
                text += f" Due date moved from {_long(due)} to {_long(new_due)}: {reason}"
                due = new_due
            author = "hannah" if (i + index) % 5 == 4 else spec.owner
            updates.append(
                _Update(
                    _at(when, 11),
                    _RAG_BY_LETTER[letter],
                    _RAG_BY_LETTER[previous] if previous else None,
                    text,
                    author,
                    move,
                )
            )
            previous = letter
        if spec.blue_at is not None:
            updates.append(
                _Update(
                    _at(spec.blue_at, 15, 30),
                    Rag.BLUE,
                    _RAG_BY_LETTER[previous] if previous else None,
                    f"Complete: the Board accepted the evidence. {spec.success}",
                    "emma",
                    blue=True,
                )
            )
        status = spec.status or (
            ActionStatus.COMPLETE if spec.blue_at is not None else ActionStatus.IN_PROGRESS
        )
        histories[spec.ref] = _History(spec, updates, due, status)
    return histories


# ------------------------------------------------------------------ paper bodies (pure)


def _read_data(name: str) -> tuple[str, str | None, str]:
    """A demo_data paper: (title, report of, body without its title).

    The files use `exports.papers`' light markup (blank-line paragraphs, `# `
    headings, `- ` bullets); their first paragraph is the title and a
    "Report of:" paragraph, when present, fills `Paper.report_of`.
    """
    text = (DATA_DIR / f"{name}.txt").read_text(encoding="utf-8")
    title, _, body = text.strip().partition("\n\n")
    match = re.match(r"Report of: (.+)", body)
    return title.strip(), match.group(1).strip() if match else None, body.strip()


def _plain(title: str, body: str) -> str:
    lines = [re.sub(r"^#{1,2} ", "", line) for line in body.splitlines()]
    return f"{title}\n\n" + "\n".join(lines)


def _person_title(key: str) -> str:
    name, _, job = PEOPLE[key]
    return f"{name}, {job}"


def _kpi_available(as_of: dt.date) -> list[tuple[_KpiSpec, list[tuple[dt.date, float]]]]:
    out = []
    for spec in KPIS:
        series = []
        for i, value in enumerate(spec.values):
            period = _add_months(KPI_START, i)
            if _add_months(period, 1) + dt.timedelta(days=2) <= as_of:
                series.append((period, value))
        out.append((spec, series))
    return out


def _benchmarks(spec: _KpiSpec, period: dt.date) -> tuple[float, float]:
    national = spec.national[0] if period < _d("2019-04-01") else spec.national[1]
    quarter = min((period.year * 12 + period.month - 2018 * 12 - 9) // 3, len(spec.regional) - 1)
    return national, spec.regional[quarter]


class _Papers:
    """Titles and bodies of every paper in the demo, generated or read from demo_data."""

    def __init__(self, histories: dict[str, _History]) -> None:
        self.histories = histories

    def get(self, key: str, board_name: str) -> tuple[str, str | None, str, PaperKind]:
        if "@" not in key:
            title, report_of, body = _read_data(key)
            kind = PaperKind.ACTION_CARDS if "action_cards" in key else PaperKind.REPORT
            return title, report_of, body, kind
        what, _, when = key.partition("@")
        meeting = _d(when)
        issued = meeting - dt.timedelta(days=7)
        builders: dict[str, Callable[[dt.date, dt.date, str], tuple[str, str, str]]] = {
            "plan": self._plan,
            "progress": self._progress,
            "performance": self._performance,
            "risks": self._risks,
        }
        title, report_of, body = builders[what](meeting, issued, board_name)
        return title, report_of, body, PaperKind.REPORT

    @staticmethod
    def _head(report_of: str, board_name: str, meeting: dt.date) -> str:
        return f"Report of: {report_of}\n\nMeeting: {board_name}, {_long(meeting)}"

    def _plan(self, meeting: dt.date, _issued: dt.date, board: str) -> tuple[str, str, str]:
        report_of = _person_title("lucy")
        recs = {ref: (source, issued) for ref, source, _, issued in RECOMMENDATIONS}
        parts = [
            self._head(report_of, board, meeting),
            "# Introduction",
            "The plan responds to the recommendations of Ofsted's 2018 re-inspection and of "
            "the Commissioner for Children's Services. It was developed by a multi-agency group "
            "of practitioners and leaders from the Council, Wealdshire Police, health, schools "
            "and the third sector, and is grouped into five themes. Each action has an owner, a "
            "lead agency, a due date and a measure of the impact sought.",
            "# (B)RAG definitions",
            "\n".join(f"- {label}: {meaning}" for _, label, meaning, _ in RAG_DEFINITIONS),
        ]
        for number, theme, description, _lead in THEMES:
            parts += [f"# Theme {number}: {theme}", description]
            items = []
            for spec in ACTIONS:
                if not spec.ref.startswith(f"{number}.") or spec.start > OCT18:
                    continue
                answers = ", ".join(r for r in spec.recs if recs[r][1] <= meeting)
                items.append(
                    f"- {spec.ref} {spec.title}. Owner: {PEOPLE[spec.owner][0]} "
                    f"({spec.agency}). Due: {_long(spec.due)}. Impact sought: {spec.success}"
                    + (f" Answers: {answers}." if answers else "")
                )
            parts.append("\n".join(items))
        return (
            "Children's Improvement Plan (Strategic) September 2018 v4",
            report_of,
            ("\n\n".join(parts)),
        )

    def _progress(self, meeting: dt.date, issued: dt.date, board: str) -> tuple[str, str, str]:
        report_of = _person_title("hannah")
        moment = _at(issued, 17)
        rows: dict[str, tuple[_ActionSpec, _Update, dt.date]] = {}
        for ref, history in self.histories.items():
            latest = history.as_of(moment)
            if latest is None:
                continue
            due = history.spec.due
            for update in history.updates:
                if update.at <= moment and update.move:
                    due = update.move[1]
            rows[ref] = (history.spec, latest, due)
        counts = {rag: sum(1 for _, u, _ in rows.values() if u.rag is rag) for rag in Rag}

        def line(spec: _ActionSpec, update: _Update, due: dt.date) -> str:
            return (
                f"- {spec.ref} {spec.title}: {update.rag.label} (owner {PEOPLE[spec.owner][0]}; "
                f"due {_long(due)}). {update.commentary}"
            )

        urgent = [
            line(*row)
            for row in rows.values()
            if row[1].rag is Rag.RED or (row[2] < issued and row[1].rag is not Rag.BLUE)
        ]
        parts = [
            self._head(report_of, board, meeting),
            "# Summary",
            f"As at {_long(issued)} the plan has {len(rows)} actions: "
            + ", ".join(f"{counts[rag]} {rag.label}" for rag in Rag)
            + ". An action is Blue only when the Board has accepted the evidence.",
            "# Red or overdue",
            "\n".join(urgent) if urgent else "No actions are Red or overdue.",
        ]
        for number, theme, _, _ in THEMES:
            lines = [line(*row) for ref, row in rows.items() if ref.startswith(f"{number}.")]
            parts += [f"# Theme {number}: {theme}", "\n".join(lines)]
        return f"Improvement Plan progress report – {_month(issued)}", report_of, "\n\n".join(parts)

    def _performance(self, meeting: dt.date, issued: dt.date, board: str) -> tuple[str, str, str]:
        report_of = _person_title("mark")
        data = _kpi_available(issued)
        latest_period = max(series[-1][0] for _, series in data)
        declining = []
        sections = []
        for spec, series in data:
            values = [v for _, v in series]
            run = wrong_way_run(values, spec.polarity)
            period, value = series[-1]
            national, regional = _benchmarks(spec, period)
            better = "Lower" if spec.polarity is Polarity.LOWER_IS_BETTER else "Higher"
            text = (
                f"Latest ({_month(period)}): {_unit(value, spec.unit)} against a target of "
                f"{_unit(spec.target, spec.unit)}; national {_unit(national, spec.unit)}, "
                f"regional {_unit(regional, spec.unit)}. {better} is better. Last six months: "
                + ", ".join(_fmt(v) for v in values[-6:])
                + "."
            )
            sections += [f"## {spec.ref} {spec.title}", text]
            if run >= 3:
                declining.append(f"- {spec.ref} {spec.title} ({run} periods)")
                if spec.narrative and issued >= _d("2019-11-20"):
                    sections.append(f"Service narrative: {spec.narrative}")
        parts = [
            self._head(report_of, board, meeting),
            ILLUSTRATIVE,
            "# Summary",
            "Indicators in sustained decline (three or more periods in a row moving the wrong "
            "way):",
            "\n".join(declining) if declining else "None this month.",
            "# Indicators",
            *sections,
        ]
        return f"Performance report – {_month(latest_period)} data", report_of, "\n\n".join(parts)

    def _risks(self, meeting: dt.date, issued: dt.date, board: str) -> tuple[str, str, str]:
        report_of = _person_title("hannah")
        parts = [self._head(report_of, board, meeting)]
        parts.append(
            "Scores are likelihood × impact (1 to 25): 1–4 low, 5–9 medium, 10–16 high, "
            "20–25 very high."
        )
        for spec in RISKS:
            reviews = [
                score
                for i, score in enumerate(spec.scores)
                if OPAB_DATES[spec.first_review + i] <= issued
            ]
            if not reviews:
                continue
            (lik, imp), score = reviews[-1], reviews[-1][0] * reviews[-1][1]
            before = reviews[-2][0] * reviews[-2][1] if len(reviews) > 1 else score
            trend = "rising" if score > before else "falling" if score < before else "steady"
            tl, ti = spec.target
            parts += [
                f"## {spec.ref} {spec.title}",
                f"Score {lik} × {imp} = {score} ({_band(score)}), {trend}; target {tl} × {ti} "
                f"= {tl * ti}. Owner: {PEOPLE[spec.owner][0]}.",
                f"Risk: {spec.description}",
                f"Mitigation: {spec.mitigation}",
            ]
        return f"Improvement risk register – {_month(issued)}", report_of, "\n\n".join(parts)


# ------------------------------------------------------------------ building the database


def _email(name: str, organisation: str) -> str:
    words = [w for w in name.split() if w not in {"Dr", "Cllr", "DI"}]
    local = ".".join(re.sub(r"[^a-z]", "", w.lower()) for w in words)
    return f"{local}@{_DOMAINS[organisation]}"


def _joined(names: Sequence[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


class _StepClock:
    """The session clock: one second later at every call (once per flush)."""

    def __init__(self, start: dt.datetime) -> None:
        self._next = start

    def __call__(self) -> dt.datetime:
        now = self._next
        self._next += dt.timedelta(seconds=1)
        return now


@dataclass
class _ItemRow:
    kind: ItemKind
    title: str
    presenter: str
    time_box: int
    spec: _Item | None = None
    row: AgendaItem | None = None
    decisions: list[Decision] = field(default_factory=list)
    minutes: str | None = None


class _Builder:
    def __init__(self, session: Session, ids: IdFactory, render: PaperRenderer | None) -> None:
        self.s = session
        self.ids = ids
        self.render = render
        self.histories = _histories()
        self.people: dict[str, str] = {}
        self.boards: dict[str, str] = {}
        self.plan_id = ""
        self.actions: dict[str, str] = {}
        self.risks: dict[str, str] = {}
        self.kpis: dict[str, str] = {}
        self.meetings: dict[tuple[str, dt.date], Meeting] = {}
        self.items: dict[tuple[str, dt.date], list[_ItemRow]] = {}
        self.role_decisions: dict[tuple[str, dt.date, str], str] = {}
        self.rag_decisions: list[tuple[dt.datetime, str, str]] = []
        self.approvals: dict[str, Decision] = {}  # meeting id -> decision approving its minutes
        self.papers: dict[str, Paper] = {}

    def add(self, obj: Any) -> Any:
        if getattr(obj, "id", "") is None:
            obj.id = self.ids()
        self.s.add(obj)
        return obj

    def link(self, table: Any, rows: list[dict[str, str]]) -> None:
        if rows:
            self.s.execute(insert(table), rows)

    # -------------------------------------------------------------- people and boards
    def people_and_boards(self) -> None:
        for key, (name, organisation, job) in PEOPLE.items():
            person = self.add(
                Person(
                    name=name,
                    email=_email(name, organisation),
                    organisation=organisation,
                    job_title=job,
                )
            )
            self.people[key] = person.id
        for code, (name, purpose, interval) in BOARDS.items():
            board = self.add(
                Board(
                    code=code,
                    name=name,
                    purpose=purpose,
                    quorum_fraction=1 / 3,
                    quorum_needs_chair=True,
                    meeting_interval_weeks=interval,
                )
            )
            self.boards[code] = board.id
        self.s.flush()
        # From here on every write is audited as the clerk's.
        self.s.info["actor_id"] = self.people["emma"]
        for code, seats in MEMBERSHIPS.items():
            for key, role, position in seats:
                self.add(
                    Membership(
                        board_id=self.boards[code],
                        person_id=self.people[key],
                        role=role,
                        voting=role in {Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER},
                        position=position,
                        start_date=_MEMBERSHIP_START[code],
                    )
                )
        self.s.flush()

    # -------------------------------------------------------------- the plan
    def plan(self) -> None:
        approved = OPAB_DATES[0]
        plan = self.add(
            Plan(
                board_id=self.boards["OPAB"],
                title=PLAN_TITLE,
                version="v4 (September 2018)",
                approved_on=approved,
                created_at=_at(approved, 12),
            )
        )
        self.plan_id = plan.id
        self.s.flush()
        for order, (rag, label, meaning, colour) in enumerate(RAG_DEFINITIONS, start=1):
            self.add(
                RagDefinition(
                    plan_id=plan.id, rag=rag, label=label, meaning=meaning, colour=colour,
                    sort_order=order,
                )
            )  # fmt: skip
        themes: dict[int, str] = {}
        for number, title, description, lead in THEMES:
            theme = self.add(
                Theme(
                    plan_id=plan.id,
                    number=number,
                    title=title,
                    description=description,
                    lead_id=self.people[lead],
                )
            )
            themes[number] = theme.id
        recs: dict[str, str] = {}
        for ref, source, text, issued in RECOMMENDATIONS:
            rec = self.add(
                Recommendation(
                    plan_id=plan.id, source=source, reference=ref, text=text, issued_on=issued
                )
            )
            recs[ref] = rec.id
        self.s.flush()
        links = []
        for spec in ACTIONS:
            history = self.histories[spec.ref]
            latest = history.updates[-1]
            action = self.add(
                Action(
                    plan_id=plan.id,
                    theme_id=themes[int(spec.ref.split(".")[0])],
                    reference=spec.ref,
                    title=spec.title,
                    description=spec.description,
                    owner_id=self.people[spec.owner],
                    lead_agency=spec.agency,
                    due_date=history.due,
                    status=history.status,
                    rag=latest.rag,
                    success_measure=spec.success,
                    created_at=history.updates[0].at - dt.timedelta(days=1),
                    updated_at=latest.at,
                )
            )
            self.actions[spec.ref] = action.id
            links += [{"action_id": action.id, "recommendation_id": recs[r]} for r in spec.recs]
        self.s.flush()
        self.link(action_recommendations, links)

    # -------------------------------------------------------------- risks, KPIs, milestones
    def risks_kpis_milestones(self) -> None:
        links = []
        for spec in RISKS:
            lik, imp = spec.scores[-1]
            first = OPAB_DATES[spec.first_review]
            last = OPAB_DATES[spec.first_review + len(spec.scores) - 1]
            risk = self.add(
                Risk(
                    plan_id=self.plan_id,
                    reference=spec.ref,
                    title=spec.title,
                    description=spec.description,
                    cause=spec.cause,
                    consequence=spec.consequence,
                    mitigation=spec.mitigation,
                    owner_id=self.people[spec.owner],
                    likelihood=lik,
                    impact=imp,
                    target_likelihood=spec.target[0],
                    target_impact=spec.target[1],
                    status=RiskStatus.CLOSED if spec.closed else RiskStatus.OPEN,
                    created_at=_at(first - dt.timedelta(days=7), 9),
                    updated_at=_at(last, 13),
                )
            )
            self.risks[spec.ref] = risk.id
            links += [{"risk_id": risk.id, "action_id": self.actions[a]} for a in spec.actions]
        for kpi_spec in KPIS:
            kpi = self.add(
                Kpi(
                    plan_id=self.plan_id,
                    reference=kpi_spec.ref,
                    title=kpi_spec.title,
                    description=kpi_spec.description,
                    unit=kpi_spec.unit,
                    polarity=kpi_spec.polarity,
                    target=kpi_spec.target,
                    source_note=ILLUSTRATIVE,
                    narrative=kpi_spec.narrative,
                    narrative_by_id=self.people[kpi_spec.narrative_by]
                    if kpi_spec.narrative_by
                    else None,
                    narrative_at=_at(_d("2019-11-20"), 16) if kpi_spec.narrative else None,
                )
            )
            self.kpis[kpi_spec.ref] = kpi.id
        for title, kind, due, achieved, notes in MILESTONES:
            self.add(
                Milestone(
                    plan_id=self.plan_id,
                    title=title,
                    kind=kind,
                    due_date=due,
                    achieved_on=achieved,
                    notes=notes,
                )
            )
        self.s.flush()
        self.link(risk_actions, links)
        for kpi_spec in KPIS:
            for i, value in enumerate(kpi_spec.values):
                period = _add_months(KPI_START, i)
                national, regional = _benchmarks(kpi_spec, period)
                self.add(
                    KpiValue(
                        kpi_id=self.kpis[kpi_spec.ref],
                        period=period,
                        value=value,
                        national=national,
                        regional=regional,
                    )
                )
        self.s.flush()

    # -------------------------------------------------------------- meetings
    def _agenda(self, spec: _MeetingSpec, previous: _MeetingSpec | None) -> list[_ItemRow]:
        chair = next(k for k, role, _ in MEMBERSHIPS[spec.board] if role is Role.CHAIR)
        rows = [
            _ItemRow(ItemKind.APOLOGIES, "Welcome and apologies for absence", chair, 5),
            _ItemRow(ItemKind.DECLARATIONS, "Declarations of interest", chair, 5),
        ]
        if previous is not None:
            rows += [
                _ItemRow(
                    ItemKind.PREVIOUS_MINUTES,
                    f"Minutes of the meeting held on {_long(previous.date)} and matters arising",
                    chair,
                    10,
                ),
                _ItemRow(ItemKind.ACTION_LOG, "Action log", "emma", 10),
            ]
        business = sorted(
            spec.items,
            key=lambda i: (i.kind is ItemKind.ACTION_CARDS, i.exempt_paragraph is not None),
        )
        rows += [_ItemRow(i.kind, i.title, i.presenter, i.time_box, i) for i in business]
        rows += [
            _ItemRow(ItemKind.AOB, "Any other business", chair, 5),
            _ItemRow(ItemKind.NEXT_MEETING, "Date of next meeting", chair, 2),
        ]
        return rows

    def meetings_and_items(self) -> None:
        venues = {
            "OPAB": "Committee Room C, County Hall, Wealdbridge",
            "CPB": "Ashcombe Room, County Hall, Wealdbridge",
        }
        starts = {"OPAB": dt.time(10, 0), "CPB": dt.time(14, 0)}
        previous: dict[str, _MeetingSpec] = {}
        for spec in MEETINGS:
            rows = self._agenda(spec, previous.get(spec.board))
            previous[spec.board] = spec
            start = starts[spec.board]
            minutes = sum(r.time_box for r in rows)
            end_minutes = start.hour * 60 + start.minute + (minutes + 4) // 5 * 5
            end = dt.time(end_minutes // 60, end_minutes % 60)
            meeting = self.add(
                Meeting(
                    board_id=self.boards[spec.board],
                    meeting_date=spec.date,
                    start_time=start,
                    end_time=end,
                    venue=venues[spec.board] + (" and online" if spec.hybrid else ""),
                    hybrid=spec.hybrid,
                    status=MeetingStatus.PLANNED if spec.planned else MeetingStatus.CLOSED,
                    opened_at=None if spec.planned else _at(spec.date, start.hour, start.minute),
                    closed_at=None if spec.planned else _at(spec.date, end.hour, end.minute),
                    created_at=_at(spec.date - dt.timedelta(days=42), 9),
                )
            )
            self.meetings[(spec.board, spec.date)] = meeting
            self.items[(spec.board, spec.date)] = rows
        self.s.flush()
        self._write_minutes_text()
        for spec in MEETINGS:
            meeting = self.meetings[(spec.board, spec.date)]
            for position, item in enumerate(self.items[(spec.board, spec.date)], start=1):
                source = item.spec
                report_of = None
                if source is not None and item.kind in {ItemKind.BUSINESS, ItemKind.ACTION_CARDS}:
                    report_of = _person_title(source.presenter)
                    for key in source.papers:
                        if "@" not in key:
                            report_of = _read_data(key)[1] or report_of
                item.row = self.add(
                    AgendaItem(
                        meeting_id=meeting.id,
                        position=position,
                        kind=item.kind,
                        title=item.title,
                        purpose=source.purpose if source else None,
                        presenter_id=self.people[item.presenter],
                        report_of=report_of,
                        time_box_minutes=item.time_box,
                        exempt=bool(source and source.exempt_paragraph),
                        exempt_paragraph=source.exempt_paragraph if source else None,
                        discussion=item.minutes,
                    )
                )
        self.s.flush()

    def decisions(self) -> None:
        sequence: dict[tuple[str, int], int] = {}
        previous: dict[str, Meeting] = {}
        for spec in MEETINGS:
            meeting = self.meetings[(spec.board, spec.date)]
            rows = self.items[(spec.board, spec.date)]
            if spec.planned:
                previous[spec.board] = meeting
                continue
            elapsed = 0
            start = meeting.start_time or dt.time(10, 0)
            for item in rows:
                elapsed += item.time_box
                wording: list[_Dec] = list(item.spec.decisions) if item.spec else []
                if item.kind is ItemKind.PREVIOUS_MINUTES:
                    prior = previous[spec.board]
                    wording = [
                        _Dec(
                            _APPROVED,
                            f"The minutes of the meeting held on {_long(prior.meeting_date)} "
                            "were approved as a correct record and signed by the Chair.",
                        )
                    ]
                for dec in wording:
                    year = spec.date.year
                    seq = sequence.get((spec.board, year), 0) + 1
                    sequence[(spec.board, year)] = seq
                    assert item.row is not None
                    recorded = _at(spec.date, start.hour, start.minute) + dt.timedelta(
                        minutes=elapsed - 2
                    )
                    decision = self.add(
                        Decision(
                            board_id=self.boards[spec.board],
                            meeting_id=meeting.id,
                            agenda_item_id=item.row.id,
                            year=year,
                            seq=seq,
                            version=1,
                            number=f"{spec.board} {year % 100:02d}/{seq:02d}",
                            kind=dec.kind,
                            wording=dec.wording,
                            recorded_by_id=self.people["emma"],
                            recorded_at=recorded,
                        )
                    )
                    item.decisions.append(decision)
                    if item.kind is ItemKind.PREVIOUS_MINUTES:
                        self.approvals[previous[spec.board].id] = decision
                    if dec.role:
                        self.role_decisions[(spec.board, spec.date, dec.role)] = decision.id
                    for ref in dec.rag_for:
                        self.rag_decisions.append((recorded, ref, decision.id))
            previous[spec.board] = meeting
        self.s.flush()

    def attendance_and_record(self) -> None:
        item_links: dict[Any, list[dict[str, str]]] = {
            agenda_item_actions: [],
            agenda_item_risks: [],
            agenda_item_kpis: [],
        }
        for spec in MEETINGS:
            meeting = self.meetings[(spec.board, spec.date)]
            rows = self.items[(spec.board, spec.date)]
            by_position = {i: r.row.id for i, r in enumerate(rows, start=1) if r.row}
            for item in rows:
                assert item.row is not None
                source = item.spec
                if source is None:
                    continue
                item_links[agenda_item_actions] += [
                    {"agenda_item_id": item.row.id, "action_id": self.actions[a]}
                    for a in source.actions
                ]
                item_links[agenda_item_risks] += [
                    {"agenda_item_id": item.row.id, "risk_id": self.risks[r]} for r in source.risks
                ]
                item_links[agenda_item_kpis] += [
                    {"agenda_item_id": item.row.id, "kpi_id": self.kpis[k]} for k in source.kpis
                ]
            if spec.planned:
                continue
            for key, capacity, status, mode in self._attendees(spec, rows):
                arrived = dict(spec.late).get(key)
                left = dict(spec.left).get(key)
                self.add(
                    Attendance(
                        meeting_id=meeting.id,
                        person_id=self.people[key],
                        status=status,
                        mode=mode,
                        capacity=capacity,
                        arrived_at_item_id=by_position[arrived] if arrived else None,
                        left_after_item_id=by_position[left] if left else None,
                        note="Arrived late" if arrived else "Left early" if left else None,
                    )
                )
            for key, position, interest, action_taken in spec.declarations:
                self.add(
                    Declaration(
                        meeting_id=meeting.id,
                        agenda_item_id=by_position[position] if position else None,
                        person_id=self.people[key],
                        interest=interest,
                        action_taken=action_taken,
                    )
                )
            for item in rows:
                if item.spec is None:
                    continue
                assert item.row is not None
                for arising in item.spec.arising:
                    closed_in = (
                        self.meetings[(spec.board, arising.closed_on)]
                        if arising.closed_on
                        else None
                    )
                    self.add(
                        ActionArising(
                            board_id=self.boards[spec.board],
                            meeting_id=meeting.id,
                            agenda_item_id=item.row.id,
                            decision_id=item.decisions[0].id if item.decisions else None,
                            text=arising.text,
                            owner_id=self.people[arising.owner],
                            due_date=arising.due,
                            status=ActionArisingStatus.CLOSED
                            if closed_in
                            else ActionArisingStatus.OPEN,
                            plan_action_id=self.actions[arising.action] if arising.action else None,
                            closed_in_meeting_id=closed_in.id if closed_in else None,
                            closing_note=arising.closing_note or None,
                            created_at=meeting.closed_at,
                        )
                    )
        self.s.flush()
        for table, links in item_links.items():
            self.link(table, links)

    def _attendees(
        self, spec: _MeetingSpec, rows: list[_ItemRow]
    ) -> list[tuple[str, Capacity, AttendanceStatus, AttendanceMode]]:
        seats = MEMBERSHIPS[spec.board]
        voting = [k for k, role, _ in seats if role in {Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER}]
        others: list[str] = ["emma"]
        if spec.board == "CPB":
            others.append("daniel")  # the DCS attends the Corporate Parenting Board
        others += [r.presenter for r in rows if r.spec is not None] + list(spec.guests)
        out = []
        for key in voting:
            status = (
                AttendanceStatus.APOLOGIES
                if key in spec.apologies
                else AttendanceStatus.ABSENT
                if key in spec.absent
                else AttendanceStatus.PRESENT
            )
            mode = AttendanceMode.REMOTE if key in spec.remote else AttendanceMode.IN_PERSON
            out.append((key, Capacity.MEMBER, status, mode))
        seen = set(voting)
        for key in others:
            if key not in seen:
                seen.add(key)
                mode = AttendanceMode.REMOTE if key in spec.remote else AttendanceMode.IN_PERSON
                out.append((key, Capacity.IN_ATTENDANCE, AttendanceStatus.PRESENT, mode))
        return out

    def _write_minutes_text(self) -> None:
        """Each closed item's discussion, as the clerk would minute it."""
        for spec in MEETINGS:
            if spec.planned:
                continue
            rows = self.items[(spec.board, spec.date)]
            names = {k: PEOPLE[k][0] for k in PEOPLE}
            attendees = self._attendees(spec, rows)
            sent = [names[k] for k, _, s, _ in attendees if s is AttendanceStatus.APOLOGIES]
            remote = [names[k] for k, _, s, m in attendees if m is AttendanceMode.REMOTE]
            closed_here = [
                a.text.rstrip(".")
                for other in MEETINGS
                for item in other.items
                for a in item.arising
                if a.closed_on == spec.date and other.board == spec.board
            ]
            for item in rows:
                if item.kind is ItemKind.APOLOGIES:
                    text = (
                        f"Apologies were received from {_joined(sent)}."
                        if sent
                        else "There were no apologies."
                    )
                    if remote:
                        text += f" {_joined(remote)} attended remotely."
                elif item.kind is ItemKind.DECLARATIONS:
                    declared = [
                        f"{names[k]} declared an interest"
                        + (f" in item {p}" if p else "")
                        + f": {interest} {action}"
                        for k, p, interest, action in spec.declarations
                    ]
                    text = " ".join(declared) or "No declarations of interest were made."
                elif item.kind is ItemKind.PREVIOUS_MINUTES:
                    text = (
                        "The minutes were agreed as a correct record and signed by the Chair. "
                        "Matters arising are covered by the action log."
                    )
                elif item.kind is ItemKind.ACTION_LOG:
                    text = (
                        "The Board reviewed the action log. Closed: "
                        + "; ".join(closed_here)
                        + ". Other open actions were carried forward."
                        if closed_here
                        else "The Board reviewed the action log; open actions were carried forward."
                    )
                elif item.kind is ItemKind.AOB:
                    text = spec.aob
                elif item.kind is ItemKind.NEXT_MEETING:
                    text = f"The next meeting will be held on {_long(spec.next_date)}."
                else:
                    assert item.spec is not None
                    text = item.spec.minutes or ""
                item.minutes = text

    # -------------------------------------------------------------- RAG, evidence, risks
    def progress_evidence_reviews(self) -> None:
        for spec in ACTIONS:
            history = self.histories[spec.ref]
            pending = sorted((at, dec) for at, ref, dec in self.rag_decisions if ref == spec.ref)
            for update in history.updates:
                decision_id = None
                if update.blue:
                    assert spec.blue_at is not None
                    decision_id = self.role_decisions[("OPAB", spec.blue_at, "evidence")]
                elif pending and update.at > pending[0][0]:
                    decision_id = pending.pop(0)[1]
                self.add(
                    ProgressUpdate(
                        action_id=self.actions[spec.ref],
                        recorded_at=update.at,
                        author_id=self.people[update.author],
                        rag=update.rag,
                        previous_rag=update.previous,
                        commentary=update.commentary,
                        previous_due_date=update.move[0] if update.move else None,
                        new_due_date=update.move[1] if update.move else None,
                        due_date_reason=update.move[2] if update.move else None,
                        decision_id=decision_id,
                    )
                )
        reviews = []
        for spec in ACTIONS:
            accepted_on = []
            for ev in spec.evidence:
                outcome = ev.reviews[-1][1] if ev.reviews else None
                evidence = self.add(
                    Evidence(
                        action_id=self.actions[spec.ref],
                        title=ev.title,
                        description=ev.description,
                        url="https://intranet.wealdshire.example/improvement/evidence/"
                        f"{spec.ref.replace('.', '-')}-{ev.url_slug}",
                        submitted_by_id=self.people[spec.owner],
                        submitted_at=_at(ev.submitted, 9, 30),
                        state=EvidenceState.SUBMITTED
                        if outcome is None
                        else EvidenceState(outcome.value),
                    )
                )
                for day, result, comment in ev.reviews:
                    reviews.append((evidence, day, result, comment))
                    if result is ReviewOutcome.ACCEPTED:
                        accepted_on.append(day)
            if spec.blue_at is not None and spec.blue_at not in accepted_on:
                raise ValueError(f"action {spec.ref} goes Blue without accepted evidence")
        self.s.flush()
        for evidence, day, result, comment in reviews:
            self.add(
                EvidenceReview(
                    evidence_id=evidence.id,
                    outcome=result,
                    reviewed_by_id=self.people["helen"],
                    reviewed_at=_at(day, 11),
                    decision_id=self.role_decisions[("OPAB", day, "evidence")],
                    comment=comment,
                )
            )
        for risk in RISKS:
            previous_score: int | None = None
            for i, (lik, imp) in enumerate(risk.scores):
                day = OPAB_DATES[risk.first_review + i]
                score = lik * imp
                if previous_score is None:
                    text = f"Risk added to the register at {_band(score)} ({score})."
                elif score > previous_score:
                    text = f"Score up from {previous_score} to {score}."
                elif score < previous_score:
                    text = f"Score down from {previous_score} to {score}: mitigation is working."
                else:
                    text = f"Reviewed; score unchanged at {score}."
                if i in risk.notes:
                    text += " " + risk.notes[i]
                previous_score = score
                self.add(
                    RiskReview(
                        risk_id=self.risks[risk.ref],
                        reviewed_on=day,
                        reviewed_by_id=self.people[risk.owner],
                        likelihood=lik,
                        impact=imp,
                        commentary=text,
                        decision_id=self.role_decisions.get(("OPAB", day, "risks")),
                    )
                )
        self.s.flush()

    # -------------------------------------------------------------- minutes
    def minutes(self) -> None:
        # The minutes the secretariat generated from each meeting's record (db.minutes).
        from db.minutes.build import minutes_content

        self.s.flush()
        for spec in MEETINGS:
            if spec.planned:
                continue
            meeting = self.meetings[(spec.board, spec.date)]
            content = minutes_content(self.s, meeting, public=False)
            text = canonical_json(content)
            drafted = _at(spec.date + dt.timedelta(days=5), 10)
            circulated = _at(spec.date + dt.timedelta(days=8), 16)
            approval = self.approvals.get(meeting.id)
            chair = next(k for k, role, _ in MEMBERSHIPS[spec.board] if role is Role.CHAIR)
            self.add(
                MinutesVersion(
                    meeting_id=meeting.id,
                    version=1,
                    status=MinutesStatus.SIGNED if approval else MinutesStatus.CIRCULATED,
                    content_json=text,
                    content_hash=sha256_hex(text) if approval else None,
                    created_by_id=self.people["emma"],
                    created_at=drafted,
                    circulated_at=circulated,
                    approved_at=approval.recorded_at if approval else None,
                    approved_by_decision_id=approval.id if approval else None,
                    signed_by_id=self.people[chair] if approval else None,
                    signed_at=approval.recorded_at + dt.timedelta(minutes=1) if approval else None,
                )
            )
        self.s.flush()

    # -------------------------------------------------------------- papers and questions
    def papers_and_annotations(self, render: PaperRenderer) -> None:
        source = _Papers(self.histories)
        blobs: set[str] = set()
        rendered: dict[str, bytes] = {}
        pending: list[tuple[Paper, Blob | None]] = []
        for spec in MEETINGS:
            meeting = self.meetings[(spec.board, spec.date)]
            issued = _at(spec.date - dt.timedelta(days=7), 17)
            for item in self.items[(spec.board, spec.date)]:
                if item.spec is None:
                    continue
                assert item.row is not None
                for key in item.spec.papers:
                    title, report_of, body, kind = source.get(key, BOARDS[spec.board][0])
                    data, pages = render(title, body)
                    rendered[key] = data
                    digest = _sha256(data)
                    blob = None
                    if digest not in blobs:
                        blobs.add(digest)
                        blob = Blob(
                            sha256=digest,
                            size=len(data),
                            media_type="application/pdf",
                            data=data,
                            created_at=issued,
                        )
                    paper = Paper(
                        meeting_id=meeting.id,
                        agenda_item_id=item.row.id,
                        title=title,
                        kind=kind,
                        report_of=report_of,
                        blob_sha256=digest,
                        page_count=pages,
                        text=_plain(title, body),
                        exempt=item.row.exempt,
                        issued_at=issued,
                    )
                    self.papers[key] = paper
                    pending.append((paper, blob))
        for _, blob in pending:
            if blob is not None:
                self.s.add(blob)
        self.s.flush()
        for paper, _ in pending:
            self.add(paper)
        self.s.flush()
        # Positions are fractions of the page (0..1, origin top left). A highlight sits on
        # the words it quotes, found in the rendered PDF as the reader finds them; a
        # note without a quote sits in the first page's right margin.
        page_texts: dict[tuple[str, int], PageText | None] = {}
        for n, (key, author, note_kind, quote, comment, shared) in enumerate(ANNOTATIONS):
            paper = self.papers[key]
            page, x, y, rects = 0, 0.86, 0.18 + 0.07 * (n % 5), None
            if quote is not None:
                found = _place_quote(rendered[key], paper.page_count, quote, page_texts)
                if found is None:
                    raise ValueError(f"annotation quote not in paper {key!r}: {quote!r}")
                page, x, y = found.page or 0, found.rects[0][0], found.rects[0][1]
                rects = [list(r) for r in found.rects]
            made = min(paper.issued_at + dt.timedelta(days=1, hours=2 + n), _at(DEMO_AS_OF, 9))
            self.add(
                Annotation(
                    paper_id=paper.id,
                    author_id=self.people[author],
                    kind=note_kind,
                    page=page,
                    x=x,
                    y=y,
                    rects=rects,
                    quote=quote,
                    comment=comment,
                    shared=shared,
                    anchor=AnchorState.ANCHORED,
                    created_at=made,
                    updated_at=made,
                )
            )
        self.s.flush()
        self._card_responses(rendered, page_texts)

    def _card_responses(
        self, rendered: dict[str, bytes], page_texts: dict[tuple[str, int], PageText | None]
    ) -> None:
        """The board's responses to action cards, as `respond_to_card` stores them."""
        from db.papers.pdftext import split_pages
        from db.services.annotations import CARD_KEY
        from db.services.questions import parse_cards

        for key, number, by, status, response, day, hour, minute in CARD_RESPONSES:
            paper = self.papers[key]
            cards = parse_cards(split_pages(paper.text, paper.page_count))
            _, text, addressed, _ = next(c for c in cards if c[0] == number)
            found = _place_quote(rendered[key], paper.page_count, text, page_texts)
            if found is None:
                raise ValueError(f"action card {number} not found in paper {key!r}")
            at = _at(day, hour, minute)
            self.add(
                Annotation(
                    paper_id=paper.id,
                    author_id=self.people["emma"],
                    kind=AnnotationKind.NOTE,
                    page=found.page or 0,
                    x=found.rects[0][0],
                    y=found.rects[0][1],
                    rects=[list(r) for r in found.rects],
                    quote=text,
                    comment=response,
                    shared=True,
                    anchor=AnchorState.ANCHORED,
                    extra={
                        CARD_KEY: {
                            "number": number,
                            "addressed_to": addressed,
                            "responded_by": _person_title(by),
                            "responded_at": at.isoformat(),
                            "status": status,
                            "recorded_by": self.people["emma"],
                        }
                    },
                    created_at=at,
                    updated_at=at,
                )
            )
        self.s.flush()

    def questions(self) -> None:
        n = 0
        for spec in MEETINGS:
            for item in self.items[(spec.board, spec.date)]:
                if item.spec is None:
                    continue
                assert item.row is not None
                for q in item.spec.questions:
                    n += 1
                    asked = min(spec.date - dt.timedelta(days=6), DEMO_AS_OF - dt.timedelta(days=4))
                    answered_at = None
                    if q.answer is not None and not spec.planned:
                        answered_at = _at(spec.date, 14, 40)
                    self.add(
                        Question(
                            agenda_item_id=item.row.id,
                            author_id=self.people[q.author],
                            text=q.text,
                            shared=q.shared,
                            answer=q.answer,
                            answered_by=_person_title(q.answered_by) if q.answered_by else None,
                            answered_at=answered_at,
                            created_at=_at(asked, 18, n),
                        )
                    )
        self.s.flush()


def _place_quote(
    data: bytes, pages: int, quote: str, read: dict[tuple[str, int], PageText | None]
) -> Placement | None:
    """Where a quote sits in a rendered paper, page by page from the first (few are read).

    `read` keeps the pages already read, by (PDF digest, page), for the next quote.
    """
    digest = _sha256(data)
    for number in range(pages):
        if (digest, number) not in read:
            read[digest, number] = read_page(data, number)
        text = read[digest, number]
        if text is None:
            break
        found = find_quote([text], quote, 0)
        if found.method in (Method.EXACT, Method.NORMALISED) and found.rects:
            return Placement(found.method, number, found.start, found.end, 1.0, found.rects)
    return None


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def build_demo(database: Database, *, render_paper: PaperRenderer | None = None) -> None:
    """Build the demo board into an empty database, deterministically.

    Args:
        database: an open, migrated and empty Boardpack database.
        render_paper: turns (title, body) into (PDF bytes, page count); when None the
            demo has no papers, blobs or annotations (GUI tests use that for speed).

    Raises:
        ValueError: the database already holds people or boards.
    """
    ids = seeded_ids(DEMO_SEED)
    with database.begin(None, clock=_StepClock(CLOCK_START), ids=ids) as session:
        existing = session.scalar(select(func.count()).select_from(Person))
        if existing or session.scalar(select(func.count()).select_from(Board)):
            raise ValueError("the demo board can only be built into an empty database")
        builder = _Builder(session, ids, render_paper)
        builder.people_and_boards()
        builder.plan()
        builder.risks_kpis_milestones()
        builder.meetings_and_items()
        builder.decisions()
        builder.attendance_and_record()
        builder.progress_evidence_reviews()
        if render_paper is not None:
            builder.papers_and_annotations(render_paper)
        builder.minutes()  # after the papers: the minutes list their action cards
        builder.questions()


def create_demo(path: Path, *, render_paper: PaperRenderer | None = None) -> Database:
    """Create a new database file at `path` holding the demo board, and return it open.

    Args:
        path: where to create the file; it must not exist.
        render_paper: see `build_demo`.

    Returns:
        The open `Database` (the caller closes it).

    Raises:
        FileExistsError: `path` already exists.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists")
    database = open_database(path, create=True)
    try:
        build_demo(database, render_paper=render_paper)
    except BaseException:
        database.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return database
