"""The child a case is about: the pseudonymous subject reference (never a name) and the age bands.

The one rule the wizard checks as the user types and the service enforces when the case is opened."""

from __future__ import annotations

import re

from checklist_app.core.facts import AGE_BANDS

# The force's pseudonymous subject reference: "SC-", optionally a district code and "-", then 3 to 8 digits
# (SC-104233, SC-SHE-104233). Nothing else: a name, even hyphenated ("Emily-Johnson"), is refused.
DISTRICT_CODES = ("BAR", "DON", "ROT", "SHE")
SUBJECT_REF = re.compile(rf"^SC-(?:(?:{'|'.join(DISTRICT_CODES)})-)?[0-9]{{3,8}}$")
SUBJECT_REF_EXAMPLE = "SC-104233"
SUBJECT_REF_RULE = (
    f"SC-, then optionally a district code ({', '.join(DISTRICT_CODES)}) and -, then 3 to 8 digits: "
    f"for example {SUBJECT_REF_EXAMPLE} or SC-SHE-104233"
)

AGE_BAND_LABELS = {"0-12": "Under 13", "13-15": "13 to 15", "16-17": "16 or 17", "18-24": "18 to 24"}


def normalise_subject_ref(text: str) -> str:
    """The form a subject reference is stored in: trimmed, in capitals."""
    return text.strip().upper()


def is_subject_ref(text: str) -> bool:
    return SUBJECT_REF.match(normalise_subject_ref(text)) is not None


def subject_ref_problem(text: str) -> str | None:
    """Why `text` is not a pseudonymous subject reference, in words that give the expected form; None when
    it is one."""
    ref = normalise_subject_ref(text)
    if SUBJECT_REF.match(ref):
        return None
    expected = f"The subject reference is {SUBJECT_REF_RULE}."
    if " " in ref:
        return f"A subject reference has no spaces and is never a name. {expected}"
    if not ref.startswith("SC-"):
        return f"A subject reference starts with SC- and is never a name. {expected}"
    rest = ref[3:]
    head, _, tail = rest.partition("-")
    if tail and head not in DISTRICT_CODES:
        return f"'{head}' is not a district code. {expected}"
    digits = tail if tail else rest
    if not digits.isdigit() or not digits.isascii():
        return f"After SC- (and a district code), only digits. {expected}"
    count = f"{len(digits)} digit{'' if len(digits) == 1 else 's'}"
    return f"{count} after SC-: a subject reference has 3 to 8. {expected}"


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
    "DISTRICT_CODES",
    "SUBJECT_REF",
    "SUBJECT_REF_EXAMPLE",
    "SUBJECT_REF_RULE",
    "age_band_label",
    "band_for_age",
    "is_subject_ref",
    "normalise_subject_ref",
    "subject_ref_problem",
]
