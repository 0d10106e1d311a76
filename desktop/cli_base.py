"""What every `boardpack` subcommand module shares: the one-line error, the parser class.

`desktop/cli.py` builds the top-level parser and dispatches; a capability with
several subcommands (minutes, actions, import/export, backup, audit…) lives in
its own `desktop/cli_<name>.py` exposing `register(sub)`, which adds its parsers
and sets each one's handler with `set_defaults(handler=fn)`; the module is listed
once in `cli.COMMAND_MODULES`. Modules must import heavy code (SQLAlchemy,
reportlab, Qt) inside their handlers so `boardpack --help` stays instant.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from desktop.paths import AppPaths

PROG = "boardpack"

Handler = Callable[[argparse.Namespace, AppPaths], int]


class CliError(Exception):
    """A user-facing failure of the command line itself (bad path, bad option)."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors instead of the usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # argparse before 3.12.7 drops a value that is exactly "--" ("--out=--") and hands
        # the command an empty list instead of a path; keep it as the value it is.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


def add_db(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """The `--db PATH` option every data command takes."""
    parser.add_argument(
        "--db", type=Path, required=required, metavar="PATH", help="the Boardpack database file"
    )


def subparsers(parser: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction[Parser]:
    """A required ACTION level under a command (`boardpack minutes export …`)."""
    return parser.add_subparsers(dest=dest, metavar="ACTION", required=True, parser_class=Parser)
