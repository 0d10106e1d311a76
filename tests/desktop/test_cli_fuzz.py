"""Every `boardpack` subcommand fuzzed with Hypothesis: a clear error, never a traceback.

The command paths and their options are read from `desktop.cli.build_parser()`
itself (the parser is walked), so a command another module adds to
`COMMAND_MODULES` is fuzzed without a change here. Each example runs
`desktop.cli.main(argv)` in-process, in a fresh folder holding a copy of the
demo board (`demo.db`), a file that is not a database, a folder and a few
plain files, with the data folder (`BOARDPACK_DATA_DIR`) inside it and the
working directory there, so every relative path the fuzzer writes lands in
it. Values are drawn per option — paths that exist or do not, folders, the
non-database file, names that are not UTF-8 (as a POSIX argv brings them, as
surrogate escapes), huge and negative numbers, impossible dates such as
2019-02-30, empty strings, URLs that fail at once — and options are repeated,
left out (required ones too, now and then) or given unknown values.

Whatever the arguments, the run must end with an integer exit code; never an
internal error (exit 70) or a traceback; a failure says so on stderr in at
most two short lines (a check's verdict, exit 1, may be its stdout instead);
and a failed command leaves no half-written file behind (no `.partial`, no
new file outside the data folder) and the database's `boardpack dump`
exactly as it was. stdout is a strict UTF-8 stream as on a real terminal,
so printing a name that cannot be encoded is caught too. Cases it found are
kept below as plain regression tests.

Left out, with the reason: running with no command (opens the app's window)
and `screenshot` (renders the app in an offscreen Qt window, seconds per run;
its argument checks are tested in test_screenshot.py). `demo create` builds a
whole board (seconds) so it gets fewer examples. Examples per command:
`BOARDPACK_FUZZ_EXAMPLES` (default 6; the run is derandomised unless
`BOARDPACK_FUZZ_RANDOM` is set, and failures are shrunk only with
`BOARDPACK_FUZZ_SHRINK`, as each replay takes a second or more).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from desktop import cli

EXCLUDED: dict[tuple[str, ...], str] = {
    (): "no command opens the app's window",
    ("screenshot",): "renders the app in an offscreen Qt window (seconds each); "
    "its argument checks are in test_screenshot.py",
}
#: Bugs found in modules other helpers own, not fixed yet: the fuzzer steers clear of the
#: arguments that show them (so the rest of the command is still fuzzed), and a strict
#: xfail regression test below keeps each in view until it is fixed.
KNOWN: dict[tuple[str, ...], tuple[str, Callable[[list[str]], bool]]] = {}
SLOW: dict[tuple[str, ...], int] = {("demo", "create"): 3}
EXAMPLES = int(os.environ.get("BOARDPACK_FUZZ_EXAMPLES", "6"))
#: The most a failure may say on stderr (not counting the words typed that it echoes).
MAX_LINES, MAX_CHARS = 2, 300
NOT_UTF8 = "bad\udcff\udcfename"  # what Python makes of the bytes b"bad\xff\xfename"


def command_paths() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every leaf command of the parser (e.g. ("minutes", "export")) and its parser."""
    out: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            out.append((path, parser))
        for sub in subs:
            for name, child in sub.choices.items():
                walk(child, (*path, name))

    walk(cli.build_parser(), ())
    return [(path, parser) for path, parser in out if path not in EXCLUDED]


def _top_level() -> argparse.ArgumentParser:
    return cli.build_parser()


# -- Values -----------------------------------------------------------------------------------

_SUFFIXES = ("", ".pdf", ".html", ".csv", ".xlsx", ".png", ".json", ".p12", ".pem", ".db", ".txt")
_ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),  # argv holds no NUL
    max_size=12,
)


def _new_name() -> st.SearchStrategy[str]:
    return st.builds(
        lambda stem, suffix: f"{stem}{suffix}",
        st.sampled_from(["new", "out", "x y", "ünïcode", NOT_UTF8, "-dash", ".hidden"]),
        st.sampled_from(_SUFFIXES),
    )


PATHS = st.one_of(
    st.sampled_from(
        [
            "demo.db",  # the copy of the demo board
            "notadb.db",  # text, not SQLite
            "empty.db",  # zero bytes
            "folder",  # a directory
            "folder/",
            "missing/file.pdf",  # a folder that does not exist
            "",
            ".",
            "/",
            "/proc/nonexistent/x",
            "plain.txt",
            "data.csv",
            "data.xlsx",  # a .csv's text under a .xlsx name
            "mapping.json",
            "passphrase.txt",
            NOT_UTF8,
            "demo.db/inside",  # a file used as a folder
        ]
    ),
    _new_name(),
    st.builds(lambda n: "folder/" + n, _new_name()),
)
INTS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["0", "-1", "1", "5000", "1e3", "0x10", "", " 7", "NaN"]),
)
FLOATS = st.one_of(
    st.sampled_from(["0", "-1", "0.01", "1e308", "1e999", "inf", "-inf", "nan", "", "1,5"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
DATES = st.one_of(
    st.sampled_from(
        ["2019-02-30", "2020-01-10", "2019-13-01", "0000-01-01", "9999-12-31", "10/01/2020", ""]
    ),
    st.dates().map(str),
)
URLS = st.sampled_from(
    [
        "sqlite:///central.db",
        "sqlite:///missing/central.db",
        "sqlite:///folder",
        "sqlite:///notadb.db",
        "sqlite:///demo.db",
        "sqlite://",
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "mysql://x@127.0.0.1:1/y",
        "not a url",
        "",
        "http://",
        f"sqlite:///{NOT_UTF8}.db",
    ]
)
TEXT = st.one_of(
    st.sampled_from(
        [
            "OPAB",
            "CPB",
            "opab",
            "NOPE",
            "OPAB:2018-11-14",
            "OPAB:2019-02-30",
            "OPAB:",
            ":",
            "CPB:2020-01-28",
            "00000000-0000-0000-0000-000000000000",
            "-",
            "--",
            "",
            " ",
            NOT_UTF8,
            "x" * 300,
        ]
    ),
    _ODD_TEXT,
    DATES,
    PATHS,
    URLS,
)


def _values(action: argparse.Action) -> st.SearchStrategy[str]:
    """Values for one option or positional, by what it takes."""
    meta = f"{action.metavar or ''} {action.dest}".upper()
    if action.choices is not None:
        choices = [str(c) for c in action.choices]
        return st.one_of(st.sampled_from(choices), st.sampled_from(choices), TEXT)
    if action.type is int:
        return st.one_of(INTS, TEXT)
    if action.type is float:
        return st.one_of(FLOATS, TEXT)
    if action.type is Path or any(w in meta for w in ("PATH", "FILE", "DIR", "P12", "PEM")):
        return st.one_of(PATHS, PATHS, TEXT)
    if "URL" in meta or "REMOTE" in meta:
        return st.one_of(URLS, URLS, TEXT)
    if "DATE" in meta or "YYYY" in meta or "AS_AT" in meta:
        return st.one_of(DATES, TEXT)
    if action.type is not None:  # a converter of its own (dates, sizes…)
        return st.one_of(DATES, INTS, TEXT)
    return TEXT


def _skippable(action: argparse.Action) -> bool:
    """--help, --version (they print and leave before any command), the app's test hooks."""
    return (
        isinstance(
            action,
            (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction),
        )
        or "--version" in action.option_strings
        or (action.help == argparse.SUPPRESS and action.dest.startswith("quit_"))
    )


@st.composite
def argvs(draw: st.DrawFn, path: tuple[str, ...], parser: argparse.ArgumentParser) -> list[str]:
    """An argument vector for the command at `path`: its options in random order."""
    head: list[str] = []
    top = _top_level()
    for action in top._actions:  # the top level's options, before the command
        if _skippable(action) or not action.option_strings or action.dest in ("db", "demo"):
            continue
        if action.dest == "role":
            continue  # --as is for the app's window
        if draw(st.integers(0, 5)) == 0:
            given = [] if action.nargs == 0 else [draw(_values(action))]
            head += [action.option_strings[0], *given]
    parts: list[list[str]] = []
    positionals: list[str] = []
    for action in parser._actions:
        if _skippable(action):
            continue
        if not action.option_strings:
            if action.nargs == "?" and draw(st.booleans()):
                continue
            if draw(st.integers(0, 15)) == 0:
                continue  # a missing positional
            positionals.append(draw(_values(action)))
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            times = draw(st.integers(0, 2))
            parts += [[flag]] * times
            continue
        wanted = action.required or draw(st.booleans())
        if action.required and draw(st.integers(0, 15)) == 0:
            wanted = False  # a missing required option
        if not wanted:
            continue
        times = 1 + (draw(st.integers(0, 6)) == 0)  # now and then, twice
        for _ in range(times):
            value = draw(_values(action))
            # "--opt=value" keeps a value starting with "-" a value.
            parts.append([f"{flag}={value}"] if value.startswith("-") else [flag, value])
    if draw(st.integers(0, 12)) == 0:
        parts.append([draw(st.sampled_from(["--no-such-option", "extra", "--db"]))])
    order = draw(st.permutations(range(len(parts))))
    tail = [word for i in order for word in parts[i]]
    if positionals:
        tail += ["--", *positionals] if any(p.startswith("-") for p in positionals) else positionals
    return [*head, *path, *tail]


# -- The world each example runs in -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """The demo board (with papers) and its dump, built once."""
    from db.demo import create_demo
    from db.dump import write_dump
    from exports.papers import render_paper_pdf

    folder = tmp_path_factory.mktemp("fuzz-demo")
    path = folder / "demo.db"
    create_demo(path, render_paper=render_paper_pdf).close()
    return path, _dump(path, write_dump)


def _dump(path: Path, write_dump: object) -> bytes:
    from db.store import open_database

    copy = Path(tempfile.mkdtemp()) / "copy.db"
    try:
        shutil.copyfile(path, copy)
        database = open_database(copy)
        try:
            out = io.StringIO()
            write_dump(database.engine, out)  # type: ignore[operator]
        finally:
            database.close()
        return out.getvalue().encode("utf-8")
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def _world(demo_file: Path) -> Iterator[Path]:
    """A fresh folder as the working directory, holding the copy and the odd files."""
    root = Path(tempfile.mkdtemp(prefix="bp-fuzz-"))
    shutil.copyfile(demo_file, root / "demo.db")
    (root / "notadb.db").write_text("this is not a database\n", encoding="utf-8")
    (root / "empty.db").write_bytes(b"")
    (root / "folder").mkdir()
    (root / "plain.txt").write_text("plain text\n", encoding="utf-8")
    (root / "data.csv").write_text("Reference,Title,RAG\n9.9,A new action,Purple\n")
    (root / "data.xlsx").write_text("Reference,Title\n")
    (root / "mapping.json").write_text('{"Reference": "nope"', encoding="utf-8")
    (root / "passphrase.txt").write_text("correct horse\n", encoding="utf-8")
    before_cwd = Path.cwd()
    saved_env = os.environ.get("BOARDPACK_DATA_DIR")
    saved_handlers = list(logging.getLogger().handlers)
    saved_level = logging.getLogger().level
    os.environ["BOARDPACK_DATA_DIR"] = str(root / "data")
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(before_cwd)
        if saved_env is None:
            os.environ.pop("BOARDPACK_DATA_DIR", None)
        else:
            os.environ["BOARDPACK_DATA_DIR"] = saved_env
        for handler in logging.getLogger().handlers:
            if handler not in saved_handlers:
                logging.getLogger().removeHandler(handler)
                handler.close()
        logging.getLogger().setLevel(saved_level)
        shutil.rmtree(root, ignore_errors=True)


def run(argv: list[str]) -> tuple[int | str | None, str, str]:
    """`main(argv)` with a strict UTF-8 stdout, stderr as a terminal's, and no stdin."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict", newline="\n")
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace", newline="\n")
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), out, err
    try:
        try:
            code: int | str | None = cli.main(argv)
        except SystemExit as exc:  # argparse: usage errors and --help
            code = exc.code
        with contextlib.suppress(ValueError):
            out.flush()
        err.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return (
        code,
        out_bytes.getvalue().decode("utf-8", "replace"),
        err_bytes.getvalue().decode("utf-8", "replace"),
    )


def _without_argv(text: str, argv: list[str]) -> str:
    """The message without the words typed (however echoed): their length is the typist's."""
    for word in sorted(argv, key=len, reverse=True):
        if len(word) < 4:
            continue
        for form in {word, repr(word)[1:-1], word.encode("utf-8", "backslashreplace").decode()}:
            text = text.replace(form, "…")
    return text


def _option_values(argv: list[str], option: str) -> list[str]:
    """The values given to `option` ("--opt VALUE" or "--opt=VALUE"), relative to the folder."""
    found = [argv[i + 1] for i, word in enumerate(argv[:-1]) if word == option]
    found += [word.split("=", 1)[1] for word in argv if word.startswith(option + "=")]
    return [os.path.normpath(v) if v else "." for v in found]


def check_run(argv: list[str], demo: tuple[Path, bytes]) -> None:
    demo_file, pristine = demo
    with _world(demo_file) as root:
        before = _files(root)
        db_digest = _digest(root / "demo.db")
        code, out, err = run(argv)
        shown = f"argv={argv!r}\nexit={code!r}\nstderr={err!r}\nstdout={out[-500:]!r}"
        assert isinstance(code, int), shown
        assert "Traceback" not in err and "Traceback" not in out, shown
        assert code != 70 and "internal error" not in err, shown
        if code == 0:
            return
        lines = err.strip().splitlines()
        # A check's verdict (minutes verify, audit verify: exit 1) is its output, on stdout.
        assert lines or out.strip(), "a failure must say why\n" + shown
        assert len(lines) <= MAX_LINES and len(_without_argv(err.strip(), argv)) <= MAX_CHARS, shown
        after = _files(root)
        partial = [name for name in after if ".partial" in name]
        assert not partial, f"half-written files left: {partial}\n{shown}"
        data_dirs = ["data/"]
        for folder in _option_values(argv, "--data-dir"):
            if folder == ".":  # the data folder is the working folder: its own subfolders
                data_dirs += ["logs/", "backups/", "signing/"]
            else:
                data_dirs.append(folder.rstrip("/") + "/")
        new = {n for n in after - before if not any(n.startswith(d) for d in data_dirs)}
        new = {n for n in new if not n.endswith(("-wal", "-shm", "-journal"))}
        assert not new, f"a failed command left new files {sorted(new)}\n{shown}"
        path = root / "demo.db"
        assert path.is_file(), "a failed command removed the database\n" + shown
        if _digest(path) != db_digest:
            from db.dump import write_dump

            assert _dump(path, write_dump) == pristine, "a failed command changed records\n" + shown


COMMANDS = command_paths()


def test_the_walk_finds_every_command() -> None:
    found = {" ".join(path) for path, _ in COMMANDS}
    for expected in ("demo create", "dump", "sync", "minutes export", "backup restore", "wipe"):
        assert expected in found
    assert "screenshot" not in found and "" not in found


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=[" ".join(path) for path, _ in COMMANDS])
def test_fuzzed_arguments_fail_cleanly(
    path: tuple[str, ...], parser: argparse.ArgumentParser, demo: tuple[Path, bytes]
) -> None:
    @settings(
        max_examples=min(EXAMPLES, SLOW.get(path, EXAMPLES)),
        deadline=None,
        derandomize="BOARDPACK_FUZZ_RANDOM" not in os.environ,
        # Shrinking replays a command many times (seconds each): only when asked.
        phases=[Phase.explicit, Phase.reuse, Phase.generate]
        + ([Phase.shrink] if "BOARDPACK_FUZZ_SHRINK" in os.environ and path not in SLOW else []),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(argv=argvs(path, parser))
    def fuzz(argv: list[str]) -> None:
        if path in KNOWN:
            assume(not KNOWN[path][1](argv))
        check_run(argv, demo)

    fuzz()


# -- Cases the fuzzer found, kept as plain regressions ------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        # A first sync that fails left the new laptop's half-made database behind.
        ["sync", "--db", "new-laptop.db", "--remote", "postgresql+psycopg://x@127.0.0.1:1/none"],
        # A path that is not UTF-8, printed to a UTF-8 stdout: an internal error.
        ["doctor", "--db", NOT_UTF8],
        # A --remote that is not UTF-8: the engine's failure record could not be stored.
        ["sync", "--db", "demo.db", "--remote", NOT_UTF8],
        # "--out=--": argparse (before 3.12.7) handed the command [] instead of a path.
        ["export", "plan", "--db", "demo.db", "--out=--"],
        ["minutes", "export", "--db", "demo.db", "--meeting", "OPAB:2018-11-14", "--out=--"],
    ],
    ids=[
        "failed-first-sync",
        "doctor-not-utf8",
        "sync-remote-not-utf8",
        "export-out-dashes",
        "minutes-out-dashes",
    ],
)
def test_found_by_the_fuzzer(argv: list[str], demo: tuple[Path, bytes]) -> None:
    check_run(argv, demo)


def test_a_refused_grant_leaves_no_file(demo: tuple[Path, bytes]) -> None:
    # It connected to the sqlite: URL, creating the file, before refusing it (fixed in f3a869e).
    check_run(["central", "grant", "--person", "a@example.org", "sqlite:///central.db"], demo)


def test_doctor_with_a_relative_path(demo: tuple[Path, bytes]) -> None:
    # Path.as_uri() on a relative --db was an internal error (exit 70).
    check_run(["doctor", "--db", "demo.db"], demo)


def test_a_name_that_is_not_utf8_is_printed_as_its_bytes(demo: tuple[Path, bytes]) -> None:
    demo_file, _ = demo
    with _world(demo_file) as root:
        argv = ["minutes", "export", "--db", "demo.db", "--meeting", "OPAB:2018-11-14"]
        code, out, err = run([*argv, "--out", f"{NOT_UTF8}.html"])
        assert code == 0, err
        assert (root / f"{NOT_UTF8}.html").is_file()
        assert "written to bad\ufffd\ufffdname.html" in out  # the bytes, shown undecodable
