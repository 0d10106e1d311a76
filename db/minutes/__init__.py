"""Minutes: the document generated from a meeting's record, and its lifecycle.

`doc` holds the plain `MinutesDoc` dataclass tree both renderers read and its
stored JSON form; `build` generates it from the meeting record (full, or public
from filtered data); `lifecycle` takes a version from draft through circulated
and approved to signed, with section-by-section editing and corrections.
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

__all__ = [
    "MinutesDoc",
    "MinutesItem",
    "RecordInfo",
    "Section",
    "VersionInfo",
    "approve",
    "build_minutes",
    "circulate",
    "create_draft",
    "edit_section",
    "export_doc",
    "find_meeting",
    "from_content",
    "latest_version",
    "record_hash",
    "sections",
    "sign",
    "start_correction",
    "to_content",
    "verify_record",
    "version_doc",
    "versions",
]
