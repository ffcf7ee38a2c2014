"""Which step status changes are allowed. Services refuse anything else; the state-machine test checks
that no recorded change ever broke these rules."""

from __future__ import annotations

from checklist_app.core.schedule import StepStatus

_NS, _IP, _DONE, _NA, _BLK = (
    StepStatus.NOT_STARTED,
    StepStatus.IN_PROGRESS,
    StepStatus.DONE,
    StepStatus.NOT_APPLICABLE,
    StepStatus.BLOCKED,
)

# Ordinary work. Reopening a settled step (done / not applicable) is a supervisor's act: see REOPEN.
ALLOWED: dict[StepStatus, frozenset[StepStatus]] = {
    _NS: frozenset({_IP, _DONE, _NA, _BLK}),
    _IP: frozenset({_IP, _DONE, _NA, _BLK}),
    _BLK: frozenset({_IP, _DONE, _NA, _BLK}),
    _DONE: frozenset(),
    _NA: frozenset(),
}
REOPEN: dict[StepStatus, frozenset[StepStatus]] = {
    _DONE: frozenset({_IP}),
    _NA: frozenset({_IP}),
}


def refusal(current: StepStatus, target: StepStatus, *, recurring: bool = False, reopen: bool = False) -> str | None:
    """None when the change is allowed, else why not (in words for the user)."""
    if reopen:
        if target in REOPEN.get(current, frozenset()):
            return None
        return f"only a completed or not-applicable step can be reopened (this one is {label(current)})"
    if recurring and current is _DONE and target is _DONE:
        return None  # a recurring step (e.g. periodic review) is completed again each time it falls due
    if target in ALLOWED[current]:
        return None
    if current in (_DONE, _NA):
        return f"the step is already {label(current)}; a supervisor can reopen it"
    return f"a step cannot go from {label(current)} to {label(target)}"


def is_allowed(current: StepStatus, target: StepStatus, *, recurring: bool = False, reopen: bool = False) -> bool:
    return refusal(current, target, recurring=recurring, reopen=reopen) is None


def label(status: StepStatus) -> str:
    return {
        _NS: "not started",
        _IP: "in progress",
        _DONE: "done",
        _NA: "not applicable",
        _BLK: "blocked",
    }[status]
