"""A dialog whose OK button saves through a service on the worker thread, showing failures inline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFrame, QScrollArea, QVBoxLayout, QWidget

from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.ui.discard import EditWatch, confirm_discard
from checklist_app.ui.forms import load_into
from checklist_app.ui.session import AppSession
from checklist_app.ui.widgets.looks import fit_bold
from checklist_app.ui.widgets.messages import set_message, show_failure


@dataclass(frozen=True)
class UseCase:
    """The service call a dialog's OK button makes: `function(ctx, actor, *args, **kwargs)` through `session.run`."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def use_case(function: Callable[..., Any], *args: Any, **kwargs: Any) -> UseCase:
    return UseCase(function, args, kwargs)


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

    Subclasses say which use case to call with what in `work()` (on the GUI thread, from the widgets) and may
    map problems to widgets in `locate()`. Failures are shown inline with the fields highlighted and the dialog
    stays open with everything as typed; on success `saved(result)` is emitted, the dialog closes and the
    session announces `case_changed(changed_case)` when the dialog was given a case."""

    saved = Signal(object)

    def __init__(self, session: AppSession, title: str, form: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.busy = False
        self.changed_case: int | None = None  # the case a successful save changes (set by the tab opening it)
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

    def work(self) -> UseCase:
        raise NotImplementedError

    def locate(self, problem: FieldProblem) -> QWidget | None:
        return None

    def submit(self) -> None:
        if self.busy:
            return
        try:
            call = self.work()
        except InvalidInput as exc:  # a check the form makes before asking the service
            show_failure(self.ui.message, exc, self.fields, self.locate)
            return
        self._set_busy(True)
        set_message(self.ui.message, "Saving…", error=False)
        self.session.run(
            self,
            call.function,
            *call.args,
            done=self._done,
            error=self._failed,
            changed_case=self.changed_case,
            **call.kwargs,
        )

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
