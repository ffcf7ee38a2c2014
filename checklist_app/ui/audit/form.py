"""The audit form for one sampled case: a grade and comment per template item, the overall grade with its
rationale (the critical items' cap shown), remedial actions, sign-off with the password, and addenda once
signed. Everything goes through the services on the worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core.permissions import Actor
from checklist_app.core.signatures import Meaning
from checklist_app.services import accounts, audit_signing, case_audits
from checklist_app.services.audit_dto import AuditForm
from checklist_app.services.context import ServiceContext
from checklist_app.services.remedial import PRIORITIES
from checklist_app.ui.audit.follow_up import FollowUpBox, action_line
from checklist_app.ui.audit.moderation import moderation_lines
from checklist_app.ui.discard import EditWatch, confirm_discard
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.window_fit import screen_for

OWNER_ROLES = {"investigator", "supervisor", "intelligence_officer"}
ITEM_CHARS, COMMENT_CHARS = 24, 30  # widths of the item and comment columns, in average characters


class AuditFormDialog(QDialog):
    def __init__(self, session: AppSession, audit_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AuditForm")
        self.setWindowTitle("Casework audit")
        self.session = session
        self.audit_id = audit_id
        self.form: AuditForm | None = None
        self.sign_dialog: SignDialog | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.items = QTableWidget(0, 4)
        self.items.setHorizontalHeaderLabels(["Item", "Question", "Grade", "Comment"])
        self.items.verticalHeader().setVisible(False)
        header = self.items.horizontalHeader()
        # The question is what the auditor reads: it takes the room left. The item's name ("Phase 1, Referral
        # and initial response: item 1 (steps 1.1, 1.3)") wraps in a column of its own width; sized to its
        # contents it took half the table, leaving the questions a word wide in rows a screen high at 150 %.
        chars = self.fontMetrics().averageCharWidth()
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.Interactive,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Interactive,
            )
        ):
            header.setSectionResizeMode(column, mode)
        header.resizeSection(0, chars * ITEM_CHARS)
        header.resizeSection(3, chars * COMMENT_CHARS)
        # Rows are as tall as their wrapped text at the columns' widths, which settle only once the dialog is
        # laid out (the question stretches): measured before, the last line of an item was cut off.
        header.sectionResized.connect(lambda *_: self.items.resizeRowsToContents())
        self.items.setWordWrap(True)
        self.items.setMinimumHeight(self.fontMetrics().height() * 10)  # a few items in view at 150 % too
        layout.addWidget(self.items, 3)

        overall = QGroupBox("Overall grade")
        overall_form = QFormLayout(overall)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        overall_form.addRow(self.verdict)
        self.overall = QComboBox()
        overall_form.addRow("&Grade", self.overall)
        self.rationale = QPlainTextEdit()
        self.rationale.setFixedHeight(60)
        overall_form.addRow("&Rationale", self.rationale)
        self.save_button = QPushButton("Sa&ve draft")
        self.save_button.clicked.connect(lambda: self.save())
        overall_form.addRow(self.save_button)
        lower = QHBoxLayout()
        lower.addWidget(overall, 1)

        remedial = QGroupBox("Remedial actions")
        remedial_layout = QVBoxLayout(remedial)
        self.actions = QLabel()
        self.actions.setWordWrap(True)
        remedial_layout.addWidget(self.actions)
        self.raise_form = raise_form = QFormLayout()
        self.action_text = QLineEdit()
        self.action_text.setPlaceholderText("What must be put right")
        raise_form.addRow("&Action", self.action_text)
        self.owner = QComboBox()
        raise_form.addRow("O&wner", self.owner)
        self.priority = QComboBox()
        self.priority.addItems(list(PRIORITIES))
        self.priority.setCurrentText("medium")
        self.priority.currentTextChanged.connect(self._default_due)
        raise_form.addRow("&Priority", self.priority)
        self.due = QDateTimeEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("dd MMM yyyy HH:mm")
        raise_form.addRow("&Due (UTC)", self.due)
        self.raise_button = QPushButton("Raise a&ction")
        self.raise_button.clicked.connect(self.raise_action)
        raise_form.addRow(self.raise_button)
        remedial_layout.addLayout(raise_form)
        lower.addWidget(remedial, 1)

        sign = QGroupBox("Sign-off and addenda")
        self.sign_form = sign_form = QFormLayout(sign)
        self.signatures = QLabel()
        self.signatures.setWordWrap(True)
        sign_form.addRow(self.signatures)
        self.addendum = QPlainTextEdit()
        self.addendum.setFixedHeight(50)
        self.addendum.setPlaceholderText("A correction to the signed audit (signed too)")
        sign_form.addRow("Adde&ndum", self.addendum)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        sign_form.addRow("Pass&word", self.password)
        self.sign_button = QPushButton("&Sign audit")
        self.sign_button.clicked.connect(self.sign)
        self.addendum_button = QPushButton("Sign adde&ndum…")
        self.addendum_button.clicked.connect(self.add_addendum)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.addendum_button)
        sign_form.addRow(buttons)
        lower.addWidget(sign, 1)
        layout.addLayout(lower, 2)
        after = QHBoxLayout()
        self.follow_up = FollowUpBox(session)
        self.follow_up.recorded.connect(self.load)
        after.addWidget(self.follow_up, 1)
        moderation = QGroupBox("Moderation")
        moderation_layout = QVBoxLayout(moderation)
        self.moderations = QLabel()
        self.moderations.setObjectName("moderations")
        self.moderations.setWordWrap(True)
        self.moderations.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        moderation_layout.addWidget(self.moderations)
        after.addWidget(moderation, 2)
        layout.addLayout(after, 1)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        footer = QHBoxLayout()
        footer.addWidget(self.problem, 1)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.close)
        footer.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(footer)
        # No button is pressed by Enter in a comment box (the first one, Save draft, was); Enter in the
        # password box signs, as in every other signing dialog.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.password.returnPressed.connect(self.sign)
        # 1100x760 was taller than a 1920x1080 screen at 150 % (1280x720): the bottom was off the screen.
        available = screen_for(parent or self).availableGeometry()
        self.resize(QSize(1100, 760).boundedTo(QSize(available.width() * 19 // 20, available.height() * 9 // 10)))
        self._combos: list[QComboBox] = []
        self._comments: list[QLineEdit] = []
        self.edits = EditWatch(self)
        self.load()

    # --- loading ---------------------------------------------------------------------------------------

    def load(self) -> None:
        def load(ctx: ServiceContext, actor: Actor, audit_id: int) -> tuple[AuditForm, list[tuple[int, str]]]:
            """The audit form and who may own a remedial action, in one call."""
            form = case_audits.audit_form(ctx, actor, audit_id)
            people = [
                (u.id, f"{u.display_name} ({u.role.replace('_', ' ')}, {u.team_name or u.district_name})")
                for u in accounts.list_users(ctx, actor)
                if u.active and u.role in OWNER_ROLES
            ]
            return form, people

        self.session.run(self, load, self.audit_id, done=self._loaded)

    def _loaded(self, result: tuple[AuditForm, list[tuple[int, str]]]) -> None:
        form, people = result
        self.owner.clear()
        for user_id, label in people:
            self.owner.addItem(label, user_id)
        self.show_form(form)

    def show_form(self, form: AuditForm) -> None:
        self.form = form
        self.setWindowTitle(f"Casework audit: {form.case_reference}")  # log-off names it when work is unsaved
        self.problem.clear()
        signed = form.signed
        self.heading.setText(
            f"<b>{form.template_title}</b>: case {form.case_reference} ({form.case_district}), round "
            f"{form.round_id} ({form.round_period}), auditor {form.auditor}. Status: <b>{form.status}</b>"
            + ((" — moderated" if form.moderations else " — moderation due") if form.moderation_due else "")
        )
        self.items.setRowCount(len(form.items))
        self._combos, self._comments = [], []
        for row, item in enumerate(form.items):
            self.items.setItem(row, 0, QTableWidgetItem(item.shown + (" (critical)" if item.critical else "")))
            self.items.setItem(row, 1, QTableWidgetItem(f"{item.compliance}\n{item.quality}"))
            combo = QComboBox()
            combo.addItem("(not graded)", "")
            for grade_id, label in form.item_grades:
                combo.addItem(label, grade_id)
            combo.setCurrentIndex(max(0, combo.findData(item.grade)))
            combo.setEnabled(not signed)
            combo.currentIndexChanged.connect(self._regrade)
            comment = QLineEdit(item.comment)
            comment.setReadOnly(signed)
            self.items.setCellWidget(row, 2, combo)
            self.items.setCellWidget(row, 3, comment)
            self._combos.append(combo)
            self._comments.append(comment)
        self.items.resizeRowsToContents()
        self.overall.clear()
        self.overall.addItem("(choose)", "")
        for grade_id, label in form.overall_grades:
            self.overall.addItem(label, grade_id)
        self.overall.setCurrentIndex(max(0, self.overall.findData(form.effective_grade)))
        self.overall.setEnabled(True)  # once signed, a different grade here goes into an addendum
        self.rationale.setPlainText(form.rationale)
        self.rationale.setReadOnly(signed)
        labels = dict(form.overall_grades)
        score = "not scored yet" if form.score is None else f"score {form.score:.0%}"
        indicated = (
            f"the template's rules give {labels[form.indicated_grade]}"
            if form.indicated_grade
            else f"{sum(1 for i in form.items if i.grade)} of {len(form.items)} items graded"
        )
        cap = f"; critical failures cap the grade at {labels[form.cap]}" if form.critical_failures else ""
        self.verdict.setText(f"{score}; {indicated}{cap}.")
        self.actions.setText("<br>".join(action_line(a) for a in form.remedial_actions) or "None raised.")
        self.follow_up.show_form(form)
        if form.moderations:
            self.moderations.setText("<br>".join(moderation_lines(form)))
        elif form.moderation_due:
            self.moderations.setText("Picked for a second check by another auditor; not moderated yet.")
        else:
            self.moderations.setText("Not picked for moderation in this round.")
        lines = list(form.signatures) + [
            f"Addendum: {a.text}"
            + (f" (grade now {labels.get(a.revised_grade, '')})" if a.revised_grade else "")
            + f"<br>{a.signature}"
            for a in form.addenda
        ]
        self.signatures.setText("<br>".join(lines) or "Not signed.")
        widgets = (
            *(self.save_button, self.raise_button, self.sign_button, self.password),
            *(self.action_text, self.owner, self.priority, self.due),
        )
        for widget in widgets:
            widget.setEnabled(not signed)
        self.addendum_button.setEnabled(signed)
        # Once signed, the drafting controls only take room from the items, the moderation and the follow-up.
        for row in range(self.raise_form.rowCount()):
            self.raise_form.setRowVisible(row, not signed)
        self.sign_form.setRowVisible(self.password, not signed)
        self.sign_button.setVisible(not signed)
        self.save_button.setVisible(not signed)
        self.addendum.setEnabled(signed)
        self._default_due()
        self.edits.attach()  # the grade and comment fields are new with every form shown
        self.edits.reset()  # what is shown is what is saved

    def reject(self) -> None:
        """Escape, Close or the window's close button: ask first when grades, comments, a rationale, a
        remedial action or an addendum typed since the last save would be lost (log-off counts them too)."""
        reference = self.form.case_reference if self.form is not None else ""
        what = f"what you entered in the audit of case {reference}".rstrip()
        if self.edits.edited and not confirm_discard(self, [what]):
            return
        super().reject()

    def _regrade(self) -> None:
        self.problem.clear()

    def _default_due(self) -> None:
        if self.form is not None:
            due = self.form.remedial_due.get(self.priority.currentText())
            if due is not None:
                self.due.setDateTime(due.replace(tzinfo=None))

    # --- actions -----------------------------------------------------------------------------------------

    def _values(self) -> tuple[dict[str, str], dict[str, str]]:
        assert self.form is not None
        grades = {i.item_id: c.currentData() for i, c in zip(self.form.items, self._combos, strict=True)}
        comments = {i.item_id: e.text() for i, e in zip(self.form.items, self._comments, strict=True)}
        return grades, comments

    def _run(self, after: Callable[[], None] | None, use_case: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """`use_case(ctx, actor, *args, **kwargs)`, which returns the audit form as it now is; then `after()`."""

        def done(form: AuditForm) -> None:
            self.show_form(form)
            if after is not None:
                after()

        def failed(exc: BaseException) -> None:
            self.problem.setText(explain(exc).message)

        self.session.run(self, use_case, *args, done=done, error=failed, **kwargs)

    def save(self, after=None) -> None:  # type: ignore[no-untyped-def]
        grades, comments = self._values()
        overall, rationale = self.overall.currentData() or "", self.rationale.toPlainText()
        self._run(
            after,
            case_audits.save_audit,
            self.audit_id,
            grades=grades,
            comments=comments,
            overall_grade=overall,
            rationale=rationale,
        )

    def raise_action(self) -> None:
        from datetime import UTC

        audit_id = self.audit_id
        text, owner, priority = self.action_text.text(), self.owner.currentData(), self.priority.currentText()
        due = self.due.dateTime().toPython().replace(tzinfo=UTC)
        if owner is None:
            self.problem.setText("Owner: choose who must put it right")
            return
        # Save what is on screen first, so the grades typed so far survive the form being shown again.
        self.save(
            after=lambda: self._run(
                self.action_text.clear,
                case_audits.raise_remedial_action,
                audit_id,
                description=text,
                owner_id=owner,
                priority=priority,
                due=due,
            )
        )

    def sign(self) -> None:
        """Save what is on screen, then sign it."""
        audit_id, password = self.audit_id, self.password.text()
        self.password.clear()
        self.save(after=lambda: self._run(None, audit_signing.sign_audit, audit_id, password))

    def add_addendum(self) -> None:
        """A correction to the signed audit, signed through the shared signing dialog; a grade chosen above
        that differs from the audit's grade goes in as the revised grade, the addendum's text its rationale."""
        assert self.form is not None
        text = self.addendum.toPlainText().strip()
        if not text:
            self.problem.setText("Addendum: say what is corrected and why.")
            return
        revised = self.overall.currentData() if self.overall.currentData() != self.form.effective_grade else ""
        labels = dict(self.form.overall_grades)
        summary = f"Addendum to the audit of case {self.form.case_reference}:\n{text}" + (
            f"\nRevised grade: {labels.get(revised, revised)}" if revised else ""
        )
        dialog = SignDialog(self, self.session, Meaning.ADDENDUM.value, summary)
        dialog.sign_with(
            audit_signing.add_addendum,
            self.audit_id,
            text=text,
            revised_grade=revised or "",
            revised_rationale=text if revised else "",
            done=self._addendum_signed,
            error=lambda exc: self.problem.setText(explain(exc).message) if shiboken6.isValid(self) else None,
        )
        self.sign_dialog = dialog
        dialog.exec()
        self.sign_dialog = None

    def _addendum_signed(self, form: AuditForm) -> None:
        if shiboken6.isValid(self):
            self.addendum.clear()
            self.show_form(form)
