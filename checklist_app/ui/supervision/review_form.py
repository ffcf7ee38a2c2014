"""The supervisor's review form: the procedure's review checklist (yes, no or not applicable, with a note),
the findings, the directions to the team with the fields to add one, the signatures and the buttons, laid
out in one dialog; a review (`ReviewView`) is shown in it and the answers are read back from it. What the
buttons do (open, save, direct, sign, amend) is the review screen's (review_screen.py).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.core.procedure.model import Procedure
from checklist_app.services.dto import CaseDetail
from checklist_app.services.errors import FieldProblem
from checklist_app.services.reviews import ANSWERS, ReviewView
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.actions_view import ActionsTable
from checklist_app.ui.widgets.datetime_input import DateTimeInput
from checklist_app.ui.widgets.looks import esc, fit_bold
from checklist_app.ui.widgets.messages import set_message
from checklist_app.ui.window_fit import screen_for

# A direction is due a week from today at 17:00 UK time unless the supervisor chooses otherwise: long
# enough to act on, short enough to be checked before the next monthly review.
DIRECTION_DAYS = 7
DIRECTION_HOUR = 17
ANSWER_LABELS = {"yes": "Yes", "no": "No", "not applicable": "Not applicable"}


def default_due(now: datetime) -> datetime:
    local = now.astimezone(LOCAL_TZ) + timedelta(days=DIRECTION_DAYS)
    return datetime.combine(local.date(), time(DIRECTION_HOUR), tzinfo=LOCAL_TZ)


class ReviewForm(QDialog):
    """The review's widgets for `detail`'s case, read only until a review is shown that may be edited."""

    def __init__(
        self, session: AppSession, detail: CaseDetail, procedure: Procedure | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.detail = session, detail
        self.review: ReviewView | None = None
        self.busy = False
        self.amending = False  # the signed review opened for changes: saving supersedes its signature
        self._help = {i.id: i.help for i in procedure.supervisory_review.checklist} if procedure else {}
        self.setObjectName("reviewScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setWindowTitle(f"Supervisory review: {detail.reference}")
        self._answers: dict[str, QComboBox] = {}
        self._notes: dict[str, QLineEdit] = {}
        self._build()
        self._set_enabled(False)

    # --- layout ----------------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 14, 16, 8)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.heading = QLabel()
        self.heading.setObjectName("reviewHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)

        # Two columns: what the supervisor found (checklist, findings) beside what they direct and sign.
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        columns.addLayout(left, 11)
        columns.addLayout(right, 9)
        layout.addLayout(columns, 1)

        self.checklist_group = QGroupBox("Review checklist")
        self.checklist_grid = QGridLayout(self.checklist_group)
        self.checklist_grid.setColumnStretch(0, 4)
        self.checklist_grid.setColumnStretch(2, 5)
        left.addWidget(self.checklist_group)

        findings_group = QGroupBox("Findings")
        findings_layout = QVBoxLayout(findings_group)
        hint = QLabel("What you found on the case and what must happen next. Required before signing.")
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        findings_layout.addWidget(hint)
        self.findings = QPlainTextEdit()
        self.findings.setObjectName("findings")
        self.findings.setMinimumHeight(self.findings.fontMetrics().lineSpacing() * 5)
        findings_layout.addWidget(self.findings)
        left.addWidget(findings_group, 1)
        self.checklist_grid.setColumnMinimumWidth(0, self.fontMetrics().averageCharWidth() * 30)

        directions = QGroupBox("Directions (actions for the team)")
        directions_layout = QVBoxLayout(directions)
        self.actions = ActionsTable()
        empty_hint(
            self.actions, "No directions yet: write an action, choose its owner and due date, then Add direction."
        )
        self.actions.setMinimumHeight(self.actions.verticalHeader().defaultSectionSize() * 4)
        for column in (4, 5):  # directed by (you) and what was done (nothing yet): the Supervision tab shows them
            self.actions.setColumnHidden(column, True)
        self.actions.setMaximumHeight(self.actions.verticalHeader().defaultSectionSize() * 7)
        directions_layout.addWidget(self.actions)
        form = QFormLayout()
        self.action_text = QLineEdit()
        self.action_text.setObjectName("directionText")
        self.action_text.setPlaceholderText("What must be done, e.g. Reassess the risk with the new intelligence")
        form.addRow("&Action", self.action_text)
        self.owner = QComboBox()
        self.owner.setObjectName("directionOwner")
        self.owner.setMinimumContentsLength(24)
        self.owner.currentTextChanged.connect(self.owner.setToolTip)  # the whole label when the box cuts it
        form.addRow("O&wner", self.owner)
        row = QHBoxLayout()
        self.due_edit = QDateTimeEdit()
        self.due_edit.setObjectName("directionDue")
        self.due = DateTimeInput(self.due_edit, self.session.now)
        self.due.set_value(default_due(self.session.now()))
        row.addWidget(self.due_edit, 1)
        self.add_button = QPushButton("Add &direction")
        self.add_button.setObjectName("addDirection")
        row.addWidget(self.add_button)
        due_label = QLabel("&Due")
        due_label.setBuddy(self.due_edit)
        form.addRow(due_label, row)
        directions_layout.addLayout(form)
        right.addWidget(directions)

        self.signatures = QLabel()
        self.signatures.setObjectName("reviewSignatures")
        self.signatures.setWordWrap(True)
        self.signatures.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.signatures)
        right.addStretch(1)

        footer = QVBoxLayout()
        footer.setContentsMargins(16, 4, 16, 12)
        self.message = QLabel()
        set_message(self.message, "")
        footer.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("&Save draft")
        self.sign_button = QPushButton("Sign &off…")
        self.sign_button.setObjectName("signOff")
        self.sign_button.setProperty("primary", True)
        self.sign_button.setDefault(True)
        fit_bold(self.sign_button)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.close)
        self.amend_button = QPushButton("&Amend…")
        self.amend_button.setObjectName("amendReview")
        self.amend_button.setToolTip(
            "Change this signed review. Its signature stays on record, marked superseded; sign the amended review."
        )
        self.amend_button.setVisible(False)
        for button in (self.amend_button, self.save_button, self.sign_button, self.close_button):
            buttons.addWidget(button)
        footer.addLayout(buttons)
        outer.addLayout(footer)
        self.setMinimumSize(self.fontMetrics().averageCharWidth() * 100, self.fontMetrics().height() * 30)
        wanted = QSize(self.fontMetrics().averageCharWidth() * 210, self.fontMetrics().height() * 56)
        # On a small or highly scaled screen (1280x720 logical at 150 %) the screen's height is the limit.
        available = screen_for(self.parentWidget() or self).availableGeometry()
        self.resize(wanted.boundedTo(QSize(available.width() * 19 // 20, available.height() * 9 // 10)))

    def _build_checklist(self, review: ReviewView) -> None:
        grid = self.checklist_grid
        for column, title in enumerate(("Question", "Answer", "Note (required when No)")):
            header = QLabel(f"<b>{esc(title)}</b>")
            grid.addWidget(header, 0, column)
        for row, item in enumerate(review.checklist, start=1):
            text = QLabel(item.text)
            text.setWordWrap(True)
            tip = self._help.get(item.item_id, "")
            text.setToolTip(tip)
            combo = QComboBox()
            combo.setObjectName(f"answer_{item.item_id}")
            combo.addItem("– choose –", "")
            for answer in ANSWERS:
                combo.addItem(ANSWER_LABELS[answer], answer)
            combo.setCurrentIndex(max(0, combo.findData(item.answer)))
            combo.setAccessibleName(item.text)
            note = QLineEdit(item.note)
            note.setCursorPosition(0)  # a long saved note shows its beginning
            note.setObjectName(f"note_{item.item_id}")
            note.setAccessibleName(f"Note on: {item.text}")
            note.setPlaceholderText(tip)
            text.setBuddy(combo)
            grid.addWidget(text, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(note, row, 2)
            self._answers[item.item_id], self._notes[item.item_id] = combo, note
        if not review.checklist:
            grid.addWidget(QLabel("This procedure version has no review checklist: write your findings below."), 1, 0)

    # --- showing a review ------------------------------------------------------------------------------

    def _show(self, review: ReviewView) -> None:
        self.review = review
        signed = review.status == "signed"
        detail = self.detail
        state = "<b style='color:#1d6b3a'>Signed</b>" if signed else "<b>Draft</b>"
        completes = ", ".join(review.completes_steps)
        completes_text = ""
        if completes:
            verb = "completed" if signed else "completes when signed"
            completes_text = f"<br>This review {verb} step{'s' if len(review.completes_steps) > 1 else ''} {completes}."
        self.heading.setText(
            f"<p style='font-size:115%'><b>{esc(detail.reference)}</b> · {esc(review.kind.capitalize())} "
            f"supervisory review #{review.id} · {state}</p>"
            f"<p>Started {esc(wording.when(review.started_at))} by {esc(review.reviewer_name)}. "
            f"Officer: {esc(detail.officer_name or 'not allocated')}. Team: {esc(detail.team_name or '–')}."
            f"{completes_text}</p>"
        )
        if not self.findings.toPlainText().strip() or signed:
            self.findings.setPlainText(review.findings)
        self.actions.show_actions(list(review.actions))
        lines = [esc(s.line()) for s in review.signatures]
        self.signatures.setText(
            "<b>Signatures:</b><br>" + "<br>".join(lines) if lines else "<b>Signatures:</b> not signed yet."
        )
        if not signed:
            self.amending = False
        mine = review.reviewer_id == self.session.actor.user_id
        self.amend_button.setVisible(signed and mine and not self.amending)
        self._set_enabled(not signed or self.amending)

    def _set_enabled(self, editable: bool) -> None:
        editable = editable and not self.busy
        for widget in (
            *self._answers.values(),
            *self._notes.values(),
            self.findings,
            self.action_text,
            self.owner,
            self.due_edit,
            self.add_button,
            self.save_button,
            self.sign_button,
        ):
            widget.setEnabled(editable)
        self.findings.setReadOnly(not editable)

    # --- reading the answers back ----------------------------------------------------------------------

    def _values(self) -> dict[str, tuple[str, str]]:
        return {
            item_id: (combo.currentData(), self._notes[item_id].text())
            for item_id, combo in self._answers.items()
            if combo.currentData()
        }

    def _fields(self) -> dict[str, QWidget]:
        fields: dict[str, QWidget] = {"findings": self.findings}
        for item_id, combo in self._answers.items():
            fields[item_id] = combo
        return fields

    def _locate(self, problem: FieldProblem) -> QWidget | None:
        if problem.field in self._answers and "say what is wrong" in problem.message:
            return self._notes[problem.field]
        return None
