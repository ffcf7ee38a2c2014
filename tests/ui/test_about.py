"""Help > About: version, database and engine, procedure versions with case counts, the chain head, and the
bundled components' licences (with how to replace Qt)."""

from __future__ import annotations

import pytest
from support import open_case

from checklist_app import __version__
from checklist_app.services import admin
from checklist_app.ui.about import AboutDialog

pytestmark = pytest.mark.gui


def test_about_shows_installation_and_licences(qtbot, world, make_session, idle) -> None:  # type: ignore[no-untyped-def]
    open_case(world)
    session = make_session(world.investigator)
    dialog = AboutDialog(session)
    qtbot.addWidget(dialog)
    idle()
    text = dialog.summary.text()
    assert f"version {__version__}" in text
    head = admin.chain_head(world.ctx, world.admin)
    assert head.anchor in text
    assert "1 case" in text and "v" in text
    assert ("SQLite" in text) or ("postgresql" in text)
    names = {dialog.components.item(r, 0).text().lower().replace("_", "-") for r in range(dialog.components.rowCount())}
    assert {"pyside6-essentials", "sqlalchemy", "reportlab"} <= names
    assert dialog.copy_anchor.isEnabled()
    dialog.copy_anchor.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == head.anchor


def test_the_copy_button_shows_its_whole_text_once_the_chain_head_is_in(qtbot, world, make_session, idle) -> None:  # type: ignore[no-untyped-def]
    """At 150 % the button read ":opy chain heac": enabled after the load it became the dialog's default
    button, drawn in the bold of default buttons, in the width measured for normal text."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont, QFontMetrics

    session = make_session(world.investigator)
    dialog = AboutDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    idle()
    qtbot.waitUntil(dialog.copy_anchor.isEnabled)
    qtbot.wait(50)  # the layout settles
    button = dialog.copy_anchor
    bold = QFont(button.font())
    bold.setWeight(QFont.Weight.DemiBold)
    drawn = bold if button.isDefault() else button.font()  # default buttons are drawn bold (style.qss)
    needed = QFontMetrics(drawn).horizontalAdvance(button.text())
    assert button.width() >= needed + 8, (button.width(), needed, button.isDefault())
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter closes the dialog, as its default button says
    assert not dialog.isVisible()
