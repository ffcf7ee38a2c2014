"""Electronic signatures: what a signature can mean, and how its state is described.

A signature shows the printed name, the role, the date and time and the meaning (21 CFR 11.50 style); its
binding to the content is checked by re-hashing that content (store/signed_content.py).
"""

from __future__ import annotations

from enum import StrEnum


class Meaning(StrEnum):
    REVIEWED = "reviewed"
    APPROVED_FOR_CLOSURE = "approved for closure"
    AUDIT_COMPLETED = "audit completed"
    ADDENDUM = "addendum"
    MODERATED = "moderated"
    COUNTERSIGNED = "countersigned"
    AGREED_NOT_APPLICABLE = "agreed not applicable"


class SignatureState(StrEnum):
    VALID = "valid"  # the signed content hashes as it did when signed
    SUPERSEDED = "superseded"  # the content has changed since (or is gone): the signature no longer holds


def manifestation(printed_name: str, role: str, meaning: str, signed_at_text: str) -> str:
    """The one-line form shown on screen and in printouts: who, as what, meaning what, when."""
    return f"{meaning.capitalize()}: {printed_name} ({role}), {signed_at_text}"
