"""What the case workspace's record tabs share: their base class, permissions in words, date-time inputs in
UK local time, inline error messages with highlighted fields, and a small read-only table model keyed by
record id."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTime,
    QTimer,
    QTimeZone,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.core.permissions import Action, CaseScope, allowed, describe
from checklist_app.core.procedure.model import Procedure
from checklist_app.services.dto import CaseDetail
from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.ui.delegates import ToneDelegate
from checklist_app.ui.discard import EditWatch, confirm_discard
from checklist_app.ui.errors import explain, show_error
from checklist_app.ui.forms import load_into
from checklist_app.ui.session import AppSession

# --- tones ----------------------------------------------------------------------------------------------

TONE_COLOURS = {
    "overdue": QColor("#a4161a"),
    "late": QColor("#8a5a00"),
    "soon": QColor("#8a5a00"),
    "ok": QColor("#1d6b3a"),
    "muted": QColor("#5b6878"),
}
# Timeliness states the services report (core.intelligence.Timeliness, plus "still missing").
STATE_TONES = {"overdue": "overdue", "late": "late", "within target": "ok", "pending": "", "still missing": "overdue"}


def esc(text: object) -> str:
    return html.escape(str(text)).replace("\n", "<br>")


def chip_html(text: str, tone: str) -> str:
    """An inline coloured label for rich text (QTextBrowser supports background colours on spans)."""
    colours = {
        "overdue": ("#fde2e1", "#8c1216"),
        "late": ("#fff1cc", "#6b4500"),
        "soon": ("#fff1cc", "#6b4500"),
        "ok": ("#dff3e4", "#14532d"),
        "": ("#e8ecf1", "#1b2430"),
        "risk1": ("#dff3e4", "#14532d"),
        "risk2": ("#fff1cc", "#6b4500"),
        "risk3": ("#fde2e1", "#8c1216"),
        "risk4": ("#8c1216", "#ffffff"),
    }
    bg, fg = colours.get(tone, colours[""])
    return f'<span style="background-color:{bg}; color:{fg}; font-weight:600;">&nbsp;{esc(text)}&nbsp;</span>'


def set_chip(label: QLabel, text: str, tone: str) -> None:
    label.setProperty("chip", True)
    label.setProperty("tone", tone)
    label.setText(text)
    repolish(label)


def repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def fit_bold(button: QPushButton) -> None:
    """A default or primary button is drawn bold by the stylesheet, which Qt leaves out of its size hint:
    make room for the bold text so it is never clipped."""
    font = QFont(button.font())
    font.setBold(True)
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    width = QFontMetrics(font).horizontalAdvance(text) + QFontMetrics(font).averageCharWidth() * 5
    button.setMinimumWidth(max(button.minimumWidth(), width))
    # The stylesheet's own `min-width` replaces a minimum set in code whenever the button is polished
    # (e.g. when first shown), and the icon a dialog button box adds takes room beside the text: say it in
    # the button's own style, which every polish applies. min-width is the content box, without padding.
    content = QFontMetrics(font).horizontalAdvance(text) + button.iconSize().width() + 12
    button.setStyleSheet(f"min-width: {content}px;")


def align_labels(labels: Iterable[QLabel]) -> None:
    """Give form labels in separate group boxes one width so their fields line up."""
    labels = list(labels)
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


# --- the worker thread ------------------------------------------------------------------------------------


def call(
    session: AppSession,
    owner: QWidget,
    work: Callable[[], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """`session.call`, with the callbacks dropped when `owner` has been closed and deleted meanwhile."""

    def done(result: Any) -> None:
        if on_done is not None and shiboken6.isValid(owner):
            on_done(result)

    def failed(exc: BaseException) -> None:
        if not shiboken6.isValid(owner):
            return
        if on_error is not None:
            on_error(exc)
        else:
            show_error(owner, exc, retry=lambda: call(session, owner, work, on_done, on_error))

    session.call(owner, work, done, failed)


# --- permissions ------------------------------------------------------------------------------------------


def case_scope(detail: CaseDetail) -> CaseScope:
    return CaseScope(detail.district_id, detail.team_id, detail.officer_id, detail.supervisor_id)


def refusal(session: AppSession, detail: CaseDetail | None, action: Action, *, needs_open: bool = True) -> str:
    """'' when the viewer may take `action` on this case now, else a sentence saying why not."""
    if not session.may(action):
        role = wording.ROLE_LABELS.get(session.actor.role.value, session.actor.role.value)
        return f"Your role ({role}) does not allow you to {describe(action)}."
    if detail is None:
        return "The case is still loading."
    if not allowed(session.actor, action, case_scope(detail)):
        return f"This case belongs to another team or district: you can read it but not {describe(action)}."
    if needs_open and detail.status != "open":
        return "The case is closed: a supervisor must reopen it before anything more is recorded."
    if needs_open and not detail.viewer_may_edit:
        return "You can read this case but not change it."
    return ""


def add_shortcut(owner: QWidget, keys: str, slot: Callable[[], None]) -> QShortcut:
    """A shortcut that fires only while the focus is inside `owner` (so tabs do not fight over keys)."""
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def keys_text(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


# --- messages and invalid fields --------------------------------------------------------------------------


def set_message(label: QLabel, text: str, *, error: bool = True) -> None:
    label.setObjectName("message")
    label.setWordWrap(True)
    label.setText(text)
    label.setVisible(bool(text))
    label.setProperty("error", error)
    repolish(label)


def mark_invalid(widget: QWidget, invalid: bool = True) -> None:
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        repolish(widget)


def show_failure(
    label: QLabel,
    exc: BaseException,
    fields: dict[str, QWidget] | None = None,
    locate: Callable[[FieldProblem], QWidget | None] | None = None,
) -> list[QWidget]:
    """Explain a failed save inline: list the problems, highlight the fields they name. Returns the
    highlighted widgets (the first is a good place for the focus)."""
    fields = fields or {}
    for widget in fields.values():
        mark_invalid(widget, False)
    marked: list[QWidget] = []
    if isinstance(exc, InvalidInput):
        lines = []
        for problem in exc.problems:
            widget = (locate(problem) if locate else None) or fields.get(problem.field)
            if widget is not None:
                mark_invalid(widget)
                marked.append(widget)
            lines.append(f"• {problem}" if problem.label else f"• {problem.message}")
        set_message(label, "Nothing was saved. Please check:\n" + "\n".join(lines))
    else:
        set_message(label, explain(exc).message)
    if marked:
        marked[0].setFocus()
    return marked


def clear_failure(label: QLabel, fields: Iterable[QWidget]) -> None:
    for widget in fields:
        mark_invalid(widget, False)
    set_message(label, "")


# --- date-time inputs -------------------------------------------------------------------------------------

_WALL_CLOCK = QTimeZone(QTimeZone.Initialization.UTC)  # a QDateTime used as a plain UK wall-clock value
DISPLAY_FORMAT = "ddd dd/MM/yyyy HH:mm"


def to_qdatetime(moment: datetime) -> QDateTime:
    local = moment.astimezone(LOCAL_TZ)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), _WALL_CLOCK)


def from_qdatetime(value: QDateTime) -> datetime:
    naive = value.toPython().replace(second=0, microsecond=0, tzinfo=None)
    return naive.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


class DateTimeInput(QObject):
    """A QDateTimeEdit in UK local time, with an optional 'known' check box that leaves it empty.

    `value()` is an aware UTC datetime, or None when the check box is cleared. A default of "now" that the
    user has not changed means now at the moment of saving, not when the form was opened."""

    def __init__(
        self,
        edit: QDateTimeEdit,
        now: Callable[[], datetime],
        known: QCheckBox | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or edit)
        self.edit, self.known, self._now = edit, known, now
        edit.setTimeZone(_WALL_CLOCK)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DISPLAY_FORMAT)
        edit.setMinimumDateTime(QDateTime(QDate(2000, 1, 1), QTime(0, 0), _WALL_CLOCK))
        edit.setToolTip(edit.toolTip() or "UK local time. Type the date and time or pick the day from the calendar.")
        self.touched = False
        self._is_now = True
        self._setting = False
        edit.dateTimeChanged.connect(self._changed)
        if known is not None:
            known.toggled.connect(self._sync)
        self.reset()

    def _changed(self) -> None:
        if not self._setting:
            self.touched = True

    def refresh_default(self) -> None:
        """Move an untouched default forward to now (a form left open for an hour should not say an hour ago)."""
        if self._is_now and not self.touched and self.is_known():
            self._set(self._now())

    def _sync(self) -> None:
        self.edit.setEnabled(self.known is None or self.known.isChecked())

    def _set(self, moment: datetime) -> None:
        self._setting = True
        try:
            self.edit.setDateTime(to_qdatetime(moment))
        finally:
            self._setting = False

    def reset(self, known: bool | None = None) -> None:
        """Back to now, untouched (and the check box to `known`, when given)."""
        self._set(self._now())
        self.touched, self._is_now = False, True
        if self.known is not None and known is not None:
            self.known.setChecked(known)
        self._sync()

    def set_value(self, moment: datetime | None) -> None:
        """Show `moment` (None: now, with the check box cleared)."""
        self._set(moment if moment is not None else self._now())
        self.touched, self._is_now = False, moment is None
        if self.known is not None:
            self.known.setChecked(moment is not None)
        self._sync()

    def is_known(self) -> bool:
        return self.known is None or self.known.isChecked()

    def value(self) -> datetime | None:
        if not self.is_known():
            return None
        if self._is_now and not self.touched:
            return self._now()
        return from_qdatetime(self.edit.dateTime())


# --- tables -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    tone: Callable[[Any], str] | None = None
    tooltip: Callable[[Any], str] | None = None
    centre: bool = False
    stretch: bool = False  # takes the width left over (long free text, elided with the full text as tooltip)


ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsModel(QAbstractTableModel):
    """Read-only rows (plain view objects with an `id`) shown through column definitions."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Any] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def refresh(self) -> None:
        """Time has passed: texts and colours may change without new rows."""
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))

    def row_at(self, index: QModelIndex | QPersistentModelIndex) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        return self.rows[index.row()]

    def position_of(self, row_id: object) -> int:
        for i, row in enumerate(self.rows):
            if row.id == row_id:
                return i
        return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            # Headers line up with their column's text.
            if self.columns[section].centre:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == ROW_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else column.text(row)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole) and column.tone is not None:
            tone = column.tone(row)
            if not tone:
                return None
            if role == Qt.ItemDataRole.FontRole:
                return self._bold if tone == "overdue" else None
            colour = TONE_COLOURS.get(tone)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.centre:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.title}: {column.text(row)}"
        return None


class AiryDelegate(ToneDelegate):
    """The standard painting; a cell asks for a little more width than its text, so a column sized to its
    contents does not end flush against the next column's line."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 2 * option.fontMetrics.averageCharWidth(), size.height())


def setup_table(view: QTableView, model: RowsModel) -> None:
    view.setModel(model)
    view.setItemDelegate(AiryDelegate(view))
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().setVisible(False)
    view.ensurePolished()
    metrics = view.fontMetrics()
    view.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.9))
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setMinimumSectionSize(metrics.averageCharWidth() * 4)
    stretching = any(c.stretch for c in model.columns)
    header.setStretchLastSection(not stretching)
    for i, column in enumerate(model.columns):
        mode = QHeaderView.ResizeMode.Stretch if column.stretch else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(i, mode)


def selected_id(view: QTableView) -> object:
    model = view.model()
    index = view.selectionModel().currentIndex() if view.selectionModel() else QModelIndex()
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    if rows:
        index = rows[0]
    row = model.row_at(index) if isinstance(model, RowsModel) else None
    return row.id if row is not None else None


def replace_rows(view: QTableView, model: RowsModel, rows: Iterable[Any], prefer: object = None) -> None:
    """Show new rows, keeping the selected record (or selecting `prefer`, else the first row)."""
    keep = prefer if prefer is not None else selected_id(view)
    model.set_rows(rows)
    position = model.position_of(keep) if keep is not None else -1
    if position < 0 and model.rows:
        position = 0
    if position >= 0:
        view.selectRow(position)
        view.scrollTo(model.index(position, 0))


# --- dialogs that save through a service ----------------------------------------------------------------


class _WholeScroll(QScrollArea):
    """A scroll area that asks for all its content's size (QScrollArea caps its hint at a few dozen lines),
    so a dialog fits its form when the screen has room and scrolls only when it has not."""

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return inner.sizeHint() + QSize(2 * self.frameWidth() + bar, 2 * self.frameWidth())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content's new size reaches the dialog's layout
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:
        inner = self.widget()
        width = inner.minimumSizeHint().width() if inner is not None else 0
        return QSize(width, self.fontMetrics().lineSpacing() * 6)


class ServiceDialog(QDialog):
    """A dialog whose OK button saves through a service on the worker thread.

    Subclasses build the work in `work()` (on the GUI thread, from the widgets) and may map problems to
    widgets in `locate()`. Failures are shown inline with the fields highlighted and the dialog stays open
    with everything as typed; on success `saved(result)` is emitted and the dialog closes."""

    saved = Signal(object)

    def __init__(self, session: AppSession, title: str, form: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.busy = False
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title)
        self.setLayout(QVBoxLayout())
        self.ui = load_into(self, form)
        self.layout().setContentsMargins(16, 14, 16, 12)
        self.ok_button = self.ui.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setDefault(True)
        fit_bold(self.ok_button)
        self.ui.buttons.accepted.connect(self.submit)
        self.ui.buttons.rejected.connect(self.reject)
        self.fields: dict[str, QWidget] = {}
        self.body: QWidget | None = None  # the form's fields, when they scroll (scroll_body)
        self.scroll: QScrollArea | None = None
        self._fit_chars, self._refitted = 72, False
        self.edits = EditWatch(self)
        set_message(self.ui.message, "")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.edits.attach()
        if self.scroll is not None and not self._refitted:
            # Shown and polished, the fields take their real size, which the scroll area keeps from the
            # dialog: fit once more so the dialog scrolls only when the screen really is too small.
            self._refitted = True
            QTimer.singleShot(0, lambda: self.fit(self._fit_chars) if shiboken6.isValid(self) else None)

    def reject(self) -> None:
        """Cancel, Escape or the close button: ask first when the user has typed something."""
        what = f"what you entered in “{self.windowTitle()}”"
        if self.edits.edited and not self.busy and not confirm_discard(self, [what]):
            return
        super().reject()

    def fit(self, width_chars: int = 72) -> None:
        """Size to the content, at least `width_chars` average characters wide (scales with the font), and
        never larger than the screen: a form too tall for it scrolls (see `scroll_body`)."""
        self._fit_chars = width_chars
        self.ensurePolished()
        if self.scroll is not None:  # a scroll area hides its content's growth from the dialog's layout
            self.scroll.updateGeometry()
            self.layout().invalidate()
        screen = (self.screen() or QApplication.primaryScreen()).availableGeometry()
        width = min(self.fontMetrics().averageCharWidth() * width_chars, 1100, screen.width())
        self.setMinimumWidth(width)
        width = max(width, self.sizeHint().width())
        height = self.sizeHint().height()
        if self.hasHeightForWidth():  # wrapped labels: the height they need at this width
            height = max(height, self.heightForWidth(width))
        if self.body is not None and self.body.hasHeightForWidth():  # the same, inside the scroll area
            extra = self.body.heightForWidth(width - 40) - self.body.sizeHint().height()
            height += max(0, extra)
        frame = 40  # title bar and borders, not known before the window is first shown
        self.resize(min(width, screen.width()), min(height, screen.height() - frame))

    def scroll_body(self) -> None:
        """Put the form's fields in a scroll area and keep the message and buttons under it, so on a small
        or scaled screen (150 % on 1920x1080) a long error message scrolls the fields instead of squeezing
        them on top of one another or pushing the buttons off the screen."""
        root = self.ui.root
        layout = self.layout()
        layout.removeWidget(root)
        message, buttons = self.ui.message, self.ui.buttons
        for widget in (message, buttons):
            widget.parentWidget().layout().removeWidget(widget)
        # No longer under the form's root, where `self.ui` looks them up: keep them by name.
        self.ui.message, self.ui.buttons = message, buttons
        scroll = _WholeScroll(self)
        scroll.setObjectName("dialogScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(root)
        scroll.viewport().setAutoFillBackground(False)  # the dialog's background, not a grey panel
        root.setAutoFillBackground(False)
        layout.addWidget(scroll, 1)
        layout.addWidget(message)
        layout.addWidget(buttons)
        layout.setSpacing(10)
        self.body, self.scroll = root, scroll

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def locate(self, problem: FieldProblem) -> QWidget | None:
        return None

    def submit(self) -> None:
        if self.busy:
            return
        try:
            work = self.work()
        except InvalidInput as exc:  # a check the form makes before asking the service
            show_failure(self.ui.message, exc, self.fields, self.locate)
            return
        self._set_busy(True)
        set_message(self.ui.message, "Saving…", error=False)
        call(self.session, self, work, self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)

    def _done(self, result: object) -> None:
        self._set_busy(False)
        set_message(self.ui.message, "")
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_failure(self.ui.message, exc, self.fields, self.locate)


# --- the tabs themselves ----------------------------------------------------------------------------------


class CaseTab(QWidget):
    """What every record tab of the case workspace shares: the case and procedure it shows, its Designer
    form with the primary buttons sized for bold text, the one dialog it may have open, and the record to
    select when the workspace hands back the reloaded case. The interface is in the package docstring."""

    changed = Signal()
    icon_name = ""

    def __init__(self, session: AppSession, case_id: int, form: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.case_id = session, case_id
        self.detail: CaseDetail | None = None
        self.procedure: Procedure | None = None
        self.dialog: ServiceDialog | None = None
        self._select_next: Any = None
        self.ui = load_into(self, form)
        for button in self.findChildren(QPushButton):
            if button.property("primary"):
                fit_bold(button)

    def _open(self, dialog: ServiceDialog) -> ServiceDialog:
        self.dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, result: Any) -> None:
        chosen = self._record_saved(result)
        if chosen is not None:
            self._select_next = chosen
        self.changed.emit()

    def _record_saved(self, result: Any) -> object | None:
        """The record to select once the workspace has reloaded the case after a dialog saved `result`
        (None: keep the selection as it is)."""
        return None

    def _show_note(self, note: str) -> None:
        """The line under the buttons that says why the user cannot change this section (empty: hidden)."""
        self.ui.readOnlyNote.setText(note)
        self.ui.readOnlyNote.setVisible(bool(note))
