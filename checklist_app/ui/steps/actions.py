"""What the user can do to the selected step: the actions, their keys and menu, and running them through
`checklist_app.services.steps` (a mixin of `StepsPanel`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QSize,
    Qt,
)
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QPushButton

from checklist_app import paths
from checklist_app.core.signatures import Meaning
from checklist_app.services import steps as step_services
from checklist_app.services.dto import StepView
from checklist_app.services.errors import InvalidInput
from checklist_app.ui.dialogs import ReasonDialog
from checklist_app.ui.errors import explain
from checklist_app.ui.icons import icon, space_button_icon
from checklist_app.ui.steps.common import SUPERVISOR_ACTIONS, alive
from checklist_app.ui.steps.fields import set_invalid
from checklist_app.ui.steps.models import does_not_apply
from checklist_app.ui.supervision.sign_dialog import SignDialog


class StepActions:
    """The actions half of `StepsPanel`."""

    # --- actions and keys ----------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], None], keys: list[str], tip: str, icon_name: str = "") -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        ui = self.ui
        self.done_action = self._action(
            "&Done", self.complete, ["Ctrl+Return", "Ctrl+Enter"], "Complete the step with its evidence", "done"
        )
        self.save_action = self._action(
            "&Save progress", self.save_progress, ["Ctrl+S"], "Save the evidence so far; the step stays open", "save"
        )
        self.not_applicable_action = self._action(
            "&Not applicable…",
            self.mark_not_applicable,
            ["Ctrl+Shift+N"],
            "Record that the step does not apply to this case, with the reason",
            "not-applicable",
        )
        self.blocked_action = self._action(
            "&Blocked…", self.mark_blocked, ["Ctrl+B"], "Record that the step cannot progress, and why", "blocked"
        )
        self.reopen_action = self._action(
            "&Reopen…", self.reopen, ["Ctrl+Shift+R"], "Reopen a done or not-applicable step (supervisors)", "reopen"
        )
        self.agree_action = self._action(
            "&Agree not applicable…",
            self.agree_not_applicable,
            [],
            "Agree, signing, that this mandatory step does not apply (supervisors)",
        )
        self.refuse_action = self._action(
            "Re&fuse not applicable…",
            self.refuse_not_applicable,
            [],
            "Refuse, with a reason, that this mandatory step does not apply: it goes back to the officer",
        )
        # Not in the .ui file: shown only to supervisors, beside Reopen.
        ui.agreeButton, ui.refuseButton = QPushButton(ui.actionBar), QPushButton(ui.actionBar)
        for button, action, name in (
            (ui.agreeButton, self.agree_action, "agreeButton"),
            (ui.refuseButton, self.refuse_action, "refuseButton"),
        ):
            button.setObjectName(name)
            button.setText(action.text())
            ui.actionBar.layout().addWidget(button)
        self._buttons: dict[str, tuple[QPushButton, QAction, str]] = {
            "done": (ui.doneButton, self.done_action, "Space in the step list, or Ctrl+Enter"),
            "save": (ui.saveButton, self.save_action, "Ctrl+S"),
            "not_applicable": (ui.notApplicableButton, self.not_applicable_action, "Ctrl+Shift+N"),
            "blocked": (ui.blockedButton, self.blocked_action, "Ctrl+B"),
            "reopen": (ui.reopenButton, self.reopen_action, "Ctrl+Shift+R"),
            "agree": (ui.agreeButton, self.agree_action, ""),
            "refuse": (ui.refuseButton, self.refuse_action, ""),
        }
        for button, action, _keys in self._buttons.values():
            button.setIcon(action.icon())
            button.clicked.connect(action.trigger)
        # The primary button is navy: a white tick, grey when disabled.
        done_icon = QIcon()
        with paths.as_path(paths.resource("icons", "done-white.svg")) as white:
            done_icon.addFile(str(white), QSize(), QIcon.Mode.Normal)
        with paths.as_path(paths.resource("icons", "done-grey.svg")) as grey:
            done_icon.addFile(str(grey), QSize(), QIcon.Mode.Disabled)
        ui.doneButton.setIcon(done_icon)
        for button, _action, _keys in self._buttons.values():
            space_button_icon(button)
        # Phases from anywhere in the tab; Escape from the form goes back to the step list.
        for keys, slot in (
            ("Ctrl+Down", self.next_phase),
            ("Ctrl+Up", self.previous_phase),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            ui.detailPane,
            self.focus_table,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    def step_menu(self) -> QMenu:
        """The selected step's actions, with their keys, as a menu (right-click or the Menu key)."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        evidence = menu.addAction("Go to the &evidence")
        evidence.setShortcut(QKeySequence(Qt.Key.Key_Return))
        evidence.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        evidence.setEnabled(self.current_step() is not None)
        evidence.triggered.connect(self.focus_form)
        menu.addSeparator()
        step = self.current_step()
        space_done = step is None or not does_not_apply(step)  # Space does not record a step that does not apply
        for name, (button, action, keys) in self._buttons.items():
            if name in SUPERVISOR_ACTIONS and self.session.actor.role.value != "supervisor":
                continue
            item = menu.addAction(action.icon(), button.text())
            if name == "done":
                keys = "Space" if space_done else "Ctrl+Enter"
            item.setShortcut(QKeySequence(keys))
            item.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # shown, not live: the panel's are
            item.setEnabled(button.isEnabled())
            item.setToolTip(button.toolTip())
            item.triggered.connect(action.trigger)
        return menu

    # --- data in -------------------------------------------------------------------------------------

    def complete(self) -> None:
        step = self._refuse_if_needed("done", self.current_step())
        if step is None:
            return
        missing = self.form.missing_required()
        if missing:
            self.form.mark_invalid({f.id for f in missing})
            names = ", ".join(f.label for f in missing)
            self.show_message(
                f"Step {step.number} needs its required evidence before it can be completed: {names}. "
                "Nothing was saved.",
                error=True,
            )
            widget = self.form.focus_widget(missing[0].id)
            if widget is not None:
                self._focus(widget)
            return
        evidence = self.form.values()
        completed_at = self.completed_at.value() if self._completed_touched else None
        again = step.status == "done"
        self._run(
            step,
            f"Step {step.number} recorded again." if again else f"Step {step.number} done.",
            step_services.complete_step,
            evidence,
            completed_at=completed_at,
        )

    def complete_from_list(self) -> None:
        """Space in the step list: a quick Done, but not for a step that does not apply (recording that one
        is a deliberate act, with its own button text)."""
        step = self.current_step()
        if step is not None and does_not_apply(step):
            self.show_message(
                f"Step {step.number} does not apply to this case now. To record it done all the same, "
                "use Done anyway (Ctrl+Enter).",
                error=True,
            )
            return
        self.complete()

    def save_progress(self) -> None:
        step = self._refuse_if_needed("save", self.current_step())
        if step is None:
            return
        evidence = self.form.values()
        self._run(step, f"Progress on step {step.number} saved.", step_services.save_progress, evidence)

    def _ask_reason(self, title: str, prompt: str) -> str | None:
        reason = ReasonDialog.ask(self, title, prompt)
        return reason.strip() if reason and reason.strip() else None

    def mark_not_applicable(self) -> None:
        self._with_reason(
            "not_applicable",
            "Step not applicable",
            "Why does step {number}, “{title}”, not apply to this case?\n"
            "Auditors read this reason, so say what you checked.",
            step_services.mark_not_applicable,
            "Step {number} marked not applicable.",
        )

    def mark_blocked(self) -> None:
        self._with_reason(
            "blocked",
            "Step blocked",
            "What is stopping step {number}, “{title}”?\n"
            "For example: waiting for a partner agency, or a system not available.",
            step_services.mark_blocked,
            "Step {number} marked blocked.",
        )

    def reopen(self) -> None:
        self._with_reason(
            "reopen",
            "Reopen step",
            "Why are you reopening step {number}, “{title}”?\n"
            "Its evidence is kept for the officer to revise; earlier values stay in the audit trail.",
            step_services.reopen_step,
            "Step {number} reopened.",
        )

    def agree_not_applicable(self) -> SignDialog | None:
        """Agreement is an electronic signature: the supervisor re-enters their password in the shared dialog."""
        step = self._refuse_if_needed("agree", self.current_step())
        if step is None or self.detail is None:
            return None
        summary = (
            f"Case {self.detail.reference}, step {step.number} “{step.title}” (mandatory), marked not applicable.\n\n"
            f"Reason given:\n{step.reason}\n\nAgreeing means the step no longer counts as open for closure."
        )
        dialog = SignDialog(self, self.session, Meaning.AGREED_NOT_APPLICABLE.value, summary)
        dialog.setWindowTitle("Agree that a step does not apply")
        step_id, number = step.step_id, step.number
        dialog.sign_with(
            step_services.agree_not_applicable,
            self.case_id,
            step_id,
            done=lambda _view: (
                self._succeeded(step_id, f"Agreed that step {number} does not apply.") if alive(self) else None
            ),
            error=lambda exc: self._failed(exc) if alive(self) else None,
            changed_case=self.case_id,
        )
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def refuse_not_applicable(self) -> None:
        self._with_reason(
            "refuse",
            "Refuse not applicable",
            "Why does step {number}, “{title}”, apply after all?\n"
            "The step goes back to the officer as in progress, with your reason.",
            step_services.refuse_not_applicable,
            "Step {number}: not applicable refused; it is back with the officer.",
        )

    def _with_reason(self, what: str, title: str, prompt: str, service: Callable[..., Any], success: str) -> None:
        """The three actions that need a reason: ask for it, then call `service` with it."""
        step = self._refuse_if_needed(what, self.current_step())
        if step is None:
            return
        reason = self._ask_reason(title, prompt.format(number=step.number, title=step.title))
        if reason is None:
            self.focus_table()
            return
        self._run(step, success.format(number=step.number), service, reason)

    def _run(self, step: StepView, success: str, use_case: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """`use_case(ctx, actor, case_id, step_id, *args, **kwargs)` for `step`, saying `success` when done."""
        self.busy = True
        self.form.clear_invalid()
        set_invalid(self.completed_at.edit, False)
        self.show_message("Saving…")
        self._update_actions()
        step_id = step.step_id
        self.session.run(
            self,
            use_case,
            self.case_id,
            step_id,
            *args,
            done=lambda _view: self._succeeded(step_id, success),
            error=self._failed,
            changed_case=self.case_id,
            **kwargs,
        )

    def _succeeded(self, step_id: str, text: str) -> None:
        # Still busy until the reloaded case arrives (show_detail): a second Space cannot act on the old state.
        self._drafts.pop(step_id, None)
        self.form.dirty = False
        if step_id == self.step_id:
            self._rebuild_next = True
        self.show_message(text)
        self._update_actions()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_actions()
        if not isinstance(exc, InvalidInput):
            self.show_message(explain(exc).message, error=True)
            return
        fields = {p.field for p in exc.problems}
        self.form.mark_invalid(fields & set(self.form.editors))
        set_invalid(self.completed_at.edit, "completed_at" in fields)
        lines = "\n".join(f"• {p}" if p.label else f"• {p.message}" for p in exc.problems)
        self.show_message(f"Nothing was saved. Please check:\n{lines}", error=True)
        first = next((p.field for p in exc.problems if p.field in self.form.editors), None)
        target = self.form.focus_widget(first) if first else None
        if target is None and "completed_at" in fields:
            target = self.completed_at.edit
        if target is not None:
            self._focus(target)
