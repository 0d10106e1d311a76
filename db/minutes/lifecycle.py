"""The minutes lifecycle: draft → circulated → approved → signed, and corrections.

Each function takes the caller's session and the acting person, checks the
right (`db.permissions`) and the order of the lifecycle inside the caller's
transaction, and refuses with one sentence (`db.errors`). Rights:
- the secretariat (`EDIT_BUSINESS`) generates the draft from the meeting
  record, edits it section by section, circulates it, starts a correction;
- approval "as a correct record" by a decision of a later meeting of the same
  board is recorded by whoever runs meetings (`RUN_MEETING`: the chair, or the
  secretariat as clerk); the chair's approval between meetings and the signature
  need `APPROVE_MINUTES` (the chair).

Edits change only the clerk's text of an item (its summary of discussion);
decisions, votes and actions arising are records of fact and are never edited
here — circulating and signing check that the version still states every
decision exactly as recorded. Signing stores the SHA-256 of the version's
canonical JSON (sorted keys, NFC, `\\n`, UTF-8) with the signer and time; from
then on the flush hook and a SQLite trigger refuse any change. A correction is
a new version (copying the signed text, `supersedes_id`) through the same path.
Minutes are not circulated or approved while two decisions of the meeting's
board share a number taken offline (`db.services.decisions.duplicate_numbers`);
renumbering the later one restates it in the unsigned versions (`restate_number`).
A version built before any other change of the record (a correction, an
amendment arriving by sync) is brought up to date by `db.minutes.refresh`; a
section it flags for review holds circulation until edited or marked reviewed.
Reads return frozen values, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.canonical import canonical_json, sha256_hex
from db.errors import NotFoundError, ValidationError
from db.minutes.build import board_rag_key, build_minutes, minutes_content
from db.minutes.doc import MinutesDoc, RecordInfo, from_content
from db.models import (
    Board,
    Decision,
    DecisionKind,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    MinutesVersion,
    Person,
)
from db.permissions import Capability, require
from db.services.decisions import current_versions, duplicate_numbers

#: The longest text one section takes (a summary of discussion, not a transcript).
MAX_SECTION_CHARS = 20_000
#: An item's note that its kept edit needs review (`db.minutes.refresh.bring_up_to_date`).
REVIEW_KEY = "review"

_APPROVING_KINDS = (DecisionKind.AGREED, DecisionKind.APPROVED)
_REF = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*:\s*(\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class VersionInfo:
    """One minutes version as lists and the CLI show it."""

    version_id: str
    meeting_id: str
    version: int
    status: str  # MinutesStatus value
    created_at: dt.datetime
    circulated_at: dt.datetime | None
    approved_at: dt.datetime | None
    approved_by: str | None  # "OPAB 19/07 (meeting of 19 March 2019)" or the chair's name
    signed_by: str | None
    signed_at: dt.datetime | None
    content_hash: str | None
    supersedes_id: str | None

    @property
    def status_label(self) -> str:
        return self.status.capitalize()


@dataclass(frozen=True)
class Section:
    """An editable section of a version: an item's summary of discussion."""

    key: str  # "item:5"
    heading: str  # "5. Workforce: reducing agency staff"
    text: str
    exempt: bool
    review: str | None = None  # why the section needs the secretariat's review, if it does


# -- reads ---------------------------------------------------------------------------------


def find_meeting(session: Session, ref: str) -> str:
    """A meeting's id from its id or `BOARD:YYYY-MM-DD` (e.g. `OPAB:2018-11-14`).

    Raises:
        NotFoundError: no meeting matches.
    """
    match = _REF.match(ref)
    if match is None:
        if session.get(Meeting, ref.strip()) is None:
            raise NotFoundError(f"no meeting {ref!r} (give an id or BOARD:YYYY-MM-DD)")
        return ref.strip()
    code, day = match.group(1), dt.date.fromisoformat(match.group(2))
    meeting_id = session.scalar(
        select(Meeting.id)
        .join(Board, Board.id == Meeting.board_id)
        .where(func.upper(Board.code) == code.upper(), Meeting.meeting_date == day)
        .limit(1)
    )
    if meeting_id is None:
        raise NotFoundError(f"no meeting of {code.upper()} on {day.isoformat()}")
    return meeting_id


def versions(session: Session, viewer_id: str | None, meeting_id: str) -> tuple[VersionInfo, ...]:
    """Every minutes version of a meeting, oldest first (readable by anyone on the board)."""
    meeting = _meeting(session, meeting_id)
    require(session, viewer_id, meeting.board_id, Capability.READ_PUBLIC)
    rows = session.scalars(
        select(MinutesVersion)
        .where(MinutesVersion.meeting_id == meeting_id)
        .order_by(MinutesVersion.version)
    )
    return tuple(_info(session, v) for v in rows)


def latest_version(session: Session, meeting_id: str) -> VersionInfo | None:
    """The meeting's newest minutes version, or None when there is none yet."""
    version = _latest(session, meeting_id)
    return None if version is None else _info(session, version)


def version_doc(
    session: Session, viewer_id: str | None, version_id: str, *, public: bool
) -> MinutesDoc:
    """A stored version as a document, with its record (status, signer, hash).

    Args:
        session: an open session.
        viewer_id: who asks; the full text needs `Capability.READ_EXEMPT`.
        version_id: the version.
        public: the public version (exempt items reduced to title and paragraph while read).

    Raises:
        NotFoundError: no such version.
        PermissionDeniedError: full text asked for without the right to read exempt items.
    """
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    if not public:
        require(session, viewer_id, meeting.board_id, Capability.READ_EXEMPT)
    content = _content(version)
    info = _info(session, version)
    supersedes = (
        session.scalar(
            select(MinutesVersion.version).where(MinutesVersion.id == version.supersedes_id)
        )
        if version.supersedes_id
        else None
    )
    record = RecordInfo(
        version_id=version.id,
        version=version.version,
        status=version.status.value,
        content_hash=version.content_hash,
        signed_by=info.signed_by,
        signed_at=version.signed_at,
        approved_at=version.approved_at,
        approved_by=info.approved_by,
        supersedes_version=supersedes,
    )
    return from_content(
        content, public=public, rag_key=board_rag_key(session, meeting.board_id), record=record
    )


def export_doc(
    session: Session, viewer_id: str | None, meeting_id: str, *, public: bool
) -> MinutesDoc:
    """What an export of a meeting's minutes shows: its newest version, else the generated draft.

    Raises:
        NotFoundError: no such meeting.
        PermissionDeniedError: full text asked for without the right to read exempt items.
    """
    latest = _latest(session, meeting_id)
    if latest is None:
        return build_minutes(session, viewer_id, meeting_id, public=public)
    return version_doc(session, viewer_id, latest.id, public=public)


def sections(session: Session, viewer_id: str | None, version_id: str) -> tuple[Section, ...]:
    """The editable sections of a version, in item order (needs `READ_EXEMPT`)."""
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, viewer_id, meeting.board_id, Capability.READ_EXEMPT)
    out = []
    for raw in _items(_content(version)):
        number = raw.get("number")
        out.append(
            Section(
                key=f"item:{number}",
                heading=f"{number}. {raw.get('title', '')}",
                text=str(raw.get("minutes") or ""),
                exempt=bool(raw.get("exempt")),
                review=str(raw[REVIEW_KEY]) if raw.get(REVIEW_KEY) else None,
            )
        )
    return tuple(out)


def record_hash(content_json: str) -> str:
    """The SHA-256 a signature records: of the content's canonical JSON."""
    return sha256_hex(canonical_json(json.loads(content_json)))


def verify_record(session: Session, version_id: str) -> bool:
    """Whether a signed version's stored text still hashes to its recorded hash."""
    version = _version(session, version_id)
    if version.status is not MinutesStatus.SIGNED or version.content_hash is None:
        return False
    return record_hash(version.content_json) == version.content_hash


# -- writes --------------------------------------------------------------------------------


def create_draft(session: Session, actor_id: str | None, meeting_id: str) -> VersionInfo:
    """Generate version 1 of a closed meeting's minutes from its record, as a draft.

    Raises:
        ValidationError: the meeting is not closed, or it already has minutes.
    """
    meeting = _meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.EDIT_BUSINESS)
    if meeting.status is not MeetingStatus.CLOSED:
        raise ValidationError("minutes are drafted once the meeting is closed")
    latest = _latest(session, meeting_id)
    if latest is not None:
        if latest.status is MinutesStatus.SIGNED:
            raise ValidationError(
                f"the minutes are signed (version {latest.version}); start a correction instead"
            )
        raise ValidationError(f"a {latest.status.value} version {latest.version} already exists")
    text = canonical_json(minutes_content(session, meeting, public=False))
    version = MinutesVersion(
        meeting_id=meeting_id,
        version=1,
        status=MinutesStatus.DRAFT,
        content_json=text,
        created_by_id=actor_id,
    )
    session.add(version)
    session.flush()
    return _info(session, version)


def edit_section(
    session: Session, actor_id: str | None, version_id: str, key: str, text: str
) -> VersionInfo:
    """Replace one item's summary of discussion (`key` "item:N"); decisions stay as recorded.

    Raises:
        ValidationError: the version is approved or signed, the key names no item, or
            the text is too long.
    """
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.EDIT_BUSINESS)
    if version.status not in (MinutesStatus.DRAFT, MinutesStatus.CIRCULATED):
        raise ValidationError(
            f"version {version.version} is {version.status.value}: only a draft or circulated "
            "version is edited (a correction is a new version)"
        )
    clean = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    if len(clean) > MAX_SECTION_CHARS:
        raise ValidationError(f"a section holds at most {MAX_SECTION_CHARS:,} characters")
    content = _content(version)
    match = re.fullmatch(r"item:(\d+)", key.strip())
    target = None
    if match:
        target = next((i for i in _items(content) if i.get("number") == int(match.group(1))), None)
    if target is None:
        raise ValidationError(f"the minutes have no section {key!r}")
    target["minutes"] = clean
    target.pop(REVIEW_KEY, None)  # the secretariat has now been through the section
    version.content_json = canonical_json(content)
    session.flush()
    return _info(session, version)


def circulate(session: Session, actor_id: str | None, version_id: str) -> VersionInfo:
    """Send a draft to members for comment: draft → circulated."""
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.EDIT_BUSINESS)
    _expect(version, MinutesStatus.DRAFT, "circulated")
    _refuse_shared_numbers(session, meeting, "circulated")
    _check_decisions(session, version)
    flagged = [i for i in _items(_content(version)) if i.get(REVIEW_KEY)]
    if flagged:
        first = flagged[0]
        raise ValidationError(
            f"section {first.get('number')}. {first.get('title', '')} is marked for review: "
            "it keeps your edit but its decisions changed when the minutes were brought up to "
            "date; check it, then edit it or mark it reviewed before circulating"
        )
    version.status = MinutesStatus.CIRCULATED
    version.circulated_at = _now(session)
    session.flush()
    return _info(session, version)


def approve(
    session: Session,
    actor_id: str | None,
    version_id: str,
    *,
    decision_id: str | None = None,
) -> VersionInfo:
    """Record circulated minutes as approved: circulated → approved.

    Args:
        session: the caller's session.
        actor_id: who records it.
        version_id: the version.
        decision_id: the decision of a later meeting of the board approving them "as a
            correct record" (needs `RUN_MEETING`); None for the chair's own approval
            between meetings (needs `APPROVE_MINUTES`).

    Raises:
        ValidationError: the version is not circulated, or the decision does not fit.
    """
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    _expect(version, MinutesStatus.CIRCULATED, "approved")
    _refuse_shared_numbers(session, meeting, "approved")
    if decision_id is None:
        require(session, actor_id, meeting.board_id, Capability.APPROVE_MINUTES)
        version.approved_by_chair_id = actor_id
    else:
        require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
        decision = session.get(Decision, decision_id)
        if decision is None:
            raise NotFoundError("no such decision")
        later = session.get(Meeting, decision.meeting_id)
        if later is None or later.board_id != meeting.board_id:
            raise ValidationError("minutes are approved by a decision of the same board")
        if later.meeting_date <= meeting.meeting_date:
            raise ValidationError(
                f"{decision.number} is not of a later meeting: minutes are approved at a "
                "meeting after the one they record"
            )
        if decision.kind not in _APPROVING_KINDS:
            raise ValidationError(
                f"{decision.number} was {decision.kind.value}, not agreed or approved"
            )
        other = session.scalar(
            select(Meeting.meeting_date)
            .join(MinutesVersion, MinutesVersion.meeting_id == Meeting.id)
            .where(
                MinutesVersion.approved_by_decision_id == decision.id,
                MinutesVersion.meeting_id != meeting.id,
            )
            .limit(1)
        )
        if other is not None:
            raise ValidationError(
                f"{decision.number} already approved the minutes of the meeting held on "
                f"{other.day} {other:%B %Y}"
            )
        version.approved_by_decision_id = decision.id
    _check_decisions(session, version)  # after the right: it reads exempt decisions
    version.status = MinutesStatus.APPROVED
    version.approved_at = _now(session)
    session.flush()
    return _info(session, version)


def sign(session: Session, actor_id: str | None, version_id: str) -> VersionInfo:
    """The chair signs approved minutes: approved → signed, the text frozen and hashed."""
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.APPROVE_MINUTES)
    _expect(version, MinutesStatus.APPROVED, "signed")
    _check_decisions(session, version)
    text = canonical_json(_content(version))
    version.content_json = text
    version.content_hash = sha256_hex(text)
    version.signed_by_id = actor_id
    version.signed_at = _now(session)
    version.status = MinutesStatus.SIGNED
    session.flush()
    return _info(session, version)


def start_correction(session: Session, actor_id: str | None, version_id: str) -> VersionInfo:
    """A new draft version copying signed minutes, to be corrected, approved and signed again.

    Raises:
        ValidationError: the version is not signed, or is not the newest version.
    """
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.EDIT_BUSINESS)
    if version.status is not MinutesStatus.SIGNED:
        raise ValidationError("only signed minutes are corrected; edit the current version")
    latest = _latest(session, version.meeting_id)
    assert latest is not None
    if latest.id != version.id:
        raise ValidationError(
            f"version {latest.version} is newer ({latest.status.value}); correct that one"
        )
    correction = MinutesVersion(
        meeting_id=version.meeting_id,
        version=version.version + 1,
        status=MinutesStatus.DRAFT,
        content_json=version.content_json,
        created_by_id=actor_id,
        supersedes_id=version.id,
    )
    session.add(correction)
    session.flush()
    return _info(session, correction)


# -- helpers -------------------------------------------------------------------------------


def _now(session: Session) -> dt.datetime:
    clock = session.info.get("clock")
    return clock() if clock else dt.datetime.now(dt.UTC)


def _meeting(session: Session, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError("no such meeting")
    return meeting


def _version(session: Session, version_id: str) -> MinutesVersion:
    version = session.get(MinutesVersion, version_id)
    if version is None:
        raise NotFoundError("no such minutes version")
    return version


def _latest(session: Session, meeting_id: str) -> MinutesVersion | None:
    return session.scalars(
        select(MinutesVersion)
        .where(MinutesVersion.meeting_id == meeting_id)
        .order_by(MinutesVersion.version.desc())
        .limit(1)
    ).first()


def _expect(version: MinutesVersion, wanted: MinutesStatus, becoming: str) -> None:
    if version.status is not wanted:
        raise ValidationError(
            f"version {version.version} is {version.status.value}; only {wanted.value} "
            f"minutes can be {becoming}"
        )


def _content(version: MinutesVersion) -> dict[str, Any]:
    try:
        content = json.loads(version.content_json)
    except ValueError as exc:
        raise ValidationError(f"version {version.version} does not hold minutes JSON") from exc
    if not isinstance(content, dict):
        raise ValidationError(f"version {version.version} does not hold minutes JSON")
    return content


def _items(content: dict[str, Any]) -> list[dict[str, Any]]:
    items = content.get("items")
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _check_decisions(session: Session, version: MinutesVersion) -> None:
    """Refuse minutes that state a decision other than as recorded (or leave one out)."""
    stated = sorted(
        (str(d.get("number")), str(d.get("kind")), str(d.get("wording")))
        for item in _items(_content(version))
        for d in item.get("decisions") or []
        if isinstance(d, dict)
    )
    rows = session.scalars(select(Decision).where(Decision.meeting_id == version.meeting_id))
    recorded = sorted(
        (d.number, d.kind.value, unicodedata.normalize("NFC", d.wording))
        for d in current_versions(rows)
    )
    if stated != recorded:
        raise ValidationError(
            f"version {version.version} no longer states the meeting's decisions as recorded "
            "(a decision was corrected, amended or renumbered after it was made); bring the "
            "minutes up to date first: that makes a new draft from the record, keeping your "
            "edits, to circulate and approve again"
        )


def _refuse_shared_numbers(session: Session, meeting: Meeting, becoming: str) -> None:
    shared = duplicate_numbers(session, meeting.board_id, meeting_id=meeting.id)
    if shared:
        numbers = ", ".join(d.number for d in shared)
        raise ValidationError(
            f"the minutes cannot be {becoming} while decision number {numbers} is used by more "
            "than one decision (recorded offline on different laptops); renumber the later one "
            "first"
        )


def restate_number(session: Session, decision: Decision, new_number: str) -> int:
    """State a renumbered decision under its new number in its meeting's unsigned minutes.

    The decision is found in each version as the minutes state it (number, kind and
    wording, as `_check_decisions` compares them); one entry per version changes.

    Returns:
        How many versions were restated.
    """
    wanted = (decision.number, decision.kind.value, unicodedata.normalize("NFC", decision.wording))
    changed = 0
    for version in session.scalars(
        select(MinutesVersion).where(
            MinutesVersion.meeting_id == decision.meeting_id,
            MinutesVersion.status != MinutesStatus.SIGNED,
        )
    ):
        try:
            content = _content(version)
        except ValidationError:
            continue
        entry = next(
            (
                d
                for item in _items(content)
                for d in item.get("decisions") or []
                if isinstance(d, dict)
                and (
                    str(d.get("number")),
                    str(d.get("kind")),
                    unicodedata.normalize("NFC", str(d.get("wording"))),
                )
                == wanted
            ),
            None,
        )
        if entry is None:
            continue
        entry["number"] = new_number
        version.content_json = canonical_json(content)
        changed += 1
    if changed:
        session.flush()
    return changed


def _info(session: Session, v: MinutesVersion) -> VersionInfo:
    approved_by = None
    if v.approved_by_decision_id:
        row = session.execute(
            select(Decision.number, Meeting.meeting_date)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .where(Decision.id == v.approved_by_decision_id)
        ).first()
        if row is not None:
            approved_by = f"{row[0]} (meeting of {row[1].day} {row[1]:%B %Y})"
    elif v.approved_by_chair_id:
        name = session.get(Person, v.approved_by_chair_id)
        approved_by = f"{name.name if name else 'the Chair'}, Chair, between meetings"
    signer = session.get(Person, v.signed_by_id) if v.signed_by_id else None
    return VersionInfo(
        version_id=v.id,
        meeting_id=v.meeting_id,
        version=v.version,
        status=v.status.value,
        created_at=v.created_at,
        circulated_at=v.circulated_at,
        approved_at=v.approved_at,
        approved_by=approved_by,
        signed_by=signer.name if signer else None,
        signed_at=v.signed_at,
        content_hash=v.content_hash,
        supersedes_id=v.supersedes_id,
    )
