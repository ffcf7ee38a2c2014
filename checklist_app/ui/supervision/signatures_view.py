"""Every signature on a case in one table: who signed, as what, what they signed, when, and whether the
signature still holds. A superseded signature (its content changed after signing) stays listed, marked
in red, with what that means in its tooltip: signatures are never hidden or silently still valid."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView, QWidget

from checklist_app.core import wording
from checklist_app.core.signatures import SignatureState
from checklist_app.services.signatures import SignatureView
from checklist_app.ui.widgets.record_table import Column, RowsModel, replace_rows, setup_table

# What each signed record type is called on screen.
RECORD_NAMES = {
    "supervisory_reviews": "Supervisory review",
    "cases": "Case closure",
    "case_audits": "Casework audit",
    "audit_addenda": "Audit addendum",
    "risk_assessments": "Risk assessment",
    "step_records": "Step",
}

SUPERSEDED_TIP = (
    "Superseded: the record was changed after it was signed, so this signature no longer vouches for it. "
    "It stays on record; the record must be signed again."
)


def record_text(sig: SignatureView) -> str:
    name = RECORD_NAMES.get(sig.object_type, sig.object_type.replace("_", " ").capitalize())
    return f"{name} #{sig.object_id}"


def state_text(sig: SignatureView) -> str:
    return "Valid" if sig.state is SignatureState.VALID else "SUPERSEDED"


def state_tone(sig: SignatureView) -> str:
    return "ok" if sig.state is SignatureState.VALID else "overdue"


def state_tip(sig: SignatureView) -> str:
    if sig.state is SignatureState.VALID:
        return "Valid: the record is exactly as it was when signed."
    return SUPERSEDED_TIP


class SignaturesTable(QTableView):
    """The case's signatures, oldest first, each with its state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturesTable")
        self.model_ = RowsModel(
            (
                Column(
                    "Signed", lambda s: wording.short_when(s.signed_at), tooltip=lambda s: wording.when(s.signed_at)
                ),
                Column("Printed name", lambda s: s.signer_name),
                Column("Role", lambda s: wording.ROLE_LABELS.get(s.signer_role, s.signer_role)),
                Column("Meaning", lambda s: s.meaning.capitalize()),
                Column("Record signed", record_text, tooltip=lambda s: f"{record_text(s)}\nSHA-256 {s.content_hash}"),
                Column("State", state_text, tone=state_tone, tooltip=state_tip, centre=True),
                Column("Comment", lambda s: " ".join(s.comment.split()), tooltip=lambda s: s.comment, stretch=True),
            ),
            self,
        )
        setup_table(self, self.model_)

    def show_signatures(self, rows: list[SignatureView]) -> None:
        replace_rows(self, self.model_, rows)

    @property
    def rows(self) -> list[SignatureView]:
        return list(self.model_.rows)
