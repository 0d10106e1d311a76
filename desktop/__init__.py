"""The Boardpack application: start-up, CLI, main window, pages and their Qt item models.

Thin faces over `db/`: the GUI and the CLI call the same services and never
hold rules of their own.
"""

from functools import cache


@cache
def app_version() -> str:
    """The installed version (read on demand: package metadata costs ~30 ms at start-up)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("boardpack")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
