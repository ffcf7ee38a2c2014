"""Missing episodes: when the child went missing and came back, the safe and well check (24 hours) and the
return home interview offer (72 hours), with what is due, overdue or late shown plainly."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from checklist_app.core import wording
from checklist_app.core.permissions import Action
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.wording import TIMELINESS_WORDS, due_words, elapsed, live_timeliness, short_when
from checklist_app.services import records
from checklist_app.services.dto import CaseDetail, MissingEpisodeView
from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.services.records import MISSING_RISK_GRADES, MissingUpdate
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs.common import CaseTab, add_shortcut, keys_text, refusal
from checklist_app.ui.widgets.datetime_input import DateTimeInput
from checklist_app.ui.widgets.looks import chip_html, esc, repolish
from checklist_app.ui.widgets.record_table import Column, RowsModel, replace_rows, setup_table
from checklist_app.ui.widgets.service_dialog import ServiceDialog, UseCase, use_case

GRADE_WORDS = {"low": "Low", "medium": "Medium", "high": "High"}
GRADE_HELP = {
    "high": "High: the risk of serious harm to the child or the public is very likely.",
    "medium": "Medium: the risk of harm is likely but not serious.",
    "low": "Low: the risk of harm is possible but unlikely.",
}
RECORD_KEYS = "Ins"
DUE_TONES = {"overdue": "overdue", "late": "late", "within target": "ok", "pending": "", "still missing": "muted"}


def _stage(done_at: datetime | None, due: datetime | None, state: str, now: datetime) -> str:
    if due is None:
        return "After return"
    if done_at is not None:
        return f"{short_when(done_at)} (late)" if state == "late" else short_when(done_at)
    state = live_timeliness(state, due, now)
    return f"Overdue since {short_when(due)}" if state == "overdue" else f"Due by {short_when(due)}"


def _tone(state: str, due: datetime | None, now: datetime) -> str:
    """Red when overdue, amber when due within a day, green when done in time."""
    state = live_timeliness(state, due, now)
    if state == "pending" and due is not None and due - now < timedelta(hours=24):
        return "soon"
    return DUE_TONES.get(state, "")


def _held(e: MissingEpisodeView) -> str:
    if e.rhi_held_at is not None:
        return f"Held {short_when(e.rhi_held_at)}"
    if e.rhi_declined:
        return "Declined"
    return ""


class MissingTab(CaseTab):
    icon_name = "missing"

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(session, case_id, "missing_tab.ui", parent)
        ui = self.ui
        now = session.now
        self.model = RowsModel(
            (
                Column(
                    "Reported missing",
                    lambda e: short_when(e.reported_at),
                    tooltip=lambda e: wording.when(e.reported_at),
                ),
                Column(
                    "Found / returned",
                    lambda e: short_when(e.found_at) if e.found_at else "Still missing",
                    tone=lambda e: "" if e.found_at else "overdue",
                    tooltip=lambda e: wording.when(e.found_at) if e.found_at else "Not yet found or returned",
                ),
                Column(
                    "Risk",
                    lambda e: GRADE_WORDS.get(e.risk_grade, e.risk_grade),
                    tooltip=lambda e: GRADE_HELP.get(e.risk_grade, ""),
                ),
                Column(
                    "Safe and well (24 h)",
                    lambda e: _stage(e.safe_well_at, e.safe_well_due, e.safe_well_state, now()),
                    tone=lambda e: _tone(e.safe_well_state, e.safe_well_due, now()),
                    tooltip=lambda e: self._tip(
                        "Safe and well check", e.safe_well_at, e.safe_well_due, e.safe_well_state
                    ),
                ),
                Column(
                    "Return interview offered (72 h)",
                    lambda e: (
                        "Declined, offer time not recorded"
                        if e.rhi_declined and e.rhi_offered_at is None
                        else _stage(e.rhi_offered_at, e.rhi_due, e.rhi_state, now())
                    ),
                    tone=lambda e: _tone(e.rhi_state, e.rhi_due, now()) if not e.rhi_declined else "muted",
                    tooltip=lambda e: self._tip("Return interview offer", e.rhi_offered_at, e.rhi_due, e.rhi_state),
                ),
                Column("Held / declined", _held),
                Column("Recorded by", lambda e: e.recorded_by, stretch=True),
            ),
            self,
        )
        setup_table(ui.table, self.model)
        empty_hint(
            ui.table,
            "No missing episodes on this case. Record missing episode… when the child goes missing.",
        )
        self.setFocusProxy(ui.table)
        ui.outer.setStretchFactor(ui.splitter, 1)  # extra height goes to the tables, not the header
        ui.table.selectionModel().selectionChanged.connect(self._render)
        ui.table.activated.connect(lambda _index: self.open_update_dialog())
        ui.splitter.setSizes([4500, 5500])
        ui.recordButton.clicked.connect(self.open_record_dialog)
        ui.updateButton.clicked.connect(self.open_update_dialog)
        add_shortcut(self, RECORD_KEYS, self.open_record_dialog)
        ui.dueBanner.setObjectName("dueBanner")
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(lambda: (self.model.refresh(), self._render()))
        self._clock.start()
        self._render()

    def _tip(self, what: str, done_at: datetime | None, due: datetime | None, state: str) -> str:
        if due is None:
            return f"{what}: due once the child has returned"
        now = self.session.now()
        if done_at is not None:
            return f"{what} {wording.when(done_at)}; due by {wording.when(due)}: {TIMELINESS_WORDS.get(state, state)}"
        return f"{what} due by {wording.when(due)} ({due_words(due, now)})"

    # --- the workspace's interface ------------------------------------------------------------------

    def tab_title(self, detail: CaseDetail) -> str:
        return f"Missing ({len(detail.missing_episodes)})"

    def show_detail(self, detail: CaseDetail, procedure: Procedure) -> None:
        self.detail = detail
        prefer, self._select_next = self._select_next, None
        replace_rows(self.ui.table, self.model, detail.missing_episodes, prefer)
        self._render()

    # --- showing --------------------------------------------------------------------------------------

    def selected(self) -> MissingEpisodeView | None:
        rows = self.ui.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def _render(self) -> None:
        episodes = self.model.rows
        now = self.session.now()
        missing = [e for e in episodes if e.found_at is None]
        rhi_due = [e for e in episodes if e.found_at is not None and e.rhi_offered_at is None and not e.rhi_declined]
        parts = [f"{len(episodes)} episode{'s' if len(episodes) != 1 else ''}"] if episodes else []
        if missing:
            parts.append(f"{len(missing)} still missing")
        overdue = [e for e in rhi_due if e.rhi_due is not None and e.rhi_due < now]
        if overdue:
            parts.append(f"{len(overdue)} return interview offer{'s' if len(overdue) != 1 else ''} overdue")
        self.ui.summaryLabel.setText(" · ".join(parts))
        self._render_detail(now)
        self._apply_permissions()

    def _render_detail(self, now: datetime) -> None:
        e, ui = self.selected(), self.ui
        if e is None:
            text = "No missing episodes are recorded on this case." if not self.model.rows else "Select an episode."
            ui.dueBanner.setVisible(False)
            ui.detail.setHtml(f"<p style='color:#4a5868'>{esc(text)}</p>")
            return
        lines, tone = banner_lines(e, now)
        ui.dueBanner.setVisible(True)
        ui.dueBanner.setText("<br>".join(lines))
        ui.dueBanner.setProperty("tone", tone)
        repolish(ui.dueBanner)
        ui.detail.setHtml(episode_html(e, now))

    def _apply_permissions(self) -> None:
        ui, e = self.ui, self.selected()
        reason = refusal(self.session, self.detail, Action.MISSING_RECORD)
        may = self.session.may(Action.MISSING_RECORD)
        ui.recordButton.setVisible(may)
        ui.updateButton.setVisible(may)
        ui.recordButton.setEnabled(not reason)
        ui.recordButton.setToolTip(
            reason or f"Record that the child has been reported missing ({keys_text(RECORD_KEYS)})"
        )
        update_reason = reason or ("Select an episode first." if e is None else "")
        ui.updateButton.setEnabled(not update_reason)
        ui.updateButton.setToolTip(
            update_reason or "Record the return, the safe and well check, the return interview and findings (Enter)"
        )
        note = ""
        if not may:
            note = "Missing episodes are recorded by investigators and supervisors; you can read them here."
        elif reason and self.detail is not None:
            note = reason
        self._show_note(note)

    # --- actions --------------------------------------------------------------------------------------

    def _record_saved(self, result: Any) -> object | None:
        return result if isinstance(result, int) else None  # the episode's id

    def open_record_dialog(self) -> ServiceDialog | None:
        if self.detail is None or not self.ui.recordButton.isEnabled():
            return None
        return self._open(RecordEpisodeDialog(self.session, self.case_id, self))

    def open_update_dialog(self) -> ServiceDialog | None:
        e = self.selected()
        if e is None or not self.ui.updateButton.isEnabled():
            return None
        return self._open(UpdateEpisodeDialog(self.session, e, self))


# --- words for an episode ---------------------------------------------------------------------------------


def missing_for(delta: timedelta) -> str:
    """How long a child still missing has been missing, in the banner and the episode's detail alike: exact
    to the minute ('3 h 10 min'), and 'less than a minute' rather than '0 min' or a rounded-up '1 minute'."""
    return elapsed(delta) if abs(delta) >= timedelta(minutes=1) else "less than a minute"


def banner_lines(e: MissingEpisodeView, now: datetime) -> tuple[list[str], str]:
    """The one or two sentences that say what must happen next for this episode, and the banner's tone."""
    if e.found_at is None:
        return (
            [
                f"<b>Still missing</b>: reported {esc(wording.when(e.reported_at))} "
                f"({esc(missing_for(now - e.reported_at))} ago). Record the return as soon as the child is found."
            ],
            "overdue",
        )
    lines, tones = [], []
    if e.safe_well_at is None and e.safe_well_due is not None:
        state = live_timeliness(e.safe_well_state, e.safe_well_due, now)
        lines.append(
            f"<b>Safe and well check</b> due by {esc(wording.when(e.safe_well_due))} "
            f"({esc(due_words(e.safe_well_due, now))})."
        )
        tones.append("overdue" if state == "overdue" else "soon")
    if e.rhi_offered_at is None and e.rhi_due is not None:
        if e.rhi_declined:
            lines.append("The return interview was declined.")
        else:
            state = live_timeliness(e.rhi_state, e.rhi_due, now)
            lines.append(
                f"<b>Return interview must be offered by {esc(wording.when(e.rhi_due))}</b> "
                f"({esc(due_words(e.rhi_due, now))})."
            )
            tones.append("overdue" if state == "overdue" else "soon")
    elif e.rhi_offered_at is not None and e.rhi_due is not None:
        if e.rhi_state == "late":
            lines.append(
                f"Return interview offered {esc(wording.when(e.rhi_offered_at))}: late, "
                f"{esc(wording.span(e.rhi_offered_at - e.rhi_due))} after the 72-hour limit."
            )
            tones.append("late")
        else:
            lines.append(f"Return interview offered {esc(wording.when(e.rhi_offered_at))}, within 72 hours.")
            tones.append("ok")
    if not lines:
        lines.append("Nothing is outstanding for this episode.")
    for tone in ("overdue", "late", "soon"):
        if tone in tones:
            return lines, tone
    return lines, "ok"


def _row(label: str, value: str) -> str:
    return (
        f"<tr><td style='padding:2px 14px 2px 0; color:#4a5868; white-space:nowrap'>{esc(label)}</td>"
        f"<td style='padding:2px 0'>{value}</td></tr>"
    )


def episode_html(e: MissingEpisodeView, now: datetime) -> str:
    rows = [_row("Reported missing", esc(wording.when(e.reported_at)))]
    if e.found_at is not None:
        rows.append(
            _row(
                "Found or returned",
                f"{esc(wording.when(e.found_at))} (missing for {esc(elapsed(e.found_at - e.reported_at))})",
            )
        )
    else:
        rows.append(
            _row("Found or returned", chip_html(f"still missing after {missing_for(now - e.reported_at)}", "overdue"))
        )
    rows.append(_row("Missing risk grade", esc(GRADE_HELP.get(e.risk_grade, e.risk_grade))))
    rows.append(
        _row(
            "Safe and well check (24 h)",
            _stage_html(e.safe_well_at, e.safe_well_due, e.safe_well_state, now, e.found_at),
        )
    )
    rows.append(
        _row("Return interview offered (72 h)", _stage_html(e.rhi_offered_at, e.rhi_due, e.rhi_state, now, e.found_at))
    )
    held = wording.when(e.rhi_held_at) if e.rhi_held_at else ("declined by the child" if e.rhi_declined else "not yet")
    rows.append(_row("Return interview held", esc(held)))
    rows.append(_row("Findings", esc(e.findings) if e.findings else "<span style='color:#4a5868'>none recorded</span>"))
    rows.append(_row("Recorded by", esc(e.recorded_by or "unknown")))
    return f"<table cellspacing='0'>{''.join(rows)}</table>"


def _stage_html(
    done_at: datetime | None, due: datetime | None, state: str, now: datetime, found_at: datetime | None
) -> str:
    if due is None or found_at is None:
        return "<span style='color:#4a5868'>due once the child has returned</span>"
    state = live_timeliness(state, due, now)
    tone = DUE_TONES.get(state, "") or "soon"
    chip = chip_html(TIMELINESS_WORDS.get(state, state), tone)
    if done_at is None:
        return f"not yet: due by {esc(wording.when(due))} ({esc(due_words(due, now))}) {chip}"
    return f"{esc(wording.when(done_at))}, {esc(elapsed(done_at - found_at))} after the return {chip}"


# --- dialogs ----------------------------------------------------------------------------------------------


class RecordEpisodeDialog(ServiceDialog):
    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(session, "Record missing episode", "missing_record.ui", "&Record", parent)
        self.case_id = case_id
        ui = self.ui
        self.reported_at = DateTimeInput(ui.reportedAt, session.now)
        self.found_at = DateTimeInput(ui.foundAt, session.now, ui.foundKnown)
        self.found_at.reset(known=False)
        for grade in MISSING_RISK_GRADES:
            ui.riskGrade.addItem(GRADE_WORDS[grade], grade)
        ui.riskGrade.setPlaceholderText("Choose…")
        ui.riskGrade.setCurrentIndex(-1)
        ui.riskGrade.currentIndexChanged.connect(self._grade_help)
        ui.foundKnown.setToolTip("Tick when the child had already been found or returned when you record this")
        self.fields = {
            "reported_at": ui.reportedAt,
            "risk_grade": ui.riskGrade,
            "found_at": ui.foundAt,
        }
        self._grade_help()
        self.fit(86)
        ui.reportedAt.setFocus()

    def _grade_help(self) -> None:
        grade = self.ui.riskGrade.currentData()
        self.ui.riskGradeHelp.setText(
            GRADE_HELP.get(grade, "") if grade else "Use the grade the missing person record was given."
        )

    def work(self) -> UseCase:
        ui = self.ui
        reported, grade, found = self.reported_at.value(), ui.riskGrade.currentData() or "", self.found_at.value()
        update = MissingUpdate(found_at=found) if found is not None else None
        assert reported is not None
        return use_case(
            records.record_missing_episode, self.case_id, reported_at=reported, risk_grade=grade, update=update
        )


class UpdateEpisodeDialog(ServiceDialog):
    """Record what happened since: the return, the checks, the interview. Only what is ticked or changed
    is sent, so nothing recorded earlier is overwritten by accident."""

    def __init__(self, session: AppSession, episode: MissingEpisodeView, parent: QWidget | None = None) -> None:
        super().__init__(session, "Update missing episode", "missing_update.ui", "&Save", parent)
        self.episode = e = episode
        ui = self.ui
        now = session.now()
        ui.episodeLabel.setText(
            f"<p><b>Reported missing {esc(wording.when(e.reported_at))}</b> · {esc(GRADE_WORDS.get(e.risk_grade, ''))} "
            f"risk · {'returned ' + esc(wording.when(e.found_at)) if e.found_at else 'still missing'}</p>"
        )
        self.inputs: dict[str, DateTimeInput] = {}
        spec = (
            ("found_at", ui.foundAt, ui.foundKnown, ui.foundNote, e.found_at, None),
            ("safe_well_at", ui.safeWellAt, ui.safeWellKnown, ui.safeWellNote, e.safe_well_at, e.safe_well_due),
            ("rhi_offered_at", ui.rhiOfferedAt, ui.rhiOfferedKnown, ui.rhiOfferedNote, e.rhi_offered_at, e.rhi_due),
            ("rhi_held_at", ui.rhiHeldAt, ui.rhiHeldKnown, ui.rhiHeldNote, e.rhi_held_at, None),
        )
        for name, edit, known, note, existing, due in spec:
            field = DateTimeInput(edit, session.now, known)
            if existing is not None:
                field.set_value(existing)
                known.setChecked(False)
                note.setText(f"Recorded {wording.when(existing)}. Tick to correct it.")
            elif due is not None:
                note.setText(f"Due by {wording.when(due)} ({due_words(due, now)}).")
            else:
                field.reset(known=False)
                if name == "rhi_held_at" and e.rhi_offered_at is None:
                    note.setText("Record when it was offered first.")
            self.inputs[name] = field
        if e.found_at is not None:
            ui.foundKnown.setChecked(True)
            ui.foundKnown.setEnabled(False)
            ui.foundAt.setEnabled(False)
            ui.foundKnown.setToolTip("The return is recorded; a new absence is a new episode.")
            ui.foundNote.setText(f"Recorded {wording.when(e.found_at)}. A new absence is a new episode.")
        else:
            ui.foundNote.setText("Record the return first: the checks and the interview count from it.")
        ui.declined.setChecked(e.rhi_declined)
        for grade in MISSING_RISK_GRADES:
            ui.riskGrade.addItem(GRADE_WORDS[grade], grade)
        ui.riskGrade.setCurrentIndex(max(ui.riskGrade.findData(e.risk_grade), 0))
        ui.findings.setPlainText(e.findings)
        ui.findings.setMinimumHeight(ui.findings.fontMetrics().lineSpacing() * 4)
        ui.times.setColumnStretch(2, 1)
        self.fields = {
            "found_at": ui.foundAt,
            "safe_well_at": ui.safeWellAt,
            "rhi_offered_at": ui.rhiOfferedAt,
            "rhi_held_at": ui.rhiHeldAt,
            "risk_grade": ui.riskGrade,
            "findings": ui.findings,
        }
        self.fit(120)
        (ui.safeWellKnown if e.found_at else ui.foundKnown).setFocus()

    def changes(self) -> MissingUpdate:
        """What the user ticked or changed (None for everything left alone)."""
        ui, e = self.ui, self.episode
        times = {name: field.value() for name, field in self.inputs.items()}
        if e.found_at is not None:
            times["found_at"] = None
        declined = ui.declined.isChecked()
        grade = ui.riskGrade.currentData()
        findings = ui.findings.toPlainText()
        return MissingUpdate(
            found_at=times["found_at"],
            safe_well_at=times["safe_well_at"],
            rhi_offered_at=times["rhi_offered_at"],
            rhi_held_at=times["rhi_held_at"],
            rhi_declined=declined if declined != e.rhi_declined else None,
            findings=findings if findings.strip() != e.findings.strip() else None,
            risk_grade=grade if grade != e.risk_grade else None,
        )

    def work(self) -> UseCase:
        update = self.changes()
        if all(getattr(update, name) is None for name in update.__dataclass_fields__):
            raise InvalidInput([FieldProblem("", "", "Nothing to save: tick a time to record it, or change a field.")])
        return use_case(records.update_missing_episode, self.episode.id, update)
