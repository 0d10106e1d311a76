"""The Boardpack application: start-up, CLI, main window, pages and their Qt item models.

Thin faces over `db/`: the GUI and the CLI call the same services and never
hold rules of their own.
"""

__version__ = "0.1.0"
