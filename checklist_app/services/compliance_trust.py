"""Which signed case audits the compliance report may count by grade: those whose "audit completed"
signature still matches what the audit holds. A grade changed outside the app (by SQL) breaks that match;
`checklist-app verify` names such an audit, and the report counts it apart, as "grade not trusted", never
in the grade figures.

Three queries for the whole period, however many audits: the audits with their signed fields and signature
hashes, their signed remedial actions, and the addenda that revised a grade (an audit counts by its grade as
it now stands; an addendum whose signature does not match puts its audit among the not trusted). The
content is hashed in Python with the same builder the signatures use (store/signed_content.py), so the
report and `verify` cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from checklist_app.core.signatures import Meaning
from checklist_app.services.compliance_figures import Period
from checklist_app.services.compliance_timing import utc_value
from checklist_app.store.models import AuditAddendum, Base, Case, CaseAudit, Signature, object_type_of, table_of
from checklist_app.store.signed_content import content_of, hash_of


def audit_grades(
    session: Session, ids: tuple[int, ...], p: Period
) -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    """({(district id, overall grade): audits whose signature matches}, {district id: audits whose does not})
    for the audits signed in the period in the given districts. An audit without its signature counts as not
    trusted too."""
    audits = table_of(CaseAudit)
    kind = object_type_of(CaseAudit)
    in_period = and_(
        audits.c.status == "signed",
        audits.c.signed_at >= utc_value(p.start_at),
        audits.c.signed_at < utc_value(p.end_at),
        Case.district_id.in_(ids),
    )
    rows = session.execute(
        select(
            audits.c.id,
            Case.district_id,
            Signature.content_hash,
            *(audits.c[f] for f in CaseAudit.SIGNED_FIELDS),
        )
        .join(Case, Case.id == audits.c.case_id)
        .outerjoin(
            Signature,
            and_(
                Signature.object_type == kind,
                Signature.object_id == audits.c.id,
                Signature.meaning == Meaning.AUDIT_COMPLETED.value,
            ),
        )
        .where(in_period)
    ).mappings()
    found: dict[int, tuple[int, dict[str, Any]]] = {}
    hashes: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        found[row["id"]] = (row["district_id"], {f: row[f] for f in CaseAudit.SIGNED_FIELDS})
        if row["content_hash"] is not None:
            hashes[row["id"]].add(row["content_hash"])
    children: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    if found:
        period_audits = select(audits.c.id).join(Case, Case.id == audits.c.case_id).where(in_period)
        for child_name, foreign_key, child_fields in CaseAudit.SIGNED_CHILDREN:
            child = Base.metadata.tables[child_name]
            for child_row in session.execute(
                select(child.c[foreign_key].label("parent"), child.c.id, *(child.c[f] for f in child_fields))
                .where(child.c[foreign_key].in_(period_audits))
                .order_by(child.c.id)
            ).mappings():
                children[child_row["parent"]][child_name].append({k: child_row[k] for k in ("id", *child_fields)})
    revised = revised_grades(session, select(audits.c.id).join(Case, Case.id == audits.c.case_id).where(in_period))
    trusted: dict[tuple[int, str], int] = defaultdict(int)
    untrusted: dict[int, int] = defaultdict(int)
    for audit_id, (district_id, fields) in found.items():
        kids = {name: children[audit_id][name] for name, _fk, _f in CaseAudit.SIGNED_CHILDREN}
        grade = revised.get(audit_id, str(fields["overall_grade"]))
        if grade is not None and hash_of(content_of(kind, audit_id, fields, kids)) in hashes[audit_id]:
            trusted[(district_id, grade)] += 1
        else:
            untrusted[district_id] += 1
    return dict(trusted), dict(untrusted)


def revised_grades(session: Session, audit_ids: Any) -> dict[int, str | None]:
    """{audit id: the grade its latest grade-revising addendum gives, or None when that addendum's signature
    does not match it} for the audits `audit_ids` (a subquery) that an addendum revised. An audit counts by
    its grade as it now stands, as the audit form and the casework report show it, not as first signed."""
    addenda = table_of(AuditAddendum)
    kind = object_type_of(AuditAddendum)
    rows = session.execute(
        select(addenda.c.id, Signature.content_hash, *(addenda.c[f] for f in AuditAddendum.SIGNED_FIELDS))
        .outerjoin(
            Signature,
            and_(
                Signature.object_type == kind,
                Signature.object_id == addenda.c.id,
                Signature.meaning == Meaning.ADDENDUM.value,
            ),
        )
        .where(addenda.c.audit_id.in_(audit_ids), addenda.c.revised_grade != "")
        .order_by(addenda.c.id)
    ).mappings()
    latest: dict[int, tuple[int, dict[str, Any], set[str]]] = {}
    for row in rows:
        audit_id = row["audit_id"]
        if audit_id not in latest or latest[audit_id][0] != row["id"]:
            latest[audit_id] = (row["id"], {f: row[f] for f in AuditAddendum.SIGNED_FIELDS}, set())
        if row["content_hash"] is not None:
            latest[audit_id][2].add(row["content_hash"])
    return {
        audit_id: str(fields["revised_grade"]) if hash_of(content_of(kind, addendum_id, fields, {})) in sigs else None
        for audit_id, (addendum_id, fields, sigs) in latest.items()
    }
