"""The risk register: likelihood × impact now and at target, and each review.

Scores are derived (likelihood × impact), never stored, so they cannot
disagree with their factors; the reviews are the trend.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, IdMixin, UTCDateTime, str_enum, utcnow


class RiskStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


risk_actions = Table(
    "risk_actions",
    Base.metadata,
    Column("risk_id", ForeignKey("risks.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def _score_checks(prefix: str) -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint(f"{prefix}likelihood BETWEEN 1 AND 5", name=f"{prefix}likelihood_1_5"),
        CheckConstraint(f"{prefix}impact BETWEEN 1 AND 5", name=f"{prefix}impact_1_5"),
    )


class Risk(IdMixin, Base):
    """A risk to delivering the plan, with its mitigation and owner."""

    __tablename__ = "risks"
    __table_args__ = (*_score_checks(""), *_score_checks("target_"))

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    consequence: Mapped[str | None] = mapped_column(Text)
    mitigation: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    target_likelihood: Mapped[int] = mapped_column(Integer)
    target_impact: Mapped[int] = mapped_column(Integer)
    status: Mapped[RiskStatus] = mapped_column(
        str_enum(RiskStatus, "risk_status"), default=RiskStatus.OPEN
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviews: Mapped[list[RiskReview]] = relationship(
        back_populates="risk", order_by="RiskReview.reviewed_on"
    )

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_impact


class RiskReview(IdMixin, Base):
    """A dated review of a risk's score, possibly agreed in a meeting."""

    __tablename__ = "risk_reviews"
    __table_args__ = _score_checks("")

    risk_id: Mapped[str] = mapped_column(ForeignKey("risks.id"), index=True)
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    reviewed_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    commentary: Mapped[str | None] = mapped_column(Text)
    decision_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"))

    risk: Mapped[Risk] = relationship(back_populates="reviews")


class RiskBand(IdMixin, Base):
    """A scoring band of a plan's risk register (e.g. 10–16 "High", orange).

    Councils band scores differently; a plan without bands of its own uses the
    conventional ones (`db.rules.DEFAULT_RISK_BANDS`).
    """

    __tablename__ = "risk_bands"
    __table_args__ = (
        CheckConstraint("min_score BETWEEN 1 AND 25", name="min_1_25"),
        CheckConstraint("max_score BETWEEN min_score AND 25", name="max_ge_min"),
    )

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    label: Mapped[str] = mapped_column(String(50))
    min_score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(7))  # "#RRGGBB"
    sort_order: Mapped[int] = mapped_column(Integer)
