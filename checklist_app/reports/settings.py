"""Report settings a force sets once: the protective marking printed on every page."""

from __future__ import annotations

import os

from checklist_app.core.intelligence import PROTECTIVE_MARKINGS

MARKING_ENV = "CHECKLIST_APP_REPORT_MARKING"
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


class BadMarking(ValueError):
    pass


def check_marking(value: str) -> str:
    marking = " ".join(value.split()).upper()
    if marking not in PROTECTIVE_MARKINGS:
        raise BadMarking(
            f"{value!r} is not a Government Security Classification marking; use one of: "
            + ", ".join(PROTECTIVE_MARKINGS)
        )
    return marking


def protective_marking(explicit: str | None = None) -> str:
    """The marking given, else $CHECKLIST_APP_REPORT_MARKING, else OFFICIAL-SENSITIVE."""
    return check_marking(explicit or os.environ.get(MARKING_ENV) or DEFAULT_MARKING)
