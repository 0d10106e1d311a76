"""What the current item links to, one tab (Alt+1…5) away: action RAG, risk, KPI, questions, cards.

Each tab is read only when it is shown (`load`), so moving through the agenda
costs nothing for the tabs nobody looks at — the KPI chart in particular,
whose first draw imports matplotlib. With several actions or indicators
linked, a drop-down above the tab chooses which one. Reads go through
`db.services.plan`, `.risks` and `.kpis`, in one short session per tab. The
fourth tab embeds the Papers page's `QuestionsPanel` in answering mode: the
questions members prepared on this item, and the answer given, recorded as
it is heard. The fifth embeds the reader's `ActionCardsPanel` for the item:
the children in care council's action cards on its papers, each with the
board's response, recorded (with its status) as the board agrees it.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from db.store import Database
from widgets.kpi_chart import KpiChart
from widgets.rag_timeline import RagTimeline

ACTION_TAB, RISK_TAB, KPI_TAB, QUESTIONS_TAB, CARDS_TAB = 0, 1, 2, 3, 4


class LinkedPane(QTabWidget):
    """The current item's linked action (RAG history), risks and indicator (chart)."""

    problem = Signal(str)  # a read failed: the sentence to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cockpitLinked")
        self.setAccessibleName("What this item links to")
        self.item: Any = None
        self.database: Database | None = None
        self.actor_id: str | None = None
        self.meeting_id: str | None = None
        self.questions: Any = None  # the QuestionsPanel, built when its tab is first shown
        self._questions_for: tuple[Any, ...] | None = None
        self.cards: Any = None  # the ActionCardsPanel, built when its tab is first shown
        self.today = dt.date.today()
        self._loaded: set[int] = set()
        self._filling = False

        self.action_choice = QComboBox()
        self.action_choice.setAccessibleName("Linked plan action")
        self.action_choice.currentIndexChanged.connect(lambda _i: self.load(ACTION_TAB, True))
        self.timeline = RagTimeline("No plan action is linked to this item.")
        action_tab = QWidget()
        action_layout = QVBoxLayout(action_tab)
        action_layout.addWidget(self.action_choice)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        action_layout.addWidget(scroll, 1)
        self.risk_text = QTextBrowser()
        self.risk_text.setObjectName("cockpitRisk")
        self.risk_text.setAccessibleName("Linked risks")
        self.kpi_choice = QComboBox()
        self.kpi_choice.setAccessibleName("Linked indicator")
        self.kpi_choice.currentIndexChanged.connect(lambda _i: self.load(KPI_TAB, True))
        self.chart = KpiChart()
        kpi_tab = QWidget()
        kpi_layout = QVBoxLayout(kpi_tab)
        kpi_layout.addWidget(self.kpi_choice)
        kpi_layout.addWidget(self.chart, 1)
        # Short labels: the column is narrow, and the keys are printed along the bottom.
        self.addTab(action_tab, "Action RAG")
        self.addTab(self.risk_text, "Risk")
        self.addTab(kpi_tab, "KPI")
        self.questions_tab = QWidget()
        self.questions_layout = QVBoxLayout(self.questions_tab)
        self.addTab(self.questions_tab, "Questions")
        self.cards_tab = QWidget()
        self.cards_layout = QVBoxLayout(self.cards_tab)
        self.addTab(self.cards_tab, "Cards")
        self.setTabToolTip(CARDS_TAB, "Children in care council action cards")
        for index in range(self.count()):
            self.setTabToolTip(index, f"{self.tabToolTip(index)} Alt+{index + 1}".strip())
        self.tabBar().setExpanding(False)
        self.setUsesScrollButtons(False)
        self.currentChanged.connect(lambda index: self.load(index))

    def show_item(
        self,
        item: Any,
        database: Database | None,
        today: dt.date,
        *,
        actor_id: str | None = None,
        meeting_id: str | None = None,
    ) -> None:
        """Show what `item` links to (the shown tab is read now, the others when chosen)."""
        self.item, self.database, self.today = item, database, today
        self.actor_id, self.meeting_id = actor_id, meeting_id
        self._loaded.clear()
        self._filling = True
        for box, links in (
            (self.action_choice, item.actions if item else ()),
            (self.kpi_choice, item.kpis if item else ()),
        ):
            box.blockSignals(True)
            box.clear()
            for link in links:
                box.addItem(link.label, link.id)
            box.setVisible(len(links) > 1)
            box.blockSignals(False)
        self._filling = False
        self.load(self.currentIndex())

    def load(self, index: int, force: bool = False) -> None:
        if self._filling or self.item is None or self.database is None:
            return
        if index in self._loaded and not force:
            return
        self._loaded.add(index)
        try:
            with self.database.session() as s:
                if index == ACTION_TAB:
                    self._show_action(s)
                elif index == RISK_TAB:
                    self._show_risks(s)
                elif index == KPI_TAB:
                    self._show_kpi(s)
            if index == QUESTIONS_TAB:
                self._show_questions()
            elif index == CARDS_TAB:
                self._show_cards()
        except BoardpackError as error:
            self.problem.emit(str(error))

    def _show_action(self, s: Any) -> None:
        action_id = self.action_choice.currentData()
        if action_id is None:
            self.timeline.set_entries(())
            return
        from db.services.plan import action_detail, rag_definitions
        from desktop.pages.plan_detail import timeline_entries

        detail = action_detail(s, action_id, today=self.today)
        key = {entry.rag: entry for entry in rag_definitions(s, detail.plan_id)}
        self.timeline.set_entries(timeline_entries(detail.history, key))

    def _show_risks(self, s: Any) -> None:
        from db.services.risks import risk_detail

        parts = []
        for link in self.item.risks:
            detail = risk_detail(s, link.id)
            row = detail.row
            parts.append(
                f"<p><b>{html.escape(row.reference)} {html.escape(row.title)}</b><br>"
                f"Now {row.likelihood} × {row.impact} = "
                f"<b>{row.score} ({html.escape(row.band)})</b>;"
                f" target {row.target_score} ({html.escape(row.target_band)})"
                + (" — above target" if row.above_target else "")
                + f"<br>Mitigation: {html.escape(detail.mitigation or 'not recorded')}</p>"
            )
        self.risk_text.setHtml("".join(parts) or "<i>No risk is linked to this item.</i>")

    def _show_kpi(self, s: Any) -> None:
        kpi_id = self.kpi_choice.currentData()
        if kpi_id is None:
            self.chart.show_message("No indicator is linked to this item.")
            return
        from db.services.kpis import kpi_series
        from desktop.pages.performance import chart_series

        self.chart.show_series(chart_series(kpi_series(s, kpi_id)))

    def _show_questions(self) -> None:
        if self.database is None or self.meeting_id is None:
            return
        if self.questions is None:
            from desktop.reader.questions import QuestionsPanel

            self.questions = QuestionsPanel(can_add=False, answering=True)
            self.questions_layout.addWidget(self.questions)
            self.questions.show()  # added to a tab already on screen
        key = (self.database, self.actor_id, self.meeting_id)
        if self._questions_for != key:
            self._questions_for = key
            self.questions.set_meeting(self.database, self.actor_id, self.meeting_id)
        self.questions.show_item(self.item.item_id)

    def _show_cards(self) -> None:
        if self.database is None:
            return
        if self.cards is None:
            from desktop.reader.cards import ActionCardsPanel

            self.cards = ActionCardsPanel()
            self.cards_layout.addWidget(self.cards)
            self.cards.show()  # added to a tab already on screen
        self.cards.set_item(self.database, self.actor_id, self.item.item_id)
        if self.cards.error is None and not self.cards.cards():
            self.cards.note.setText("No action cards on this item's papers.")
