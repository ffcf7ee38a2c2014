"""The risk tool as a form: sections, indicators with their evidence, triggers, and the live score in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from checklist_app.core.procedure.model import Duration
from checklist_app.core.procedure.risk_model import RiskIndicator, RiskSection, RiskTool, ScoringMethod
from checklist_app.core.risk import Recency, RiskScore, score
from checklist_app.ui.widgets.looks import esc
from checklist_app.ui.widgets.messages import mark_invalid

RECENCY_WORDS = {
    Recency.ABSENT: "Absent",
    Recency.CURRENT: "Current",
    Recency.PAST: "Past only",
    Recency.BOTH: "Both",
}


def points_text(n: int) -> str:
    return f"{n} point{'s' if n != 1 else ''}"


def band_range(band: Any) -> str:
    return f"{band.min_score}+" if band.max_score is None else f"{band.min_score}–{band.max_score}"


class _ToggleLabel(QLabel):
    """A word-wrapping label that ticks its check box when clicked (check box text cannot wrap)."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setBuddy(box)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.box.isEnabled() and event.button() == Qt.MouseButton.LeftButton:
            self.box.toggle()
            self.box.setFocus()
        super().mouseReleaseEvent(event)


@dataclass
class IndicatorRow:
    section: RiskSection
    indicator: RiskIndicator
    control: QCheckBox | QComboBox
    evidence: QLineEdit

    @property
    def value(self) -> str:
        if isinstance(self.control, QCheckBox):
            return "yes" if self.control.isChecked() else "no"
        return str(self.control.currentData() or Recency.ABSENT.value)

    @property
    def present(self) -> bool:
        return self.value not in ("no", Recency.ABSENT.value)

    def set_value(self, value: str) -> None:
        if isinstance(self.control, QCheckBox):
            self.control.setChecked(value == "yes")
        else:
            index = self.control.findData(value)
            self.control.setCurrentIndex(max(index, 0))


class RiskForm(QObject):
    """The risk tool's sections, indicators and triggers as widgets, built from the procedure's data."""

    answers_changed = Signal()

    def __init__(
        self, tool: RiskTool, host: QVBoxLayout, triggers_layout: QVBoxLayout, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.tool = tool
        self.editable = True
        self.rows: dict[str, IndicatorRow] = {}
        self.groups: dict[str, QGroupBox] = {}
        self.triggers: dict[str, QCheckBox] = {}
        for section in tool.sections:
            group = self._section(section)
            host.addWidget(group)
            group.show()  # the host may be on screen already: show now, not on a later event
            self.groups[section.id] = group
        for trigger in tool.triggers:
            box = QCheckBox(f"{trigger.label} (at least Category {trigger.min_category})")
            box.setObjectName(f"trigger_{trigger.id}")
            box.toggled.connect(self.answers_changed)
            triggers_layout.addWidget(box)
            box.show()
            self.triggers[trigger.id] = box

    def _section(self, section: RiskSection) -> QGroupBox:
        group = QGroupBox(section.title)
        group.setObjectName(f"section_{section.id}")
        layout = QVBoxLayout(group)
        layout.setSpacing(6)
        if section.scoring is ScoringMethod.RECENCY:
            pts = section.recency_points
            window = section.window.describe() if section.window else "the window"
            rule = (
                f"Scored by when each was seen: current (within {window}) {pts.get('current', 0)}, "
                f"only before that {pts.get('past', 0)}, both {pts.get('both', 0)}."
            )
        elif section.window is not None:
            rule = f"Each indicator present now or within the last {section.window.describe()} scores its points."
        else:
            rule = "Each indicator present scores its points."
        hint = QLabel(f"{section.description}" if section.description else rule)
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        layout.addWidget(hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 4)
        grid.setColumnStretch(3, 5)
        header_style = "hint"
        for col, text in (
            (1, "Indicator"),
            (2, "Points" if section.scoring is ScoringMethod.COUNT else "Seen"),
            (3, "Evidence: source and date"),
        ):
            label = QLabel(text)
            label.setProperty("role", header_style)
            grid.addWidget(label, 0, col)
        for r, indicator in enumerate(section.indicators, start=1):
            evidence = QLineEdit()
            evidence.setObjectName(f"evidence_{indicator.id}")
            evidence.setPlaceholderText("Source and date")
            evidence.setToolTip("Where this comes from and when, e.g. school DSL report 20/02/2026")
            evidence.setAccessibleName(f"Evidence for {indicator.label}")
            evidence.setEnabled(False)
            control: QCheckBox | QComboBox
            if section.scoring is ScoringMethod.COUNT:
                control = QCheckBox()
                control.setAccessibleName(indicator.label)
                control.toggled.connect(self._changed)
                label = _ToggleLabel(indicator.label, control)
                grid.addWidget(control, r, 0)
                grid.addWidget(label, r, 1)
                points = QLabel(f"+{indicator.points}")
                points.setProperty("role", "hint")
                points.setAlignment(Qt.AlignmentFlag.AlignCenter)
                grid.addWidget(points, r, 2)
            else:
                control = QComboBox()
                control.setAccessibleName(indicator.label)
                pts = section.recency_points
                for recency in Recency:
                    text = RECENCY_WORDS[recency]
                    if recency is not Recency.ABSENT:
                        text = f"{text} (+{pts.get(recency.value, 0)})"
                    control.addItem(text, recency.value)
                control.currentIndexChanged.connect(self._changed)
                label = QLabel(indicator.label)
                label.setWordWrap(True)
                label.setBuddy(control)
                grid.addWidget(label, r, 0, 1, 2)
                grid.addWidget(control, r, 2)
            control.setObjectName(f"indicator_{indicator.id}")
            if indicator.help:
                label.setToolTip(indicator.help)
                control.setToolTip(indicator.help)
            grid.addWidget(evidence, r, 3)
            self.rows[indicator.id] = IndicatorRow(section, indicator, control, evidence)
        layout.addLayout(grid)
        return group

    def _changed(self) -> None:
        for row in self.rows.values():
            row.evidence.setEnabled(row.present and self.editable)
            if not row.present:
                mark_invalid(row.evidence, False)
        self.answers_changed.emit()

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        for group in self.groups.values():
            group.setEnabled(editable)
        for row in self.rows.values():
            row.control.setEnabled(editable)
            row.evidence.setEnabled(editable and row.present)
        for box in self.triggers.values():
            box.setEnabled(editable)

    def answers(self) -> dict[str, str]:
        return {i: row.value for i, row in self.rows.items()}

    def evidence(self) -> dict[str, str]:
        return {i: row.evidence.text().strip() for i, row in self.rows.items() if row.present}

    def fired(self) -> list[str]:
        return [t for t, box in self.triggers.items() if box.isChecked()]

    def result(self) -> RiskScore:
        return score(self.tool, self.answers(), self.fired())

    def fill(self, answers: dict[str, str], evidence: dict[str, object], triggers: tuple[str, ...]) -> None:
        for indicator_id, row in self.rows.items():
            row.set_value(str(answers.get(indicator_id, "no")))
            row.evidence.setText(str(evidence.get(indicator_id, "")))
            row.evidence.setCursorPosition(0)
        for trigger_id, box in self.triggers.items():
            box.setChecked(trigger_id in triggers)
        self._changed()

    def clear(self) -> None:
        self.fill({}, {}, ())

    def missing_evidence(self) -> list[QLineEdit]:
        return [row.evidence for row in self.rows.values() if row.present and not row.evidence.text().strip()]


def score_html(result: RiskScore, tool: RiskTool) -> str:
    """The live score in words: points per section, the total, any trigger that raised the category, the bands."""
    lines = "".join(
        f"<tr><td style='padding:1px 12px 1px 0'>{esc(s.title)}</td>"
        f"<td style='padding:1px 12px 1px 0; color:#4a5868'>{s.present} present</td>"
        f"<td align='right' style='padding:1px 0'><b>{s.points}</b></td></tr>"
        for s in result.sections
    )
    lines += (
        "<tr><td style='padding:3px 12px 1px 0'><b>Total</b></td><td></td>"
        f"<td align='right' style='padding:3px 0 1px 0'><b>{result.score}</b></td></tr>"
    )
    scale = " · ".join(f"{band_range(b)}: Cat {b.category}" for b in tool.bands)
    triggered = ""
    if result.triggered_by:
        names = {t.id: t for t in tool.triggers}
        triggered = "".join(
            f"<p style='margin-top:4px'><b>Trigger:</b> {esc(names[t].label)} sets at least "
            f"Category {names[t].min_category}.</p>"
            for t in result.triggered_by
            if t in names
        )
    return (
        f"<table cellspacing='0'>{lines}</table>{triggered}"
        f"<p style='color:#4a5868; margin-top:4px'>Bands: {esc(scale)}</p>"
    )


def actions_html(result: RiskScore, final: int | None, review: Duration) -> str:
    """What the calculated band asks for, and the override's consequences when `final` differs from it.
    `review`: the case's procedure's review period for the category recorded (core.risk.review_interval,
    the rule the stored date and the case header follow), not the band's own period, which version 1.0
    contradicts."""
    band = result.band
    text = (
        f"<p><b>Actions for Category {band.category}:</b> {esc(band.actions)}</p>"
        f"<p style='color:#4a5868'>Review within {esc(review.describe())} at most.</p>"
    )
    if final is not None and final != result.calculated_category:
        text += (
            f"<p style='color:#6b4500'><b>Final category {final} chosen (override).</b> It needs a written "
            "reason and a supervisor's countersignature; until then Category "
            f"{result.calculated_category} counts.</p>"
        )
    return text
