"""Killing the app mid-meeting loses no decision and at most the last 2 seconds of typing.

Each run starts the real window on a copy of the demo in a child process
(`desktop.meeting_mode.driver`), which opens the next meeting and types notes
key by key, records decisions and moves through the items, logging each step
with its time. At a random moment (seeded, so a failure can be replayed) the
child is SIGKILLed. The database is then reopened: every decision the child
logged as committed must be there, and each item's notes must be a prefix of
what was typed and hold at least everything typed 2 seconds before the last
logged keystroke (which is no later than the kill).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AgendaItem, Decision
from db.store import open_database
from desktop.meeting_mode.driver import notes_prefix

REPO = Path(__file__).resolve().parents[2]
#: The promise: typed notes are at most this far behind when the process dies.
MAX_LAG_S = 2.0
SEEDS = (11, 23, 37, 41)


def _wait_for(log: Path, word: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and any(line.startswith(word) for line in log.read_text().splitlines()):
            return
        if proc.poll() is not None:
            pytest.fail(f"the driver exited with {proc.returncode} before '{word}'")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"the driver did not log '{word}' within {timeout} s")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_kill_loses_no_decision_and_at_most_two_seconds_of_notes(
    demo_file: Path, tmp_path: Path, seed: int
) -> None:
    db_path = tmp_path / "meeting.db"
    shutil.copy(demo_file, db_path)
    log = tmp_path / "driver.log"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    argv = [sys.executable, "-m", "desktop.meeting_mode.driver", str(db_path), str(log)]
    proc = subprocess.Popen(
        [*argv, "--seed", str(seed)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(log, "ready", proc, timeout=120)
        time.sleep(random.Random(seed).uniform(1.5, 5.0))
        assert proc.poll() is None, "the driver stopped before it was killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    decisions: list[str] = []
    typed: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for line in log.read_text().splitlines():
        word, *rest = line.split()
        assert word != "error", line
        if word == "decision":
            decisions.append(rest[1])
        elif word == "typed":
            typed[rest[1]].append((float(rest[0]), int(rest[2])))
    assert typed, "nothing was typed before the kill"
    last_key = max(t for events in typed.values() for t, _n in events)

    database = open_database(db_path)
    try:
        with database.session() as s:
            held = set(s.scalars(select(Decision.id).where(Decision.id.in_(decisions))))
            notes = {
                item_id: discussion or ""
                for item_id, discussion in s.execute(
                    select(AgendaItem.id, AgendaItem.discussion).where(AgendaItem.id.in_(typed))
                )
            }
    finally:
        database.close()
    assert held == set(decisions), f"decisions lost: {set(decisions) - held}"
    for item_id, events in typed.items():
        saved = notes[item_id]
        assert saved == notes_prefix(len(saved)), "the notes are not what was typed"
        due = max((n for t, n in events if t <= last_key - MAX_LAG_S), default=0)
        assert len(saved) >= due, (
            f"item {item_id}: {len(saved)} characters saved, but {due} had been typed "
            f"{MAX_LAG_S} s before the kill"
        )
