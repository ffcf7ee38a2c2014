"""The selected step shown on the right of the steps panel: guidance, notices, facts, the evidence form, and
which actions are open to the user (a mixin of `StepsPanel`, which owns the widgets it fills)."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import (
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QApplication

from checklist_app.core import wording
from checklist_app.core.condition_words import condition_words
from checklist_app.services.dto import StepView
from checklist_app.ui.steps.common import (
    OWNER_PHRASES,
    REFUSED_PREFIX,
    STATE_TONES,
    STATUS_TONES,
    SUPERVISOR_ONLY,
    alive,
    repolish,
    set_tone,
    step_stamp,
)
from checklist_app.ui.steps.fields import set_invalid
from checklist_app.ui.steps.models import (
    does_not_apply,
    greyed,
    requirement_text,
    settled,
    state_text,
    status_text,
    waiting_text,
)


class StepDetail:
    """The step detail half of `StepsPanel`."""

    def _editable(self, step: StepView) -> bool:
        return self._refusal("done", step) is None or self._refusal("save", step) is None

    def _show_step(self, step: StepView | None) -> None:
        ui = self.ui
        ui.stepDetail.setVisible(step is not None)
        if step is None:
            self._shown_step, self._shown_stamp = "", None
            self._update_actions()
            return
        detail = self.detail
        assert detail is not None
        now = detail.as_of
        words = self.conditions.get(step.step_id, "")

        ui.stepTitle.setText(f"{step.number}  {step.title}")
        ui.statusChip.setText(status_text(step))
        tone = "soon" if step.awaiting_agreement else STATUS_TONES.get(step.status, "muted" if greyed(step) else "")
        set_tone(ui.statusChip, tone)
        state = state_text(step, now)
        show_state = not greyed(step) and step.due_state not in ("no_deadline",) and state != "–"
        ui.stateChip.setVisible(show_state)
        ui.stateChip.setText(state)
        set_tone(ui.stateChip, STATE_TONES.get(step.due_state, ""))
        ui.ownerChip.setText(wording.ROLE_LABELS.get(step.role, step.role))
        ui.ownerChip.setToolTip("Who owns this step")

        self._show_notice(step, words)
        self._show_facts(step, words, now)
        ui.purposeText.setText(step.purpose)
        ui.purposeHeading.setVisible(bool(step.purpose))
        ui.purposeText.setVisible(bool(step.purpose))
        ui.guidanceText.setText(step.guidance)
        ui.provenanceText.setText(f"Source: {step.provenance}" if step.provenance else "")

        # The evidence form is rebuilt for another step, after our own change, when the saved record
        # changed, or when the user has not typed anything; otherwise what they typed stays.
        stamp = step_stamp(step)
        fresh = step.step_id != self._shown_step or self._rebuild_next or stamp != self._shown_stamp
        editable = self._editable(step)
        focus = QApplication.focusWidget()
        if fresh and focus is not None and self.form.isAncestorOf(focus):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)  # its editor is about to be replaced
        if fresh or not self.form.dirty:
            draft = None if self._rebuild_next else self._drafts.get(step.step_id)
            use_draft = draft is not None and draft[0] == stamp
            values = draft[1] if draft is not None and use_draft else dict(step.evidence)
            self.form.build(step.fields, values, read_only=not editable)
            self.form.dirty = use_draft
            if fresh:
                self._reset_completed(step)
            if step.step_id != self._shown_step:
                # At once, so the pane is drawn once at the top rather than drawn and then scrolled; and
                # again after the layout, in case the new content's geometry moved it.
                self._scroll_detail_to_top()
                QTimer.singleShot(0, self._scroll_detail_to_top)
        self._rebuild_next = False
        self._shown_step, self._shown_stamp = step.step_id, stamp
        ui.noEvidence.setVisible(not step.fields)
        ui.formHost.setVisible(bool(step.fields))
        self.form.set_read_only(not editable)
        show_completed = editable and self._refusal("done", step) is None
        ui.completedRule.setVisible(show_completed and bool(step.fields))
        ui.completedAtLabel.setVisible(show_completed)
        self.completed_at.setVisible(show_completed)
        ui.completedAtHint.setVisible(show_completed)
        ui.evidenceGroup.setTitle("Evidence" if step.fields or show_completed else "Evidence (none recorded)")
        self._update_actions()
        self.ahead.restart()

    def _scroll_detail_to_top(self) -> None:
        if alive(self):
            self.ui.detailScroll.verticalScrollBar().setValue(0)

    def _reset_completed(self, step: StepView) -> None:
        self._completed_touched = False
        self.completed_at.blockSignals(True)
        self.completed_at.set_value(self.session.now())
        self.completed_at.blockSignals(False)
        set_invalid(self.completed_at.edit, False)

    def _show_notice(self, step: StepView, words: str) -> None:
        ui = self.ui
        words = words or condition_words(step.condition, None)
        text, tone = "", ""
        waiting = waiting_text(step)
        review_id = step.evidence.get("supervisory_review_id") if step.status == "done" else None
        if step.awaiting_agreement:
            text = (
                f"Marked not applicable: {step.reason.rstrip('.')}. Awaiting supervisor agreement: this mandatory "
                "step counts as open, and the case cannot be closed, until a supervisor of the team agrees (signing) "
                "or refuses."
            )
            tone = "soon"
        elif step.status == "not_applicable":
            text, tone = f"Marked not applicable: {step.reason}" if step.reason else "Marked not applicable.", "muted"
        elif isinstance(review_id, int):
            who = f" by {step.completed_by}" if step.completed_by else ""
            text = (
                f"Completed by <a href='review:{review_id}'>supervisory review #{review_id}</a>{who} on "
                f"{html.escape(wording.when(step.completed_at))}: its checklist, findings and directions are on "
                "the Supervision tab."
            )
            tone = "info"
        elif not step.applicable and step.status != "done":
            text = (
                f"Does not apply to this case now. It applies only when {words}. If the work was done all the "
                "same, record it with Done anyway."
            )
            tone = "muted"
        elif not step.applicable and step.status == "done":
            text = (
                f"Its condition no longer holds (it applies only when {words}). "
                "It was done while it applied; nothing more is needed unless the condition holds again."
            )
            tone = "muted"
        elif step.status == "blocked":
            text, tone = f"Blocked: {step.reason}", "overdue"
        elif step.unmet_dependencies and not settled(step):
            text = f"{waiting}. It must be done, or marked not applicable, before this step can be completed."
            tone = "soon"
        elif step.status == "in_progress" and step.reason.startswith(REFUSED_PREFIX):
            text, tone = f"A supervisor refused to agree that this step does not apply. {step.reason}", "info"
        elif step.status == "in_progress" and step.reason:
            text, tone = f"Reopened by a supervisor: {step.reason}", "info"
        elif step.due_state == "overdue" and step.due_at is not None and self.detail is not None:
            text = (
                f"Overdue by {wording.span(self.detail.as_of - step.due_at)}: it was due {wording.when(step.due_at)}."
            )
            tone = "overdue"
        if step.requirement == "conditional" and step.applicable and step.status == "not_applicable":
            text += f" Its condition holds now ({words}): consider whether it should be reopened."
        ui.stepNotice.setText(text)
        ui.stepNotice.setVisible(bool(text))
        set_tone(ui.stepNotice, tone)

    def _notice_link(self, link: str) -> None:
        kind, _, value = link.partition(":")
        if kind == "review" and value.isdigit():
            self.review_link.emit(int(value))

    def _show_facts(self, step: StepView, words: str, now: datetime) -> None:
        ui, form = self.ui, self.ui.factsForm
        owner = wording.ROLE_LABELS.get(step.role, step.role)
        if not step.can_work:
            owner += f" (only {OWNER_PHRASES.get(step.role, 'the owner')} can complete it)"
        ui.ownerValue.setText(owner)
        requirement = requirement_text(step, words)
        if step.sign_off:
            requirement += ". Completion needs a supervisor's sign-off"
        ui.requirementValue.setText(requirement)
        waiting = waiting_text(step) if not greyed(step) and not settled(step) else ""
        ui.waitingValue.setText(waiting.removeprefix("Waiting for: ").removeprefix("Waiting for "))
        set_tone(ui.waitingValue, "soon" if waiting else "")
        form.setRowVisible(2, bool(waiting))
        ui.deadlineValue.setText(step.deadline_text or "No timescale set")
        ui.basisValue.setText(step.deadline_basis)
        form.setRowVisible(4, bool(step.deadline_text))
        due = ""
        if step.due_at is not None and not greyed(step):
            prefix = "Next due " if step.status == "done" and step.recurring else ""
            due = f"{prefix}{wording.when(step.due_at)}"
            if step.due_state == "overdue":
                due += f" (overdue by {wording.span(now - step.due_at)})"
            elif step.due_state in ("on_track", "due_soon"):
                due += f" ({wording.relative(step.due_at, now)})"
        ui.dueValue.setText(due)
        set_tone(ui.dueValue, STATE_TONES.get(step.due_state, "") if step.due_state in ("overdue", "due_soon") else "")
        form.setRowVisible(5, bool(due))
        completed = ""
        if step.completed_at is not None:
            completed = wording.when(step.completed_at)
            if step.completed_by:
                completed += f" by {step.completed_by}"
            if step.recurring and step.completions > 1:
                completed += f" (recorded {step.completions} times)"
            if step.status != "done":
                completed = f"Previously {completed}"
        ui.completedValue.setText(completed)
        form.setRowVisible(6, bool(completed))

    # --- who may do what -----------------------------------------------------------------------------

    def _base_refusal(self) -> str | None:
        detail = self.detail
        if detail is None:
            return "The case is still loading."
        if detail.status != "open":
            return "The case is closed, so its steps cannot change. A supervisor can reopen the case."
        if not detail.viewer_may_edit:
            if detail.viewer_role in ("auditor", "administrator"):
                return "Your role can view this case but not record its steps."
            return "You can view this case but not change it: it belongs to another team."
        return None

    def _refusal(self, what: str, step: StepView) -> str | None:
        """Why the viewer cannot do `what` to `step` now, or None when they can."""
        base = self._base_refusal()
        if what in ("agree", "refuse"):
            if self.session.actor.role.value != "supervisor":
                return "Only a supervisor of the team can agree or refuse that a mandatory step does not apply."
            if base:
                return base
            if not step.awaiting_agreement:
                return "Only a mandatory step marked not applicable and awaiting agreement can be agreed or refused."
            return None
        if what == "reopen":
            if self.session.actor.role.value != "supervisor":
                return SUPERVISOR_ONLY
            if base:
                return base
            if not settled(step):
                return "Only a done or not-applicable step can be reopened."
            return None
        if base:
            return base
        if not step.can_work:
            return f"Only {OWNER_PHRASES.get(step.role, 'the owner')} can work on step {step.number}."
        recurring_again = step.status == "done" and step.recurring
        if settled(step) and not (what == "done" and recurring_again):
            state = "done" if step.status == "done" else "marked not applicable"
            return f"Step {step.number} is already {state}. A supervisor can reopen it."
        if what == "done" and step.unmet_dependencies:
            return f"{waiting_text(step)}: it must be done, or marked not applicable, first."
        if what == "save" and does_not_apply(step):
            words = self.conditions.get(step.step_id, "") or condition_words(step.condition, None)
            return (
                f"Step {step.number} does not apply to this case now (it applies only when {words}), "
                "so there is no progress to save."
            )
        return None

    def _update_actions(self) -> None:
        step = self.current_step() if self.detail is not None else None
        is_supervisor = self.session.actor.role.value == "supervisor"
        self.ui.reopenButton.setVisible(is_supervisor)
        self.ui.agreeButton.setVisible(is_supervisor)
        self.ui.refuseButton.setVisible(is_supervisor)
        done_text = "&Done"
        if step is not None and step.status == "done" and step.recurring:
            done_text = "Record &again"
        elif step is not None and does_not_apply(step):
            done_text = "&Done anyway"  # recording it counts the step as done although its condition does not hold
        self.ui.doneButton.setText(done_text)
        self.done_action.setText(done_text)
        for name, (button, action, keys) in self._buttons.items():
            why = "Select a step first." if step is None else self._refusal(name, step)
            if self.busy and why is None:
                why = "Saving…"
            button.setEnabled(why is None)
            label = button.text().replace("&", "").rstrip("…")
            tip = action.toolTip()
            if name == "done" and step is not None and does_not_apply(step):
                tip, keys = "Record the step done although it does not apply now; it then counts as done", "Ctrl+Enter"
            shown = f"{label} ({keys})" if keys else label
            button.setToolTip(f"{shown}: {tip}" if why is None else f"{label} is not available: {why}")
            button.setAccessibleDescription(button.toolTip())

    # --- drafts --------------------------------------------------------------------------------------

    def _completed_changed(self) -> None:
        self._completed_touched = True
        set_invalid(self.completed_at.edit, False)

    def unsaved_steps(self) -> list[str]:
        """The numbers of the steps with evidence typed and not saved (the form shown, and drafts)."""
        ids = set(self._drafts)
        if self._shown_step and self.form.dirty:
            ids.add(self._shown_step)
        steps = self.detail.steps if self.detail else ()
        return [s.number for s in steps if s.step_id in ids]  # in procedure order

    def _stash_draft(self) -> None:
        if self._shown_step and self._shown_stamp is not None and self.form.dirty:
            self._drafts[self._shown_step] = (self._shown_stamp, self.form.values())

    # --- doing things --------------------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False) -> None:
        label = self.ui.message
        label.setText(text)
        label.setVisible(bool(text))
        if getattr(label, "_shown_error", None) is not error:  # re-styling is slow; every selection clears it
            label.setProperty("error", error)
            repolish(label)
            label._shown_error = error  # type: ignore[attr-defined]

    def _refuse_if_needed(self, what: str, step: StepView | None) -> StepView | None:
        if step is None:
            self.show_message("Select a step first.", error=True)
            return None
        if self.busy:
            return None
        why = self._refusal(what, step)
        if why is not None:
            self.show_message(why, error=True)
            return None
        return step
