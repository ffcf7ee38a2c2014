"""The child a case is about: the pseudonymous subject reference (never a name) and the age bands.

The one rule the wizard checks as the user types and the service enforces when the case is opened."""

from __future__ import annotations

import re

from checklist_app.core.facts import AGE_BANDS

SUBJECT_REF = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,31}$")
SUBJECT_REF_EXAMPLE = "SC-104233"
SUBJECT_REF_RULE = f"3 to 32 capital letters, digits, '-' or '/', for example {SUBJECT_REF_EXAMPLE}"

AGE_BAND_LABELS = {"0-12": "Under 13", "13-15": "13 to 15", "16-17": "16 or 17", "18-24": "18 to 24"}


def normalise_subject_ref(text: str) -> str:
    """The form a subject reference is stored in: trimmed, in capitals."""
    return text.strip().upper()


def is_subject_ref(text: str) -> bool:
    return SUBJECT_REF.match(normalise_subject_ref(text)) is not None


def subject_ref_problem(text: str) -> str | None:
    """Why `text` is not a pseudonymous subject reference, in words; None when it is one."""
    ref = normalise_subject_ref(text)
    if SUBJECT_REF.match(ref):
        return None
    if " " in ref:
        return (
            "A subject reference has no spaces. Enter the child's pseudonymous reference "
            f"(for example {SUBJECT_REF_EXAMPLE}), never a name."
        )
    wrong = sorted({c for c in ref if not (c.isascii() and (c.isalnum() or c in "-/"))})
    if wrong:
        shown = " ".join(f"'{c}'" for c in wrong)
        return f"Use only capital letters, digits, '-' and '/' in the subject reference ({shown} cannot be used)."
    if len(ref) < 3:
        return f"A subject reference has at least 3 characters (for example {SUBJECT_REF_EXAMPLE})."
    if len(ref) > 32:
        return "A subject reference has at most 32 characters."
    return "A subject reference starts with a letter or a digit."


def looks_like_a_name(text: str) -> bool:
    """A valid reference with no digit at all (e.g. JANESMITH) is more likely a name than a reference."""
    return bool(text.strip()) and not any(c.isdigit() for c in text)


def band_for_age(age: int) -> str | None:
    """The age band an age in whole years falls in; None outside every band."""
    for band in AGE_BANDS:
        low, high = (int(x) for x in band.split("-"))
        if low <= age <= high:
            return band
    return None


def age_band_label(band: str) -> str:
    return AGE_BAND_LABELS.get(band, band)


__all__ = [
    "AGE_BANDS",
    "AGE_BAND_LABELS",
    "SUBJECT_REF",
    "SUBJECT_REF_EXAMPLE",
    "SUBJECT_REF_RULE",
    "age_band_label",
    "band_for_age",
    "is_subject_ref",
    "looks_like_a_name",
    "normalise_subject_ref",
    "subject_ref_problem",
]
