"""The case workspace's tabs after "Steps": the case's records (decisions, intelligence, risk, missing
episodes, events) and its supervision.

Each starts as a placeholder page with its title and is built when it is first shown (or first asked for
by position or as `supervision`), inside the same tab change, so nobody sees the placeholder: building all
of them made opening a case take over a second. A built tab whose case data is older than the loaded case
is filled when it is next shown, so loading a case lays out only the tab in view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QTabWidget, QWidget

from checklist_app.core.procedure.model import Procedure
from checklist_app.services.dto import CaseDetail
from checklist_app.ui.icons import icon
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.review_tab import Loaded, SupervisionTab, action_summary
from checklist_app.ui.tabs import DecisionsTab, EventsTab, IntelligenceTab, MissingTab, RiskTab

# The record tabs after "Steps", in order, with their icons.
SECTION_TABS: tuple[tuple[Any, str], ...] = (
    (DecisionsTab, "decision"),
    (IntelligenceTab, "intelligence"),
    (RiskTab, "risk"),
    (MissingTab, "missing"),
    (EventsTab, "event"),
)
# Every tab after "Steps": the record tabs, then Supervision.
KINDS: tuple[tuple[Any, str], ...] = (*SECTION_TABS, (SupervisionTab, SupervisionTab.icon_name))


class Placeholder(QWidget):
    """Holds a tab's place (and title) until the tab is built; never drawn (see LazyTabs.build)."""

    def __init__(self, kind: Any) -> None:
        super().__init__()
        self.kind = kind


def kind_of(widget: QWidget) -> Any:
    """The tab class of a tab page, built or not."""
    return widget.kind if isinstance(widget, Placeholder) else type(widget)


class LazyTabs(Sequence[Any]):
    """The tabs after Steps in `tabs`, in order; each is built (by its class, with `owner` as parent) when
    first asked for. `summary_changed(title, open, mine, overdue)` is told the Supervision tab's summary,
    built or not."""

    def __init__(
        self,
        owner: QWidget,
        session: AppSession,
        case_id: int,
        tabs: QTabWidget,
        summary_changed: Callable[[str, int, int, int], None],
    ) -> None:
        self._owner, self._session, self._case_id, self._tabs = owner, session, case_id, tabs
        self._summary_changed = summary_changed
        # A placeholder until built, then the tab itself (see `build`).
        self._sections: list[QWidget] = []
        # Built tabs whose case data is older than the loaded case: each is filled when it is next shown,
        # so opening a case draws the Steps tab without laying out others nobody is looking at yet.
        self._stale: set[Any] = set()
        self._detail: CaseDetail | None = None
        self._procedure: Procedure | None = None
        self._records: Loaded = ([], [], [])  # the last loaded, for the Supervision tab when it is built
        for kind, icon_name in KINDS:
            placeholder = Placeholder(kind)
            tabs.addTab(placeholder, icon(icon_name), kind.__name__.removesuffix("Tab"))
            self._sections.append(placeholder)

    def __len__(self) -> int:
        return len(KINDS)

    def __getitem__(self, index: int) -> Any:  # type: ignore[override]
        return self.build(range(len(KINDS))[index])

    @property
    def supervision(self) -> SupervisionTab:
        tab: SupervisionTab = self.build(len(KINDS) - 1)
        return tab

    def supervision_index(self) -> int:
        """The Supervision tab's index in the tab widget, built or not."""
        return self._tabs.indexOf(self._sections[-1])

    def built(self) -> list[Any]:
        """The tabs that exist so far (the others have nothing to show or save)."""
        return [tab for tab in self._sections if not isinstance(tab, Placeholder)]

    def build(self, position: int) -> Any:
        """The tab at `position` after Steps, built now in its placeholder's place if it is not built yet."""
        placeholder = self._sections[position]
        if not isinstance(placeholder, Placeholder):
            return placeholder
        tab = placeholder.kind(self._session, self._case_id, self._owner)
        self._sections[position] = tab
        tabs = self._tabs
        index, current = tabs.indexOf(placeholder), tabs.currentIndex()
        text, tip, tab_icon = tabs.tabText(index), tabs.tabToolTip(index), tabs.tabIcon(index)
        # Swapped within one call, before anything is drawn; the transient current-tab changes of the
        # swap are nobody's business.
        tabs.blockSignals(True)
        try:
            tabs.removeTab(index)
            tabs.insertTab(index, tab, tab_icon, text)
            tabs.setTabToolTip(index, tip)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(False)
        placeholder.deleteLater()
        if isinstance(tab, SupervisionTab):
            tab.summary_changed.connect(self._summary_changed)
            if self._detail is not None and self._procedure is not None:  # filled at once, as when loaded
                tab.show_loaded(self._detail, self._procedure, self._records)
        elif self._detail is not None:
            self._stale.add(tab)
        return tab

    def show_loaded(self, detail: CaseDetail, procedure: Procedure, records: Loaded) -> None:
        """The case as loaded: every tab's title, the tab in view filled, the other built tabs marked stale.
        The Supervision tab's summary (open actions) is shown in the header too: it is always filled."""
        self._detail, self._procedure = detail, procedure
        tabs = self._tabs
        current = tabs.currentWidget()
        for tab in self._sections:
            index = tabs.indexOf(tab)
            if isinstance(tab, Placeholder):
                if tab.kind is SupervisionTab:
                    continue  # titled with the header's count of open actions, below
                # tab_title needs only the case, not the tab (see ui/tabs/__init__.py)
                title = tab.kind.tab_title(None, detail)
            else:
                if isinstance(tab, SupervisionTab):
                    tab.show_loaded(detail, procedure, records)
                elif tab is current:
                    self._stale.discard(tab)
                    tab.show_detail(detail, procedure)
                else:
                    self._stale.add(tab)
                title = tab.tab_title(detail)
            tabs.setTabText(index, title)
            tabs.setTabToolTip(index, f"{title} (Alt+{index + 1})")
        self._records = records
        if isinstance(self._sections[-1], Placeholder):
            self._summary_changed(*action_summary(records[1], self._session.actor.user_id))

    def fill_current(self) -> None:
        """Build the tab now in view if it is a placeholder, and fill it if its case data is stale."""
        tab = self._tabs.currentWidget()
        if isinstance(tab, Placeholder):
            tab = self.build(self._sections.index(tab))
        if tab in self._stale and self._detail is not None and self._procedure is not None:
            self._stale.discard(tab)
            tab.show_detail(self._detail, self._procedure)
