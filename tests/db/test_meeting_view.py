"""The meeting view's decisions (db.services.meeting_view): only the current version of
each decision is shown, the choice `db.services.decisions.current_versions` makes — also
when two laptops each amended the same decision offline and sync brought both versions."""

# ruff: noqa: F811  (the fixtures `db` and `cast` are imported from meeting_fixtures)

from __future__ import annotations

import datetime as dt

from db.models import Decision
from db.services.decisions import amend_decision, record_decision
from db.services.meeting_view import meeting_view
from db.store import Database
from tests.db.meeting_fixtures import (  # noqa: F401  (fixtures)
    Cast,
    cast,
    db,
    open_with_everyone,
    run,
)


def _decisions(db: Database, cast: Cast) -> list[tuple[str, int, str]]:
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.next_meeting)
    return [(d.number, d.version, d.wording) for d in view.decisions]


def test_an_amended_decision_shows_once_with_its_amended_wording(db: Database, cast: Cast) -> None:
    items = open_with_everyone(db, cast)
    first = run(db, cast.clerk, record_decision, items[4], "agreed", "Agreed the plan.")
    amended = run(
        db, cast.clerk, amend_decision, first.decision_id, wording="Agreed the plan, as amended."
    )
    assert _decisions(db, cast) == [(first.number, 2, "Agreed the plan, as amended.")]
    assert amended.version == 2


def test_two_versions_added_offline_to_one_decision_show_only_the_one_followed(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    first = run(db, cast.clerk, record_decision, items[4], "agreed", "Agreed the plan.")
    here = run(
        db, cast.clerk, amend_decision, first.decision_id, wording="Agreed the plan (laptop A)."
    )
    with db.begin(cast.clerk) as s:
        # What sync brings from a second laptop that amended version 1 offline, later.
        v1, v2 = s.get(Decision, first.decision_id), s.get(Decision, here.decision_id)
        assert v1 is not None and v2 is not None
        s.add(
            Decision(
                board_id=v1.board_id,
                meeting_id=v1.meeting_id,
                agenda_item_id=v1.agenda_item_id,
                year=v1.year,
                seq=v1.seq,
                version=2,
                number=v1.number,
                kind=v1.kind,
                wording="Agreed the plan (laptop B).",
                recorded_by_id=v1.recorded_by_id,
                recorded_at=v2.recorded_at + dt.timedelta(minutes=1),
                supersedes_id=v1.id,
            )
        )
    assert _decisions(db, cast) == [(first.number, 2, "Agreed the plan (laptop A).")]
