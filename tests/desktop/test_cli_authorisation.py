"""The roles table through the command line (issue 8 part 2, the CLI half).

The CLI has commands for only some rows of the roles table; those are tried here
as each role. A laptop joining with `boardpack sync --as EMAIL` is sent only what
that person may read: the raw file of an observer's or an uncleared officer's new
laptop holds no byte of the exempt sentinel, a member's or chair's does. The
other rows (annotate, progress/RAG, evidence, record decisions, accept evidence,
edit the agenda, approve minutes) have no CLI command: they are tried through the
services in tests/db/test_authorisation_matrix.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.models import Role
from db.store import Database, open_database
from db.sync.engine import sync
from desktop.cli import main
from tests.db.test_observer_sync import SECRET, _board, _raw
from tests.desktop.conftest import call

# ARCHITECTURE.md "Who may do what": may this role read exempt items and papers
# (the officer: only items they present — not this one)? The vice-chair as a member.
READS_EXEMPT = {
    Role.CHAIR: True,
    Role.VICE_CHAIR: True,
    Role.MEMBER: True,
    Role.SECRETARIAT: True,
    Role.OFFICER: False,
    Role.OBSERVER: False,
}


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SQLite central store (made with the CLI) holding the sentinel board."""
    where = tmp_path_factory.mktemp("central")
    url = f"sqlite:///{where / 'central.db'}"
    assert main(["central", "init", url]) == 0
    clerk: Database = open_database(where / "clerk.db", create=True)
    try:
        _board(clerk)
        sync(clerk, url)
    finally:
        clerk.close()
    yield url


@pytest.mark.parametrize("role", list(Role))
def test_a_new_laptop_synced_as_a_role_holds_exempt_bytes_only_if_the_role_reads_them(
    capsys: pytest.CaptureFixture[str], central: str, tmp_path: Path, role: Role
) -> None:
    path = tmp_path / f"{role.value}.db"
    assert not path.exists()  # a new laptop: the file does not exist yet
    code, out, err = call(
        capsys, "sync", "--db", str(path), "--remote", central, "--as", f"{role.value}@example.org"
    )
    assert (code, err) == (0, ""), err
    assert "first sync" in out
    assert (SECRET.encode() in _raw(path)) is READS_EXEMPT[role]


def test_sync_as_someone_unknown_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], central: str, tmp_path: Path
) -> None:
    path = tmp_path / "stranger.db"
    code, out, err = call(
        capsys, "sync", "--db", str(path), "--remote", central, "--as", "nobody@example.org"
    )
    assert code == 1 and out == ""
    assert err.strip() == "boardpack: no one with the email nobody@example.org on the central store"
    assert not path.exists()


def test_grant_on_a_shared_drive_store_says_why_not(
    capsys: pytest.CaptureFixture[str], central: str
) -> None:
    code, _out, err = call(capsys, "central", "grant", central, "--person", "observer@example.org")
    assert code == 1
    assert err.startswith("boardpack: per-person database roles are for a PostgreSQL")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.pg
def test_grant_on_postgres_makes_a_role_that_reads_no_exempt_row(
    capsys: pytest.CaptureFixture[str], pg_url: str, tmp_path: Path
) -> None:
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"cli_auth_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    url = f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    try:
        assert call(capsys, "central", "init", url)[0] == 0
        clerk = open_database(tmp_path / "clerk.db", create=True)
        try:
            _board(clerk)
            sync(clerk, url)
        finally:
            clerk.close()
        code, out, err = call(capsys, "central", "grant", url, "--person", "observer@example.org")
        assert code == 0, err
        role = out.split("database role ")[1].split(" ")[0]
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                everything = conn.execute(
                    text("SELECT count(*) FROM agenda_items WHERE strpos(discussion, :s) > 0"),
                    {"s": SECRET},
                ).scalar_one()
                conn.execute(text(f'SET ROLE "{role}"'))
                as_observer = conn.execute(
                    text("SELECT count(*) FROM agenda_items WHERE strpos(discussion, :s) > 0"),
                    {"s": SECRET},
                ).scalar_one()
        finally:
            engine.dispose()
        assert (everything, as_observer) == (1, 0)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_a_refused_grant_makes_no_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "central.db"
    code, _out, err = call(
        capsys, "central", "grant", f"sqlite:///{target}", "--person", "a@example.org"
    )
    assert code == 1 and "PostgreSQL" in err
    assert not target.exists()
