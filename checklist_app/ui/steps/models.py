"""What the case workspace shows about phases and steps: the phase list, the step table, and the words
for states and requirements (conditions in words are core.condition_words). Plain views in (`PhaseView`,
`StepView`), Qt models out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from checklist_app.core import wording
from checklist_app.core.condition_words import condition_words
from checklist_app.services.dto import PhaseView, StepView
from checklist_app.ui.delegates import ToneDelegate
from checklist_app.ui.icons import icon

OVERDUE = QColor("#a4161a")
SOON = QColor("#8a5a00")
DONE = QColor("#1e6b41")
MUTED = QColor("#6b7785")
NAVY = QColor("#1f3a5f")
TRACK = QColor("#e3e8ee")
BAR = QColor("#2e7d4f")
TEXT = QColor("#1b2430")
SELECTED = QColor("#d3e3fd")
HOVER = QColor("#eef3fb")
ACCENT = QColor("#2d6cdf")
RULE = QColor("#eef1f5")
BASE = QColor("#ffffff")

STEP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PHASE_ROLE = Qt.ItemDataRole.UserRole + 2

OWNER_SHORT = {
    "investigator": "Investigator",
    "supervisor": "Supervisor",
    "intelligence_officer": "Intelligence",
    "either": "Either",
}
REQUIREMENT_LABELS = {"mandatory": "Mandatory", "optional": "Optional", "conditional": "Conditional"}
_STATUS_ICONS = {
    "done": "status-done",
    "in_progress": "status-in-progress",
    "blocked": "status-blocked",
    "not_applicable": "status-not-applicable",
    "not_started": "status-not-started",
}


def does_not_apply(step: StepView) -> bool:
    """Its condition does not hold and nobody has recorded it done or marked it not applicable."""
    return not step.applicable and step.status not in ("done", "not_applicable")


def status_text(step: StepView) -> str:
    if step.awaiting_agreement:
        return "N/A: awaiting agreement"
    if step.status == "not_applicable":
        return "Not applicable"
    if not step.applicable and step.status != "done":
        return "Does not apply"
    if step.status == "done" and step.recurring and step.completions > 1:
        return f"Done ({step.completions}×)"
    return wording.STATUS_LABELS.get(step.status, step.status)


def status_icon_name(step: StepView) -> str:
    if not step.applicable and step.status not in ("done", "not_applicable"):
        return "status-not-applicable"
    return _STATUS_ICONS.get(step.status, "status-not-started")


def state_text(step: StepView, now: datetime) -> str:
    """The due state in a few words: 'Overdue by 3 days', 'Due in 5 hours', 'On track'..."""
    state = step.due_state
    if state == "not_applicable":
        return "–"
    if state == "overdue" and step.due_at is not None:
        return f"Overdue by {wording.span(now - step.due_at)}"
    if state == "due_soon" and step.due_at is not None:
        return f"Due in {wording.span(step.due_at - now)}" if step.due_at > now else "Due now"
    if state == "done_late" and step.due_at is not None and step.completed_at is not None:
        return f"Done {wording.span(step.completed_at - step.due_at)} late"
    return wording.STATE_LABELS.get(state, state)


def state_colour(step: StepView) -> QColor | None:
    if step.due_state == "overdue":
        return OVERDUE
    if step.due_state in ("due_soon", "done_late"):
        return SOON  # done late: amber, as its chip in the step panel and "late" in the record tabs
    if step.due_state == "done_on_time" or (step.status == "done" and step.due_state == "on_track"):
        return DONE
    return None


def settled(step: StepView) -> bool:
    return step.status in ("done", "not_applicable")


def greyed(step: StepView) -> bool:
    """Steps that need nothing now: marked not applicable, or whose condition does not hold."""
    return step.status == "not_applicable" or (not step.applicable and step.status != "done")


def requirement_text(step: StepView, words: str) -> str:
    label = REQUIREMENT_LABELS.get(step.requirement, step.requirement.capitalize())
    if step.requirement != "conditional":
        return label
    holds = "holds now, so the step is required" if step.applicable else "does not hold now"
    return f"{label}: applies when {words or condition_words(step.condition, None)} ({holds})"


def waiting_text(step: StepView) -> str:
    """'Waiting for step 1.2' when dependencies are unmet, else the schedule's waiting phrase."""
    if step.unmet_dependencies and not settled(step):
        numbers = list(step.unmet_dependencies)
        if len(numbers) == 1:
            return f"Waiting for step {numbers[0]}"
        return f"Waiting for steps {', '.join(numbers[:-1])} and {numbers[-1]}"
    return step.waiting_for


def step_tooltip(step: StepView, words: str) -> str:
    lines = [f"{step.number} {step.title}"]
    if step.status == "not_applicable":
        lines.append(f"Not applicable: {step.reason}" if step.reason else "Not applicable")
        if step.awaiting_agreement:
            lines.append("Awaiting supervisor agreement: counts as open until a supervisor agrees")
    elif not step.applicable and step.status != "done":
        lines.append(f"Does not apply: {words or condition_words(step.condition, None)}")
    elif step.status == "blocked" and step.reason:
        lines.append(f"Blocked: {step.reason}")
    waiting = waiting_text(step)
    if waiting and not greyed(step):
        lines.append(waiting)
    if step.deadline_text and not greyed(step):
        lines.append(f"Timescale: {step.deadline_text}")
    if step.due_at is not None and not greyed(step):
        lines.append(f"Due: {wording.when(step.due_at)}")  # a narrow table hides its Due column
    return "\n".join(lines)


# --- phases -----------------------------------------------------------------------------------------


class PhaseListModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phases: list[PhaseView] = []

    def set_phases(self, phases: list[PhaseView]) -> None:
        if [p.id for p in phases] == [p.id for p in self.phases]:
            self.phases = phases
            if phases:
                self.dataChanged.emit(self.index(0), self.index(len(phases) - 1))
            return
        self.beginResetModel()
        self.phases = phases
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.phases)

    def phase_at(self, row: int) -> PhaseView | None:
        return self.phases[row] if 0 <= row < len(self.phases) else None

    def row_of(self, phase_id: str) -> int:
        return next((i for i, p in enumerate(self.phases) if p.id == phase_id), -1)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        phase = self.phase_at(index.row()) if index.isValid() else None
        if phase is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{phase.number}. {phase.title}"
        if role == PHASE_ROLE:
            return phase
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            progress = _progress_words(phase)
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"Phase {phase.number}, {phase.title}: {progress}"
            return f"<b>{phase.number}. {phase.title}</b><br>{progress}<br><br>{phase.description}".strip()
        return None


def _progress_words(phase: PhaseView) -> str:
    if phase.required == 0:
        text = "No required steps for this case"
    else:
        text = f"{phase.done} of {phase.required} required steps done"
    if phase.overdue:
        text += f", {phase.overdue} overdue"
    return text


class PhaseDelegate(QStyledItemDelegate):
    """Two lines per phase: number and title; a slim progress bar with 'done/required' and overdue count.

    Each row is rendered once into a pixmap (per size, state and content) and then drawn with a single
    call. PySide6 6.12 under Python 3.11 drops a reference to None on every call of a C++ method that
    returns nothing (and on every invalid QVariant returned); a Python delegate making dozens of painter
    calls per row on every repaint would soon exhaust None's reference count and abort the interpreter.
    """

    PAD_X, PAD_Y, GAP, BAR_H = 10, 5, 3, 6

    def __init__(self, model: PhaseListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._cache: dict[tuple[object, ...], QPixmap] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = option.fontMetrics  # type: ignore[attr-defined]
        height = self.PAD_Y * 2 + fm.height() * 2 + self.GAP
        return QSize(200, height)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        phase = self.model.phase_at(index.row())
        if phase is None:
            return
        state = option.state  # type: ignore[attr-defined]
        outer: QRect = option.rect  # type: ignore[attr-defined]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        hover = bool(state & QStyle.StateFlag.State_MouseOver)
        font = QFont(option.font)  # type: ignore[attr-defined]
        ratio = painter.device().devicePixelRatioF()
        key = (phase, outer.width(), outer.height(), selected, hover, font.toString(), ratio)
        pixmap = self._cache.get(key)
        if pixmap is None:
            if len(self._cache) > 240:
                self._cache.clear()
            pixmap = self._render(phase, outer.size(), selected, hover, font, ratio)
            self._cache[key] = pixmap
        # One call per row once rendered (see the class docstring).
        painter.drawPixmap(outer.topLeft(), pixmap)

    def _render(self, phase: PhaseView, size: QSize, selected: bool, hover: bool, base: QFont, ratio: float) -> QPixmap:
        pixmap = QPixmap(int(size.width() * ratio), int(size.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(SELECTED if selected else HOVER if hover else BASE)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        outer = QRect(0, 0, size.width(), size.height())
        if selected:
            painter.fillRect(QRect(0, 0, 4, outer.height()), ACCENT)
        painter.setPen(QPen(RULE))
        painter.drawLine(outer.left(), outer.bottom(), outer.right(), outer.bottom())
        rect = outer.adjusted(self.PAD_X + 2, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        line = QFontMetrics(base).height()

        # Line 1: number, title, and a tick when every required step is settled.
        bold = QFont(base)
        bold.setBold(True)
        painter.setFont(bold)
        number = f"{phase.number}"
        num_w = max(painter.fontMetrics().horizontalAdvance("00"), painter.fontMetrics().horizontalAdvance(number))
        left_align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.setPen(NAVY)
        painter.drawText(QRect(rect.left(), rect.top(), num_w, line), left_align, number)
        complete = phase.required > 0 and phase.done >= phase.required
        tick_w = line if complete else 0
        indent = num_w + 8
        title_rect = QRect(rect.left() + indent, rect.top(), rect.width() - indent - tick_w - 4, line)
        title_font = QFont(base)
        title_font.setWeight(QFont.Weight.DemiBold if selected else QFont.Weight.Normal)
        painter.setFont(title_font)
        painter.setPen(TEXT)
        title = painter.fontMetrics().elidedText(phase.title, Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(title_rect, left_align, title)
        if complete:
            icon("status-done").paint(painter, QRect(rect.right() - line + 2, rect.top() + 1, line - 2, line - 2))

        # Line 2: progress bar, "done/required", overdue count.
        y2 = rect.top() + line + self.GAP
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))
        painter.setFont(small)
        sfm = painter.fontMetrics()
        count = f"{phase.done}/{phase.required}" if phase.required else "none required"
        overdue = f"{phase.overdue} overdue" if phase.overdue else ""
        count_w = max(sfm.horizontalAdvance("00/00"), sfm.horizontalAdvance(count))
        bold_small = QFont(small)
        bold_small.setBold(True)
        overdue_w = QFontMetrics(bold_small).horizontalAdvance(overdue) + 10 if overdue else 0
        left = rect.left() + indent
        bar_w = max(24, rect.right() - left - count_w - overdue_w - 8)
        bar = QRect(left, y2 + (line - self.BAR_H) // 2, bar_w, self.BAR_H)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TRACK)
        painter.drawRoundedRect(bar, self.BAR_H / 2, self.BAR_H / 2)
        if phase.required and phase.done:
            filled = QRect(bar)
            filled.setWidth(max(self.BAR_H, int(bar.width() * phase.done / phase.required)))
            painter.setBrush(BAR)
            painter.drawRoundedRect(filled, self.BAR_H / 2, self.BAR_H / 2)
        painter.setPen(MUTED)
        text_rect = QRect(bar.right() + 8, y2, count_w, line)
        painter.drawText(text_rect, left_align, count)
        if overdue:
            painter.setFont(bold_small)
            painter.setPen(QPen(OVERDUE))
            painter.drawText(
                QRect(text_rect.right() + 4, y2, rect.right() - text_rect.right() - 4, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                overdue,
            )
        painter.end()
        return pixmap


# --- steps ------------------------------------------------------------------------------------------


class RoomyDelegate(ToneDelegate):
    """The standard painting, with some air above and below each row's text."""

    EXTRA = 10

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + self.EXTRA)


COLUMNS = ("No.", "Step", "Owner", "Status", "Due", "State")
COL_NUMBER, COL_TITLE, COL_OWNER, COL_STATUS, COL_DUE, COL_STATE = range(6)


class StepTableModel(QAbstractTableModel):
    """The steps of one phase. `conditions` maps step id to its condition in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[StepView] = []
        self.now = wording.utcnow()
        self.conditions: dict[str, str] = {}

    def set_steps(self, steps: list[StepView], now: datetime, conditions: dict[str, str]) -> None:
        same_rows = [s.step_id for s in steps] == [s.step_id for s in self.steps]
        self.now, self.conditions = now, conditions
        if same_rows:
            self.steps = steps
            if steps:
                self.dataChanged.emit(self.index(0, 0), self.index(len(steps) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self.steps = steps
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.steps)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section == COL_DUE:
            return "Due date and time, UK local time"
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)  # as the cells below
        return None

    def step_at(self, row: int) -> StepView | None:
        return self.steps[row] if 0 <= row < len(self.steps) else None

    def row_of(self, step_id: str) -> int:
        return next((i for i, s in enumerate(self.steps) if s.step_id == step_id), -1)

    def text(self, step: StepView, column: int) -> str:
        if column == COL_NUMBER:
            return step.number
        if column == COL_TITLE:
            return step.title
        if column == COL_OWNER:
            return OWNER_SHORT.get(step.role, step.role)
        if column == COL_STATUS:
            return status_text(step)
        if column == COL_DUE:
            return wording.when(step.due_at, with_day=False) if step.due_at and not greyed(step) else ""
        return state_text(step, self.now)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        step = self.step_at(index.row()) if index.isValid() else None
        if step is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(step, column)
        if role == STEP_ID_ROLE:
            return step.step_id
        if role == Qt.ItemDataRole.DecorationRole and column == COL_STATUS:
            return icon(status_icon_name(step))
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(step, column)
        if role == Qt.ItemDataRole.FontRole:
            return self._font(step, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_OWNER:
                return wording.ROLE_LABELS.get(step.role, step.role)
            if column == COL_DUE and step.due_at is not None:
                return f"{wording.when(step.due_at)} ({wording.relative(step.due_at, self.now)})"
            return step_tooltip(step, self.conditions.get(step.step_id, ""))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[column]}: {self.text(step, column)}"
        return None

    def _colour(self, step: StepView, column: int) -> QBrush | None:
        if column == COL_STATUS and step.awaiting_agreement:
            return QBrush(SOON)
        if greyed(step):
            return QBrush(MUTED)
        if column in (COL_NUMBER, COL_TITLE, COL_DUE, COL_STATE):
            colour = state_colour(step)
            if colour is not None and (column in (COL_DUE, COL_STATE) or step.due_state in ("overdue", "due_soon")):
                return QBrush(colour)
        if column == COL_STATUS and step.status == "done":
            return QBrush(DONE)
        if column == COL_STATUS and step.status == "blocked":
            return QBrush(OVERDUE)
        return None

    def _font(self, step: StepView, column: int) -> QFont | None:
        if step.status == "not_applicable":
            font = QFont()
            font.setItalic(True)
            return font
        if step.due_state == "overdue" and column in (COL_NUMBER, COL_STATE):
            font = QFont()
            font.setBold(True)
            return font
        return None
