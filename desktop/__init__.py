"""The Boardpack application: start-up, CLI, main window, pages and their Qt item models.

Thin faces over `db/`: the GUI and the CLI call the same services and never
hold rules of their own.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("boardpack")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
