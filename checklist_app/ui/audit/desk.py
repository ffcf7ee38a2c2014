"""The auditor's desk: audit rounds, a new round with its draw, and the round's strata, sample and the
cases set aside for independence (with the reason). Opening a sampled case opens its audit form."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core.permissions import Action
from checklist_app.services import audit_rounds, organisation
from checklist_app.services.audit_dto import RoundDetail, RoundSummary
from checklist_app.services.dto import DistrictInfo
from checklist_app.ui.audit.form import AuditFormDialog
from checklist_app.ui.audit.moderation import ModerationList
from checklist_app.ui.audit.tables import fill, table
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession, alive
from checklist_app.ui.widgets.looks import fit_bold

DISTRICTS_PER_ROW = 3  # names are longer than codes: a force of many districts wraps rather than widens


class NewRoundDialog(QDialog):
    """Period, districts, sample size and seed; OK creates the round and draws it at once."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New audit round")
        self.session = session
        form = QFormLayout(self)
        self.period = QLineEdit(session.now().strftime("%Y-%m"))
        self.period.setPlaceholderText("YYYY-MM, YYYY-Qn, YYYY or YYYY-MM-DD..YYYY-MM-DD")
        form.addRow("&Period", self.period)
        # The field opens filled in, so its placeholder is never seen: the forms it takes are said under it.
        hint = QLabel("A month (2026-11), a quarter (2026-Q4), a year (2026) or dates (2026-10-01..2026-12-31)")
        hint.setObjectName("periodHint")
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        form.addRow("", hint)
        self.district_row = QGridLayout()
        self.districts: dict[str, QCheckBox] = {}
        self.districts_loading = QLabel("Loading the districts…")
        self.district_row.addWidget(self.districts_loading, 0, 0)
        form.addRow("Districts", self.district_row)
        self.size = QSpinBox()
        self.size.setRange(1, audit_rounds.MAX_SAMPLE)
        self.size.setValue(10)
        self.size.setToolTip("The SOP's default sample size is 10 (settings.audit.sample_size)")
        form.addRow("Sample &size", self.size)
        self.seed = QLineEdit(str(audit_rounds.new_seed()))
        self.seed.setToolTip("Recorded with the round: the same seed and frame always give the same sample")
        form.addRow("S&eed", self.seed)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create and &draw")
        fit_bold(self.ok_button)  # drawn bold as the default button: "Create and dra" at 150 % without this
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.created: RoundDetail | None = None
        self.ok_button.setEnabled(False)  # until the districts are there to choose from
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        ctx = session.ctx
        # session.call: the district list is reference data, not a use case of the signed-in auditor.
        session.call(self, lambda: organisation.list_districts(ctx), self._show_districts, self._districts_failed)

    def _show_districts(self, districts: list[DistrictInfo]) -> None:
        if not alive(self):
            return
        self.districts_loading.hide()
        self.district_row.removeWidget(self.districts_loading)
        names = Counter(d.name for d in districts)
        for i, district in enumerate(districts):
            # Auditors know districts by name; the code tells apart two districts of the same name.
            label = district.name if names[district.name] == 1 else f"{district.name} ({district.code})"
            box = QCheckBox(label)
            box.setToolTip(f"{district.name} ({district.code})")
            box.setAccessibleName(label)
            box.setChecked(True)
            self.districts[district.code] = box
            self.district_row.addWidget(box, i // DISTRICTS_PER_ROW, i % DISTRICTS_PER_ROW)
        self.ok_button.setEnabled(True)

    def _districts_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.districts_loading.setText("Not loaded")
            self._refuse(f"Districts: could not be loaded. {explain(exc).message}")

    def _refuse(self, text: str) -> None:
        """Say what is wrong and grow the dialog to show all of it (a fixed height cut the message off)."""
        self.problem.setText(text)
        self.adjustSize()

    def _create(self) -> None:
        try:
            seed = int(self.seed.text().strip())
        except ValueError:
            self._refuse("Seed: must be a whole number")
            return
        districts = [code for code, box in self.districts.items() if box.isChecked()]
        if not districts:
            self._refuse("Districts: choose at least one")
            return
        period, size = self.period.text(), self.size.value()

        def done(detail: RoundDetail) -> None:
            self.created = detail
            self.accept()

        def failed(exc: BaseException) -> None:
            self._refuse(explain(exc).message)

        self.session.run(
            self,
            audit_rounds.create_round,
            period=period,
            districts=districts,
            sample_size=size,
            seed=seed,
            done=done,
            error=failed,
        )


class AuditDesk(QWidget):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AuditDesk")
        self.session = session
        self.detail: RoundDetail | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.new_button = QPushButton("&New round…")
        self.new_button.clicked.connect(self.new_round)
        self.open_button = QPushButton("&Open audit")
        self.open_button.clicked.connect(self.open_selected)
        bar.addWidget(QLabel("<b>Audit rounds</b>"))
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        layout.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical)
        self.rounds = table(["Round", "Period", "Districts", "Sample", "Seed", "Signed", "Auditor"])
        self.rounds.itemSelectionChanged.connect(self._round_chosen)
        empty_hint(self.rounds, "No audit rounds yet. New round… draws this period's sample of cases to audit.")
        self.moderation: ModerationList | None = None
        if session.may(Action.CASE_AUDIT_MODERATE):
            top = QSplitter(Qt.Orientation.Horizontal)
            top.addWidget(self.rounds)
            self.moderation = ModerationList(session)
            top.addWidget(self.moderation)
            top.setSizes([650, 550])
            split.addWidget(top)
        else:
            split.addWidget(self.rounds)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lower_layout.addWidget(self.summary)
        tables = QSplitter(Qt.Orientation.Horizontal)
        self.strata = table(["Stratum", "Cases", "Share", "Drawn"])
        self.sampled = table(["Case", "Stratum", "Audit", "Grade", "Moderation"])
        self.sampled.activated.connect(self.open_selected)  # a double-click, or Enter on the selected row
        self.skipped = table(["Set aside", "Reason"])
        empty_hint(self.strata, "Select a round above to see how its cases were grouped.")
        empty_hint(
            self.sampled,
            "Select a round above to see the cases drawn for audit; double-click one, or select it and press "
            "Enter, to audit it.",
        )
        empty_hint(self.skipped, "No cases set aside: cases a round leaves out are listed here with the reason.")
        for widget, title in ((self.strata, "Strata"), (self.sampled, "Sample"), (self.skipped, "Set aside")):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(QLabel(f"<b>{title}</b>"))
            box_layout.addWidget(widget)
            tables.addWidget(box)
        tables.setSizes([400, 500, 300])  # strata and sample both fully readable; set-aside reasons wrap
        lower_layout.addWidget(tables, 1)
        split.addWidget(lower)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        session = self.session
        if self.moderation is not None:
            self.moderation.refresh()
        session.run(self, audit_rounds.list_rounds, done=self._show_rounds)

    def _show_rounds(self, rounds: list[RoundSummary]) -> None:
        rows = [
            [
                str(r.id),
                r.period,
                " ".join(r.districts),
                f"{r.sample_size} of {r.frame_size}",
                str(r.seed) if r.seed is not None else "not drawn",
                f"{r.signed_count}/{r.sample_size}",
                r.auditor,
            ]
            for r in rounds
        ]
        fill(self.rounds, rows, [r.id for r in rounds])
        if rounds and not self.rounds.selectedItems():
            self.rounds.selectRow(0)

    def _round_chosen(self) -> None:
        items = self.rounds.selectedItems()
        if not items:
            return
        round_id = int(self.rounds.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole))
        self.show_round(round_id)

    def show_round(self, round_id: int) -> None:
        self.session.run(self, audit_rounds.round_detail, round_id, done=self._show_detail)

    def _show_detail(self, detail: RoundDetail) -> None:
        self.detail = detail
        s = detail.summary
        self.summary.setText(
            f"Round {s.id}, {s.period}, districts {' '.join(s.districts)}: {s.sample_size} drawn from "
            f"{s.frame_size} eligible case(s) with seed {s.seed}; {s.skipped_count} set aside for independence."
        )
        fill(self.strata, [[x.label, str(x.population), f"{x.share:.2f}", str(x.places)] for x in detail.strata])
        fill(
            self.sampled,
            [
                [
                    c.reference,
                    c.stratum,
                    c.audit_status,
                    c.overall_grade,
                    ("done" if c.moderated else "due") if c.moderation_due else "",
                ]
                for c in detail.sampled
            ],
            [c.audit_id or 0 for c in detail.sampled],
        )
        fill(self.skipped, [[x.reference, x.reason_text] for x in detail.skipped])

    def new_round(self) -> None:
        dialog = NewRoundDialog(self.session, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created is not None:
            self.refresh()
            self._show_detail(dialog.created)

    def open_selected(self) -> None:
        items = self.sampled.selectedItems()
        if not items:
            QMessageBox.information(self, "Open audit", "Choose a sampled case in the Sample table first.")
            return
        audit_id = int(self.sampled.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole))
        self.open_audit(audit_id)

    def open_audit(self, audit_id: int) -> AuditFormDialog:
        dialog = AuditFormDialog(self.session, audit_id, self)
        dialog.finished.connect(lambda _code: self.detail and self.show_round(self.detail.summary.id))
        dialog.show()
        return dialog
