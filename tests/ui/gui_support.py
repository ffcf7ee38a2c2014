"""Helpers GUI tests share (plain functions, not fixtures), imported as `gui_support`: the main window for a
user, pick from a combo box, set a date-time, press OK or Next, answer a question box."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QMessageBox, QWidget, QWizard

from checklist_app.ui.widgets.datetime_input import to_qdatetime

Left = Qt.MouseButton.LeftButton


def main_window(qtbot, world, actor, runner, prefs):  # type: ignore[no-untyped-def]
    """The main window as `actor` sees it after log-on, shown (closing it does not end the test's application)."""
    from checklist_app.ui.main_window import MainWindow
    from checklist_app.ui.session import AppSession

    window = MainWindow(AppSession(world.ctx, actor, runner, prefs))
    window.quit_on_close = False
    qtbot.addWidget(window)
    window.show()
    return window


def choose(combo: QComboBox, text: str) -> None:
    """Pick the item showing `text`, as a user would (the combo box has focus when it changes)."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setFocus()
    combo.setCurrentIndex(index)


def choose_data(combo: QComboBox, value: object) -> None:
    """Pick the item whose data is `value`."""
    index = combo.findData(value)
    assert index >= 0, f"{value!r} not in {[combo.itemData(i) for i in range(combo.count())]}"
    combo.setFocus()
    combo.setCurrentIndex(index)


def set_time(edit: QWidget, moment: datetime) -> None:
    """Put `moment` into a date-time edit (shown in its own local time)."""
    edit.setFocus()
    edit.setDateTime(to_qdatetime(moment))  # type: ignore[attr-defined]


def press_ok(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """Click a dialog's OK button, which must be enabled."""
    ok = dialog.ui.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Left)


def next_page(qtbot, wizard: QWizard) -> None:  # type: ignore[no-untyped-def]
    """Click Next, which must be enabled (else the page's message says why it is not)."""
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), wizard.currentPage().ui.message.text()
    qtbot.mouseClick(button, Left)


def answer_next_question(choice: str, seen: list[str] | None = None) -> None:
    """Answer the next modal question box by clicking the button whose text (without '&') is `choice`;
    its title and text are appended to `seen`."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        if seen is not None:
            seen.append(f"{box.windowTitle()}|{box.text()}|{box.informativeText()}")
        button = next(b for b in box.buttons() if b.text().replace("&", "") == choice)
        button.click()

    QTimer.singleShot(0, click)
