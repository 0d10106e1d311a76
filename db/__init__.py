"""The Boardpack domain: models, rules, services, storage. Never imports Qt or reportlab.

Everything a board does — the plan and its RAG history, risks, KPIs, meetings,
decisions, minutes, papers — lives here once, so the GUI, the CLI and the tests
are thin faces over the same rules.
"""
