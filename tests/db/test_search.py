"""Search everywhere: the FTS5 index (migration 0005), its triggers and sync; the service."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from db.dump import dump_text
from db.models import (
    Action,
    AgendaItem,
    Blob,
    Board,
    Decision,
    DecisionKind,
    Evidence,
    ItemKind,
    Kpi,
    Meeting,
    MinutesVersion,
    Paper,
    PaperKind,
    Person,
    Plan,
    Polarity,
    ProgressUpdate,
    Rag,
    Risk,
    Theme,
)
from db.services.search import (
    KIND_RANGES,
    KINDS,
    MARK_CLOSE,
    MARK_OPEN,
    SearchGroup,
    fts_query,
    index_available,
    minutes_text,
    plain_snippet,
    record_text,
    search,
    snippet_parts,
)
from db.session import configure, session_factory
from db.store import Database, alembic_config, make_engine, open_database
from db.sync import capture
from db.sync.central import init_central
from db.sync.engine import sync

PDF = b"%PDF-1.4 (a stand-in)"
SHA = hashlib.sha256(PDF).hexdigest()
MINUTES = (
    '{"format":"boardpack-minutes/1","board":{"code":"OPAB","name":"Ofsted Priority Action Board"},'
    '"attendance":{"present":["Alex Marsh"],"apologies":[]},'
    '"items":[{"number":1,"title":"Front door","exempt":false,"exempt_paragraph":null,'
    '"minutes":"Members discussed the kaleidoscope triage pilot.","decisions":[],'
    '"actions_arising":[{"text":"Report back","owner":"Alex Marsh","due":"2019-03-01"}]},'
    '{"number":2,"title":"Child Q review","exempt":true,"exempt_paragraph":1,'
    '"minutes":"The zeppelin placement breakdown was examined.","decisions":[],'
    '"actions_arising":[]}]}'
)


def hits(groups: list[SearchGroup]) -> dict[str, list[str]]:
    """kind -> record ids, in order."""
    return {g.kind: [h.record_id for h in g.hits] for g in groups}


def find(db: Database, query: str, *, include_exempt: bool = True) -> dict[str, list[str]]:
    with db.session() as s:
        return hits(search(s, query, include_exempt=include_exempt))


def write_board(db: Database) -> dict[str, str]:
    """One of everything search indexes, with words that appear nowhere else."""
    with db.begin() as s:
        chair = Person(name="Alex Marsh")
        board = Board(code="OPAB", name="Ofsted Priority Action Board")
        s.add_all([chair, board])
        s.flush()
        plan = Plan(board_id=board.id, title="Children's Improvement Plan")
        meeting = Meeting(board_id=board.id, meeting_date=dt.date(2019, 1, 22))
        s.add_all([plan, meeting])
        s.flush()
        theme = Theme(plan_id=plan.id, number=2, title="Quality of Practice")
        public = AgendaItem(
            meeting_id=meeting.id, position=1, kind=ItemKind.BUSINESS, title="Front door"
        )
        exempt = AgendaItem(
            meeting_id=meeting.id,
            position=2,
            kind=ItemKind.BUSINESS,
            title="Child Q review",
            exempt=True,
            exempt_paragraph=1,
        )
        s.add_all([theme, public, exempt])
        s.flush()
        action = Action(
            plan_id=plan.id,
            theme_id=theme.id,
            reference="2.3",
            title="Reform the MASH front door",
            description="Co-located triage of contacts within 24 hours.",
            success_measure="Contacts decided within one working day.",
            rag=Rag.AMBER,
        )
        other = Action(plan_id=plan.id, theme_id=theme.id, reference="2.4", title="Audit")
        s.add_all([action, other])
        s.flush()
        update = ProgressUpdate(
            action_id=other.id, rag=Rag.GREEN, commentary="Marmalade audits finished early."
        )
        evidence = Evidence(action_id=other.id, title="Quokka moderation report")
        risk = Risk(
            plan_id=plan.id,
            reference="R5",
            title="Not enough local placements",
            description="Children placed at a distance.",
            mitigation="Recruit more foster carers through the hub.",
            likelihood=4,
            impact=5,
            target_likelihood=2,
            target_impact=3,
        )
        kpi = Kpi(
            plan_id=plan.id,
            reference="K2",
            title="Re-referrals within 12 months",
            description="Referrals of children referred before.",
            narrative="The rise reflects a backlog of tangerine cases.",
            unit="%",
            polarity=Polarity.LOWER_IS_BETTER,
        )
        decision = Decision(
            board_id=board.id,
            meeting_id=meeting.id,
            agenda_item_id=public.id,
            year=2019,
            seq=4,
            number="OPAB 19/04",
            kind=DecisionKind.AGREED,
            wording="The Board agreed the walrus protocol.",
        )
        secret = Decision(
            board_id=board.id,
            meeting_id=meeting.id,
            agenda_item_id=exempt.id,
            year=2019,
            seq=5,
            number="OPAB 19/05",
            kind=DecisionKind.AGREED,
            wording="The Board agreed the narwhal escalation.",
        )
        minutes = MinutesVersion(meeting_id=meeting.id, content_json=MINUTES)
        blob = Blob(sha256=SHA, size=len(PDF), media_type="application/pdf", data=PDF)
        s.add_all([update, evidence, risk, kpi, decision, secret, minutes, blob])
        s.flush()
        paper = Paper(
            meeting_id=meeting.id,
            agenda_item_id=public.id,
            title="Front door report",
            kind=PaperKind.REPORT,
            blob_sha256=SHA,
            page_count=1,
            text="The gazebo pathway is working.",
        )
        hidden = Paper(
            meeting_id=meeting.id,
            agenda_item_id=exempt.id,
            title="Child Q learning review",
            kind=PaperKind.REPORT,
            blob_sha256=SHA,
            page_count=1,
            text="Child Q went missing with the ocelot gang.",
            exempt=True,
        )
        s.add_all([paper, hidden])
        s.flush()
        return {
            "board": board.id,
            "plan": plan.id,
            "theme": theme.id,
            "meeting": meeting.id,
            "public_item": public.id,
            "exempt_item": exempt.id,
            "action": action.id,
            "other": other.id,
            "update": update.id,
            "evidence": evidence.id,
            "risk": risk.id,
            "kpi": kpi.id,
            "decision": decision.id,
            "secret": secret.id,
            "minutes": minutes.id,
            "paper": paper.id,
            "hidden": hidden.id,
        }


@pytest.fixture
def board(database: Database) -> dict[str, str]:
    return write_board(database)


# The index --------------------------------------------------------------------------


def test_a_fresh_database_has_the_index_and_its_triggers(database: Database) -> None:
    with database.engine.connect() as conn:
        names = {
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name LIKE 'search%'"
            )
        }
        sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'search_fts'"
        ).scalar_one()
    assert {"search_fts", "search_fts_docs", "search_fts_actions_i", "search_fts_papers_d"} <= names
    assert "unicode61 remove_diacritics 2" in sql and "prefix = '2 3'" in sql
    with database.session() as s:
        assert index_available(s)


def test_every_kind_is_found_and_opens_its_record(
    database: Database, board: dict[str, str]
) -> None:
    assert find(database, "MASH") == {"action": [board["action"]]}
    assert find(database, "contacts working day") == {"action": [board["action"]]}
    assert find(database, "foster") == {"risk": [board["risk"]]}
    assert find(database, "tangerine") == {"kpi": [board["kpi"]]}
    assert find(database, "walrus") == {"decision": [board["decision"]]}
    assert find(database, "kaleidoscope") == {"minutes": [board["minutes"]]}
    assert find(database, "gazebo") == {"paper": [board["paper"]]}
    # Progress commentary and evidence open the action they belong to.
    assert find(database, "marmalade") == {"action": [board["other"]]}
    assert find(database, "quokka") == {"action": [board["other"]]}
    # References and decision numbers, typed as people type them.
    assert find(database, "2.3") == {"action": [board["action"]]}
    assert find(database, "OPAB 19/04") == {"decision": [board["decision"]]}


def test_groups_follow_the_fixed_order_and_hits_are_labelled(
    database: Database, board: dict[str, str]
) -> None:
    with database.begin() as s:
        s.add(ProgressUpdate(action_id=board["action"], rag=Rag.AMBER, commentary="MASH rota"))
        s.add(
            Paper(
                meeting_id=board["meeting"],
                title="MASH review",
                kind=PaperKind.REPORT,
                blob_sha256=SHA,
                page_count=1,
                text="x",
            )
        )
        s.get(Risk, board["risk"]).mitigation = "Staff the MASH."  # type: ignore[union-attr]
    with database.session() as s:
        groups = search(s, "mash", include_exempt=True)
    assert [g.kind for g in groups] == ["action", "risk", "paper"]
    assert [g.title for g in groups] == ["Actions", "Risks", "Papers"]
    action = groups[0].hits
    assert len(action) == 1  # the action and its progress update are one hit
    hit = action[0]
    assert hit.title == "2.3 Reform the MASH front door"
    assert hit.detail == "Theme 2 · Amber"
    assert hit.page_hint == "plan"
    assert groups[1].hits[0].page_hint == "risks"
    assert groups[2].hits[0].page_hint is None
    assert f"{MARK_OPEN}MASH{MARK_CLOSE}" in groups[1].hits[0].snippet
    assert all(h.rank <= 0 for g in groups for h in g.hits)


def test_the_index_follows_inserts_updates_and_deletes(
    database: Database, board: dict[str, str]
) -> None:
    with database.begin() as s:
        action = s.get(Action, board["action"])
        assert action is not None
        action.title = "Reform the front door with a hummingbird"
    assert find(database, "MASH") == {}
    assert find(database, "hummingbird") == {"action": [board["action"]]}
    with database.begin() as s:
        s.delete(s.get(ProgressUpdate, board["update"]))
    assert find(database, "marmalade") == {}
    with database.begin() as s:
        s.delete(s.get(Evidence, board["evidence"]))
        s.delete(s.get(Action, board["other"]))
    assert find(database, "quokka") == {}
    with database.engine.connect() as conn:
        counts = conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM search_fts), (SELECT count(*) FROM search_fts_docs)"
        ).one()
    # an action, a risk, a KPI, 2 decisions, 2 minutes documents, 2 papers
    assert tuple(counts) == (9, 9)


def test_a_raw_sqlite_write_is_indexed_too(database: Database, board: dict[str, str]) -> None:
    conn = sqlite3.connect(database.path)
    with conn:
        conn.execute(
            "UPDATE kpis SET narrative = 'A wombat explains it' WHERE id = ?", (board["kpi"],)
        )
    conn.close()
    assert find(database, "wombat") == {"kpi": [board["kpi"]]}
    assert find(database, "tangerine") == {}


def test_rag_only_changes_do_not_touch_the_index(database: Database, board: dict[str, str]) -> None:
    def rowid() -> int:
        with database.engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT id FROM search_fts_docs WHERE source_id = :a"),
                    {"a": board["action"]},
                ).scalar_one()
            )

    before = rowid()
    with database.begin() as s:
        s.get(Action, board["action"]).rag = Rag.RED  # type: ignore[union-attr]
    assert rowid() == before


def test_kinds_have_their_own_rowid_ranges(database: Database, board: dict[str, str]) -> None:
    with database.engine.connect() as conn:
        ids = dict(conn.exec_driver_sql("SELECT source_id, id FROM search_fts_docs").all())
    for kind, key in [
        ("action", "action"),
        ("action", "update"),
        ("action", "evidence"),
        ("risk", "risk"),
        ("kpi", "kpi"),
        ("decision", "decision"),
        ("paper", "paper"),
    ]:
        lo, hi = KIND_RANGES[kind]
        assert lo <= ids[board[key]] <= hi, (kind, key)


def test_minutes_that_are_not_json_are_indexed_as_text(database: Database) -> None:
    ids = write_board(database)
    with database.begin() as s:
        s.add(MinutesVersion(meeting_id=ids["meeting"], version=2, content_json="plain {aardvark"))
    assert list(find(database, "aardvark")) == ["minutes"]


# Exempt -----------------------------------------------------------------------------


def test_exempt_text_is_found_only_by_those_who_may_read_it(
    database: Database, board: dict[str, str]
) -> None:
    for word, kind, key in [
        ("ocelot", "paper", "hidden"),
        ("narwhal", "decision", "secret"),
        ("zeppelin", "minutes", "minutes"),
    ]:
        assert find(database, word, include_exempt=True) == {kind: [board[key]]}
        assert find(database, word, include_exempt=False) == {}
    # The title of an exempt item is public (the public minutes show it).
    assert find(database, "Child Q review", include_exempt=False) == {"minutes": [board["minutes"]]}


def test_exemption_is_read_when_searching_not_when_indexing(
    database: Database, board: dict[str, str]
) -> None:
    with database.begin() as s:
        s.get(AgendaItem, board["public_item"]).exempt = True  # type: ignore[union-attr]
        s.get(AgendaItem, board["public_item"]).exempt_paragraph = 3  # type: ignore[union-attr]
    assert find(database, "walrus", include_exempt=False) == {}
    assert find(database, "gazebo", include_exempt=False) == {}
    assert find(database, "gazebo", include_exempt=True) == {"paper": [board["paper"]]}


def test_record_text_respects_exemption(database: Database, board: dict[str, str]) -> None:
    with database.session() as s:
        decision = record_text(s, "decision", board["decision"], include_exempt=False)
        assert decision is not None
        assert decision.title == "OPAB 19/04 (agreed)"
        assert "walrus protocol" in decision.text
        assert record_text(s, "decision", board["secret"], include_exempt=False) is None
        assert record_text(s, "paper", board["hidden"], include_exempt=False) is None
        paper = record_text(s, "paper", board["hidden"], include_exempt=True)
        assert paper is not None and "ocelot" in paper.text
        public = record_text(s, "minutes", board["minutes"], include_exempt=False)
        full = record_text(s, "minutes", board["minutes"], include_exempt=True)
        assert public is not None and full is not None
        assert public.title == "Minutes of the OPAB meeting, 22 January 2019"
        assert "kaleidoscope" in public.text and "zeppelin" not in public.text
        assert "paragraph 1 of Schedule 12A" in public.text
        assert "zeppelin" in full.text
        assert record_text(s, "paper", "no-such-id", include_exempt=True) is None


def test_minutes_text_reads_any_content() -> None:
    assert minutes_text("not json", True) == "not json"
    assert minutes_text('["a", {"b": "c"}]', True) == "a\nc"
    assert "Present: Alex Marsh" in minutes_text(MINUTES, False)
    assert "Action: Report back — Alex Marsh, by 2019-03-01" in minutes_text(MINUTES, True)


# Queries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", None),
        ("   ", None),
        ('"*()-', None),
        ("mash", '"mash"*'),
        ("mash ", '"mash"'),
        ("m", '"m"'),  # one letter: no prefix (it would match most of a large board)
        ("front door", '"front" "door"*'),
        ("OPAB 19/07", '"OPAB" "19/07"*'),
        ("OPAB 19/0", '"OPAB" "19/0"'),
        ('say "hi', '"say" """hi"*'),
        ("a OR b", '"a" "OR" "b"'),
        ("NEAR(x y)", '"NEAR(x" "y)"'),
        ("-foster", '"-foster"*'),
        ("café", '"café"*'),
    ],
)
def test_typed_text_becomes_a_quoted_query(typed: str, expected: str | None) -> None:
    assert fts_query(typed) == expected


def test_snippet_parts_split_on_the_marks() -> None:
    snippet = f"…the {MARK_OPEN}MASH{MARK_CLOSE} and {MARK_OPEN}front{MARK_CLOSE}"
    assert snippet_parts(snippet) == [
        ("…the ", False),
        ("MASH", True),
        (" and ", False),
        ("front", True),
    ]
    assert snippet_parts(f"x{MARK_CLOSE}y{MARK_OPEN}z") == [("xy", False), ("z", True)]
    assert plain_snippet(snippet) == "…the MASH and front"


def test_diacritics_and_case_do_not_matter(database: Database, board: dict[str, str]) -> None:
    with database.begin() as s:
        s.get(Kpi, board["kpi"]).narrative = "Réfugiés non accompagnés"  # type: ignore[union-attr]
    assert find(database, "REFUGIES") == {"kpi": [board["kpi"]]}
    assert find(database, "accompagn") == {"kpi": [board["kpi"]]}


def test_limit_per_kind(database: Database, board: dict[str, str]) -> None:
    with database.begin() as s:
        for i in range(12):
            s.add(
                Action(
                    plan_id=board["plan"],
                    theme_id=board["theme"],
                    reference=f"9.{i}",
                    title=f"Platypus {i}",
                )
            )
    with database.session() as s:
        groups = search(s, "platypus", include_exempt=True, limit_per_kind=5)
        assert [len(g.hits) for g in groups] == [5]
        assert search(s, "platypus", include_exempt=True, limit_per_kind=0) == []


def test_a_broad_query_puts_title_matches_first_then_the_newest(
    database: Database, board: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.services.search as service

    def add(ref: str, title: str) -> str:
        with database.begin() as s:
            action = Action(
                plan_id=board["plan"],
                theme_id=board["theme"],
                reference=ref,
                title=title,
                description="A lemur was mentioned.",
            )
            s.add(action)
            s.flush()
            return action.id

    plain = [add(f"8.{i}", f"Plain {i}") for i in range(4)]
    titled = add("8.8", "Lemur action")
    newer = [add(f"8.9{i}", f"Newer {i}") for i in range(2)]
    with database.session() as s:
        ranked = search(s, "lemur", include_exempt=True)[0].hits
        assert ranked[0].record_id == titled and ranked[0].rank < 0  # BM25: title weighs more
        assert len(ranked) == 7
        monkeypatch.setattr(service, "CANDIDATES", 3)  # now "lemur" is a broad word
        broad = search(s, "lemur", include_exempt=True)[0].hits
    assert [h.record_id for h in broad] == [titled, newer[1], newer[0]]
    assert [h.rank for h in broad] == [0.0, 1.0, 2.0]
    assert all(MARK_OPEN in h.snippet for h in broad)
    assert plain  # older than the newest CANDIDATES: not considered


@pytest.fixture(scope="module")
def shared_board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_database(tmp_path_factory.mktemp("search") / "board.db", create=True)
    write_board(db)
    yield db
    db.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec=None), max_size=40))
def test_any_text_is_a_safe_query(shared_board: Database, typed: str) -> None:
    query = fts_query(typed)
    with shared_board.engine.connect() as conn:
        if query is not None:  # the query itself is valid FTS5, never a syntax error
            conn.execute(
                text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :q"), {"q": query}
            ).scalar_one()
    with shared_board.session() as s:
        for include in (True, False):
            groups = search(s, typed, include_exempt=include)
            assert [g.kind for g in groups] == [k for k in KINDS if k in {g.kind for g in groups}]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from('ab "*()-:^+{}.OR NEAR AND NOT'), max_size=30))
def test_fts_syntax_characters_never_raise(shared_board: Database, typed: str) -> None:
    with shared_board.session() as s:
        search(s, typed, include_exempt=False)
        search(s, typed, include_exempt=True)


# Not synced, not dumped ------------------------------------------------------------


def test_the_index_is_not_captured_nor_dumped(database: Database, board: dict[str, str]) -> None:
    with database.engine.connect() as conn:
        shapes = {shape.name for shape in capture.synced_tables(conn)}
        logged = {
            r[0] for r in conn.exec_driver_sql("SELECT DISTINCT table_name FROM change_log").all()
        }
    assert not {n for n in shapes | logged if "search" in n}
    assert "search" not in dump_text(database.engine)


# Migration --------------------------------------------------------------------------


def _at_0004(path: Path) -> Callable[[], None]:
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    return engine.dispose


def test_upgrading_indexes_what_is_already_there(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    old = Database(path, engine, session_factory(engine))
    # Written with today's models (they have columns 0004 lacks), then taken back to 0004.
    ids = write_board(old)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name LIKE 'search%'"
            ).scalar_one()
            == 0
        )
    old.close()
    db = open_database(path, backup_dir=tmp_path / "backups")
    try:
        assert db.migrated_from == "0004"
        assert find(db, "marmalade") == {"action": [ids["other"]]}
        assert find(db, "kaleidoscope") == {"minutes": [ids["minutes"]]}
        assert find(db, "zeppelin", include_exempt=False) == {}
        assert find(db, "ocelot") == {"paper": [ids["hidden"]]}
        with db.begin() as s:  # and the triggers keep it in step from there
            s.get(Paper, ids["paper"]).text = "Now about a pangolin."  # type: ignore[union-attr]
        assert find(db, "pangolin") == {"paper": [ids["paper"]]}
        # Downgrading removes the index and its triggers; upgrading builds it again.
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name LIKE 'search%'"
                ).scalar_one()
                == 0
            )
            command.upgrade(cfg, "head")
        assert find(db, "pangolin") == {"paper": [ids["paper"]]}
    finally:
        db.close()


def test_search_without_an_index_finds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    dispose = _at_0004(path)
    dispose()
    engine = make_engine(path)
    try:
        with configure(session_factory(engine)()) as s:
            assert not index_available(s)
            assert search(s, "anything", include_exempt=True) == []
    finally:
        engine.dispose()


# Sync -------------------------------------------------------------------------------


def test_pulled_changes_are_indexed_on_the_other_laptop(
    tmp_path: Path, laptop: Callable[[str], Database]
) -> None:
    central = f"sqlite:///{tmp_path / 'central.db'}"
    init_central(central)
    a, b = laptop("a"), laptop("b")
    ids = write_board(a)
    sync(a, central)
    assert sync(b, central).first_sync  # B copies the rows
    assert find(b, "walrus") == {"decision": [ids["decision"]]}
    with a.begin() as s:
        new = Action(
            plan_id=ids["plan"],
            theme_id=ids["theme"],
            reference="2.9",
            title="Recruit a flamingo team",
        )
        s.add(new)
        s.flush()
        new_id = new.id
        s.get(Risk, ids["risk"]).mitigation = "Ask the axolotl panel."  # type: ignore[union-attr]
        s.delete(s.get(ProgressUpdate, ids["update"]))
    assert find(b, "flamingo") == {}
    sync(a, central)
    result = sync(b, central)  # a pull: applied with capture off
    assert result.pulled and not result.first_sync
    assert find(b, "flamingo") == {"action": [new_id]}
    assert find(b, "axolotl") == {"risk": [ids["risk"]]}
    assert find(b, "marmalade") == {}
    # The central store holds the rows but no index of them.
    engine = make_engine(tmp_path / "central.db")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM search_fts_docs").scalar_one() == 0
            assert conn.exec_driver_sql("SELECT count(*) FROM actions").scalar_one() == 3
    finally:
        engine.dispose()


# The demo board ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from db.demo import create_demo
    from exports.papers import render_paper_pdf

    db = create_demo(tmp_path_factory.mktemp("demo") / "demo.db", render_paper=render_paper_pdf)
    yield db
    db.close()


@pytest.mark.parametrize(
    ("typed", "kinds"),
    [
        ("MASH", {"action", "risk", "decision", "minutes", "paper"}),
        ("foster", {"action", "risk", "kpi", "decision", "minutes", "paper"}),
        ("OPAB 19", {"decision", "minutes", "paper"}),
    ],
)
def test_the_demo_board(demo: Database, typed: str, kinds: set[str]) -> None:
    with demo.session() as s:
        groups = search(s, typed, include_exempt=False)
    assert {g.kind for g in groups} == kinds
    assert all(hit.title and hit.detail for group in groups for hit in group.hits)


def test_the_demo_boards_exempt_paper_is_not_found_without_the_right(demo: Database) -> None:
    # "eleven" appears only in the Child B learning review, an exempt (Part 2) paper.
    with demo.session() as s:
        assert search(s, "eleven", include_exempt=False) == []
        found = search(s, "eleven", include_exempt=True)
    assert [g.kind for g in found] == ["paper"]
    assert found[0].hits[0].title.startswith("Learning review: Child B")
    assert f"{MARK_OPEN}eleven{MARK_CLOSE}" in found[0].hits[0].snippet


def test_the_demo_finds_a_decision_by_its_number(demo: Database) -> None:
    with demo.session() as s:
        groups = search(s, "OPAB 19/07", include_exempt=False)
    assert groups[0].kind == "decision"
    assert groups[0].hits[0].title.startswith("OPAB 19/07")
