"""`boardpack minutes|actions|ca` end to end on the demo board; one line for each bad input."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.demo import create_demo
from db.models import ActionArising, Board
from db.store import open_database
from desktop.cli import main
from tests.desktop.conftest import call


class Env:
    """A demo database, a data folder holding the OPAB signing CA and the chair's certificate."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "demo.db"
        self.data = root / "data"
        self.ca_pass = root / "ca.pass"
        self.chair_pass = root / "chair.pass"
        self.ca_pass.write_text("board-ca-passphrase\n", encoding="utf-8")
        self.chair_pass.write_text("chair-passphrase\n", encoding="utf-8")

    @property
    def ca(self) -> Path:
        return self.data / "signing" / "ca" / "OPAB" / "ca.pem"

    @property
    def p12(self) -> Path:
        return self.data / "signing" / "certificates" / "cllr-ann-smith.p12"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    env = Env(tmp_path_factory.mktemp("cli_minutes"))
    create_demo(env.db).close()
    yield env


@pytest.fixture(scope="module")
def signed_minutes(env: Env) -> Path:
    """The demo's signed OPAB minutes of 14 Nov 2018, exported and signed through the CLI."""
    common = ["--data-dir", str(env.data)]
    assert (
        main(
            [
                *common,
                "ca",
                "create",
                "--board",
                "OPAB",
                "--board-name",
                "Ofsted Priority Action Board",
                "--organisation",
                "Example Council",
                "--passphrase-file",
                str(env.ca_pass),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                *common,
                "ca",
                "issue",
                "--board",
                "OPAB",
                "--name",
                "Cllr Ann Smith",
                "--ca-passphrase-file",
                str(env.ca_pass),
                "--passphrase-file",
                str(env.chair_pass),
            ]
        )
        == 0
    )
    out = env.root / "opab-2018-11-14.pdf"
    code = main(
        [
            *common,
            "minutes",
            "export",
            "--db",
            str(env.db),
            "--meeting",
            "OPAB:2018-11-14",
            "--out",
            str(out),
            "--sign",
            str(env.p12),
            "--passphrase-file",
            str(env.chair_pass),
        ]
    )
    assert code == 0
    return out


@pytest.mark.parametrize(
    "args",
    [
        ["minutes"],
        ["minutes", "export"],
        ["minutes", "verify"],
        ["actions", "export"],
        ["ca"],
        ["ca", "create"],
        ["ca", "issue"],
        ["ca", "import"],
        ["ca", "list"],
    ],
)
def test_help(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, _ = call(capsys, *args, "--help")
    assert code == 0 and out.startswith("usage: boardpack")


def test_signed_minutes_verify_with_who_and_when(
    capsys: pytest.CaptureFixture[str], env: Env, signed_minutes: Path
) -> None:
    code, out, err = call(capsys, "--data-dir", env.data, "minutes", "verify", signed_minutes)
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0] == f"{signed_minutes.name}: intact and valid, signed by a trusted certificate"
    assert lines[1] == "signed by: Cllr Ann Smith (Chair, Example Council)"
    assert lines[2].startswith("signed at: ") and lines[2].endswith(" UTC")
    text = PdfReader(signed_minutes).pages[0].extract_text()
    assert "14 November 2018" in text


def test_on_another_machine_it_needs_the_board_ca(
    capsys: pytest.CaptureFixture[str], env: Env, signed_minutes: Path, tmp_path: Path
) -> None:
    elsewhere = ["--data-dir", str(tmp_path / "elsewhere")]
    code, out, _ = call(capsys, *elsewhere, "minutes", "verify", signed_minutes)
    assert code == 1 and "not trusted" in out and "--trust CA.pem" in out
    code, out, _ = call(capsys, *elsewhere, "minutes", "verify", signed_minutes, "--trust", env.ca)
    assert code == 0 and "intact and valid" in out


def test_a_flipped_byte_and_an_incremental_edit_fail_verify(
    capsys: pytest.CaptureFixture[str], env: Env, signed_minutes: Path, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    data = signed_minutes.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x04
    (tmp_path / "flipped.pdf").write_bytes(bytes(flipped))
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("cy")
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    (tmp_path / "edited.pdf").write_bytes(buffer.getvalue())
    for name in ("flipped.pdf", "edited.pdf"):
        code, out, _ = call(
            capsys, "--data-dir", env.data, "minutes", "verify", tmp_path / name, "--trust", env.ca
        )
        assert code == 1, (name, out)
        assert out.startswith(f"{name}: TAMPERED"), out


def test_wrong_passphrase_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], env: Env, signed_minutes: Path, tmp_path: Path
) -> None:
    out = tmp_path / "never.pdf"
    code, stdout, err = call(
        capsys,
        "minutes",
        "export",
        "--db",
        env.db,
        "--meeting",
        "OPAB:2018-11-14",
        "--out",
        out,
        "--sign",
        env.p12,
        "--passphrase-file",
        env.ca_pass,
    )
    assert code == 1 and stdout == ""
    assert err == (
        "boardpack: Could not open cllr-ann-smith.p12: wrong passphrase, "
        "or not a PKCS#12 certificate file.\n"
    )
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_certificate_of_someone_else_than_the_signing_chair_is_noted(
    capsys: pytest.CaptureFixture[str], env: Env, signed_minutes: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public.pdf"
    code, stdout, err = call(
        capsys,
        "minutes",
        "export",
        "--db",
        env.db,
        "--meeting",
        "OPAB:2018-11-14",
        "--public",
        "--out",
        out,
        "--sign",
        env.p12,
        "--passphrase-file",
        env.chair_pass,
    )
    assert code == 0 and stdout == f"public minutes (version 1, signed) written to {out}, signed\n"
    assert err == (
        "boardpack: note: the certificate is Cllr Ann Smith's, but Dr Helen Marchbank "
        "signed version 1 in the app\n"
    )


def test_only_signed_minutes_can_carry_the_signature(
    capsys: pytest.CaptureFixture[str], env: Env, signed_minutes: Path, tmp_path: Path
) -> None:
    code, _, err = call(
        capsys,
        "minutes",
        "export",
        "--db",
        env.db,
        "--meeting",
        "OPAB:2019-11-05",  # circulated in the demo, not yet approved
        "--out",
        tmp_path / "draft.pdf",
        "--sign",
        env.p12,
        "--passphrase-file",
        env.chair_pass,
    )
    assert code == 1 and err.count("\n") == 1
    assert "only signed minutes carry the chair's signature" in err and "circulated" in err


def test_unsigned_and_public_exports(
    capsys: pytest.CaptureFixture[str], env: Env, tmp_path: Path
) -> None:
    pdf = tmp_path / "draft.pdf"
    code, out, _ = call(
        capsys, "minutes", "export", "--db", env.db, "--meeting", "OPAB:2019-11-05", "--out", pdf
    )
    assert code == 0 and out == f"full minutes (version 1, circulated) written to {pdf}\n"
    reader = PdfReader(pdf)
    assert reader.metadata is not None and "5 November 2019" in str(reader.metadata.title)
    html = tmp_path / "public.html"
    code, out, _ = call(
        capsys,
        "minutes",
        "export",
        "--db",
        env.db,
        "--meeting",
        "opab:2018-11-14",
        "--out",
        html,
        "--public",
    )
    assert code == 0 and out.startswith("public minutes (version 1, signed)")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--meeting", "OPAB:2017-01-01", "--out", "{tmp}/x.pdf"],
            "no meeting of OPAB on 2017-01-01",
        ),
        (["--meeting", "nonsense", "--out", "{tmp}/x.pdf"], "no meeting 'nonsense'"),
        (["--meeting", "OPAB:2018-11-14", "--out", "{tmp}/no/x.pdf"], "there is no folder"),
        (
            ["--meeting", "OPAB:2018-11-14", "--out", "{tmp}/x.html", "--sign", "{tmp}/a.p12"],
            "only a PDF can be signed",
        ),
        (
            ["--meeting", "OPAB:2018-11-14", "--out", "{tmp}/x.pdf", "--sign", "{tmp}/a.p12"],
            "give the certificate passphrase with --passphrase-file FILE",
        ),
        (
            [
                "--meeting",
                "OPAB:2018-11-14",
                "--out",
                "{tmp}/x.pdf",
                "--sign",
                "{tmp}/a.p12",
                "--passphrase-file",
                "{tmp}/missing.pass",
            ],
            "there is no passphrase file",
        ),
        (
            [
                "--meeting",
                "OPAB:2018-11-14",
                "--out",
                "{tmp}/x.pdf",
                "--sign",
                "{tmp}/a.p12",
                "--passphrase-file",
                "{pass}",
            ],
            "There is no certificate file",
        ),
    ],
)
def test_bad_minutes_export_input_is_one_line(
    capsys: pytest.CaptureFixture[str],
    env: Env,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: no prompting
    filled = [a.format(tmp=tmp_path, **{"pass": env.chair_pass}) for a in args]
    code, out, err = call(capsys, "minutes", "export", "--db", env.db, *filled)
    assert code == 1 and out == ""
    assert err.startswith("boardpack: ") and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "x.pdf").exists()


def test_verify_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = call(capsys, "minutes", "verify", tmp_path / "missing.pdf")
    assert code == 1 and err == f"boardpack: there is no file {tmp_path / 'missing.pdf'}\n"
    text = tmp_path / "notes.pdf"
    text.write_text("not a pdf", encoding="utf-8")
    code, out, _ = call(capsys, "minutes", "verify", text)
    assert code == 1 and out.startswith("notes.pdf: not a readable PDF")
    code, _, err = call(capsys, "minutes", "verify", text, "--trust", tmp_path / "ca.pem")
    assert code == 1 and "there is no certificate file" in err
    code, _, err = call(capsys, "minutes", "verify", text, "--trust", text)
    assert code == 1 and err == "boardpack: notes.pdf is not a PEM or DER certificate.\n"


def _db_rows(db: Path) -> list[str]:
    database = open_database(db)
    try:
        with database.session() as session:
            return list(
                session.scalars(
                    select(ActionArising.text)
                    .join(Board, Board.id == ActionArising.board_id)
                    .where(Board.code == "OPAB")
                )
            )
    finally:
        database.close()


def test_actions_export_in_three_formats(
    capsys: pytest.CaptureFixture[str], env: Env, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    expected = sorted(_db_rows(env.db))
    for suffix in ("csv", "xlsx", "pdf"):
        out = tmp_path / f"log.{suffix}"
        code, stdout, err = call(
            capsys, "actions", "export", "--db", env.db, "--board", "OPAB", "--out", out
        )
        assert code == 0, err
        assert stdout == (
            f"action log of OPAB as at 10 January 2020 ({len(expected)} rows) written to {out}\n"
        )
    with (tmp_path / "log.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["Action"] for r in rows) == expected
    sheet = load_workbook(tmp_path / "log.xlsx")["Action log"]
    assert sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True)) == expected
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "log.pdf").pages)
    assert "action log" in text and "As at 10 Jan 2020" in text


def test_actions_export_open_only_and_as_at(
    capsys: pytest.CaptureFixture[str], env: Env, tmp_path: Path
) -> None:
    out = tmp_path / "open.csv"
    code, stdout, _ = call(
        capsys,
        "actions",
        "export",
        "--db",
        env.db,
        "--board",
        "opab",
        "--out",
        out,
        "--open-only",
        "--as-at",
        "2030-01-01",
    )
    assert code == 0 and "as at 01 January 2030" in stdout
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["Status"] for r in rows} == {"Overdue"}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--board", "NOPE", "--out", "{tmp}/x.csv"], 1, "There is no board with the code 'NOPE'."),
        (["--board", "OPAB", "--out", "{tmp}/x.docx"], 1, "use a .pdf, .xlsx or .csv file"),
        (["--board", "OPAB", "--out", "{tmp}/x.csv", "--as-at", "soon"], 2, "is not a date"),
    ],
)
def test_bad_actions_export_input_is_one_line(
    capsys: pytest.CaptureFixture[str],
    env: Env,
    tmp_path: Path,
    args: list[str],
    code: int,
    message: str,
) -> None:
    filled = [a.format(tmp=tmp_path) for a in args]
    got, out, err = call(capsys, "actions", "export", "--db", env.db, *filled)
    assert got == code and out == "" and err.count("\n") == 1 and message in err, err
    assert list(tmp_path.iterdir()) == []


def test_ca_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO())
    data = ["--data-dir", str(tmp_path / "data")]
    short = tmp_path / "short.pass"
    short.write_text("abc\n", encoding="utf-8")
    good = tmp_path / "good.pass"
    good.write_text("a-good-passphrase\n", encoding="utf-8")
    empty = tmp_path / "empty.pass"
    empty.write_text("", encoding="utf-8")
    cases = [
        (["ca", "create", "--board", "OPAB"], "give the CA passphrase with --passphrase-file"),
        (["ca", "create", "--board", "OPAB", "--passphrase-file", short], "at least 8 characters"),
        (["ca", "create", "--board", "OPAB", "--passphrase-file", empty], "is empty"),
        (
            [
                "ca",
                "issue",
                "--board",
                "OPAB",
                "--name",
                "A",
                "--ca-passphrase-file",
                good,
                "--passphrase-file",
                good,
            ],
            "has no signing CA yet",
        ),
        (["ca", "import", tmp_path / "none.p12", "--passphrase-file", good], "no certificate file"),
    ]
    for args, message in cases:
        code, out, err = call(capsys, *data, *args)
        assert code == 1 and out == "" and err.count("\n") == 1 and message in err, (args, err)
    code, out, _ = call(capsys, *data, "ca", "list")
    assert code == 0 and out.startswith("no signing CAs or certificates")


def test_ca_import_refuses_a_certificate_without_non_repudiation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from tests.exports.test_signing_ca import _council_p12

    p12 = _council_p12(tmp_path / "council.p12", non_repudiation=False)
    secret = tmp_path / "council.pass"
    secret.write_text("council-pass\n", encoding="utf-8")
    data = ["--data-dir", str(tmp_path / "data")]
    code, _, err = call(capsys, *data, "ca", "import", p12, "--passphrase-file", secret)
    assert code == 1 and err.count("\n") == 1 and "lacks the non-repudiation key usage" in err
    good = _council_p12(tmp_path / "good.p12", non_repudiation=True)
    code, out, _ = call(capsys, *data, "ca", "import", good, "--passphrase-file", secret)
    assert code == 0 and "imported to" in out
    code, out, _ = call(capsys, *data, "ca", "list")
    assert "trusted CA:" in out and "cllr-bea-jones.p12" in out
