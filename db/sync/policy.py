"""Which merge rule applies to which field: the record kinds of ARCHITECTURE.md (Sync).

- Append-only tables: rows are only ever inserted, so two replicas can never
  disagree about one; a change delivered twice collapses on its change id.
- Free text: edited on two laptops since the same version, both versions are
  kept as a conflict that a person resolves (`TEXT_FIELDS`).
- Everything else is a plain field: last writer wins per field by (HLC, site),
  and the value that lost is shown to the person whose change was overridden.
- Frozen rows: once a row reaches a frozen state (signed minutes), the change
  that froze it wins over every change made without seeing it.
"""

from __future__ import annotations

APPEND_ONLY_TABLES = frozenset(
    {"decisions", "evidence_reviews", "audit_events", "conflict_resolutions"}
)

TEXT_FIELDS: dict[str, frozenset[str]] = {
    "actions": frozenset({"description", "success_measure"}),
    "actions_arising": frozenset({"text", "closing_note"}),
    "agenda_items": frozenset({"purpose", "discussion", "chair_notes"}),
    "annotations": frozenset({"comment"}),
    "boards": frozenset({"purpose"}),
    "declarations": frozenset({"interest", "action_taken"}),
    "evidence": frozenset({"description"}),
    "kpis": frozenset({"description", "narrative"}),
    "milestones": frozenset({"notes"}),
    "minutes_versions": frozenset({"content_json"}),
    "progress_updates": frozenset({"commentary", "due_date_reason"}),
    "questions": frozenset({"text", "answer"}),
    "risk_reviews": frozenset({"commentary"}),
    "risks": frozenset({"description", "cause", "consequence", "mitigation"}),
    "themes": frozenset({"description"}),
}

# table -> (column, value) that freezes a row
# (signed minutes; a closed meeting, whose record the minutes are built from)
FREEZE_RULES: dict[str, tuple[str, str]] = {
    "minutes_versions": ("status", "signed"),
    "meetings": ("status", "closed"),
}


def is_text(table: str, field: str) -> bool:
    return field in TEXT_FIELDS.get(table, ())
