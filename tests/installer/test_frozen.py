"""The frozen app (PyInstaller, one folder) starts and does real work without a Python install.

The app is built once per test session from `installer/boardpack.spec` into a
temporary folder — or taken from `dist/boardpack/` when `make dist` built it
after the last change to the sources. Then the smoke test runs the executable
itself, in a clean environment (no PYTHONPATH, no venv), for what a first user
does: `--version`, `demo create`, `doctor` (finds the shipped migrations),
`screenshot dashboard` (Qt plugins, fonts), `minutes export` (reportlab with
DejaVu Sans embedded), and a GUI start to the painted dashboard. The windowed
twin, `boardpack-gui` (the shortcuts' executable, same folder), prints its
version, starts to the painted dashboard, and logs a board it cannot open.

Without PyInstaller the tests skip on a laptop and fail in CI (CI=true): a
skipped smoke test must never pass for a green build.
"""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

pytestmark = pytest.mark.installer

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "installer" / "boardpack.spec"
SOURCES = ("desktop", "widgets", "db", "exports", "installer")
EXE_NAME = "boardpack.exe" if sys.platform == "win32" else "boardpack"
GUI_EXE_NAME = "boardpack-gui.exe" if sys.platform == "win32" else "boardpack-gui"
#: Generous bounds for a loaded CI machine; the report gives the measured figures.
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 180


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _newest_source() -> float:
    newest = max(SPEC.stat().st_mtime, (REPO / "pyproject.toml").stat().st_mtime)
    for folder in SOURCES:
        for path in (REPO / folder).rglob("*"):
            if path.suffix in {".py", ".txt", ".mako", ".spec", ".svg", ".png"}:
                newest = max(newest, path.stat().st_mtime)
    return newest


def _fresh_dist() -> Path | None:
    """`dist/boardpack` when `make dist` built it after the newest source change."""
    exe = REPO / "dist" / "boardpack" / EXE_NAME
    newest = _newest_source()
    for built in (exe, exe.parent / GUI_EXE_NAME):
        if not built.is_file() or built.stat().st_mtime <= newest:
            return None
    return exe


@pytest.fixture(scope="session")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The frozen executable, built once per session."""
    existing = _fresh_dist()
    if existing is not None:
        return existing
    if importlib.util.find_spec("PyInstaller") is None:  # what `-m PyInstaller` runs
        message = "PyInstaller is not installed (pip install -e '.[test]')"
        if _in_ci():
            pytest.fail(message + ": CI must build the frozen app")
        pytest.skip(message)
    work = tmp_path_factory.mktemp("pyinstaller")
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(work / "dist"),
        "--workpath",
        str(work / "build"),
        str(SPEC),
    ]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        pytest.fail(
            f"PyInstaller failed ({done.returncode}) after {took:.0f} s:\n{done.stderr[-4000:]}"
        )
    print(f"\nfrozen app built in {took:.0f} s")
    exe = work / "dist" / "boardpack" / EXE_NAME
    assert exe.is_file(), f"no executable at {exe}"
    return exe


def _runner(executable: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run `executable` with a clean environment and its own data folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV")) and key != "BOARDPACK_DATA_DIR"
    }
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["BOARDPACK_DATA_DIR"] = str(tmp_path / "data")

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(executable), *args],
            cwd=tmp_path,  # not the repo: nothing may come from the source tree
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )

    return call


@pytest.fixture
def run(frozen_app: Path, tmp_path: Path) -> Iterator[object]:
    """Run the console executable, `boardpack`."""
    yield _runner(frozen_app, tmp_path)


@pytest.fixture
def run_gui(frozen_app: Path, tmp_path: Path) -> Iterator[object]:
    """Run the windowed executable, `boardpack-gui`, from the same folder."""
    gui = frozen_app.parent / GUI_EXE_NAME
    assert gui.is_file(), f"no windowed executable beside {frozen_app.name}"
    yield _runner(gui, tmp_path)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_bundle_holds_what_the_app_loads_from_files(frozen_app: Path) -> None:
    internal = frozen_app.parent / "_internal"
    versions = internal / "db" / "migrations" / "versions"
    shipped = sorted(p.name for p in versions.glob("*.py"))
    source = sorted(p.name for p in (REPO / "db" / "migrations" / "versions").glob("*.py"))
    assert shipped == source  # Alembic reads these as files, by path
    assert (internal / "db" / "migrations" / "env.py").is_file()
    assert len(list((internal / "db" / "demo_data").glob("*.txt"))) == len(
        list((REPO / "db" / "demo_data").glob("*.txt"))
    )
    assert list(internal.rglob("DejaVuSans.ttf")), "the PDFs' font is missing"
    assert list(internal.rglob("*qoffscreen*")), "the offscreen Qt platform is missing"
    assert not list(internal.rglob("*tkinter*")) and not (internal / "tests").exists()
    assert not list(internal.rglob("*QtWebEngine*"))
    # Two executables over one collected folder, not two copies of it.
    assert (frozen_app.parent / GUI_EXE_NAME).is_file()
    assert [p.name for p in frozen_app.parent.iterdir() if p.is_dir()] == ["_internal"]


def test_smoke(run, tmp_path: Path) -> None:
    got = run("--version")
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == f"boardpack {version('boardpack')}"

    demo = tmp_path / "demo.db"
    got = run("demo", "create", str(demo))
    assert got.returncode == 0, got.stderr
    assert demo.is_file() and demo.stat().st_size > 1_000_000

    got = run("doctor", "--db", str(demo))
    assert got.returncode == 0, got.stdout + got.stderr
    assert "(installed app)" in got.stdout and "quick_check ok" in got.stdout
    assert "not installed" not in got.stdout  # SQLCipher shipped: encrypted boards open

    shot = tmp_path / "dashboard.png"
    got = run("screenshot", "dashboard", "--db", str(demo), "--out", str(shot))
    assert got.returncode == 0, got.stderr
    assert _png_size(shot) == (1366, 768)

    pdf = tmp_path / "minutes.pdf"
    got = run(
        "minutes", "export", "--db", str(demo), "--meeting", "OPAB:2019-11-05", "--out", str(pdf)
    )
    assert got.returncode == 0, got.stderr
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "Minutes" in text or "minutes" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("DejaVuSans" in name for name in fonts), fonts


def test_gui_starts_to_the_dashboard(run, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    assert run("demo", "create", str(demo)).returncode == 0
    started = time.perf_counter()
    got = run("--db", str(demo), "--quit-when-loaded")
    took = time.perf_counter() - started
    assert got.returncode == 0, got.stderr
    print(f"\nfrozen app: start to painted dashboard {took:.2f} s")
    assert took < 60


def test_bad_input_is_one_line(run, tmp_path: Path) -> None:
    got = run(
        "minutes",
        "export",
        "--db",
        str(tmp_path / "missing.db"),
        "--meeting",
        "X",
        "--out",
        "x.pdf",
    )
    assert got.returncode == 1
    assert got.stderr.strip().startswith("boardpack: ") and "Traceback" not in got.stderr


def test_both_executables_print_the_version(run, run_gui) -> None:
    for call in (run, run_gui):
        got = call("--version")
        assert got.returncode == 0, got.stderr
        assert got.stdout.strip() == f"boardpack {version('boardpack')}"


def test_windowed_executable_starts_to_the_dashboard(run, run_gui, tmp_path: Path) -> None:
    demo = tmp_path / "demo.db"
    assert run("demo", "create", str(demo)).returncode == 0
    started = time.perf_counter()
    got = run_gui("--db", str(demo), "--quit-when-loaded")
    took = time.perf_counter() - started
    assert got.returncode == 0, got.stderr
    print(f"\nfrozen windowed app: start to painted dashboard {took:.2f} s")
    assert "Traceback" not in got.stderr


def test_windowed_executable_logs_a_board_it_cannot_open(run_gui, tmp_path: Path) -> None:
    # Offscreen no dialog is shown (nobody could close it); the log always has the message.
    missing = tmp_path / "missing.db"
    got = run_gui("--db", str(missing), "--quit-when-loaded")
    assert got.returncode == 1
    log = (tmp_path / "data" / "logs" / "boardpack.log").read_text(encoding="utf-8")
    assert "boardpack-gui ended with an error" in log and f"no database at {missing}" in log
