"""The improvement plan: themes, actions, recommendations, RAG history, milestones.

An action's current RAG is kept on the action for fast filtering over tens of
thousands of rows, and is only ever changed by recording a progress update in
the same transaction (`db.services.plan`), so the history is the truth and the
column is its latest entry.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, IdMixin, UTCDateTime, str_enum, utcnow


class Rag(enum.Enum):
    """The (B)RAG scale: the board's shared language for progress."""

    BLUE = "blue"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ActionStatus(enum.Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class RecommendationSource(enum.Enum):
    OFSTED = "ofsted"
    COMMISSIONER = "commissioner"
    MONITORING_VISIT = "monitoring_visit"

    @property
    def label(self) -> str:
        return {
            "ofsted": "Ofsted inspection",
            "commissioner": "Commissioner",
            "monitoring_visit": "Monitoring visit",
        }[self.value]


class MilestoneKind(enum.Enum):
    COMMISSIONER_REVIEW = "commissioner_review"
    MONITORING_VISIT = "monitoring_visit"
    INSPECTION = "inspection"
    OTHER = "other"


action_recommendations = Table(
    "action_recommendations",
    Base.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "recommendation_id",
        ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Plan(IdMixin, Base):
    """An improvement plan overseen by a board."""

    __tablename__ = "plans"

    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    version: Mapped[str | None] = mapped_column(String(50))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    themes: Mapped[list[Theme]] = relationship(back_populates="plan", order_by="Theme.number")
    rag_definitions: Mapped[list[RagDefinition]] = relationship(
        back_populates="plan", order_by="RagDefinition.sort_order"
    )


class RagDefinition(IdMixin, Base):
    """What each RAG colour means in this plan (councils define them differently)."""

    __tablename__ = "rag_definitions"
    __table_args__ = (UniqueConstraint("plan_id", "rag"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    rag: Mapped[Rag] = mapped_column(str_enum(Rag, "rag"))
    label: Mapped[str] = mapped_column(String(50))
    meaning: Mapped[str] = mapped_column(Text)
    colour: Mapped[str] = mapped_column(String(7))  # "#RRGGBB"
    sort_order: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="rag_definitions")


class Theme(IdMixin, Base):
    """A theme of the plan, e.g. "2 Quality of Practice & Planning"."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))

    plan: Mapped[Plan] = relationship(back_populates="themes")
    actions: Mapped[list[Action]] = relationship(back_populates="theme")


class Recommendation(IdMixin, Base):
    """A recommendation or finding the plan answers (Ofsted, Commissioner, monitoring visit)."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("plan_id", "reference"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    source: Mapped[RecommendationSource] = mapped_column(
        str_enum(RecommendationSource, "recommendation_source")
    )
    reference: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)

    actions: Mapped[list[Action]] = relationship(
        secondary=action_recommendations, back_populates="recommendations"
    )


class Action(IdMixin, Base):
    """A plan action: what will be done, by whom, by when, and how it is going."""

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("plan_id", "reference"),
        # the plan page's "changed since the last meeting" filter
        Index("ix_actions_plan_updated", "plan_id", "updated_at"),
    )

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    theme_id: Mapped[str] = mapped_column(ForeignKey("themes.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)
    lead_agency: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(
        str_enum(ActionStatus, "action_status"), default=ActionStatus.NOT_STARTED
    )
    rag: Mapped[Rag | None] = mapped_column(str_enum(Rag, "rag"), index=True)
    success_measure: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    theme: Mapped[Theme] = relationship(back_populates="actions")
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=action_recommendations, back_populates="actions"
    )
    progress_updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="action", order_by="ProgressUpdate.recorded_at"
    )


class ProgressUpdate(IdMixin, Base):
    """One dated entry in an action's RAG history, with commentary and author."""

    __tablename__ = "progress_updates"

    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id"), index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    rag: Mapped[Rag] = mapped_column(str_enum(Rag, "rag"))
    previous_rag: Mapped[Rag | None] = mapped_column(str_enum(Rag, "previous_rag"))
    commentary: Mapped[str | None] = mapped_column(Text)
    previous_due_date: Mapped[dt.date | None] = mapped_column(Date)
    new_due_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date_reason: Mapped[str | None] = mapped_column(Text)
    # Set when the change was agreed by the board in a meeting.
    decision_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"), index=True)

    action: Mapped[Action] = relationship(back_populates="progress_updates")


class Milestone(IdMixin, Base):
    """A dated checkpoint of the improvement journey (Commissioner review, monitoring visit)."""

    __tablename__ = "milestones"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[MilestoneKind] = mapped_column(str_enum(MilestoneKind, "milestone_kind"))
    due_date: Mapped[dt.date] = mapped_column(Date)
    achieved_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
