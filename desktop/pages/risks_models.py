"""The Risks page's table models: the register, a risk's review history and its linked actions.

Each is a `widgets.row_model.RowTableModel` over the frozen rows
`db.services.risks` returns, with its columns spelt out here: what each cell
says, what it sorts on, and what a screen reader hears. Scores are written
as "20 Very high" on the band's colour (painted as a chip by
`widgets.rag_chip.ChipDelegate`), so the colour repeats the words; the trend
is an arrow and a word ("▲ Rising"); above target is "Above" or "No".
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject

from db.services.risks import ReviewEntry, RiskRow, Trend, reference_key
from widgets.row_model import CENTRE, Column, RowTableModel

#: Arrows that repeat the trend word (a rising score is a worsening risk).
TREND_ARROWS = {Trend.RISING: "▲", Trend.FALLING: "▼", Trend.STEADY: "▶"}
TREND_MEANING = {
    Trend.RISING: "score went up at the last review (worse)",
    Trend.FALLING: "score went down at the last review (better)",
    Trend.STEADY: "score unchanged at the last review",
}
RAG_COLOURS = {"blue": "#1d70b8", "green": "#00703c", "amber": "#ffb000", "red": "#d4351c"}


def short_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def trend_text(trend: Trend | None) -> str:
    return f"{TREND_ARROWS[trend]} {trend.label}" if trend else "New"


def score_text(likelihood: int, impact: int, band: str) -> str:
    return f"{likelihood * impact} {band}"


# Register ---------------------------------------------------------------

REF, TITLE, OWNER, CURRENT, TARGET, ABOVE, TREND, REVIEWED, STATUS = range(9)


def register_columns() -> list[Column[RiskRow]]:
    return [
        Column(
            "Ref",
            lambda r: r.reference,
            sort_key=lambda r: reference_key(r.reference),
            bold=lambda r: True,
            spoken=lambda r: f"Risk {r.reference}",
        ),
        Column("Risk", lambda r: r.title, tooltip=lambda r: r.title),
        Column("Owner", lambda r: r.owner or "No owner", sort_key=lambda r: r.owner),
        Column(
            "Current",
            lambda r: score_text(r.likelihood, r.impact, r.band),
            sort_key=lambda r: r.score,
            chip=lambda r: r.band_colour,
            align=CENTRE,
            tooltip=lambda r: (
                f"Likelihood {r.likelihood} × impact {r.impact} = {r.score} ({r.band})"
            ),
            spoken=lambda r: (
                f"Current score {r.score}, {r.band}: likelihood {r.likelihood}, impact {r.impact}"
            ),
            header_tooltip="Likelihood × impact now, and the band the score falls in",
        ),
        Column(
            "Target",
            lambda r: score_text(r.target_likelihood, r.target_impact, r.target_band),
            sort_key=lambda r: r.target_score,
            chip=lambda r: r.target_band_colour,
            align=CENTRE,
            tooltip=lambda r: (
                f"Target: likelihood {r.target_likelihood} × impact {r.target_impact} = "
                f"{r.target_score} ({r.target_band})"
            ),
            spoken=lambda r: f"Target score {r.target_score}, {r.target_band}",
            header_tooltip="The score the mitigation aims to bring the risk down to",
        ),
        Column(
            "Above\ntarget",
            lambda r: "Above" if r.above_target else "No",
            sort_key=lambda r: r.score - r.target_score,
            bold=lambda r: r.above_target,
            align=CENTRE,
            spoken=lambda r: (
                f"{r.score - r.target_score} above target"
                if r.above_target
                else "At or below target"
            ),
            header_tooltip="Whether the current score is above the target score",
        ),
        Column(
            "Trend",
            lambda r: trend_text(r.trend),
            sort_key=lambda r: (
                {Trend.RISING: 0, Trend.STEADY: 1, Trend.FALLING: 2}.get(r.trend, 3)
                if r.trend
                else 3
            ),
            tooltip=lambda r: TREND_MEANING[r.trend] if r.trend else "Reviewed once so far",
            spoken=lambda r: f"Trend: {TREND_MEANING[r.trend]}" if r.trend else "Trend: new risk",
            header_tooltip="How the score moved between the last two reviews",
        ),
        Column(
            "Last review",
            lambda r: short_date(r.last_reviewed),
            sort_key=lambda r: r.last_reviewed,
        ),
        Column("Status", lambda r: r.status.value.capitalize()),
    ]


class RiskRegisterModel(RowTableModel[RiskRow]):
    """The register: one row per risk."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(register_columns(), parent)


# Review history ----------------------------------------------------------


def review_columns() -> list[Column[ReviewEntry]]:
    return [
        Column(
            "Date",
            lambda r: short_date(r.reviewed_on),
            sort_key=lambda r: r.reviewed_on,
            spoken=lambda r: f"Reviewed {long_date(r.reviewed_on)}",
        ),
        Column(
            "Score",
            lambda r: f"{r.likelihood}×{r.impact} = {r.score} {r.band}",
            sort_key=lambda r: r.score,
            chip=lambda r: r.band_colour,
            align=CENTRE,
            spoken=lambda r: (
                f"Score {r.score}, {r.band}: likelihood {r.likelihood}, impact {r.impact}"
            ),
        ),
        Column("Commentary", lambda r: r.commentary or "", tooltip=lambda r: r.commentary),
        Column("By", lambda r: r.reviewer or ""),
        Column(
            "Decision",
            lambda r: r.decision_number or "",
            header_tooltip="The board decision that agreed the review, if any",
        ),
    ]


class ReviewHistoryModel(RowTableModel[ReviewEntry]):
    """A risk's reviews, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(review_columns(), parent)
