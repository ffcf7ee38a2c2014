"""Electronic signatures as a service other use cases call.

Signing (21 CFR Part 11 style, see docs/security): the signer enters the password again at every signature
(a wrong one counts towards lockout, as at log-on); the signature records the printed name, role, UTC date
and time, meaning and an optional comment, and the SHA-256 of the canonical content it signs
(store/signed_content.py); it is written in the same transaction as the change it signs and its audit entry.
Later changes to that content make it "superseded", worked out by hashing the content again whenever it is
shown; nothing is deleted and nothing is silently still valid.

A use case that signs runs its change through `signed_change`, which checks the password first and calls
`add_signature` for whatever the change produced:

    def sign_off(ctx, actor, review_id, password):
        def change(session, now):
            review = ...                      # permission checks and the change itself
            return signatures.add_signature(session, actor, now, review, Meaning.REVIEWED, case_id=...)
        return signatures.signed_change(ctx, actor, password, "sign review", change)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.canonical import canonical_json, sha256_hex, state_hash
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.procedure.model import Role
from checklist_app.core.signatures import Meaning, SignatureState, manifestation
from checklist_app.services import accounts
from checklist_app.services import case_state as cs
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, InvalidInput
from checklist_app.store.audit import Operation, append, record
from checklist_app.store.models import Audited, AuditEntry, Signature, User, object_type_of
from checklist_app.store.signed_content import CONTENT_FORMAT, signed_content, signed_contents

T = TypeVar("T")
MAX_COMMENT = 2000


@dataclass(frozen=True, slots=True)
class SignatureView:
    id: int
    object_type: str
    object_id: int
    case_id: int | None
    meaning: str
    signer_id: int
    signer_name: str
    signer_role: str
    signed_at: datetime
    comment: str
    content_hash: str
    state: SignatureState

    @property
    def valid(self) -> bool:
        return self.state is SignatureState.VALID

    def line(self) -> str:
        """Printed name, role, meaning and UTC time, then the state: what screens and printouts show."""
        when = f"{self.signed_at:%d %b %Y %H:%M} UTC"
        return f"{manifestation(self.signer_name, self.signer_role, self.meaning, when)} [{self.state.value}]"


def signed_change(
    ctx: ServiceContext, actor: Actor, password: str, purpose: str, change: Callable[[Session, datetime], T]
) -> T:
    """Run `change(session, now)` in one write transaction after checking the signer's password.

    A wrong password changes nothing but the failure count (committed, audited) and raises
    AuthenticationFailed saying how many attempts are left, or that the account is now locked."""
    if actor.user_id <= 0:
        raise Conflict("Only a person signed in with their own account can sign; the command line cannot.")
    if not password:
        raise InvalidInput("Enter your password to sign.")
    now = ctx.now()
    refusal = None
    result: T | None = None
    with ctx.db.write() as session:
        refusal = accounts.reauthenticate(session, actor, password, now, purpose=purpose)
        if refusal is None:
            result = change(session, now)
    if refusal is not None:
        raise refusal
    return result  # type: ignore[return-value]  # set whenever nothing was refused; T may itself be None


def add_signature(
    session: Session,
    actor: Actor,
    now: datetime,
    obj: Audited,
    meaning: Meaning,
    *,
    case_id: int | None,
    comment: str = "",
) -> SignatureView:
    """Sign `obj` as it now stands in this transaction. Call only inside `signed_change`."""
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"The signature comment is too long (at most {MAX_COMMENT} characters).")
    session.flush()
    object_type = object_type_of(obj)
    content = signed_content(session.connection(), object_type, obj.id)
    if content is None:  # flushed just above, so only a caller's mistake gets here
        raise Conflict(f"{object_type} {obj.id} does not exist and cannot be signed.")
    user = session.get(User, actor.user_id)
    signature = Signature(
        object_type=object_type,
        object_id=obj.id,
        case_id=case_id,
        meaning=meaning.value,
        content_hash=sha256_hex(canonical_json(content)),
        content_format=CONTENT_FORMAT,
        signer_id=actor.user_id,
        signer_name=(user.display_name if user else actor.display_name)[:120],
        signer_role=Role(actor.role).value,
        signed_at=now,
        comment=comment,
    )
    session.add(signature)
    record(
        session,
        who(actor),
        signature,
        operation=Operation.COLLECTION,
        action="signature.sign",
        at=now,
        case_id=case_id,
        details={"meaning": meaning.value, "object_type": object_type, "object_id": obj.id},
    )
    return _view(signature, SignatureState.VALID)


def signatures_on(session: Session, object_type: str, object_ids: Iterable[int]) -> dict[int, list[SignatureView]]:
    """Every signature on the given records, oldest first, each with its state worked out now."""
    ids = list(object_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(Signature)
        .where(Signature.object_type == object_type, Signature.object_id.in_(ids))
        .order_by(Signature.signed_at, Signature.id)
    )
    sigs = list(rows)
    found: dict[int, list[SignatureView]] = {}
    # The signed records' contents as they stand now, read together; a record that is gone has none.
    contents = signed_contents(session.connection(), object_type, {sig.object_id for sig in sigs})
    current = {object_id: sha256_hex(canonical_json(content)) for object_id, content in contents.items()}
    recorded = _recorded_states(session, [sig.id for sig in sigs])
    for sig in sigs:
        holds = current.get(sig.object_id) == sig.content_hash and recorded.get(sig.id) == state_hash(sig.audit_state())
        found.setdefault(sig.object_id, []).append(
            _view(sig, SignatureState.VALID if holds else SignatureState.SUPERSEDED)
        )
    return found


def _recorded_states(session: Session, signature_ids: list[int]) -> dict[int, str | None]:
    """Each signature row's state as its audit entry recorded it. A row edited behind the app's back (the
    signer's name, the meaning, the hash it holds) no longer matches, and then it does not hold either:
    the content hash alone would not show a forged signer."""
    if not signature_ids:
        return {}
    entries = session.execute(
        select(AuditEntry.object_id, AuditEntry.state_hash)
        .where(AuditEntry.object_type == "signatures", AuditEntry.object_id.in_(signature_ids))
        .order_by(AuditEntry.seq)
    )
    # object_id is never null for a signature's entries: the filter above names signature rows.
    return {int(object_id): digest for object_id, digest in entries if object_id is not None}


def latest_valid(views: list[SignatureView], meaning: Meaning) -> SignatureView | None:
    return next((v for v in reversed(views) if v.meaning == meaning.value and v.valid), None)


def case_signatures(ctx: ServiceContext, actor: Actor, case_id: int) -> list[SignatureView]:
    """Every signature given on a case and its records, oldest first, with "valid" or "superseded".
    Reading them is a consultation of the case and is audited."""
    now = ctx.now()
    with ctx.db.write() as session:
        case = cs.get_case(session, case_id, ctx=ctx, actor=actor)
        require(actor, Action.CASE_VIEW, cs.scope_of(case))
        rows = list(
            session.scalars(
                select(Signature).where(Signature.case_id == case_id).order_by(Signature.signed_at, Signature.id)
            )
        )
        by_type: dict[str, set[int]] = {}
        for sig in rows:
            by_type.setdefault(sig.object_type, set()).add(sig.object_id)
        states: dict[int, SignatureState] = {}
        for object_type, ids in by_type.items():
            for views in signatures_on(session, object_type, ids).values():
                states.update({v.id: v.state for v in views})
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="signature.list",
            at=now,
            object_type="signatures",
            case_id=case_id,
            details={"count": len(rows)},
        )
        return [_view(sig, states[sig.id]) for sig in rows]


def _view(sig: Signature, state: SignatureState) -> SignatureView:
    return SignatureView(
        sig.id,
        sig.object_type,
        sig.object_id,
        sig.case_id,
        sig.meaning,
        sig.signer_id,
        sig.signer_name,
        sig.signer_role,
        sig.signed_at,
        sig.comment,
        sig.content_hash,
        state,
    )
