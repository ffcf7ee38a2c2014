"""The case workspace's Supervision tab: the case's supervisory reviews (with the selected one's checklist,
findings and signatures in full), the actions supervisors directed (owner, due, status, overdue marked),
and every signature on the case with its state, valid or superseded. Supervisors start or continue a
review from here ("Review case…"); the owner of a directed action completes it here with a note.

The tab follows the record tabs' interface (ui/tabs/__init__.py) but loads its records itself, on the
worker thread, every time the workspace hands it the reloaded case; `summary_changed(title, open, mine,
overdue)` then tells the workspace what to show on the tab and in the case header.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.permissions import Action, Actor
from checklist_app.core.procedure.model import Procedure, Role
from checklist_app.core.signatures import SignatureState
from checklist_app.services import reviews, signatures
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseDetail
from checklist_app.services.reviews import DirectedActionView, ReviewView
from checklist_app.services.signatures import SignatureView
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.actions_dialog import CompleteActionDialog
from checklist_app.ui.supervision.actions_view import ActionsTable
from checklist_app.ui.supervision.review_screen import ANSWER_LABELS, ReviewScreen
from checklist_app.ui.supervision.signatures_view import SignaturesTable
from checklist_app.ui.tabs.common import refusal
from checklist_app.ui.widgets.looks import chip_html, esc, fit_bold
from checklist_app.ui.widgets.messages import set_message, show_failure
from checklist_app.ui.widgets.record_table import Column, RowsModel, replace_rows, selected_id, setup_table


class LineLabel(QLabel):
    """A wrapped label that does not make its layout height-for-width: otherwise the main window's scroll
    area sizes the whole tab by its preferred height and the tab scrolls instead of fitting the window."""

    def hasHeightForWidth(self) -> bool:
        return False


Loaded = tuple[list[ReviewView], list[DirectedActionView], list[SignatureView]]


def review_state(review: ReviewView) -> str:
    if review.status == "signed":
        return "Signed"
    if review.signatures:
        return "Changed after signing"
    return "Draft"


def review_tone(review: ReviewView) -> str:
    if review.status == "signed" and all(s.valid for s in review.signatures[-1:]):
        return "ok"
    return "overdue" if review.signatures else "soon"


def signature_text(review: ReviewView) -> str:
    """The latest signature's state, and how many earlier ones the review's changes superseded."""
    if not review.signatures:
        return "Not signed"
    text = review.signatures[-1].state.value.capitalize()
    superseded = sum(1 for s in review.signatures[:-1] if not s.valid)
    return text + (f"; {superseded} earlier superseded" if superseded else "")


def signature_tip(review: ReviewView) -> str:
    return "\n".join(s.line() for s in review.signatures) or "Not signed yet."


def signature_tone(review: ReviewView) -> str:
    if not review.signatures:
        return "muted"
    return "ok" if review.signatures[-1].valid else "overdue"


def directions_text(review: ReviewView) -> str:
    still = sum(1 for a in review.actions if a.status == "open")
    return f"{len(review.actions)} ({still} open)" if review.actions else "None"


def load_records(ctx: ServiceContext, actor: Actor, case_id: int) -> Loaded:
    """What the tab shows (on the worker thread): the case's reviews, directed actions and signatures."""
    return (
        reviews.case_reviews(ctx, actor, case_id),
        reviews.case_actions(ctx, actor, case_id),
        signatures.case_signatures(ctx, actor, case_id),
    )


def action_summary(actions: list[DirectedActionView], viewer_id: int) -> tuple[str, int, int, int]:
    """The tab's title, and the open directed actions: how many, how many the viewer owns, how many overdue."""
    open_actions = [a for a in actions if a.status == "open"]
    mine = sum(1 for a in open_actions if a.owner_id == viewer_id)
    overdue = sum(1 for a in open_actions if a.overdue)
    title = f"Supervision ({len(open_actions)} open)" if open_actions else "Supervision"
    return title, len(open_actions), mine, overdue


class SupervisionTab(QWidget):
    """Reviews, directed actions and signatures of one case."""

    summary_changed = Signal(str, int, int, int)  # tab title, open actions, open actions of the viewer, overdue
    icon_name = "supervision"

    def __init__(self, session: AppSession, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.case_id = session, case_id
        self.detail: CaseDetail | None = None
        self.procedure: Procedure | None = None
        self.screen: ReviewScreen | None = None
        self.title = "Supervision"
        self._loading = 0
        self._select_review: int | None = None
        self.reviews: list[ReviewView] = []
        self.setObjectName("supervisionTab")
        self._build()
        self._apply_permissions()
        session.case_changed.connect(self._case_changed)

    # --- layout ----------------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.summary = LineLabel("Loading the case's supervision…")
        self.summary.setObjectName("supervisionSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        top.addWidget(self.summary, 1)
        self.review_button = QPushButton("&Review case…")
        self.review_button.setObjectName("reviewCase")
        self.review_button.setProperty("primary", True)
        fit_bold(self.review_button)
        self.review_button.clicked.connect(self.open_review)
        self.complete_button = QPushButton("Com&plete action…")
        self.complete_button.setObjectName("completeAction")
        self.complete_button.clicked.connect(self.complete_selected)
        top.addWidget(self.complete_button, 0, Qt.AlignmentFlag.AlignTop)
        self.amend_button = QPushButton("Amen&d review…")
        self.amend_button.setObjectName("amendReviewTab")
        self.amend_button.clicked.connect(self.amend_selected)
        top.addWidget(self.amend_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.note = LineLabel()
        self.note.setWordWrap(True)
        self.note.setProperty("role", "hint")
        layout.addWidget(self.note)
        self.message = LineLabel()
        set_message(self.message, "")
        layout.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        reviews_group = QGroupBox("Supervisory reviews")
        reviews_layout = QHBoxLayout(reviews_group)
        inner = QSplitter(Qt.Orientation.Horizontal)
        inner.setChildrenCollapsible(False)
        self.reviews_table = QTableView()
        self.reviews_table.setObjectName("reviewsTable")
        self.reviews_model = RowsModel(
            (
                Column(
                    "Started", lambda r: wording.short_when(r.started_at), tooltip=lambda r: wording.when(r.started_at)
                ),
                Column("Kind", lambda r: r.kind.capitalize()),
                Column("Reviewer", lambda r: r.reviewer_name),
                Column("Status", review_state, tone=review_tone),
                Column("Completes", lambda r: ", ".join(r.completes_steps) or "–"),
                Column("Directions", directions_text),
                Column("Signature", signature_text, tone=signature_tone, tooltip=signature_tip, stretch=True),
            ),
            self,
        )
        setup_table(self.reviews_table, self.reviews_model)
        empty_hint(self.reviews_table, "No supervisory reviews yet: a supervisor starts one with Review case…")
        self.reviews_table.selectionModel().selectionChanged.connect(self._show_review)
        self.reviews_table.selectionModel().selectionChanged.connect(self._apply_permissions)
        self.reviews_table.doubleClicked.connect(lambda _index: self.open_review())
        inner.addWidget(self.reviews_table)
        self.review_detail = QTextBrowser()
        self.review_detail.setObjectName("reviewDetail")
        self.review_detail.setOpenLinks(False)
        inner.addWidget(self.review_detail)
        inner.setSizes([5500, 4500])
        reviews_layout.addWidget(inner)
        splitter.addWidget(reviews_group)

        actions_group = QGroupBox("Directed actions")
        actions_layout = QVBoxLayout(actions_group)
        self.actions = ActionsTable()
        empty_hint(self.actions, "No actions directed on this case. A supervisor directs them in a review.")
        self.actions.selectionModel().selectionChanged.connect(self._apply_permissions)
        self.actions.doubleClicked.connect(lambda _index: self.complete_selected())
        actions_layout.addWidget(self.actions)
        splitter.addWidget(actions_group)

        signatures_group = QGroupBox("Signatures on this case")
        signatures_layout = QVBoxLayout(signatures_group)
        legend = QLabel(
            "Every signature given on the case stays listed. <b>Valid</b>: the signed record is unchanged. "
            "<b style='color:#a4161a'>SUPERSEDED</b>: the record changed after it was signed, so the signature "
            "no longer vouches for it and it must be signed again."
        )
        legend.setWordWrap(True)
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setProperty("role", "hint")
        signatures_layout.addWidget(legend)
        self.signatures = SignaturesTable()
        empty_hint(self.signatures, "No signatures on this case yet.")
        signatures_layout.addWidget(self.signatures)
        splitter.addWidget(signatures_group)
        splitter.setSizes([3000, 3000, 3000])
        # Three tables need more height than a 150 % screen leaves: they scroll here, not the whole window,
        # each keeping a few rows in view.
        splitter.setMinimumHeight(self.fontMetrics().height() * 30)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(splitter)
        layout.addWidget(scroll, 1)
        self.setFocusProxy(self.reviews_table)

    def sizeHint(self) -> QSize:
        # The case sections are a stack sized by its pages' preferred heights: ask for no more than the
        # tab needs, so the workspace fits the window and the splitter shares out the rest.
        hint = super().sizeHint()
        return QSize(hint.width(), self.minimumSizeHint().height())

    # --- the workspace's interface ---------------------------------------------------------------------

    def tab_title(self, detail: CaseDetail) -> str:
        return self.title

    def show_detail(self, detail: CaseDetail, procedure: Procedure) -> None:
        self.detail, self.procedure = detail, procedure
        self._apply_permissions()
        self.reload()

    def reload(self) -> None:
        self._loading += 1
        ticket = self._loading

        self.session.run(
            self,
            load_records,
            self.case_id,
            done=lambda result: self._loaded(result) if ticket == self._loading else None,
            error=lambda exc: show_failure(self.message, exc) if ticket == self._loading else None,
        )

    def show_loaded(self, detail: CaseDetail, procedure: Procedure, records: Loaded) -> None:
        """`show_detail` with the tab's records already loaded (the workspace loads them with the case)."""
        self.detail, self.procedure = detail, procedure
        self._loading += 1  # the answer of a reload still on its way is older than these
        self._apply_permissions()
        self._loaded(records)

    def _loaded(self, result: Loaded) -> None:
        found, actions, sigs = result
        self.reviews = found
        prefer, self._select_review = self._select_review, None
        replace_rows(self.reviews_table, self.reviews_model, found, prefer)
        self.actions.show_actions(actions)
        self.signatures.show_signatures(sigs)
        self._show_review()
        self.title, open_count, mine, overdue = action_summary(actions, self.session.actor.user_id)
        open_actions = [a for a in actions if a.status == "open"]
        superseded = sum(1 for s in sigs if s.state is SignatureState.SUPERSEDED)
        parts = [f"{len(found)} review{'s' if len(found) != 1 else ''}"]
        signed = [r for r in found if r.status == "signed"]
        if signed:
            parts.append(
                f"last signed {wording.day(signed[0].signatures[-1].signed_at) if signed[0].signatures else ''}"
            )
        parts.append(f"{len(open_actions)} open action{'s' if len(open_actions) != 1 else ''}")
        html = esc(" · ".join(parts))
        if overdue:
            html += " " + chip_html(f"{overdue} overdue", "overdue")
        if mine:
            html += " " + chip_html(f"{mine} for you", "soon")
        if superseded:
            html += " " + chip_html(f"{superseded} superseded signature{'s' if superseded != 1 else ''}", "overdue")
        self.summary.setText(html)
        self._apply_permissions()
        self.summary_changed.emit(self.title, open_count, mine, overdue)

    def select_review(self, review_id: int) -> None:
        """Show the given review (after the next load when it is not listed yet)."""
        position = self.reviews_model.position_of(review_id)
        if position >= 0:
            self.reviews_table.selectRow(position)
        else:
            self._select_review = review_id

    # --- showing ---------------------------------------------------------------------------------------

    def _selected_review(self) -> ReviewView | None:
        chosen = selected_id(self.reviews_table)
        return next((r for r in self.reviews if r.id == chosen), None)

    def _show_review(self) -> None:
        review = self._selected_review()
        if review is None:
            text = "No supervisory review has been recorded on this case yet." if not self.reviews else ""
            self.review_detail.setHtml(f"<p style='color:#4a5868'>{esc(text)}</p>")
            return
        rows = "".join(
            f"<tr><td>{esc(c.text)}</td><td><b>{esc(ANSWER_LABELS.get(c.answer, 'not answered'))}</b></td>"
            f"<td>{esc(c.note)}</td></tr>"
            for c in review.checklist
        )
        completes = ", ".join(review.completes_steps)
        steps = ""
        if completes:
            verb = "Completed" if review.status == "signed" else "Completes when signed:"
            steps = f"<p>{verb} step{'s' if len(review.completes_steps) > 1 else ''} {esc(completes)}.</p>"
        sig_lines = "".join(
            "<p>"
            + chip_html("valid" if s.valid else "SUPERSEDED", "ok" if s.valid else "overdue")
            + f" {esc(s.line().rsplit(' [', 1)[0])}</p>"
            for s in review.signatures
        )
        self.review_detail.setHtml(
            f"<p style='color:#4a5868'><b>Review #{review.id}</b> · {esc(review.kind)} · started "
            f"{esc(wording.when(review.started_at))} by {esc(review.reviewer_name)} · "
            f"<b>{esc(review_state(review))}</b></p>{steps}"
            f"<table cellspacing='0' cellpadding='3' border='0' width='100%'>{rows}</table>"
            "<p style='color:#1f3a5f; font-weight:600; margin-bottom:2px'>Findings</p>"
            f"<p>{esc(review.findings or '(none written yet)')}</p>"
            + (sig_lines or "<p style='color:#4a5868'>Not signed.</p>")
        )

    def _apply_permissions(self) -> None:
        detail, session = self.detail, self.session
        may_review = session.may(Action.REVIEW_RECORD)
        self.review_button.setVisible(may_review)
        reason = refusal(session, detail, Action.REVIEW_RECORD) if may_review else ""
        self.review_button.setEnabled(may_review and not reason)
        self.review_button.setToolTip(
            reason or "Review the case: the review checklist, findings, directions to the team, then sign-off."
        )
        chosen = self._selected_review()
        self.amend_button.setVisible(may_review)
        why_not_amend = reason or self._why_not_amend(chosen)
        self.amend_button.setEnabled(may_review and not why_not_amend)
        self.amend_button.setToolTip(
            why_not_amend or "Amend the selected signed review: its signature is superseded and you sign again."
        )
        may_complete = session.may(Action.DIRECTION_COMPLETE)
        self.complete_button.setVisible(may_complete)
        why = self._why_not_complete(self.actions.selected()) if may_complete else ""
        self.complete_button.setEnabled(may_complete and not why)
        self.complete_button.setToolTip(why or "Complete the selected action with a note of what was done.")
        notes = []
        if not may_review and not may_complete:
            role = wording.ROLE_LABELS.get(session.actor.role.value, session.actor.role.value)
            notes.append(f"Read only: your role ({role}) can view the case's supervision but not change it.")
        elif reason and may_review:
            notes.append(reason)
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    def _why_not_amend(self, review: ReviewView | None) -> str:
        if review is None:
            return "Select a signed review in the list first."
        if review.status != "signed":
            return "The selected review is a draft: Review case… opens it for changes."
        if review.reviewer_id != self.session.actor.user_id:
            return f"The selected review is {review.reviewer_name}'s: only its reviewer can amend it."
        return ""

    def _why_not_complete(self, action: DirectedActionView | None) -> str:
        reason = refusal(self.session, self.detail, Action.DIRECTION_COMPLETE)
        if reason:
            return reason
        if action is None:
            return "Select an action in the list first."
        if action.status != "open":
            return "The selected action is already completed."
        actor = self.session.actor
        if actor.role is not Role.SUPERVISOR and action.owner_id != actor.user_id:
            return f"The selected action is {action.owner_name}'s: only its owner or a supervisor can complete it."
        return ""

    # --- actions ---------------------------------------------------------------------------------------

    def open_review(self) -> None:
        """Supervisors: open their review of the case (a new draft, or the one under way)."""
        if not self.review_button.isEnabled() or self.detail is None:
            return
        if self.screen is not None and shiboken6.isValid(self.screen):
            self.screen.raise_()
            self.screen.activateWindow()
            return
        # Parented to the tab: a window of its own that closes with the case.
        screen = ReviewScreen(self.session, self.detail, self.procedure, self)
        self.screen = screen
        screen.show()

    def amend_selected(self) -> None:
        """Open the selected signed review in the review screen, where Amend… makes it changeable."""
        review = self._selected_review()
        if review is None or self.detail is None or not self.amend_button.isEnabled():
            return
        if self.screen is not None and shiboken6.isValid(self.screen):
            self.screen.close()
        screen = ReviewScreen(self.session, self.detail, self.procedure, self, review_id=review.id)
        self.screen = screen
        screen.show()

    def _case_changed(self, case_id: int) -> None:
        """A change to this case (the workspace reloads it): select the review the open review screen shows."""
        if case_id != self.case_id:
            return
        if self.screen is not None and shiboken6.isValid(self.screen) and self.screen.review is not None:
            self._select_review = self.screen.review.id

    def complete_selected(self) -> None:
        action = self.actions.selected()
        if action is None or not self.complete_button.isEnabled():
            return
        dialog = CompleteActionDialog(self.session, action, self)
        dialog.changed_case = self.case_id
        dialog.completed.connect(self._completed)
        self.dialog = dialog
        dialog.open()

    def _completed(self, view: DirectedActionView) -> None:
        set_message(self.message, f"Action completed: {view.description}", error=False)
