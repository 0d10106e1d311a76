"""Performance indicators with monthly values against national and regional benchmarks.

Polarity says which way is better; the sustained-decline rule (three or more
consecutive periods moving the wrong way) reads it from here.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, IdMixin, UTCDateTime, str_enum


class Polarity(enum.Enum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Kpi(IdMixin, Base):
    """A performance indicator the board and Select Committee watch."""

    __tablename__ = "kpis"
    __table_args__ = (UniqueConstraint("plan_id", "reference"),)

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(32))  # "%", "days", "per 10,000", "cases"
    polarity: Mapped[Polarity] = mapped_column(str_enum(Polarity, "polarity"))
    target: Mapped[float | None] = mapped_column(Float)
    source_note: Mapped[str | None] = mapped_column(Text)
    # The service's narrative on the trend (Select Committee request).
    narrative: Mapped[str | None] = mapped_column(Text)
    narrative_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    narrative_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    values: Mapped[list[KpiValue]] = relationship(back_populates="kpi", order_by="KpiValue.period")


class KpiValue(IdMixin, Base):
    """One period's value of an indicator, with that period's benchmarks."""

    __tablename__ = "kpi_values"
    __table_args__ = (UniqueConstraint("kpi_id", "period"),)

    kpi_id: Mapped[str] = mapped_column(ForeignKey("kpis.id"), index=True)
    period: Mapped[dt.date] = mapped_column(Date)  # first day of the month
    value: Mapped[float] = mapped_column(Float)
    national: Mapped[float | None] = mapped_column(Float)
    regional: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)

    kpi: Mapped[Kpi] = relationship(back_populates="values")
