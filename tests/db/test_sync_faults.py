"""Crashes at any point of a sync: faults after k statements on either side, and SIGKILL.

Afterwards a plain sync converges: same records everywhere, no change twice, and
the pull cursor never ahead of the data it claims.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from db.demo import create_demo
from db.dump import dump_text
from db.models import Action, Decision, DecisionKind, Meeting, Rag
from db.store import Database, open_database
from db.sync.central import CentralStore
from db.sync.engine import sync
from tests.db.conftest import seed_board

Laptop = Callable[[str], Database]


class Crash(Exception):
    pass


def crash_after(engine: Engine, k: int) -> Callable[..., None]:
    seen = {"n": 0}

    def hook(*_args: Any) -> None:
        seen["n"] += 1
        if seen["n"] == k:
            raise Crash(f"crash at statement {k}")

    event.listen(engine, "before_cursor_execute", hook)
    return hook


def busy_laptops(central_url: str, laptop: Laptop) -> tuple[Database, Database, dict[str, str]]:
    a, b = laptop("a"), laptop("b")
    ids = seed_board(a, actions=4)
    sync(a, central_url)
    sync(b, central_url)
    with a.begin() as s:
        meeting = Meeting(board_id=ids["board"], meeting_date=dt.date(2019, 3, 20))
        s.add(meeting)
        s.flush()
        ids["meeting"] = meeting.id
    for db, tag in ((a, "A"), (b, "B")):
        with db.begin() as s:
            for i in range(4):
                act = s.get(Action, ids[f"a{i}"])
                assert act is not None
                act.description = f"{tag} wording {i}"
                act.rag = Rag.AMBER if tag == "A" else Rag.GREEN
    return a, b, ids


def check_invariants(*dbs: Database) -> None:
    for db in dbs:
        with db.engine.connect() as conn:
            dupes = conn.execute(
                text("SELECT count(*) - count(DISTINCT change_id) FROM change_log")
            ).scalar_one()
            cursor = conn.execute(text("SELECT pull_cursor FROM sync_state")).scalar_one()
            top = conn.execute(
                text("SELECT coalesce(max(server_seq), 0) FROM change_log")
            ).scalar_one()
        assert dupes == 0
        assert top <= cursor, f"cursor {cursor} behind applied data {top}"


def settle(url: str, *dbs: Database) -> None:
    for _ in range(2):
        for db in dbs:
            sync(db, url, batch=5)


@pytest.mark.parametrize("side", ["laptop", "central"])
def test_a_crash_after_any_statement_recovers(central_url: str, laptop: Laptop, side: str) -> None:
    a, b, ids = busy_laptops(central_url, laptop)
    sync(b, central_url)
    with a.begin() as s:
        s.add(
            Decision(
                board_id=ids["board"],
                meeting_id=ids["meeting"],
                year=2019,
                seq=1,
                number="OPAB 19/01",
                kind=DecisionKind.AGREED,
                wording="Agreed.",
            )
        )
    crashes = 0
    for k in range(1, 2000):
        central = CentralStore(central_url)
        engine = a.engine if side == "laptop" else central.engine
        hook = crash_after(engine, k)
        try:
            sync(a, central, batch=3)
        except Exception as exc:
            if "crash at statement" not in str(exc):
                raise
            crashes += 1
            check_invariants(a)
            continue
        finally:
            event.remove(engine, "before_cursor_execute", hook)
            central.close()
        break
    assert crashes >= 10  # the loop really crashed at many points before finishing
    settle(central_url, a, b)
    check_invariants(a, b)
    assert dump_text(a.engine) == dump_text(b.engine)
    with b.session() as s:
        assert s.get(Decision, s.query(Decision.id).scalar()) is not None


@pytest.mark.slow
def test_sigkill_during_sync_then_converges(tmp_path: Path) -> None:
    from db.sync.central import init_central

    url = f"sqlite:///{tmp_path / 'central.db'}"
    init_central(url)
    a_path = tmp_path / "a.db"
    create_demo(a_path).close()  # thousands of changes to push
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    rng = random.Random(20190122)
    killed = 0
    for _ in range(6):
        with subprocess.Popen(
            [
                sys.executable,
                "-m",
                "desktop",
                "sync",
                "--db",
                str(a_path),
                "--remote",
                url,
                "--batch",
                "40",
                "--quiet",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as proc:
            time.sleep(rng.uniform(0.4, 2.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait(timeout=60)
        lock = tmp_path / "central.db.lock"
        if lock.exists():  # a killed process leaves its lock; a stale one is broken later
            lock.unlink()
    assert killed >= 1
    a = open_database(a_path)
    b = open_database(tmp_path / "b.db", create=True)
    try:
        sync(a, url)
        sync(b, url)
        sync(a, url)
        check_invariants(a, b)
        assert dump_text(a.engine) == dump_text(b.engine)
    finally:
        a.close()
        b.close()
