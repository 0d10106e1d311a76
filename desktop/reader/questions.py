"""Questions prepared against agenda items: the list, by item, and a form to add one.

`QuestionsPanel` reads and writes through `db.services.questions` in one
short session per action and shows frozen rows only. It is self-contained
(give it the database, who is acting and the meeting) so meeting mode can
embed the same widget beside the current item: `QuestionsPanel(answering=True)`
adds the answer box — choose a question, type what was said and who said it,
"Record answer" (the service lets only those who run the meeting do it) — and
`show_item(item_id)` narrows the list to the item being heard. Each question
shows its answer once there is one. Shared questions are seen by the board; a
private one only by its author.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from widgets.page_parts import heading, muted

if TYPE_CHECKING:
    from db.services.questions import ItemQuestions, QuestionRow
    from db.store import Database


def question_text(q: QuestionRow) -> str:
    who = "You" if q.mine else q.author_name
    shared = "shared with the board" if q.shared else "private"
    lines = [q.text, f"{who} · {shared}"]
    if q.answer:
        by = f" ({q.answered_by})" if q.answered_by else ""
        lines.append(f"Answer{by}: {q.answer}")
    return "\n".join(lines)


class QuestionsPanel(QWidget):
    """The meeting's questions by agenda item, and "add a question" (embeddable)."""

    #: A question was added (announce "questions").
    changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, can_add: bool = True, answering: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("questionsPanel")
        self._database: Database | None = None
        self._actor_id: str | None = None
        self._meeting_id: str | None = None
        self._only_item: str | None = None
        self._groups: tuple[ItemQuestions, ...] = ()
        self.message_box: QMessageBox | None = None
        self.title = heading("Questions prepared", 1.05)
        self.tree = QTreeWidget()
        self.tree.setObjectName("questionsTree")
        self.tree.setAccessibleName("Questions prepared, by agenda item")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.empty = muted(
            "No questions prepared for this meeting yet. Type one below: it is shared with "
            "the board unless you tick “Private to me”, and its answer is recorded in the "
            "meeting."
        )
        self.item_combo = QComboBox()
        self.item_combo.setAccessibleName("Agenda item the question is about")
        self.text = QPlainTextEdit()
        self.text.setObjectName("questionText")
        self.text.setAccessibleName("Your question")
        self.text.setPlaceholderText("Type a question for this item…")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(64)
        self.private = QCheckBox("Private to me")
        self.private.setToolTip("Unticked, the question is shared with the board.")
        self.add_button = QPushButton("Add question")
        self.add_button.clicked.connect(self.add_question)
        form = QWidget()
        form_layout = QVBoxLayout(form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(self.item_combo)
        form_layout.addWidget(self.text)
        buttons = QHBoxLayout()
        buttons.addWidget(self.private)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        form_layout.addLayout(buttons)
        self.form = form
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.title)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.tree, 1)
        layout.addWidget(form)
        # Shown or hidden once it has a parent: before, showing it opened it as a window
        # of its own for a moment (the Papers page is built while the window is on screen).
        form.setVisible(can_add)

        # Answering (meeting mode) ----------------------------------------------
        self.answer_text = QPlainTextEdit()
        self.answer_text.setObjectName("answerText")
        self.answer_text.setAccessibleName("The answer given")
        self.answer_text.setPlaceholderText("The answer given in the meeting…")
        self.answer_text.setTabChangesFocus(True)
        self.answer_text.setFixedHeight(56)
        self.answered_by = QLineEdit()
        self.answered_by.setAccessibleName("Who answered")
        self.answered_by.setPlaceholderText("Answered by (name, job title)")
        self.answer_button = QPushButton("Record answer")
        self.answer_button.clicked.connect(self.record_answer)
        answer = QWidget()
        answer_layout = QVBoxLayout(answer)
        answer_layout.setContentsMargins(0, 0, 0, 0)
        answer_layout.addWidget(self.answer_text)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answered_by, 1)
        answer_row.addWidget(self.answer_button)
        answer_layout.addLayout(answer_row)
        self.answer_form = answer
        layout.addWidget(answer)
        answer.setVisible(answering)

    def set_meeting(self, database: Database, actor_id: str | None, meeting_id: str) -> None:
        """Show the questions of `meeting_id` as `actor_id` sees them."""
        self._database, self._actor_id, self._meeting_id = database, actor_id, meeting_id
        self.reload()

    def reload(self) -> None:
        if self._database is None or self._meeting_id is None:
            return
        from db.services.meeting_view import meeting_view
        from db.services.questions import questions_by_item

        with self._database.session() as s:
            self._groups = questions_by_item(s, self._actor_id, self._meeting_id)
            items = [
                (i.item_id, i.number, i.title)
                for i in meeting_view(s, self._actor_id, self._meeting_id).items
                if not i.withheld
            ]
        self.tree.clear()
        count = 0
        for group in self._groups:
            if self._only_item is not None and group.item_id != self._only_item:
                continue
            top = QTreeWidgetItem([f"Item {group.item_number} – {group.item_title}"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for q in group.questions:
                child = QTreeWidgetItem([question_text(q)])
                child.setData(0, Qt.ItemDataRole.UserRole, q.question_id)
                child.setToolTip(0, question_text(q))
                top.addChild(child)
                count += 1
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self.empty.setVisible(count == 0)
        self.tree.setVisible(count > 0)
        self.title.setText(f"Questions prepared ({count})")
        chosen = self.item_combo.currentData()
        self.item_combo.clear()
        for item_id, number, title in items:
            self.item_combo.addItem(f"{number}. {title}", item_id)
        if chosen is not None:
            self.item_combo.setCurrentIndex(max(0, self.item_combo.findData(chosen)))

    def show_item(self, item_id: str | None) -> None:
        """List only the questions on `item_id` (None: every item's), e.g. the item being heard."""
        self._only_item = item_id
        self.choose_item(item_id)
        self.reload()

    def chosen_question(self) -> str | None:
        """The id of the question chosen in the list, if any."""
        item = self.tree.currentItem()
        found = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return found if isinstance(found, str) else None

    def record_answer(self) -> bool:
        """Record the typed answer to the chosen question (meeting mode)."""
        if self._database is None:
            return False
        from db.services.questions import answer_question

        question_id = self.chosen_question()
        text = self.answer_text.toPlainText().strip()
        if question_id is None:
            self._complain("Choose the question that was answered.", "Answer not recorded")
            return False
        try:
            with self._database.begin(self._actor_id) as s:
                answer_question(
                    s, self._actor_id, question_id, text, answered_by=self.answered_by.text()
                )
        except BoardpackError as error:
            self._complain(str(error), "Answer not recorded")
            return False
        self.answer_text.clear()
        self.answered_by.clear()
        self.reload()
        self.changed.emit()
        return True

    def choose_item(self, item_id: str | None) -> None:
        """Preselect the item new questions are about (the open paper's item)."""
        if item_id is not None:
            index = self.item_combo.findData(item_id)
            if index >= 0:
                self.item_combo.setCurrentIndex(index)

    def questions(self) -> tuple[QuestionRow, ...]:
        return tuple(q for g in self._groups for q in g.questions)

    def add_question(self) -> bool:
        """Add the typed question to the chosen item (shows why not in a message)."""
        if self._database is None:
            return False
        from db.services.questions import add_question

        item_id = self.item_combo.currentData()
        text = self.text.toPlainText().strip()
        if item_id is None:
            self._complain("This meeting has no agenda item you may add a question to.")
            return False
        if not text:
            self._complain("Type the question first.")
            return False
        try:
            with self._database.begin(self._actor_id) as s:
                add_question(s, self._actor_id, item_id, text, shared=not self.private.isChecked())
        except BoardpackError as error:
            self._complain(str(error))
            return False
        self.text.clear()
        self.reload()
        self.changed.emit()
        return True

    def _complain(self, text: str, title: str = "Question not added") -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.message_box = box
        box.open()
