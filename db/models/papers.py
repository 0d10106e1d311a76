"""Papers in the board pack, members' annotations on them, and questions prepared.

Annotations are anchored twice — by page and position, and by the text they
quote — so a re-issued paper can re-anchor them by text; those that no longer
fit are flagged `orphaned`, never dropped.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, UTCDateTime, str_enum, utcnow


class PaperKind(enum.Enum):
    REPORT = "report"
    ACTION_CARDS = "action_cards"
    MINUTES = "minutes"
    OTHER = "other"


class AnnotationKind(enum.Enum):
    HIGHLIGHT = "highlight"
    NOTE = "note"


class AnchorState(enum.Enum):
    ANCHORED = "anchored"
    REANCHORED = "reanchored"
    ORPHANED = "orphaned"


class Paper(IdMixin, Base):
    """A PDF in a meeting's board pack, attached to an agenda item."""

    __tablename__ = "papers"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[PaperKind] = mapped_column(str_enum(PaperKind, "paper_kind"))
    report_of: Mapped[str | None] = mapped_column(String(300))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    page_count: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)  # extracted text, for search
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    supplement: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("papers.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Its place among the item's papers (1 first), set when the secretariat orders
    # them; NULL: never placed, listed after those placed, by issue time
    # (`db.services.papers.paper_order`). No unique index: laptops reorder offline.
    position: Mapped[int | None] = mapped_column(Integer)


class Annotation(IdMixin, Base):
    """A highlight or sticky note on a paper; private unless shared with the board."""

    __tablename__ = "annotations"

    paper_id: Mapped[str] = mapped_column(ForeignKey("papers.id"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[AnnotationKind] = mapped_column(str_enum(AnnotationKind, "annotation_kind"))
    page: Mapped[int] = mapped_column(Integer)  # 0-based
    x: Mapped[float | None] = mapped_column(Float)
    y: Mapped[float | None] = mapped_column(Float)
    rects: Mapped[list[list[float]] | None] = mapped_column(JSON(none_as_null=True))
    quote: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    anchor: Mapped[AnchorState] = mapped_column(
        str_enum(AnchorState, "anchor_state"), default=AnchorState.ANCHORED
    )
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Question(IdMixin, Base):
    """A question a member prepares against an agenda item, and the answer given."""

    __tablename__ = "questions"

    agenda_item_id: Mapped[str] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean, default=True)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
