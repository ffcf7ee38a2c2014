"""Case events (what deadlines count from) and the case facts (what decides which conditional steps apply)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox, QWidget

from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.core.procedure.model import Fact, FactSource, FactType, Procedure
from checklist_app.core.wording import short_when
from checklist_app.services import cases
from checklist_app.services.dto import CaseDetail
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs.common import CaseTab, add_shortcut, keys_text, refusal
from checklist_app.ui.widgets.datetime_input import DateTimeInput
from checklist_app.ui.widgets.looks import esc
from checklist_app.ui.widgets.messages import clear_failure, mark_invalid, set_message, show_failure
from checklist_app.ui.widgets.record_table import Column, RowsModel, replace_rows, setup_table
from checklist_app.ui.widgets.service_dialog import ServiceDialog, UseCase, use_case

SOURCE_WORDS = {"manual": "Manual", "step": "Step", "system": "Automatic"}
RECORD_KEYS = "Ins"
UNKNOWN = "Unknown"


@dataclass(frozen=True)
class EventRow:
    id: str
    occurred_at: datetime
    title: str
    source: str
    recorded_by: str
    note: str
    recorded_at: datetime | None
    event_type: str


def event_rows(detail: CaseDetail, procedure: Procedure | None) -> list[EventRow]:
    """The stored events plus the ones the application knows from the case's own records (referral,
    opening, missing and return, risk assessments, closure), newest first."""
    titles = {e.id: e.title for e in procedure.events} if procedure else {}

    def title(event_id: str, fallback: str) -> str:
        return titles.get(event_id, fallback)

    rows = [
        EventRow(f"e{e.id}", e.occurred_at, e.title, e.source, e.recorded_by, e.note, e.recorded_at, e.event_type)
        for e in detail.events
    ]
    system = [
        ("referral_received", detail.referral_at, "Referral received", f"From {detail.referral_source}"),
        ("case_opened", detail.opened_at, "Case opened", ""),
    ]
    for m in detail.missing_episodes:
        grade = f"{m.risk_grade.capitalize()} risk"
        system.append(("child_reported_missing", m.reported_at, "Child reported missing", grade))
        if m.found_at is not None:
            system.append(("child_returned", m.found_at, "Child found or returned", ""))
    for a in detail.risk_assessments:
        category = f"Category {a.final_category}"
        if a.override_pending:
            category += f" (override of {a.calculated_category}, awaiting countersignature)"
        system.append(("risk_assessed", a.assessed_at, "CSE risk assessment recorded", category))
    if detail.closed_at is not None:
        system.append(("case_closed", detail.closed_at, "Case closed", detail.closure_reason))
    for i, (event_id, when, fallback, note) in enumerate(system):
        rows.append(EventRow(f"s{i}:{event_id}", when, title(event_id, fallback), "system", "", note, None, event_id))
    rows.sort(key=lambda r: r.occurred_at, reverse=True)
    return rows


def fact_value_words(fact: Fact | None, value: object) -> str:
    if value is None:
        return "Not known"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if fact is not None and fact.id == "risk_category" and value == 0:
        return "0 (never assessed)"
    return str(value).replace("_", " ").capitalize() if isinstance(value, str) else str(value)


class FactEditor:
    """One case fact as a tri-state control: Yes / No / Unknown (or the choices, or a number)."""

    def __init__(self, fact: Fact) -> None:
        self.fact = fact
        self.widget: QComboBox | QSpinBox
        if fact.type is FactType.NUMBER:
            spin = QSpinBox()
            spin.setRange(-1, 999)
            spin.setSpecialValueText(UNKNOWN)
            self.widget = spin
        else:
            combo = QComboBox()
            combo.addItem(UNKNOWN, None)
            if fact.type is FactType.YESNO:
                combo.addItem("Yes", True)
                combo.addItem("No", False)
            else:
                for choice in fact.choices:
                    combo.addItem(choice.replace("_", " ").capitalize(), choice)
            self.widget = combo
        self.widget.setObjectName(f"fact_{fact.id}")
        self.widget.setAccessibleName(fact.title)
        self.widget.setToolTip(fact.description or fact.title)

    def value(self) -> object:
        if isinstance(self.widget, QSpinBox):
            return None if self.widget.value() < 0 else self.widget.value()
        return self.widget.currentData()

    def set_value(self, value: object) -> None:
        if isinstance(self.widget, QSpinBox):
            self.widget.setValue(int(value) if isinstance(value, int | float) and not isinstance(value, bool) else -1)
            return
        for i in range(self.widget.count()):
            data = self.widget.itemData(i)
            if data == value and type(data) is type(value):
                self.widget.setCurrentIndex(i)
                return
        self.widget.setCurrentIndex(0)

    def connect(self, slot: Callable[[], None]) -> None:
        if isinstance(self.widget, QSpinBox):
            self.widget.valueChanged.connect(slot)
        else:
            self.widget.currentIndexChanged.connect(slot)


class EventsTab(CaseTab):
    icon_name = "event"

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(session, case_id, "events_tab.ui", parent)
        self.editors: dict[str, FactEditor] = {}
        self._baseline: dict[str, object] = {}
        self._derived_labels: dict[str, QLabel] = {}
        self._saving = False
        ui = self.ui
        self.model = RowsModel(
            (
                Column(
                    "When",
                    lambda r: short_when(r.occurred_at),
                    tooltip=lambda r: wording.when(r.occurred_at),
                ),
                Column("Event", lambda r: r.title, stretch=True),
                Column(
                    "Source",
                    lambda r: SOURCE_WORDS.get(r.source, r.source),
                    tone=lambda r: "muted" if r.source == "system" else "",
                ),
                Column("Recorded by", lambda r: r.recorded_by),
                Column("Note", lambda r: " ".join(r.note.split()), tooltip=lambda r: r.note, stretch=True),
            ),
            self,
        )
        setup_table(ui.table, self.model)
        empty_hint(ui.table, "No events on this case yet. Record event… adds a meeting, contact or other event.")
        self.setFocusProxy(ui.table)
        ui.table.selectionModel().selectionChanged.connect(self._show_selected)
        ui.splitter.setSizes([5800, 4200])
        ui.eventsSplitter.setSizes([7500, 2500])
        ui.recordButton.clicked.connect(self.open_record_dialog)
        ui.saveFactsButton.clicked.connect(self.save_facts)
        ui.undoButton.clicked.connect(self.undo_facts)
        add_shortcut(ui.eventsPane, RECORD_KEYS, self.open_record_dialog)
        ui.factsGrid.setColumnStretch(0, 1)
        ui.derivedGrid.setColumnStretch(0, 1)
        set_message(ui.message, "")
        self._render()

    # --- the workspace's interface ------------------------------------------------------------------

    def tab_title(self, detail: CaseDetail) -> str:
        return f"Events ({len(event_rows(detail, None))})"

    def show_detail(self, detail: CaseDetail, procedure: Procedure) -> None:
        self.detail = detail
        if procedure is not self.procedure:  # the context parses each version once, so identity is enough
            self.procedure = procedure
            self._build_facts(procedure)
        self._refresh_events()
        self._refresh_facts()
        self._render()

    # --- procedure --------------------------------------------------------------------------------------

    def _build_facts(self, procedure: Procedure) -> None:
        ui = self.ui
        for grid in (ui.factsGrid, ui.derivedGrid):
            while grid.count():
                item = grid.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
        self.editors, self._baseline, self._derived_labels = {}, {}, {}
        row = 0
        for fact in procedure.facts:
            if fact.source is not FactSource.CASE:
                continue
            editor = FactEditor(fact)
            label = _fact_label(fact)
            label.setBuddy(editor.widget)
            ui.factsGrid.addWidget(label, row, 0)
            ui.factsGrid.addWidget(editor.widget, row, 1, Qt.AlignmentFlag.AlignTop)
            label.show()
            editor.widget.show()
            editor.connect(self._facts_edited)
            self.editors[fact.id] = editor
            row += 1
        if not self.editors:
            empty = QLabel("This procedure has no facts to record on the case.")
            empty.setProperty("role", "hint")
            ui.factsGrid.addWidget(empty, 0, 0)
            empty.show()
        row = 0
        for fact in procedure.facts:
            if fact.source is not FactSource.DERIVED:
                continue
            title = QLabel(fact.title)
            title.setWordWrap(True)
            if fact.description:
                title.setToolTip(fact.description)
            value = QLabel("")
            value.setObjectName(f"derived_{fact.id}")
            value.setStyleSheet("font-weight: 600;")
            ui.derivedGrid.addWidget(title, row, 0)
            ui.derivedGrid.addWidget(value, row, 1, Qt.AlignmentFlag.AlignTop)
            title.show()
            value.show()
            self._derived_labels[fact.id] = value
            row += 1
        ui.derivedGroup.setVisible(bool(self._derived_labels))

    # --- events -------------------------------------------------------------------------------------

    def _refresh_events(self) -> None:
        if self.detail is None:
            return
        prefer, self._select_next = self._select_next, None
        replace_rows(self.ui.table, self.model, event_rows(self.detail, self.procedure), prefer)
        self._show_selected()

    def _show_selected(self) -> None:
        rows = self.ui.table.selectionModel().selectedRows()
        row: EventRow | None = self.model.row_at(rows[0]) if rows else None
        if row is None:
            self.ui.eventDetail.setHtml("<p style='color:#4a5868'>Select an event.</p>")
            return
        description = ""
        if self.procedure is not None:
            event = self.procedure.event_map().get(row.event_type)
            description = event.description if event else ""
        recorded = ""
        if row.recorded_at is not None:
            recorded = f" · recorded {esc(wording.when(row.recorded_at))} by {esc(row.recorded_by or 'unknown')}"
        html = (
            f"<p><b>{esc(row.title)}</b> · {esc(wording.when(row.occurred_at))} · "
            f"{esc(SOURCE_WORDS.get(row.source, row.source))}{recorded}</p>"
        )
        if row.note:
            html += f"<p>{esc(row.note)}</p>"
        if description:
            html += f"<p style='color:#4a5868'>{esc(description)}</p>"
        self.ui.eventDetail.setHtml(html)

    # --- facts --------------------------------------------------------------------------------------

    def _refresh_facts(self) -> None:
        """Show the case's facts, keeping any answer the user has changed and not yet saved."""
        if self.detail is None or not self.procedure:
            return
        facts = self.detail.facts
        for fact_id, editor in self.editors.items():
            new = facts.get(fact_id)
            untouched = fact_id not in self._baseline or _same(editor.value(), self._baseline.get(fact_id))
            self._baseline[fact_id] = new
            if untouched:
                editor.set_value(new)
        fact_map = self.procedure.fact_map()
        for fact_id, label in self._derived_labels.items():
            label.setText(fact_value_words(fact_map.get(fact_id), self.detail.derived_facts.get(fact_id)))
        self._facts_edited()

    def unsaved_work(self) -> list[str]:
        return ["changed case facts on the Events tab"] if self.pending_facts() else []

    def pending_facts(self) -> dict[str, object]:
        return {
            fact_id: editor.value()
            for fact_id, editor in self.editors.items()
            if not _same(editor.value(), self._baseline.get(fact_id))
        }

    def _facts_edited(self) -> None:
        pending = self.pending_facts()
        ui = self.ui
        ui.dirtyLabel.setText(f"{len(pending)} unsaved change{'s' if len(pending) != 1 else ''}" if pending else "")
        for fact_id, editor in self.editors.items():
            if fact_id not in pending:
                mark_invalid(editor.widget, False)
        self._apply_permissions()

    def undo_facts(self) -> None:
        for fact_id, editor in self.editors.items():
            editor.set_value(self._baseline.get(fact_id))
        clear_failure(self.ui.message, [e.widget for e in self.editors.values()])

    def save_facts(self) -> None:
        pending = self.pending_facts()
        if not pending or self._saving or not self.ui.saveFactsButton.isEnabled():
            return
        self._saving = True
        self._apply_permissions()
        set_message(self.ui.message, "Saving…", error=False)
        self.session.run(
            self,
            cases.update_facts,
            self.case_id,
            pending,
            done=lambda _r: self._facts_saved(pending),
            error=self._facts_failed,
            changed_case=self.case_id,
        )

    def _facts_saved(self, saved: dict[str, object]) -> None:
        self._saving = False
        self._baseline.update(saved)
        names = [self.editors[f].fact.title for f in saved if f in self.editors]
        set_message(
            self.ui.message,
            "Saved: " + "; ".join(names) + ". The Steps tab shows which steps now apply.",
            error=False,
        )
        self._facts_edited()

    def _facts_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._apply_permissions()
        show_failure(self.ui.message, exc, {f: e.widget for f, e in self.editors.items()})

    # --- permissions and the record dialog -----------------------------------------------------------

    def _render(self) -> None:
        self._apply_permissions()

    def _apply_permissions(self) -> None:
        ui, session, detail = self.ui, self.session, self.detail
        record = refusal(session, detail, Action.EVENT_RECORD)
        if not record and detail is not None and not detail.manual_events:
            record = "This procedure has no events to record by hand."
        ui.recordButton.setVisible(session.may(Action.EVENT_RECORD))
        ui.recordButton.setEnabled(not record)
        ui.recordButton.setToolTip(record or f"Record an event such as a trial date fixed ({keys_text(RECORD_KEYS)})")
        facts = refusal(session, detail, Action.CASE_EDIT)
        if not facts and self.procedure is None:
            facts = "Loading the procedure…"
        for editor in self.editors.values():
            editor.widget.setEnabled(not facts)
        pending = bool(self.pending_facts())
        ui.saveFactsButton.setVisible(session.may(Action.CASE_EDIT))
        ui.undoButton.setVisible(session.may(Action.CASE_EDIT))
        ui.saveFactsButton.setEnabled(not facts and pending and not self._saving)
        ui.undoButton.setEnabled(not facts and pending and not self._saving)
        ui.saveFactsButton.setToolTip(facts or ("Save the changed facts" if pending else "Change a fact first"))
        ui.factsGroup.setToolTip(facts)

    def open_record_dialog(self) -> ServiceDialog | None:
        if self.detail is None or not self.ui.recordButton.isEnabled():
            return None
        return self._open(
            RecordEventDialog(self.session, self.case_id, self.detail.manual_events, self.procedure, self)
        )


def _same(a: object, b: object) -> bool:
    return a == b and type(a) is type(b)


def _fact_label(fact: Fact) -> QLabel:
    text = f"<b>{esc(fact.title)}</b>"
    if fact.description:
        text += f"<br><span style='color:#4a5868'>{esc(fact.description)}</span>"
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


class RecordEventDialog(ServiceDialog):
    def __init__(
        self,
        session: AppSession,
        case_id: int,
        manual_events: tuple[tuple[str, str], ...],
        procedure: Procedure | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(session, "Record event", "event_dialog.ui", "&Record", parent)
        self.case_id = case_id
        self.descriptions = {e.id: e.description for e in procedure.events} if procedure else {}
        ui = self.ui
        for event_id, title in manual_events:
            ui.event.addItem(title, event_id)
        ui.event.setPlaceholderText("Choose…")
        ui.event.setCurrentIndex(-1)
        ui.event.currentIndexChanged.connect(self._help)
        self.occurred_at = DateTimeInput(ui.occurredAt, session.now)
        ui.note.setMinimumHeight(ui.note.fontMetrics().lineSpacing() * 4)
        self.fields = {"event": ui.event, "time": ui.occurredAt, "note": ui.note}
        self._help()
        self.fit(86)
        ui.event.setFocus()

    def _help(self) -> None:
        event_id = self.ui.event.currentData()
        text = self.descriptions.get(event_id, "") if event_id else ""
        self.ui.eventHelp.setText(text or "Steps whose deadlines count from this event start counting from its time.")

    def work(self) -> UseCase:
        ui = self.ui
        event_id = ui.event.currentData() or ""
        occurred, note = self.occurred_at.value(), ui.note.toPlainText()
        assert occurred is not None
        return use_case(cases.record_event, self.case_id, event_id, occurred, note)
