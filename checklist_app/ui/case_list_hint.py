"""What the case list says when nothing matches: whether the search or the filters hide the cases, and which
filter to change to see some (with how many it would show). An investigator with no open cases of their own
saw only "No cases match", and nothing said that "All I can see" would show the district's cases."""

from __future__ import annotations

from dataclasses import replace

from checklist_app.ui.case_list_model import CaseFilterState, CaseListModel


def _cases(n: int) -> str:
    return f"{n:,} case{'s' if n != 1 else ''}"


def empty_text(model: CaseListModel, state: CaseFilterState, choices: dict[str, str]) -> str:
    """`choices`: the words of the widest choice in each filter as the page shows them ("All I can see",
    "All", "Any", "Overdue only", "All districts" when offered), keyed by filter."""
    search = state.search.strip()
    if search and model.count_matching(replace(state, search="")):
        return (
            f"No cases match “{search}” (searched in case references and subject references). "
            "Change the search to see more."
        )
    where = f"the filters and the search “{search}”" if search else "the filters"
    widen: list[tuple[str, CaseFilterState]] = []
    if state.scope != "district" or state.officer_id is not None:
        widen.append((f"choose “{choices['scope']}” in Show", replace(state, scope="district", officer_id=None)))
    if state.status != "all":
        widen.append((f"choose “{choices['status']}” in Status", replace(state, status="all")))
    if state.min_risk:
        widen.append((f"choose “{choices['risk']}” in Risk", replace(state, min_risk=0)))
    if state.overdue_only:
        widen.append((f"untick “{choices['overdue']}”", replace(state, overdue_only=False)))
    if state.district_id is not None and "district" in choices:
        widen.append((f"choose “{choices['district']}” in District", replace(state, district_id=None)))
    helps = [(words, n) for words, wider in widen if (n := model.count_matching(wider))]
    if helps:
        ways = " or ".join(f"{words} ({_cases(n)})" for words, n in helps)
        return f"No cases match {where}. To see more, {ways}."
    everything = CaseFilterState(scope="district", status="all", search=state.search)
    total = model.count_matching(everything)
    if total:
        return f"No cases match {where}. Widen the filters to see the {_cases(total)} they hide."
    return f"No cases match {where}. Change the search to see more."
