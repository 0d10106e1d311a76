"""The secretariat's forms on the Meetings page: a new meeting, an agenda item, a declaration.

Plain forms over plain values, like the cockpit's (`desktop.meeting_mode.
dialogs.MeetingForm`): the page hands each a `submit` that writes and
commits, and a refusal is shown in the form and in a message box with the
input kept. The item form drafts the exclusion resolution as soon as a
Schedule 12A paragraph is chosen, from `db.rules.exclusion_resolution` — the
same wording the minutes will carry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from db.models import ItemKind
from db.rules import SCHEDULE_12A_PARAGRAPHS, exclusion_resolution
from desktop.meeting_mode.dialogs import Choice, MeetingForm, combo, text_box
from widgets.style import make_muted

KIND_LABELS = {
    ItemKind.APOLOGIES: "Welcome and apologies",
    ItemKind.DECLARATIONS: "Declarations of interest",
    ItemKind.PREVIOUS_MINUTES: "Minutes of the previous meeting and matters arising",
    ItemKind.ACTION_LOG: "Action log",
    ItemKind.BUSINESS: "Business",
    ItemKind.ACTION_CARDS: "Action cards",
    ItemKind.AOB: "Any other business",
    ItemKind.NEXT_MEETING: "Date of next meeting",
}


@dataclass(frozen=True)
class NewMeeting:
    meeting_date: dt.date
    start_time: dt.time | None
    venue: str | None
    hybrid: bool


class NewMeetingDialog(MeetingForm[NewMeeting]):
    """A new meeting of the board; its agenda starts as the standing items."""

    def __init__(
        self,
        board: str,
        standing: Sequence[str],
        suggested: dt.date,
        submit: Callable[[NewMeeting], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"New meeting of {board}", submit, parent, "Create")
        self.date = QDateEdit()
        self.date.setAccessibleName("Meeting date")
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.date.setDate(QDate(suggested.year, suggested.month, suggested.day))
        self.time = QTimeEdit()
        self.time.setAccessibleName("Start time")
        self.time.setDisplayFormat("HH:mm")
        self.time.setTime(QTime(10, 0))
        self.venue = QLineEdit()
        self.venue.setAccessibleName("Venue")
        self.hybrid = QCheckBox("Hybrid (some attend online)")
        self.hybrid.setAccessibleName("Hybrid meeting")
        items = QLabel("\n".join(f"{n}. {t}" for n, t in enumerate(standing, start=1)))
        items.setTextFormat(Qt.TextFormat.PlainText)
        make_muted(items)
        self.form.addRow("&Date", self.date)
        self.form.addRow("&Starts", self.time)
        self.form.addRow("&Venue", self.venue)
        self.form.addRow("", self.hybrid)
        self.form.addRow("Standing items", items)
        self.date.setFocus()

    def collect(self) -> NewMeeting | str:
        q = self.date.date()
        t = self.time.time()
        return NewMeeting(
            dt.date(q.year(), q.month(), q.day()),
            dt.time(t.hour(), t.minute()),
            self.venue.text().strip() or None,
            self.hybrid.isChecked(),
        )


@dataclass(frozen=True)
class ItemInput:
    title: str
    kind: ItemKind
    purpose: str | None
    presenter_id: str | None
    report_of: str | None
    time_box_minutes: int | None
    exempt_paragraph: int | None
    action_ids: tuple[str, ...]
    risk_ids: tuple[str, ...]
    kpi_ids: tuple[str, ...]


@dataclass(frozen=True)
class ItemDefaults:
    """What the item form starts with (a new item: the blanks)."""

    title: str = ""
    kind: ItemKind = ItemKind.BUSINESS
    purpose: str | None = None
    presenter_id: str | None = None
    report_of: str | None = None
    time_box_minutes: int | None = 15
    exempt_paragraph: int | None = None
    action_ids: tuple[str, ...] = ()
    risk_ids: tuple[str, ...] = ()
    kpi_ids: tuple[str, ...] = ()


class LinkList(QWidget):
    """A filterable list of check boxes: the plan actions, risks or indicators an item concerns."""

    def __init__(self, name: str, choices: Sequence[Choice], chosen: Sequence[str]) -> None:
        super().__init__()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"Filter {name}…")
        self.filter.setAccessibleName(f"Filter the {name}")
        self.list = QListWidget()
        self.list.setAccessibleName(f"Linked {name}: space ticks or unticks")
        picked = set(chosen)
        for choice in choices:
            entry = QListWidgetItem(choice.label)
            entry.setData(Qt.ItemDataRole.UserRole, choice.value)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(
                Qt.CheckState.Checked if choice.value in picked else Qt.CheckState.Unchecked
            )
            self.list.addItem(entry)
        self.filter.textChanged.connect(self._filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)

    def _filter(self, text: str) -> None:
        needle = text.casefold()
        for row in range(self.list.count()):
            entry = self.list.item(row)
            entry.setHidden(bool(needle) and needle not in entry.text().casefold())

    def chosen(self) -> tuple[str, ...]:
        return tuple(
            str(self.list.item(r).data(Qt.ItemDataRole.UserRole))
            for r in range(self.list.count())
            if self.list.item(r).checkState() == Qt.CheckState.Checked
        )


class ItemDialog(MeetingForm[ItemInput]):
    """Add or edit an agenda item: title, kind, presenter, time box, exemption, links."""

    def __init__(
        self,
        people: Sequence[Choice],
        actions: Sequence[Choice],
        risks: Sequence[Choice],
        kpis: Sequence[Choice],
        submit: Callable[[ItemInput], str | None],
        parent: QWidget | None = None,
        *,
        defaults: ItemDefaults | None = None,
        number: str | None = None,
    ) -> None:
        d = defaults or ItemDefaults()
        title = f"Agenda item {number}" if number else "Add an agenda item"
        super().__init__(title, submit, parent, "Save" if number else "Add")
        self.title_edit = QLineEdit(d.title)
        self.title_edit.setAccessibleName("Title of the item")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of item")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.kind.setCurrentIndex(self.kind.findData(d.kind))
        self.purpose = text_box("Purpose: what the board is asked to do", 2)
        self.purpose.setPlainText(d.purpose or "")
        self.presenter = combo("Presenter", people, none=True)
        self.presenter.setCurrentIndex(max(self.presenter.findData(d.presenter_id), 0))
        self.report_of = QLineEdit(d.report_of or "")
        self.report_of.setAccessibleName("Report of (the officer whose report it is)")
        self.time_box = QSpinBox()
        self.time_box.setRange(0, 240)
        self.time_box.setSuffix(" min")
        self.time_box.setSpecialValueText("No time box")
        self.time_box.setAccessibleName("Time box in minutes")
        self.time_box.setValue(d.time_box_minutes or 0)
        self.exempt = QComboBox()
        self.exempt.setAccessibleName("Exempt: the Schedule 12A paragraph relied on")
        self.exempt.addItem("Not exempt (Part 1, public)", None)
        for paragraph, text in SCHEDULE_12A_PARAGRAPHS.items():
            short = text if len(text) <= 60 else text[:57] + "…"
            self.exempt.addItem(f"Exempt — paragraph {paragraph}: {short}", paragraph)
        self.exempt.setCurrentIndex(max(self.exempt.findData(d.exempt_paragraph), 0))
        self.resolution = QLabel("")
        self.resolution.setObjectName("exclusionResolution")
        self.resolution.setWordWrap(True)
        self.resolution.setTextFormat(Qt.TextFormat.PlainText)
        self.exempt.currentIndexChanged.connect(self._show_resolution)
        self.links = QTabWidget()
        self.action_links = LinkList("plan actions", actions, d.action_ids)
        self.risk_links = LinkList("risks", risks, d.risk_ids)
        self.kpi_links = LinkList("indicators", kpis, d.kpi_ids)
        self.links.addTab(self.action_links, f"Actions ({len(d.action_ids)})")
        self.links.addTab(self.risk_links, f"Risks ({len(d.risk_ids)})")
        self.links.addTab(self.kpi_links, f"KPIs ({len(d.kpi_ids)})")
        self.links.setMinimumHeight(170)
        self.form.addRow("&Title", self.title_edit)
        self.form.addRow("&Kind", self.kind)
        self.form.addRow("&Purpose", self.purpose)
        self.form.addRow("P&resenter", self.presenter)
        self.form.addRow("Report &of", self.report_of)
        self.form.addRow("Time &box", self.time_box)
        self.form.addRow("&Exempt", self.exempt)
        self.form.addRow("", self.resolution)
        self.form.addRow("&Links", self.links)
        self._show_resolution()
        self.setMinimumWidth(640)
        self.title_edit.setFocus()

    def _show_resolution(self) -> None:
        paragraph = self.exempt.currentData()
        if paragraph is None:
            self.resolution.hide()
            return
        text = "Exclusion resolution (drafted): " + exclusion_resolution(paragraph)
        self.resolution.setText(text)
        self.resolution.setAccessibleName(text)
        self.resolution.show()

    def collect(self) -> ItemInput | str:
        title = self.title_edit.text().strip()
        if not title:
            return "Give the item a title."
        kind = self.kind.currentData()
        assert isinstance(kind, ItemKind)
        return ItemInput(
            title,
            kind,
            self.purpose.toPlainText().strip() or None,
            self.presenter.currentData(),
            self.report_of.text().strip() or None,
            self.time_box.value() or None,
            self.exempt.currentData(),
            self.action_links.chosen(),
            self.risk_links.chosen(),
            self.kpi_links.chosen(),
        )


@dataclass(frozen=True)
class DeclarationInput:
    person_id: str
    item_id: str | None
    interest: str
    action_taken: str | None


class DeclarationDialog(MeetingForm[DeclarationInput]):
    """A declaration of interest: who, which item (or the whole meeting), what, what they did."""

    def __init__(
        self,
        people: Sequence[Choice],
        items: Sequence[Choice],
        submit: Callable[[DeclarationInput], str | None],
        parent: QWidget | None = None,
        *,
        item_id: str | None = None,
    ) -> None:
        super().__init__("Declare an interest", submit, parent, "Record")
        self.person = combo("Member declaring", people)
        self.item = QComboBox()
        self.item.setAccessibleName("Item the interest concerns")
        self.item.addItem("The whole meeting", None)
        for choice in items:
            self.item.addItem(choice.label, choice.value)
        self.item.setCurrentIndex(max(self.item.findData(item_id), 0))
        self.interest = text_box("The interest", 2)
        self.action_taken = QLineEdit()
        self.action_taken.setAccessibleName("Action taken, e.g. left the room for the item")
        self.action_taken.setPlaceholderText("e.g. left the room for the item")
        self.form.addRow("&Member", self.person)
        self.form.addRow("&Item", self.item)
        self.form.addRow("I&nterest", self.interest)
        self.form.addRow("&Action taken", self.action_taken)
        self.person.setFocus()

    def collect(self) -> DeclarationInput | str:
        person = self.person.currentData()
        if person is None:
            return "Choose the member declaring."
        interest = self.interest.toPlainText().strip()
        if not interest:
            return "Describe the interest."
        return DeclarationInput(
            person, self.item.currentData(), interest, self.action_taken.text().strip() or None
        )
