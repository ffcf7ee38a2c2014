"""Checking the evidence a user captured for a step against the step's typed fields.

Values arrive as text or simple Python values from a form or the command line and leave as JSON-safe
values (datetimes as ISO 8601 UTC text), so what is stored can be hashed and shown back exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from checklist_app.core.procedure.model import EvidenceField, FieldType, Step
from checklist_app.core.text import name_problem, record_text_problem

MAX_TEXT = 4000
MAX_LONGTEXT = 20000


@dataclass(frozen=True, slots=True)
class FieldError:
    field_id: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _as_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _convert(spec: EvidenceField, value: object) -> object:
    """Return the JSON-safe stored value, or raise ValueError with a user-facing message."""
    if spec.type in (FieldType.TEXT, FieldType.REFERENCE, FieldType.LONGTEXT):
        text = _as_text(value)
        limit = MAX_LONGTEXT if spec.type is FieldType.LONGTEXT else MAX_TEXT
        if len(text) > limit:
            raise ValueError(f"is too long ({len(text)} characters; at most {limit})")
        if spec.type is FieldType.REFERENCE and "\n" in text:
            raise ValueError("a reference must be on one line")
        # A reference is matched and quoted: an invisible character in it (zero-width space, override) or a
        # look-alike letter ('С' Cyrillic in 'CR/...') would make two references that look the same differ.
        problem = name_problem(text) if spec.type is FieldType.REFERENCE else record_text_problem(text)
        if problem is not None:
            raise ValueError(problem)
        return text
    if spec.type is FieldType.YESNO:
        if isinstance(value, bool):
            return value
        word = _as_text(value).lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError("must be yes or no")
    if spec.type is FieldType.NUMBER:
        if isinstance(value, bool):
            raise ValueError("must be a number")
        try:
            number = float(_as_text(value)) if not isinstance(value, int | float) else value
        except ValueError:
            raise ValueError("must be a number") from None
        return int(number) if float(number).is_integer() else number
    if spec.type is FieldType.CHOICE:
        text = _as_text(value)
        if text not in spec.choices:
            raise ValueError(f"must be one of: {', '.join(spec.choices)}")
        return text
    if spec.type is FieldType.DATE:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(_as_text(value)).isoformat()
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD)") from None
    return _convert_datetime(value)


def _convert_datetime(value: object) -> str:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(_as_text(value))
        except ValueError:
            raise ValueError("must be a date and time (YYYY-MM-DD HH:MM)") from None
    if moment.tzinfo is None:
        raise ValueError("must say which time zone it is in")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def clean_evidence(
    step: Step, values: Mapping[str, object], *, require: bool, now: datetime | None = None
) -> tuple[dict[str, object], list[FieldError]]:
    """Validate `values` for `step`. With `require`, required fields must be filled (completing a step);
    without, partial evidence may be saved (work in progress). Unknown fields are errors."""
    cleaned: dict[str, object] = {}
    errors: list[FieldError] = []
    known = {f.id for f in step.evidence}
    for key in values:
        if key not in known:
            errors.append(FieldError(key, key, f"is not a field of step {step.number}"))
    for spec in step.evidence:
        raw = values.get(spec.id)
        empty = raw is None or (isinstance(raw, str) and not raw.strip())
        if empty:
            if require and spec.required:
                errors.append(FieldError(spec.id, spec.label, "is required to complete this step"))
            continue
        try:
            cleaned[spec.id] = _convert(spec, raw)
        except ValueError as exc:
            errors.append(FieldError(spec.id, spec.label, str(exc)))
            continue
        if spec.type is FieldType.DATETIME and now is not None:
            moment = datetime.fromisoformat(str(cleaned[spec.id]))
            if moment > now.astimezone(UTC).replace(microsecond=0) and (moment - now).total_seconds() > 300:
                errors.append(FieldError(spec.id, spec.label, "is in the future"))
    return cleaned, errors


def display_value(spec: EvidenceField, value: object) -> str:
    if value is None:
        return ""
    if spec.type is FieldType.YESNO:
        return "Yes" if value else "No"
    return str(value)
