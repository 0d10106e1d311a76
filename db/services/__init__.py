"""Services: what a person can do to the board's records, one module per aggregate.

Each function takes the caller's `Session` and the acting person's id, checks
the right (`db.permissions`), applies the rule, and writes — in the caller's
transaction — or reads and returns frozen dataclasses for the pages. The GUI
and the CLI call the same functions; widgets never build queries.
"""
