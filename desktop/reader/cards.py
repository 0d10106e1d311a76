"""Children in care council action cards, each with the board's recorded response.

The cards come from `db.services.questions.action_cards` (read from the
paper's own text, so they are the council's words), each with the response
recorded in meeting mode, who recorded it and when — or "No response
recorded yet". Clicking a card asks the reader to show its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from widgets.page_parts import heading, muted

if TYPE_CHECKING:
    from db.services.questions import ActionCard


def card_text(card: ActionCard) -> str:
    lines = [f"Card {card.number}: {card.text}"]
    if card.addressed_to:
        lines.append(f"For: {card.addressed_to}")
    if card.response:
        at = card.responded_at
        when = f" on {at.day} {at:%B %Y}" if at else ""
        who = f" by {card.responded_by}" if card.responded_by else ""
        lines.append(f"Board response{who}{when}: {card.response}")
    else:
        lines.append("No response recorded yet.")
    return "\n".join(lines)


class ActionCardsPanel(QWidget):
    """The cards of an action-cards paper and the board's responses."""

    #: A card was chosen: show this page of the paper (0-based).
    page_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionCardsPanel")
        self.title = heading("Action cards", 1.05)
        self.note = muted(
            "From the children in care council. Responses are recorded in meeting mode."
        )
        self.list = QListWidget()
        self.list.setObjectName("actionCardsList")
        self.list.setAccessibleName("Action cards and the board's responses")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.list, 1)
        self._cards: tuple[ActionCard, ...] = ()

    def set_cards(self, cards: Sequence[ActionCard]) -> None:
        self._cards = tuple(cards)
        self.list.clear()
        answered = 0
        for card in self._cards:
            item = QListWidgetItem(card_text(card))
            item.setData(Qt.ItemDataRole.UserRole, card.page)
            item.setToolTip(card_text(card))
            self.list.addItem(item)
            answered += card.response is not None
        self.title.setText(f"Action cards ({answered} of {len(self._cards)} answered)")

    def cards(self) -> tuple[ActionCard, ...]:
        return self._cards

    def _chosen(self, item: QListWidgetItem) -> None:
        page = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(page, int):
            self.page_requested.emit(page)
