"""Local wipe: remove everything Boardpack keeps about a database on this laptop.

For a lost or reassigned laptop: the database file and its `-wal`/`-shm`
(papers and evidence files live inside it), every backup of it, the signing
keys and certificates (`<data dir>/signing`) and the caches. What the other
laptops and the central store hold is untouched: a person given the laptop
back syncs it again from scratch.

The target must be a Boardpack database (`db.store.check_database`), so a
mistyped path can never wipe some other file. Files are overwritten with zeros
before they are removed (best effort: an SSD may keep old blocks; encryption
at rest is the real answer). No Qt here: the CLI and the app share it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from db.backup import list_backups
from db.store import check_database
from desktop.paths import AppPaths

_SIDECARS = ("-wal", "-shm", "-journal")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class WipePlan:
    """What a wipe of one database will remove."""

    files: tuple[Path, ...]
    folders: tuple[Path, ...]

    def describe(self) -> list[str]:
        return [str(p) for p in self.files] + [f"{p}{os.sep} (folder)" for p in self.folders]


def plan_wipe(db_path: Path, paths: AppPaths) -> WipePlan:
    """What `wipe` would remove; raises DatabaseFileError for a file that is not Boardpack's."""
    db_path = Path(db_path)
    check_database(db_path)
    files: list[Path] = []
    for path in [db_path] + [b.path for b in list_backups(db_path, paths.backup_dir)]:
        files.append(path)
        files += [Path(f"{path}{s}") for s in _SIDECARS if Path(f"{path}{s}").exists()]
    folders = [p for p in (paths.data_dir / "signing", paths.cache_dir) if p.is_dir()]
    return WipePlan(tuple(files), tuple(folders))


def _scrub(path: Path) -> None:
    try:
        size = path.stat().st_size
        with path.open("r+b") as fh:
            left = size
            while left > 0:
                step = min(left, _CHUNK)
                fh.write(b"\0" * step)
                left -= step
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass  # removal below is what matters
    path.unlink(missing_ok=True)


def wipe(plan: WipePlan) -> int:
    """Carry out a plan; returns how many files were removed."""
    removed = 0
    for path in plan.files:
        if path.exists():
            _scrub(path)
            removed += 1
    for folder in plan.folders:
        for item in sorted(folder.rglob("*"), reverse=True):
            if item.is_file() or item.is_symlink():
                _scrub(item) if item.is_file() else item.unlink()
                removed += 1
        shutil.rmtree(folder, ignore_errors=True)
    return removed
