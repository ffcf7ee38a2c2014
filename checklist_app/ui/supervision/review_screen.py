"""The supervisor's review of one case: the procedure's review checklist (yes, no or not applicable, with
a note; a "no" needs one), the findings, directions to the team as actions with an owner and a due date,
then sign-off with the password entered again.

The screen opens the supervisor's draft review of the case (starting one if there is none). "Save draft"
keeps the answers and findings; "Sign off…" saves them, checks every item is answered and findings are
written, then asks for the password in the signature dialog (SignDialog); the signing changes nothing else,
so a wrong password leaves the review exactly as saved. Once signed the screen is read only and names the periodic
review steps the review completed. It is a window of its own (not modal), so the case stays readable
behind it; every saved change is announced by the session's `case_changed`, so the case workspace reloads.
The form itself (layout, showing a review, reading the answers back) is ReviewForm (review_form.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMessageBox, QWidget

from checklist_app.core import wording
from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Procedure, Role
from checklist_app.core.signatures import Meaning
from checklist_app.services import accounts, reviews
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseDetail
from checklist_app.services.errors import FieldProblem, InvalidInput, NotFound
from checklist_app.services.reviews import DirectedActionView, ReviewView
from checklist_app.ui.discard import EditWatch, confirm_discard
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.review_form import ANSWER_LABELS, ReviewForm, default_due
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.widgets.messages import clear_failure, mark_invalid, set_message, show_failure

# ANSWER_LABELS and default_due are the form's; imported from here too.
__all__ = ["ANSWER_LABELS", "ReviewScreen", "default_due", "owner_label"]


def owner_label(name: str, role: str, team: str, officer: bool) -> str:
    # "case officer" next to the name: at 150 % on a small screen the drop-down cuts the end of a long label
    # (it cut "case officer" to "case of"); the team can be read from the tooltip.
    where = f"({wording.ROLE_LABELS.get(role, role)}{', ' + team if team else ''})"
    return f"{name} · case officer {where}" if officer else f"{name} {where}"


class ReviewScreen(ReviewForm):
    """One supervisory review of `detail`'s case by the signed-in supervisor."""

    def __init__(
        self,
        session: AppSession,
        detail: CaseDetail,
        procedure: Procedure | None,
        parent: QWidget | None = None,
        review_id: int | None = None,
    ) -> None:
        super().__init__(session, detail, procedure, parent)
        self.case_id = detail.id
        self.review_id = review_id  # a review already recorded (to read or amend); None: start or resume a draft
        self.save_button.clicked.connect(lambda: self.save())
        self.sign_button.clicked.connect(self.sign_off)
        self.amend_button.clicked.connect(self.amend)
        self.add_button.clicked.connect(self.add_direction)
        # Enter in the Action box adds the direction; it used to press the default button, Sign off…,
        # which signed the review without the direction just typed.
        self.action_text.returnPressed.connect(self.add_direction)
        self.edits = EditWatch(self)  # what was typed since the last save: asked about before closing
        set_message(self.message, "Opening the review…", error=False)
        self._start()

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
        self.edits.attach()
        self.edits.reset()
        set_message(self.message, "")

    def _start_failed(self, exc: BaseException) -> None:
        show_failure(self.message, exc)
        self.close_button.setEnabled(True)

    # --- saving ----------------------------------------------------------------------------------------

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
            if not self.action_text.text().strip():  # a direction typed but not added is still unsaved
                self.edits.reset()
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
        """Save what is on screen; when every item is answered and findings are written, ask for the password.
        A direction typed but not added would not be part of what is signed: the supervisor adds or clears it
        first."""
        if self.review is None or self.busy:
            return
        if self.action_text.text().strip():
            mark_invalid(self.action_text, True)
            set_message(
                self.message,
                "A direction is typed under Action but not added yet: press Add direction (or Enter in the Action "
                "box), or clear it, then sign off.",
            )
            self.action_text.setFocus()
            return
        mark_invalid(self.action_text, False)
        self.save(then=self._ask_to_sign)

    def unsaved(self) -> bool:
        """Whether closing now would lose something typed: answers, notes or findings not saved, or a
        direction typed but not added."""
        editable = self.review is not None and (self.review.status == "draft" or self.amending)
        return editable and (self.edits.edited or bool(self.action_text.text().strip()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the Action box adds the direction (returnPressed) and nothing else: not the dialog's
        # default button, Sign off…, even when the direction is refused.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focusWidget() is self.action_text:
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Escape, Close or the window's close button: ask first when something typed would be lost."""
        what = f"what you typed in the review of case {self.detail.reference}"
        if not self.busy and self.unsaved() and not confirm_discard(self, [what]):
            return
        super().reject()

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
        self.edits.reset()
        self.amending = False
        self._show(review)
        steps = ", ".join(review.completes_steps)
        done = f" Step {steps} is completed by this review." if steps else ""
        set_message(self.message, f"Review signed.{done}", error=False)
