"""Shared fixtures: headless Qt, a fresh database per test, the demo board (built once
per test module, copied for each test), the PostgreSQL URL.

PostgreSQL tests read BOARDPACK_TEST_PG_URL (default: the local test server).
On a laptop without a server they skip and say so; in CI (CI=true) an
unreachable server is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from db.store import Database, open_database

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test touches the real user folders."""
    monkeypatch.setenv("BOARDPACK_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """A new, migrated, empty Boardpack database file."""
    db = open_database(tmp_path / "board.db", create=True)
    yield db
    db.close()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo board (`db.demo.create_demo`, papers not rendered), built once for the
    test module, closed. Tests copy it (`demo_database`) rather than change it."""
    from db.demo import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(path, render_paper=None).close()
    return path


@pytest.fixture
def demo_database(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """This test's own copy of `demo_file`, open; closed after the test. A module that
    defines its own `demo_file` (the papers rendered, say) gets a copy of that one."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    db = open_database(path)
    yield db
    db.close()


@pytest.fixture(scope="session")
def pg_url() -> str:
    """A reachable PostgreSQL URL, or skip (fail in CI)."""
    url = os.environ.get("BOARDPACK_TEST_PG_URL", DEFAULT_PG_URL)
    try:
        import psycopg

        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        message = f"PostgreSQL not reachable at {url}: {exc}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message + " (CI requires it)")
        pytest.skip(message)
    return url
