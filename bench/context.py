"""One bench run's shared state: settings, scratch folder, the large board, cleanups.

Every benchmark takes the run's `Context`. It hands out scratch paths (never
reused within a run), a private copy of the large board (generated into the
cache first if needed), and a place for expensive setup that several
benchmarks share (`shared`, e.g. a central store the sync benchmarks all
use). Whatever needs undoing when the run ends — a PostgreSQL schema — is
registered with `on_close` and undone by `close`, even after a crash.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sqlite3
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.generate import CACHE_DIR, DEFAULT_SEED, GenerationReport, cache_key, ensure_large_board

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_URL_ENV = ("BOARDPACK_BENCH_PG_URL", "BOARDPACK_TEST_PG_URL")


def default_pg_url() -> str:
    """The PostgreSQL server the sync benchmarks use (environment, else the local test server)."""
    for name in PG_URL_ENV:
        if os.environ.get(name):
            return os.environ[name]
    return DEFAULT_PG_URL


@dataclass
class Context:
    """One run's settings, scratch folder and (lazily) the large board."""

    work_dir: Path
    cache_dir: Path = CACHE_DIR
    scale: float = 1.0
    seed: int = DEFAULT_SEED
    quick: bool = False
    skip_generate: bool = False
    repeats_override: int | None = None
    # None: no PostgreSQL (its rows say "not available").
    pg_url: str | None = None
    generation: GenerationReport | None = None
    _board: Path | None = None
    _counter: int = 0
    _board_error: Exception | None = None
    info: dict[str, Any] = field(default_factory=dict)
    # Setup that several benchmarks of the run share, by name.
    shared: dict[str, Any] = field(default_factory=dict)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def repeats(self, full: int, quick: int = 1) -> int:
        if self.repeats_override is not None:
            return max(1, self.repeats_override)
        return quick if self.quick else full

    def scratch(self, stem: str) -> Path:
        """A new path in the scratch folder (never reused within the run)."""
        self._counter += 1
        return self.work_dir / f"{stem}-{self._counter}.db"

    def on_close(self, cleanup: Callable[[], None]) -> None:
        """Run `cleanup` when the run ends (last registered, first run)."""
        self._cleanups.append(cleanup)

    def close(self) -> None:
        """Run every cleanup; one failing does not stop the others."""
        while self._cleanups:
            cleanup = self._cleanups.pop()
            try:
                cleanup()
            except Exception:
                traceback.print_exc(file=sys.stderr)

    def board(self) -> Path:
        """A private copy of the large board, generating the cache first if needed."""
        if self._board_error is not None:
            raise RuntimeError(f"no large board: {self._board_error}") from self._board_error
        if self._board is None:
            try:
                cached, report = ensure_large_board(
                    self.cache_dir, scale=self.scale, seed=self.seed
                )
            except Exception as exc:
                self._board_error = exc
                raise
            if report is not None:
                self.generation = report
            self._board = self.work_dir / "large-board.db"
            shutil.copyfile(cached, self._board)
            counts = row_counts(self._board)
            self.info = {
                "cache_file": cached.name,
                "key": cache_key(self.scale, self.seed),
                "scale": self.scale,
                "seed": self.seed,
                "rows": sum(counts.values()),
                "size_mb": round(cached.stat().st_size / 1e6, 1),
                "generated_this_run": report is not None,
                "generation_seconds": round(report.seconds, 2) if report else None,
                "counts": counts,
            }
        return self._board


def remove_db(path: Path) -> None:
    """Delete an SQLite file and whatever journal files it left beside it."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


def model_tables() -> dict[str, list[str]]:
    """Every table of `db.models` with its primary-key columns."""
    import db.models  # noqa: F401  (registers every table)
    from db.base import Base

    return {
        name: [c.name for c in table.primary_key.columns]
        for name, table in sorted(Base.metadata.tables.items())
    }


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table of `db.models` in the SQLite file at `path`."""
    conn = sqlite3.connect(path)
    try:
        return {
            name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in model_tables()
        }
    finally:
        conn.close()


def optional_module(module: str) -> tuple[ModuleType | None, str]:
    """Import `module` if it exists yet; otherwise None and why."""
    try:
        return importlib.import_module(module), ""
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None, f"{module} does not exist yet"
        raise
