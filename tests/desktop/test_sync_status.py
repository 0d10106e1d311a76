"""The status bar's sync part and its words, from plain `SyncStatus` values (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from db.sync.engine import SyncResult, SyncStatus
from desktop.sync_control import progress_text, result_text
from desktop.sync_status import (
    SyncStatusPart,
    failure_text,
    last_sync_text,
    pending_text,
    short_reason,
)

NOW = dt.datetime(2019, 3, 12, 15, 0).astimezone()


def _status(**changes: object) -> SyncStatus:
    values: dict[str, object] = {
        "site_id": "site",
        "pending_changes": 0,
        "pending_files": 0,
        "open_conflicts": 0,
        "unseen_overrides": 0,
        "last_sync_at": None,
        "last_error": None,
        "remote": None,
    }
    values.update(changes)
    return SyncStatus(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            "update required: the central store needs schema 0009 or newer, this app has 0003; "
            "you can keep working offline",
            "update required",
        ),
        ("central store unreachable: connection refused", "offline"),
        (
            "no central store at /mnt/s/central.db (run `boardpack central init URL`)",
            ("central store not found"),
        ),
        ("the central store is busy (locked by LAPTOP-7 pid 12); try again", "central store busy"),
        ("cancelled", "cancelled"),
        ("not a database URL: 'x'", "bad central store address"),
        (
            "sqlite:////x.db is not a Boardpack central store (run `boardpack central init`)",
            ("not a central store"),
        ),
        ("OperationalError: disk I/O error", "error"),
    ],
)
def test_short_reasons(error: str, reason: str) -> None:
    assert short_reason(error) == reason


def test_last_sync_words() -> None:
    assert last_sync_text(None, NOW) == "never"
    assert last_sync_text(NOW.replace(hour=9, minute=5), NOW) == "09:05"
    assert last_sync_text(NOW - dt.timedelta(days=1), NOW) == "yesterday 15:00"
    assert last_sync_text(NOW - dt.timedelta(days=9), NOW) == "3 Mar 15:00"
    assert last_sync_text(NOW - dt.timedelta(days=400), NOW) == "5 Feb 2018 15:00"


def test_pending_words() -> None:
    assert pending_text(0, 0) == "Nothing to send"
    assert pending_text(1, 0) == "To send: 1 change, 0 files"
    assert pending_text(1200, 1) == "To send: 1,200 changes, 1 file"


def test_progress_and_result_words() -> None:
    assert progress_text("push", 200, 0) == "Sending changes: 200"
    assert progress_text("pull", 200, 1000) == "Receiving changes: 200 of 1,000"
    assert progress_text("snapshot progress_updates", 340, 0) == (
        "First sync: copying progress updates (340 rows)"
    )
    result = SyncResult(pushed=3, pulled=5, conflicts=1, overrides=2)
    assert result_text(result) == (
        "Synced: 3 sent, 5 received, 1 new conflict to resolve, 2 of your changes overridden"
    )


def test_the_part_renders_a_status(qtbot: QtBot) -> None:
    part = SyncStatusPart()
    qtbot.addWidget(part)
    assert part.isHidden()  # nothing to say before the first status
    part._now = NOW
    part.show_status(
        _status(
            pending_changes=3,
            pending_files=1,
            open_conflicts=2,
            unseen_overrides=1,
            last_sync_at=NOW - dt.timedelta(days=1),
            last_error="central store unreachable: timeout",
            remote="postgresql+psycopg://board:s3cret@db/boardpack",
        ),
        background_minutes=5,
    )
    part.show()
    assert part.pending_label.text() == "To send: 3 changes, 1 file"
    assert part.conflicts_button.text() == "2 conflicts"
    assert "background" in part.conflicts_button.styleSheet()  # the amber chip, with its words
    assert part.overrides_button.isVisible()
    assert part.overrides_button.text() == "1 change of yours overridden"
    assert part.last_sync_label.text() == "Last sync: yesterday 15:00"
    tip = part.last_sync_label.toolTip()
    assert "s3cret" not in tip and "every 5 minutes" in tip
    assert part.failure_label.text() == "Offline"
    assert part.failure_label.toolTip() == "central store unreachable: timeout"
    assert part.failure_label.accessibleName() == (
        "Last sync attempt: central store unreachable: timeout"
    )

    part.show_status(_status(last_sync_at=NOW))
    assert not part.failure_label.isVisible()
    assert not part.overrides_button.isVisible()
    assert part.conflicts_button.text() == "0 conflicts"
    assert "background" not in part.conflicts_button.styleSheet()


def test_the_part_shows_a_running_sync(qtbot: QtBot) -> None:
    part = SyncStatusPart()
    qtbot.addWidget(part)
    part.show_status(_status())
    part.show()
    part.show_running(True)
    assert part.progress_bar.isVisible() and part.cancel_button.isVisible()
    assert part.progress_label.text() == "Syncing…"
    part.show_progress("Receiving changes: 10 of 20")
    assert part.progress_label.text() == "Receiving changes: 10 of 20"
    part.show_running(False)
    assert not part.progress_bar.isVisible() and not part.cancel_button.isVisible()
    assert part.sync_button.isVisible()


def test_failure_words() -> None:
    assert failure_text("central store unreachable: timeout") == "Offline"
    assert failure_text("update required: …") == "Update required"
    assert failure_text("cancelled") == "Last attempt cancelled"
    assert failure_text("OperationalError: disk I/O error") == "Sync failed"
