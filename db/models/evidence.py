"""Evidence behind plan actions, and the content-addressed blobs that hold files.

A blob is keyed by the SHA-256 of its bytes, so the same paper attached twice
is stored once and sync can skip what a replica already holds. `data` may be
NULL on a laptop that knows of a file but has not fetched it yet.
Evidence reviews (accepted / returned) are append-only: the record of the board
accepting evidence is a fact, and is what lets an action go Blue.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import AppendOnly, Base, IdMixin, UTCDateTime, str_enum, utcnow


class EvidenceState(enum.Enum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ReviewOutcome(enum.Enum):
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Blob(Base):
    """File bytes addressed by their SHA-256 (papers, evidence)."""

    __tablename__ = "blobs"
    __table_args__ = (CheckConstraint("length(sha256) = 64", name="sha256_hex"),)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(IdMixin, Base):
    """A document, data extract or link showing an action is done and having impact."""

    __tablename__ = "evidence"

    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(String(300))
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    url: Mapped[str | None] = mapped_column(String(2000))
    submitted_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Latest review outcome, kept in step with `evidence_reviews` by the service.
    state: Mapped[EvidenceState] = mapped_column(
        str_enum(EvidenceState, "evidence_state"), default=EvidenceState.SUBMITTED
    )

    reviews: Mapped[list[EvidenceReview]] = relationship(
        back_populates="evidence", order_by="EvidenceReview.reviewed_at"
    )


class EvidenceReview(AppendOnly, IdMixin, Base):
    """The board accepting or returning a piece of evidence (append-only)."""

    __tablename__ = "evidence_reviews"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence.id"), index=True)
    outcome: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome, "review_outcome"))
    reviewed_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"))
    comment: Mapped[str | None] = mapped_column(Text)

    evidence: Mapped[Evidence] = relationship(back_populates="reviews")
