"""The supervisor's review of one case: the procedure's review checklist (yes, no or not applicable, with
a note; a "no" needs one), the findings, directions to the team as actions with an owner and a due date,
then sign-off with the password entered again.

The screen opens the supervisor's draft review of the case (starting one if there is none). "Save draft"
keeps the answers and findings; "Sign off…" saves them, checks every item is answered and findings are
written, then asks for the password in the signature dialog (SignDialog); the signing changes nothing else,
so a wrong password leaves the review exactly as saved. Once signed the screen is read only and names the periodic
review steps the review completed. It is a window of its own (not modal), so the case stays readable
behind it; every saved change is announced by the session's `case_changed`, so the case workspace reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

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
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Procedure, Role
from checklist_app.core.signatures import Meaning
from checklist_app.services import accounts, reviews
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseDetail
from checklist_app.services.errors import FieldProblem, InvalidInput, NotFound
from checklist_app.services.reviews import ANSWERS, DirectedActionView, ReviewView
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.actions_view import ActionsTable
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.widgets.datetime_input import DateTimeInput
from checklist_app.ui.widgets.looks import esc, fit_bold
from checklist_app.ui.widgets.messages import clear_failure, mark_invalid, set_message, show_failure
from checklist_app.ui.window_fit import screen_for

# A direction is due a week from today at 17:00 UK time unless the supervisor chooses otherwise: long
# enough to act on, short enough to be checked before the next monthly review.
DIRECTION_DAYS = 7
DIRECTION_HOUR = 17
ANSWER_LABELS = {"yes": "Yes", "no": "No", "not applicable": "Not applicable"}


def default_due(now: datetime) -> datetime:
    local = now.astimezone(LOCAL_TZ) + timedelta(days=DIRECTION_DAYS)
    return datetime.combine(local.date(), time(DIRECTION_HOUR), tzinfo=LOCAL_TZ)


def owner_label(name: str, role: str, team: str, officer: bool) -> str:
    label = f"{name} ({wording.ROLE_LABELS.get(role, role)}{', ' + team if team else ''})"
    return f"{label} · case officer" if officer else label


class ReviewScreen(QDialog):
    """One supervisory review of `detail`'s case by the signed-in supervisor."""

    def __init__(
        self,
        session: AppSession,
        detail: CaseDetail,
        procedure: Procedure | None,
        parent: QWidget | None = None,
        review_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.detail = session, detail
        self.case_id = detail.id
        self.review_id = review_id  # a review already recorded (to read or amend); None: start or resume a draft
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
        set_message(self.message, "Opening the review…", error=False)
        self._start()

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
        form.addRow("O&wner", self.owner)
        row = QHBoxLayout()
        self.due_edit = QDateTimeEdit()
        self.due_edit.setObjectName("directionDue")
        self.due = DateTimeInput(self.due_edit, self.session.now)
        self.due.set_value(default_due(self.session.now()))
        row.addWidget(self.due_edit, 1)
        self.add_button = QPushButton("Add &direction")
        self.add_button.setObjectName("addDirection")
        self.add_button.clicked.connect(self.add_direction)
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
        self.save_button.clicked.connect(lambda: self.save())
        self.sign_button = QPushButton("Sign &off…")
        self.sign_button.setObjectName("signOff")
        self.sign_button.setProperty("primary", True)
        self.sign_button.setDefault(True)
        fit_bold(self.sign_button)
        self.sign_button.clicked.connect(self.sign_off)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.close)
        self.amend_button = QPushButton("&Amend…")
        self.amend_button.setObjectName("amendReview")
        self.amend_button.setToolTip(
            "Change this signed review. Its signature stays on record, marked superseded; sign the amended review."
        )
        self.amend_button.clicked.connect(self.amend)
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

    # --- loading ---------------------------------------------------------------------------------------

    def _start(self) -> None:
        detail = self.detail

        review_id = self.review_id

        def start(ctx: ServiceContext, actor: Actor) -> tuple[ReviewView, list[tuple[int, str]]]:
            """The review (the draft, started if there is none, or the recorded one asked for) and who may be
            directed to act, in one call."""
            if review_id is None:
                review = reviews.start_review(ctx, actor, detail.id)
            else:
                found = [r for r in reviews.case_reviews(ctx, actor, detail.id) if r.id == review_id]
                if not found:
                    raise NotFound(f"Supervisory review {review_id} is not on case {detail.reference}.")
                review = found[0]
            people = [
                u
                for u in accounts.list_users(ctx, actor)
                if u.active
                and u.district_id == detail.district_id
                and u.role in (Role.INVESTIGATOR.value, Role.SUPERVISOR.value)
            ]
            # The case officer first, then the case's team, then the rest of the district.
            people.sort(key=lambda u: (u.id != detail.officer_id, u.team_id != detail.team_id, u.display_name))
            owners = [
                (u.id, owner_label(u.display_name, u.role, u.team_name, u.id == detail.officer_id)) for u in people
            ]
            return review, owners

        self.session.run(self, start, done=self._started, error=self._start_failed)

    def _started(self, result: tuple[ReviewView, list[tuple[int, str]]]) -> None:
        review, owners = result
        self.owner.clear()
        for user_id, label in owners:
            self.owner.addItem(label, user_id)
        self._build_checklist(review)
        self._show(review)
        set_message(self.message, "")

    def _start_failed(self, exc: BaseException) -> None:
        show_failure(self.message, exc)
        self.close_button.setEnabled(True)

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

    # --- saving ----------------------------------------------------------------------------------------

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

    def _run(self, on_done: Callable[[Any], None], use_case: Callable[..., Any], *args: Any) -> None:
        """A change to the review: the case's workspace reloads once it is saved."""
        self.busy = True
        self._set_enabled(False)
        set_message(self.message, "Saving…", error=False)

        def done(result: object) -> None:
            self.busy = False
            on_done(result)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._set_enabled(self.review is not None and (self.review.status == "draft" or self.amending))
            show_failure(self.message, exc, self._fields(), self._locate)

        self.session.run(self, use_case, *args, done=done, error=failed, changed_case=self.case_id)

    def save(self, then=None) -> None:  # type: ignore[no-untyped-def]
        """Save the answers and findings as they are on screen (the review stays a draft)."""
        if self.review is None or self.busy:
            return
        review_id = self.review.id
        answers, findings = self._values(), self.findings.toPlainText()
        for widget in (*self._notes.values(), self.findings):
            mark_invalid(widget, False)

        def saved(review: ReviewView) -> None:
            self._show(review)
            clear_failure(self.message, self._fields().values())
            set_message(self.message, "Draft saved.", error=False)
            if then is not None:
                then(review)

        self._run(saved, reviews.save_review, review_id, answers, findings)

    def add_direction(self) -> None:
        if self.review is None or self.busy:
            return
        if self.amending and self.review.status == "signed":  # directions go on a draft: save the amendment first
            self.save(then=lambda _review: self.add_direction())
            return
        review_id = self.review.id
        text, owner, due = self.action_text.text(), self.owner.currentData(), self.due.value()
        fields = {"description": self.action_text, "owner": self.owner, "due_at": self.due_edit}
        for widget in fields.values():
            mark_invalid(widget, False)
        if owner is None or due is None:
            show_failure(self.message, InvalidInput([FieldProblem("owner", "Owner", "choose who is to do it")]), fields)
            return

        def added(action: DirectedActionView) -> None:
            assert self.review is not None
            self.actions.show_actions([*self.actions.rows, action])
            self.actions.select(action.id)
            self.action_text.clear()
            self.due.set_value(default_due(self.session.now()))
            self._set_enabled(True)
            set_message(self.message, f"Direction added for {action.owner_name}.", error=False)

        self.busy = True
        self._set_enabled(False)
        set_message(self.message, "Saving…", error=False)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._set_enabled(True)
            show_failure(self.message, exc, fields)

        def done(action: DirectedActionView) -> None:
            self.busy = False
            added(action)

        self.session.run(
            self,
            reviews.direct_action,
            review_id,
            text,
            owner,
            due,
            done=done,
            error=failed,
            changed_case=self.case_id,
        )

    def sign_off(self) -> None:
        """Save what is on screen; when every item is answered and findings are written, ask for the password."""
        self.save(then=self._ask_to_sign)

    def _ask_to_sign(self, review: ReviewView) -> None:
        problems = [FieldProblem(c.item_id, c.text, "is not answered") for c in review.checklist if not c.answer]
        if not review.findings.strip():
            problems.append(FieldProblem("findings", "Findings", "are required before signing"))
        if problems:
            show_failure(self.message, InvalidInput(problems), self._fields(), self._locate)
            set_message(
                self.message, self.message.text().replace("Nothing was saved.", "Draft saved, but not signed yet.")
            )
            return
        noes = sum(1 for c in review.checklist if c.answer == "no")
        directions = len(review.actions)
        summary = (
            f"Supervisory review #{review.id} of case {self.detail.reference}: {len(review.checklist)} checklist "
            f"items answered ({noes} No), your findings, and {directions} direction"
            f"{'' if directions == 1 else 's'} for the team."
        )
        dialog = SignDialog(self, self.session, Meaning.REVIEWED.value, summary)
        dialog.sign_with(
            reviews.sign_review,
            review.id,
            done=self._signed,
            error=lambda exc: show_failure(self.message, exc, self._fields(), self._locate),
            changed_case=self.case_id,
        )
        self.sign_dialog = dialog
        dialog.open()

    def amend(self) -> None:
        """Open the signed review for changes, once the supervisor confirms what amending does."""
        if self.review is None or self.review.status != "signed" or self.busy:
            return
        answer = QMessageBox.question(
            self,
            "Amend signed review",
            "Amend this signed review?\n\nSaving a change puts it back to draft. The signature you gave stays on "
            "record, shown as superseded, and the amended review must be signed again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.amending = True
        self.amend_button.setVisible(False)
        self._set_enabled(True)
        set_message(
            self.message,
            "Amending: change what is needed, then Sign off. Until you save, the review stays as signed.",
            error=False,
        )

    def _signed(self, review: ReviewView) -> None:
        self.amending = False
        self._show(review)
        steps = ", ".join(review.completes_steps)
        done = f" Step {steps} is completed by this review." if steps else ""
        set_message(self.message, f"Review signed.{done}", error=False)
