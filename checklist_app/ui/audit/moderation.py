"""Moderation: a second auditor checks a signed audit picked for it. The desk's "To moderate" list, and the
moderation form (the first auditor's grades beside the moderator's, agree or disagree with the overall grade,
why, a note), signed with the shared signing dialog through `audit_signing.moderate_audit`."""

from __future__ import annotations

import html

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core.signatures import Meaning
from checklist_app.services import audit_moderation, audit_signing, case_audits
from checklist_app.services.audit_dto import AuditForm, ModerationDue, ModerationView
from checklist_app.ui.audit.tables import fill, table
from checklist_app.ui.discard import EditWatch, confirm_discard
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.window_fit import screen_for

SAME = "(same)"
ITEM_CHARS = 24  # width of the item column, in average characters


def moderation_lines(form: AuditForm) -> list[str]:
    """Each moderation in words, for the audit form: who, agreed or not, their grade, the items they differ on."""
    grades, items = dict(form.overall_grades), dict(form.item_grades)
    shown = {i.item_id: i.shown for i in form.items}
    lines = []
    for m in form.moderations:
        verdict = "agrees" if m.agrees else "<b>disagrees</b>"
        line = f"{m.moderator} {verdict}: grade {grades.get(m.overall_grade, m.overall_grade)}"
        line += "".join(
            f"<br>&nbsp;&nbsp;{html.escape(shown.get(item_id, item_id))}: "
            f"{items.get(d['auditor'], d['auditor'] or 'not graded')} → "
            f"{items.get(d['moderator'], d['moderator'])} ({d['comment']})"
            for item_id, d in m.differences.items()
        )
        if m.note:
            line += f"<br>&nbsp;&nbsp;Note: {m.note}"
        lines.append(f"{line}<br>&nbsp;&nbsp;{m.signature}")
    return lines


def _centred(widget: QWidget) -> QWidget:
    """A cell widget at its natural height in the middle of a tall row (the questions wrap over lines)."""
    host = QWidget()
    layout = QVBoxLayout(host)
    layout.setContentsMargins(2, 0, 2, 0)
    layout.addStretch(1)
    layout.addWidget(widget)
    layout.addStretch(1)
    return host


class ModerationList(QWidget):
    """Signed audits picked for a second check that the signed-in auditor may moderate (never their own)."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[ModerationDue] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>To moderate</b>"))
        bar.addStretch(1)
        self.moderate_button = QPushButton("&Moderate…")
        self.moderate_button.clicked.connect(self.moderate_selected)
        bar.addWidget(self.moderate_button)
        layout.addLayout(bar)
        self.table = table(["Case", "Round", "Auditor", "Grade", "Signed"])
        self.table.doubleClicked.connect(self.moderate_selected)
        empty_hint(self.table, "Nothing to moderate: other auditors' signed audits picked for moderation come here.")
        layout.addWidget(self.table, 1)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        layout.addWidget(self.problem)

    def refresh(self) -> None:
        session = self.session
        session.run(self, audit_moderation.moderation_queue, done=self._show)

    def _show(self, rows: list[ModerationDue]) -> None:
        self.rows = rows
        fill(
            self.table,
            [
                [
                    f"{r.case_reference} ({r.case_district})",
                    f"{r.round_id} ({r.round_period})",
                    r.auditor,
                    r.overall_grade,
                    f"{r.signed_at:%d %b %Y}" if r.signed_at else "",
                ]
                for r in rows
            ],
            [r.audit_id for r in rows],
        )
        self.moderate_button.setEnabled(bool(rows))

    def moderate_selected(self) -> None:
        items = self.table.selectedItems()
        if not items:
            self.problem.setText("Choose an audit in the To moderate list first.")
            return
        self.problem.clear()
        self.open_moderation(int(self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)))

    def open_moderation(self, audit_id: int) -> ModerationDialog:
        dialog = ModerationDialog(self.session, audit_id, self)
        dialog.finished.connect(lambda _code: self.refresh() if shiboken6.isValid(self) else None)
        dialog.show()
        return dialog


class ModerationDialog(QDialog):
    moderated = Signal(object)  # the ModerationView just signed

    def __init__(self, session: AppSession, audit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ModerationForm")
        self.setWindowTitle("Moderate a casework audit")
        # 1100x720 was taller than a 1920x1080 screen at 150 % (1280x720) once the title bar is counted.
        available = screen_for(parent or self).availableGeometry()
        self.resize(QSize(1100, 720).boundedTo(QSize(available.width() * 19 // 20, available.height() * 9 // 10)))
        self.session = session
        self.audit_id = audit_id
        self.form: AuditForm | None = None
        self.sign_dialog: SignDialog | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.items = QTableWidget(0, 5)
        self.items.setHorizontalHeaderLabels(["Item", "Question", "Auditor's grade", "Your grade", "Why"])
        self.items.verticalHeader().setVisible(False)
        self.items.setWordWrap(True)
        header = self.items.horizontalHeader()
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.Interactive,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
            )
        ):
            header.setSectionResizeMode(column, mode)
        # The item's long name wraps in a column of its own width (sized to its contents it took the room the
        # question and the first auditor's grade need).
        header.resizeSection(0, self.fontMetrics().averageCharWidth() * ITEM_CHARS)
        layout.addWidget(self.items, 3)

        verdict = QGroupBox("Your verdict on the overall grade")
        verdict_form = QFormLayout(verdict)
        self.auditor_grade = QLabel()
        self.auditor_grade.setWordWrap(True)
        verdict_form.addRow(self.auditor_grade)
        choice = QHBoxLayout()
        self.agree = QRadioButton("I &agree with the grade")
        self.disagree = QRadioButton("I &disagree")
        self.agree.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.agree)
        group.addButton(self.disagree)
        choice.addWidget(self.agree)
        choice.addWidget(self.disagree)
        choice.addStretch(1)
        verdict_form.addRow(choice)
        self.grade = QComboBox()
        self.grade.setEnabled(False)
        verdict_form.addRow("Your &grade", self.grade)
        self.agree.toggled.connect(self._agreement_changed)
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(70)
        self.note.setPlaceholderText("Why you agree or disagree (recorded with the moderation)")
        verdict_form.addRow("&Comment", self.note)
        layout.addWidget(verdict, 1)

        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sign_button = buttons.addButton("&Sign moderation…", QDialogButtonBox.ButtonRole.ActionRole)
        self.sign_button.setEnabled(False)  # until the audit has loaded
        self.sign_button.clicked.connect(self.sign)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._grades: list[QComboBox] = []
        self._why: list[QLineEdit] = []
        self.edits = EditWatch(self)
        session.run(
            self,
            case_audits.audit_form,
            audit_id,
            done=self.show_form,
            error=lambda exc: self.problem.setText(explain(exc).message),
        )

    def show_form(self, form: AuditForm) -> None:
        self.form = form
        labels, item_labels = dict(form.overall_grades), dict(form.item_grades)
        self.heading.setText(
            f"<b>{form.template_title}</b>: case {form.case_reference} ({form.case_district}), round "
            f"{form.round_id} ({form.round_period}). Audited and signed by {form.auditor}"
            + (f" on {form.signed_at:%d %b %Y}" if form.signed_at else "")
            + ". Grade an item only where you would grade it otherwise, and say why."
        )
        self.items.setRowCount(len(form.items))
        self._grades, self._why = [], []
        for row, item in enumerate(form.items):
            self.items.setItem(row, 0, QTableWidgetItem(item.shown + (" (critical)" if item.critical else "")))
            self.items.setItem(row, 1, QTableWidgetItem(f"{item.compliance}\n{item.quality}"))
            given = item_labels.get(item.grade, "not graded")
            self.items.setItem(row, 2, QTableWidgetItem(given + (f": {item.comment}" if item.comment else "")))
            combo = QComboBox()
            # Sized to a short label, not the longest grade, so the questions keep the room at 150 %.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
            combo.addItem(SAME, "")
            combo.currentTextChanged.connect(combo.setToolTip)  # the whole label when the cell cuts it
            for grade_id, label in form.item_grades:
                if grade_id != item.grade:
                    combo.addItem(label, grade_id)
            why = QLineEdit()
            why.setPlaceholderText("Why, if you grade it otherwise")
            self.items.setCellWidget(row, 3, _centred(combo))
            self.items.setCellWidget(row, 4, _centred(why))
            self._grades.append(combo)
            self._why.append(why)
        self._fit_rows()
        effective = form.effective_grade
        revised = " (as revised by an addendum)" if effective != form.overall_grade else ""
        self.auditor_grade.setText(
            f"{form.auditor} graded the case <b>{labels.get(effective, effective)}</b>{revised}. "
            f"Rationale: {form.rationale}"
        )
        self.grade.clear()
        for grade_id, label in form.overall_grades:
            self.grade.addItem(label, grade_id)
        self.grade.setCurrentIndex(max(0, self.grade.findData(effective)))
        self.sign_button.setEnabled(form.signed)
        if not form.signed:
            self.problem.setText("This audit is not signed yet: only a signed audit can be moderated.")
        self.edits.attach()
        self.edits.reset()

    def reject(self) -> None:
        """Close, Escape or the window's close button: ask first when grades, reasons or a comment typed
        for the moderation would be lost (log-off counts them too)."""
        reference = self.form.case_reference if self.form is not None else ""
        what = f"your moderation of the audit of case {reference}".rstrip()
        if self.edits.edited and not confirm_discard(self, [what]):
            return
        super().reject()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The questions wrap to the stretched columns' width, known only once laid out: fit the rows again.
        self._fit_rows()

    def _fit_rows(self) -> None:
        QTimer.singleShot(0, lambda: self.items.resizeRowsToContents() if shiboken6.isValid(self) else None)

    def _agreement_changed(self) -> None:
        if self.form is None:
            return
        self.grade.setEnabled(self.disagree.isChecked())
        if self.agree.isChecked():
            self.grade.setCurrentIndex(max(0, self.grade.findData(self.form.effective_grade)))

    def sign(self) -> None:
        form = self.form
        if form is None:
            return
        item_grades = {i.item_id: c.currentData() for i, c in zip(form.items, self._grades, strict=True)}
        item_grades = {k: v for k, v in item_grades.items() if v}
        comments = {i.item_id: w.text().strip() for i, w in zip(form.items, self._why, strict=True)}
        missing = [k for k in item_grades if not comments.get(k)]
        grade = str(self.grade.currentData() or "")
        note = self.note.toPlainText().strip()
        if missing:
            shown = {i.item_id: i.shown for i in form.items}
            named = "; ".join(shown.get(k, k) for k in missing)
            self.problem.setText(f"Why ({named}): say why you grade the item otherwise.")
            return
        if self.disagree.isChecked() and grade == form.effective_grade and not item_grades:
            self.problem.setText(
                "Your grade: you disagree, so choose the grade you would give, or grade an item otherwise."
            )
            return
        if self.disagree.isChecked() and not note:
            self.problem.setText("Comment: say why you disagree.")
            return
        self.problem.clear()
        labels = dict(form.overall_grades)
        summary = (
            f"Moderation of the audit of case {form.case_reference} (round {form.round_id}) by {form.auditor}.\n"
            f"Auditor's grade: {labels.get(form.effective_grade, '')}. Your grade: {labels.get(grade, grade)} "
            f"({'agree' if self.agree.isChecked() else 'disagree'}).\n"
            + "".join(f"{k}: {item_grades[k]} — {comments[k]}\n" for k in item_grades)
            + (f"Comment: {note}" if note else "")
        )
        dialog = SignDialog(self, self.session, Meaning.MODERATED.value, summary)
        dialog.sign_with(
            audit_signing.moderate_audit,
            self.audit_id,
            overall_grade=grade,
            item_grades=item_grades,
            item_comments=comments,
            note=note,
            done=self._signed,
            error=self._refused,
        )
        self.sign_dialog = dialog
        dialog.exec()
        self.sign_dialog = None

    def _signed(self, form: AuditForm) -> None:
        if not shiboken6.isValid(self):
            return
        latest: ModerationView = form.moderations[-1]
        self.moderated.emit(latest)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.problem.setText(explain(exc).message)
