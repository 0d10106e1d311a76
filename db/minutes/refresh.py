"""Unsigned minutes whose meeting's decisions changed since they were made: what changed, and
bringing them up to date.

Minutes state each decision as recorded (`lifecycle._check_decisions`), so a
version built before a decision of its meeting changed can be neither
circulated nor signed. The record changes after a version is built when a
decision of the closed meeting is corrected (a new decision citing it,
`db.services.decisions.correct_decision`), when an amendment made offline
during the meeting arrives by sync, or when a decision is renumbered
(`renumber_decision` restates the number itself on the laptop that renumbers;
this covers a renumbering that arrives by sync).

`record_changes` compares what a version states with the record and says, one
sentence per change, what changed ("Decision OPAB 19/26 was corrected on 12
November 2019 by OPAB 19/31 — these minutes still state only the earlier
wording"). `bring_up_to_date` makes a new draft version (`supersedes_id` the
old one) generated from the record, carrying every section's text — the
clerk's summary of discussion — from the old version: an edit is never lost.
A section whose text the secretariat changed (it differs from what the record
generates) and whose decisions changed keeps the edit and is flagged for
review (`"review"` in the item's content); editing the section, or
`mark_reviewed`, clears the flag, and a flagged version is not circulated.

Signed minutes are never changed: a signed version is frozen, and a change of
record after signing is its own record (the correction) until a correction of
the minutes is started (`lifecycle.start_correction`), which this module can
then bring up to date like any draft.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.canonical import canonical_json
from db.errors import ValidationError
from db.minutes.build import minutes_content
from db.minutes.lifecycle import (
    REVIEW_KEY,
    VersionInfo,
    _content,
    _info,
    _items,
    _latest,
    _meeting,
    _version,
)
from db.models import Decision, MinutesStatus, MinutesVersion
from db.permissions import Capability, require
from db.services.decisions import current_versions

_Stated = tuple[str, str, str]  # number, kind, wording (NFC)


@dataclass(frozen=True)
class RecordChange:
    """One way a version's decisions differ from the meeting's record."""

    kind: str  # "corrected", "amended", "renumbered", "recorded", "missing"
    number: str  # the decision's number as the minutes state it (or, if new, as recorded)
    at: dt.datetime | None  # when the change was recorded
    text: str  # the sentence the Minutes page and the CLI show


@dataclass(frozen=True)
class Refreshed:
    """The draft `bring_up_to_date` made, and the sections it flagged for review."""

    version: VersionInfo
    flagged: tuple[str, ...]  # headings, "5. Workforce: reducing agency staff"
    kept: int  # how many sections kept text the secretariat had changed


def _day(at: dt.datetime | None) -> str:
    return "" if at is None else f" on {at.day} {at:%B %Y}"


def _nfc(text: object) -> str:
    return unicodedata.normalize("NFC", str(text))


def _stated(content: dict[str, Any]) -> list[tuple[_Stated, int | None]]:
    return [
        ((str(d.get("number")), str(d.get("kind")), _nfc(d.get("wording"))), item.get("number"))
        for item in _items(content)
        for d in item.get("decisions") or []
        if isinstance(d, dict)
    ]


def _triple(d: Decision) -> _Stated:
    return (d.number, d.kind.value, _nfc(d.wording))


def _changes(session: Session, version: MinutesVersion) -> tuple[RecordChange, ...]:
    rows = list(session.scalars(select(Decision).where(Decision.meeting_id == version.meeting_id)))
    by_id = {d.id: d for d in rows}
    content = _content(version)
    listed = _stated(content)
    stated = Counter(t for t, _ in listed)
    titles = {i.get("number"): str(i.get("title") or "") for i in _items(content)}

    def where(number: str) -> str:
        """ " (item 5, Placement sufficiency)": where the minutes state the decision."""
        item = next((n for (num, _k, _w), n in listed if num == number), None)
        if item is None:
            return ""
        title = titles.get(item, "")
        title = title if len(title) <= 60 else title[:59] + "…"
        return f" (item {item}, {title})" if title else f" (item {item})"

    unmatched: list[Decision] = []
    for d in sorted(current_versions(rows), key=lambda d: (d.year, d.seq, d.recorded_at)):
        if stated[_triple(d)] > 0:
            stated[_triple(d)] -= 1
        else:
            unmatched.append(d)
    out: list[RecordChange] = []
    for d in unmatched:
        older = by_id.get(d.supersedes_id) if d.supersedes_id else None
        earlier: Decision | None = None
        while older is not None:
            if stated[_triple(older)] > 0:
                earlier = older
                break
            older = by_id.get(older.supersedes_id) if older.supersedes_id else None
        if earlier is not None:
            stated[_triple(earlier)] -= 1
            renumbered = earlier.number != d.number
            reworded = (earlier.kind, _nfc(earlier.wording)) != (d.kind, _nfc(d.wording))
            if renumbered:
                text = (
                    f"Decision {earlier.number}{where(earlier.number)} was renumbered "
                    f"{d.number}{_day(d.recorded_at)} "
                    "— these minutes still state the earlier number"
                    + (" and wording" if reworded else "")
                )
            else:
                text = (
                    f"Decision {d.number}{where(d.number)} was amended{_day(d.recorded_at)} "
                    f"(version {d.version}) — these minutes still state the earlier wording"
                )
            out.append(
                RecordChange(
                    "renumbered" if renumbered else "amended",
                    earlier.number,
                    d.recorded_at,
                    text,
                )
            )
            continue
        cited = session.get(Decision, d.corrects_id) if d.corrects_id else None
        if cited is not None:
            out.append(
                RecordChange(
                    "corrected",
                    cited.number,
                    d.recorded_at,
                    f"Decision {cited.number}{where(cited.number)} was corrected"
                    f"{_day(d.recorded_at)} by "
                    f"{d.number} — these minutes still state only the earlier wording",
                )
            )
        else:
            out.append(
                RecordChange(
                    "recorded",
                    d.number,
                    d.recorded_at,
                    f"Decision {d.number} was recorded{_day(d.recorded_at)} after these minutes "
                    "were made — they do not state it",
                )
            )
    for (number, _kind, _wording), left in stated.items():
        out.extend(
            RecordChange(
                "missing",
                number,
                None,
                f"Decision {number} as these minutes state it is no longer in the meeting's record",
            )
            for _ in range(left)
        )
    return tuple(out)


def record_changes(
    session: Session, viewer_id: str | None, version_id: str
) -> tuple[RecordChange, ...]:
    """How a version's decisions differ from its meeting's record now; () if they agree.

    A signed version is frozen and reported as agreeing: a change after signing is
    its own record. Needs the right to read exempt items (the full text is compared).
    """
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, viewer_id, meeting.board_id, Capability.READ_EXEMPT)
    if version.status is MinutesStatus.SIGNED:
        return ()
    return _changes(session, version)


def flagged_sections(session: Session, viewer_id: str | None, version_id: str) -> tuple[str, ...]:
    """The headings of a version's sections flagged for review, in item order."""
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, viewer_id, meeting.board_id, Capability.READ_EXEMPT)
    return tuple(
        f"{i.get('number')}. {i.get('title', '')}"
        for i in _items(_content(version))
        if i.get(REVIEW_KEY)
    )


def _decisions_of(item: dict[str, Any]) -> list[_Stated]:
    return sorted(
        (str(d.get("number")), str(d.get("kind")), _nfc(d.get("wording")))
        for d in item.get("decisions") or []
        if isinstance(d, dict)
    )


def _heading(item: dict[str, Any]) -> str:
    return f"{item.get('number')}. {item.get('title', '')}"


def bring_up_to_date(session: Session, actor_id: str | None, version_id: str) -> Refreshed:
    """A new draft generated from the record, keeping every section's text of `version_id`.

    Args:
        session: the caller's session.
        actor_id: who asks (the secretariat: `EDIT_BUSINESS`).
        version_id: the newest version of the meeting's minutes, unsigned.

    Returns:
        The new draft, the sections flagged for review and how many edits were kept.

    Raises:
        ValidationError: the version is signed or not the newest, the record has not
            changed, or an edited section's item is no longer on the agenda.
    """
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.EDIT_BUSINESS)
    if version.status is MinutesStatus.SIGNED:
        raise ValidationError(
            f"version {version.version} is signed and is never changed; start a correction "
            "(a new version) to state the changed decisions"
        )
    latest = _latest(session, version.meeting_id)
    assert latest is not None
    if latest.id != version.id:
        raise ValidationError(
            f"version {latest.version} is newer ({latest.status.value}); bring that one up to date"
        )
    if not _changes(session, version):
        raise ValidationError(
            f"version {version.version} already states the meeting's decisions as recorded"
        )
    old = _content(version)
    fresh = minutes_content(session, meeting, public=False)
    old_items = _items(old)
    used: set[int] = set()
    flagged: list[str] = []
    kept = 0
    for item in _items(fresh):
        match = next(
            (
                i
                for n, i in enumerate(old_items)
                if n not in used
                and i.get("number") == item.get("number")
                and i.get("title") == item.get("title")
            ),
            None,
        ) or next(
            (
                i
                for n, i in enumerate(old_items)
                if n not in used and i.get("title") == item.get("title")
            ),
            None,
        )
        if match is None:
            continue
        used.add(next(n for n, i in enumerate(old_items) if i is match))
        text = str(match.get("minutes") or "")
        edited = text != str(item.get("minutes") or "")
        if edited:
            kept += 1
        item["minutes"] = text
        note = match.get(REVIEW_KEY)
        if edited and _decisions_of(match) != _decisions_of(item):
            note = (
                "Kept as the secretariat edited it, but this item's decisions changed in the "
                "record: check the summary still agrees with them"
            )
        if note:
            item[REVIEW_KEY] = str(note)
            flagged.append(_heading(item))
    lost = [
        _heading(i)
        for n, i in enumerate(old_items)
        if n not in used and str(i.get("minutes") or "").strip()
    ]
    if lost:
        raise ValidationError(
            f"item {lost[0]} of version {version.version} is no longer on the meeting's agenda; "
            "copy its text somewhere safe first, or ask the secretariat to restore the item"
        )
    draft = MinutesVersion(
        meeting_id=version.meeting_id,
        version=version.version + 1,
        status=MinutesStatus.DRAFT,
        content_json=canonical_json(fresh),
        created_by_id=actor_id,
        supersedes_id=version.id,
    )
    session.add(draft)
    session.flush()
    return Refreshed(_info(session, draft), tuple(flagged), kept)


def mark_reviewed(session: Session, actor_id: str | None, version_id: str, key: str) -> VersionInfo:
    """Clear the review flag of one section (`key` "item:N") or every section (`key` "all").

    Raises:
        ValidationError: the version is not a draft or circulated, or the key names no item.
    """
    version = _version(session, version_id)
    meeting = _meeting(session, version.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.EDIT_BUSINESS)
    if version.status not in (MinutesStatus.DRAFT, MinutesStatus.CIRCULATED):
        raise ValidationError(
            f"version {version.version} is {version.status.value}: only a draft or circulated "
            "version is reviewed"
        )
    content = _content(version)
    items = _items(content)
    if key.strip() != "all":
        match = re.fullmatch(r"item:(\d+)", key.strip())
        number = int(match.group(1)) if match else None
        items = [i for i in items if i.get("number") == number]
        if not items:
            raise ValidationError(f"the minutes have no section {key!r}")
    for item in items:
        item.pop(REVIEW_KEY, None)
    version.content_json = canonical_json(content)
    session.flush()
    return _info(session, version)
