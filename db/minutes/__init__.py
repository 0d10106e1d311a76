"""Minutes: the document generated from a meeting's record, and its lifecycle.

`doc` holds the plain `MinutesDoc` dataclass tree both renderers read and its
stored JSON form; `build` generates it from the meeting record (full, or public
from filtered data); `lifecycle` takes a version from draft through circulated
and approved to signed, with section-by-section editing and corrections; `refresh` brings
unsigned minutes up to date after the meeting's decisions changed.
"""

from db.minutes.build import build_minutes
from db.minutes.doc import MinutesDoc, MinutesItem, RecordInfo, from_content, to_content
from db.minutes.lifecycle import (
    Section,
    VersionInfo,
    approve,
    circulate,
    create_draft,
    edit_section,
    export_doc,
    find_meeting,
    latest_version,
    record_hash,
    sections,
    sign,
    start_correction,
    verify_record,
    version_doc,
    versions,
)
from db.minutes.refresh import (
    RecordChange,
    Refreshed,
    bring_up_to_date,
    flagged_sections,
    mark_reviewed,
    record_changes,
)

__all__ = [
    "MinutesDoc",
    "MinutesItem",
    "RecordChange",
    "RecordInfo",
    "Refreshed",
    "Section",
    "VersionInfo",
    "approve",
    "bring_up_to_date",
    "build_minutes",
    "circulate",
    "create_draft",
    "edit_section",
    "export_doc",
    "find_meeting",
    "flagged_sections",
    "from_content",
    "latest_version",
    "mark_reviewed",
    "record_changes",
    "record_hash",
    "sections",
    "sign",
    "start_correction",
    "to_content",
    "verify_record",
    "version_doc",
    "versions",
]
