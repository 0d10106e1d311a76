"""Children in care council action cards, each with the board's recorded response.

The cards come from `db.services.questions` (read from the paper's own text,
so they are the council's words), each with the response recorded, its
status (agreed, in progress, done, not agreed), who gave it, who recorded it
and when — or "No response recorded yet". Clicking a card asks the reader to
show its page.

The panel is self-contained, like `QuestionsPanel`: given the database, who
is acting and the papers (`set_papers`) or an agenda item (`set_item`, what
meeting mode does), it reads and writes through the service in one short
session per action. Whoever runs the meeting (chair, secretariat) also gets
the response form under the list: choose a card, type the board's response,
choose its status, say who gave it, "Record response" (Ctrl+Enter). Others
see the responses read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from db.services.questions import CARD_STATUSES
from widgets.page_parts import heading, muted

if TYPE_CHECKING:
    from db.services.questions import ActionCard
    from db.store import Database


def card_text(card: ActionCard) -> str:
    lines = [f"Card {card.number}: {card.text}"]
    if card.addressed_to:
        lines.append(f"For: {card.addressed_to}")
    if card.response:
        at = card.responded_at
        when = f" on {at.day} {at:%B %Y}" if at else ""
        who = f" by {card.responded_by}" if card.responded_by else ""
        status = f" ({card.status})" if card.status else ""
        lines.append(f"Board response{status}{who}{when}: {card.response}")
        if card.recorded_by:
            lines.append(f"Recorded by {card.recorded_by}")
    else:
        lines.append("No response recorded yet.")
    return "\n".join(lines)


class ActionCardsPanel(QWidget):
    """The cards of action-cards papers, the board's responses, and the response form."""

    #: A card was chosen: show this page of the paper (0-based).
    page_requested = Signal(int)
    #: A response was recorded (announce "annotations").
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionCardsPanel")
        self._database: Database | None = None
        self._actor_id: str | None = None
        self._paper_ids: tuple[str, ...] = ()
        self._item_id: str | None = None
        self.message_box: QMessageBox | None = None
        #: Why the cards could not be read (None: they were).
        self.error: str | None = None
        self.title = heading("Action cards", 1.05)
        self.note = muted("From the children in care council, with the board's responses.")
        self.note.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("actionCardsList")
        self.list.setAccessibleName("Action cards and the board's responses")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        self.list.currentRowChanged.connect(lambda _row: self._fill_form())

        self.response = QPlainTextEdit()
        self.response.setObjectName("cardResponse")
        self.response.setAccessibleName("The board's response to the chosen card")
        self.response.setPlaceholderText("The board's response to the chosen card…")
        self.response.setTabChangesFocus(True)
        self.response.setFixedHeight(52)
        self.status = QComboBox()
        self.status.setAccessibleName("Status of the response")
        for status in CARD_STATUSES:
            self.status.addItem(status.capitalize(), status)
        self.responded_by = QLineEdit()
        self.responded_by.setAccessibleName("Who gave the response")
        self.responded_by.setPlaceholderText("Given by (name, job title)")
        self.record_button = QPushButton("Record response")
        self.record_button.setToolTip("Ctrl+Enter")
        self.record_button.clicked.connect(self.record_response)
        form = QWidget()
        form_layout = QVBoxLayout(form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(self.response)
        form_layout.addWidget(self.responded_by)  # its own line: the column may be narrow
        row = QHBoxLayout()
        row.addWidget(self.status)
        row.addStretch(1)
        row.addWidget(self.record_button)
        form_layout.addLayout(row)
        form.setVisible(False)
        self.form = form
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), form)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.record_response)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        layout.addWidget(form)
        self._cards: tuple[ActionCard, ...] = ()

    # Where the cards come from ----------------------------------------------------------

    def set_papers(
        self, database: Database | None, actor_id: str | None, paper_ids: Sequence[str]
    ) -> None:
        """Show the cards of these action-cards papers as `actor_id` sees them."""
        self._database, self._actor_id = database, actor_id
        self._paper_ids, self._item_id = tuple(paper_ids), None
        self.reload()

    def set_item(self, database: Database | None, actor_id: str | None, item_id: str) -> None:
        """Show the cards of every action-cards paper on an agenda item (meeting mode)."""
        self._database, self._actor_id = database, actor_id
        self._paper_ids, self._item_id = (), item_id
        self.reload()

    def reload(self) -> None:
        """Read the cards and responses again (the chosen card stays chosen)."""
        self.error = None
        if self._database is None or (not self._paper_ids and self._item_id is None):
            self.set_cards(())
            return
        from db.services.questions import action_cards, item_action_cards, may_respond_to_cards

        try:
            with self._database.session() as s:
                if self._item_id is not None:
                    cards = item_action_cards(s, self._actor_id, self._item_id)
                else:
                    cards = tuple(
                        c for p in self._paper_ids for c in action_cards(s, self._actor_id, p)
                    )
                papers = {c.paper_id for c in cards}
                may = bool(papers) and all(
                    may_respond_to_cards(s, self._actor_id, p) for p in papers
                )
        except BoardpackError as error:
            self.set_cards(())
            self.error = str(error)
            self.note.setText(self.error)
            return
        self.set_cards(cards, may_respond=may)

    def set_cards(self, cards: Sequence[ActionCard], *, may_respond: bool = False) -> None:
        chosen = self.chosen_card()
        key = (chosen.paper_id, chosen.number) if chosen is not None else None
        self._cards = tuple(cards)
        self.list.blockSignals(True)
        self.list.clear()
        answered = 0
        several = len({c.paper_id for c in self._cards}) > 1
        for card in self._cards:
            text = card_text(card)
            if several:
                text = f"{card.paper_title}\n{text}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, card.page)
            item.setToolTip(text)
            self.list.addItem(item)
            answered += card.response is not None
        self.list.blockSignals(False)
        if key is not None:
            for row, card in enumerate(self._cards):
                if (card.paper_id, card.number) == key:
                    self.list.setCurrentRow(row)
        self.title.setText(f"Action cards ({answered} of {len(self._cards)} answered)")
        self.form.setVisible(may_respond and bool(self._cards))
        self.note.setText(
            "From the children in care council. Choose a card to record the board's response."
            if may_respond
            else "From the children in care council, with the board's responses."
        )
        self._fill_form()

    def cards(self) -> tuple[ActionCard, ...]:
        return self._cards

    def chosen_card(self) -> ActionCard | None:
        row = self.list.currentRow()
        return self._cards[row] if 0 <= row < len(self._cards) else None

    def choose(self, number: int) -> None:
        """Choose a card by its number (the first paper's, when several have it)."""
        for row, card in enumerate(self._cards):
            if card.number == number:
                self.list.setCurrentRow(row)
                return

    # Recording ----------------------------------------------------------------------------

    def _fill_form(self) -> None:
        card = self.chosen_card()
        self.record_button.setEnabled(card is not None)
        if card is None:
            return
        self.response.setPlainText(card.response or "")
        self.responded_by.setText(card.responded_by or "")
        self.status.setCurrentIndex(max(0, self.status.findData(card.status or "agreed")))

    def record_response(self) -> bool:
        """Record the typed response to the chosen card (shows why not in a message)."""
        if self._database is None or not self.form.isVisibleTo(self):
            return False
        from db.services.questions import respond_to_card

        card = self.chosen_card()
        if card is None:
            self._complain("Choose the card the board is responding to.")
            return False
        try:
            with self._database.begin(self._actor_id) as s:
                respond_to_card(
                    s,
                    self._actor_id,
                    card.paper_id,
                    card.number,
                    self.response.toPlainText(),
                    responded_by=self.responded_by.text(),
                    status=str(self.status.currentData()),
                )
        except BoardpackError as error:
            self._complain(str(error))
            return False
        self.reload()
        self.changed.emit()
        return True

    def _complain(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Response not recorded", text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.message_box = box
        box.open()

    def _chosen(self, item: QListWidgetItem) -> None:
        page = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(page, int):
            self.page_requested.emit(page)
