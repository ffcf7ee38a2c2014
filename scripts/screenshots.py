"""Documentation screenshots of the desktop app (not a test): the real app on a demo database, driven by timers.

    python scripts/screenshots.py --out docs/screenshots [--db PATH] [--cases 400] [--scale 1.0] [--size 1440x900]

Creates the demo database when PATH does not exist (`python -m checklist_app --db PATH demo --cases N`), then
starts the app the way `checklist-app` does (AppController: database, log-on dialog, main window) with a real
window, acknowledges the banner, types the demo investigator's user name and password, logs on and saves PNGs
with QWidget.grab():

    01-logon  02-case-list  03-workspace-steps  03b-step-evidence  04-decisions  05-intelligence
    05b-intelligence-add  05c-intelligence-refused (when the case is the user's)  06-risk  07-missing  08-events
    09-new-case  10-lock

and with `--admin`, as the demo administrator: 11-admin-accounts  12-admin-teams  13-admin-procedures
14-admin-database; with `--auditor`, as the demo auditor: 15-audit-round  16-audit-form  30-moderation-form
31-audit-moderated (a second auditor, auditor2, is added to sign the audit moderated); with `--reports`, as the
demo auditor: 17-report-dialog  18-report-preview  19-casework-preview; with `--supervisor`, as the demo
supervisor: 20-team-dashboard  21-case-actions  22-close-case  23-sign-closure.

With `--scale 1.5` Qt scales everything by 1.5 (QT_SCALE_FACTOR) and the files get the suffix `@150`. It needs
a display: run it under Xvfb with scripts/screenshots.sh. Exits 0 when every screenshot was saved, 1 with the
reason otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASSWORD = "demo-pass-2026"
TIMEOUT_S = 60.0  # for any one thing to appear
WATCHDOG_S = 600.0  # for the whole run


# Libraries Qt's xcb plugin loads (without them it aborts with a misleading message), and their Debian packages.
XCB_LIBRARIES = (
    "xcb-cursor",
    "xcb-icccm",
    "xcb-image",
    "xcb-keysyms",
    "xcb-randr",
    "xcb-render-util",
    "xcb-xinerama",
    "xcb-xkb",
    "xkbcommon-x11",
    "xcb-shape",
    "xcb-xfixes",
)
XCB_PACKAGES = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libxcb-shape0",
    "libxcb-xfixes0",
)


def missing_xcb_libraries() -> list[str]:
    if not sys.platform.startswith("linux"):
        return []
    import ctypes.util

    return [f"lib{name}" for name in XCB_LIBRARIES if ctypes.util.find_library(name) is None]


class ScreenshotError(Exception):
    """Something the screenshots need is missing or did not appear; the message says what."""


def fail(message: str) -> int:
    print(f"screenshots: {message}", file=sys.stderr)
    return 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNG files (created if missing)")
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "checklist-screens.db")
    parser.add_argument("--cases", type=int, default=400, help="cases in a newly created demo database")
    parser.add_argument("--scale", type=float, default=1.0, help="Qt scale factor, e.g. 1.5 for 150 %%")
    parser.add_argument("--size", default="1440x900", help="main window size in logical pixels (WxH)")
    parser.add_argument("--user", default="investigator", help="demo user to log on as")
    parser.add_argument(
        "--admin", action="store_true", help="log on as the demo administrator and shoot the console (11-14) only"
    )
    parser.add_argument(
        "--auditor", action="store_true", help="log on as the demo auditor and shoot the audit desk (15-16) only"
    )
    parser.add_argument(
        "--reports", action="store_true", help="log on as the demo auditor and shoot the reports (17-19) only"
    )
    parser.add_argument(
        "--supervisor",
        action="store_true",
        help="log on as the demo supervisor and shoot the team dashboard and case closure (20-23) only",
    )
    parser.add_argument(
        "--intelligence",
        action="store_true",
        help="log on as the demo intelligence officer and shoot the intelligence desk (32) only",
    )
    args = parser.parse_args(argv)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must look like 1440x900, not {args.size!r}")
    args.width, args.height = width, height
    if args.admin:
        args.user = "admin"
    if args.auditor or args.reports:
        args.user = "auditor"
    if args.supervisor:
        args.user = "supervisor"
    if args.intelligence:
        args.user = "intel"
    if not 0.5 <= args.scale <= 4:
        parser.error("--scale must be between 0.5 and 4")
    return args


def suffix(scale: float) -> str:
    return "" if abs(scale - 1.0) < 1e-9 else f"@{round(scale * 100)}"


def ensure_database(path: Path, cases: int) -> None:
    if path.exists():
        print(f"screenshots: using the existing database {path}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: creating a demo database with {cases} cases at {path} …")
    command = [sys.executable, "-m", "checklist_app", "--db", str(path), "demo", "--cases", str(cases)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not path.exists():
        detail = (result.stderr or result.stdout).strip()
        raise ScreenshotError(f"could not create the demo database ({' '.join(command)}): {detail}")
    print(f"screenshots: {result.stdout.strip()}")


# --- choosing the cases to show (through the services, before the GUI starts) ------------------------------


def choose_cases(db: Path, username: str) -> tuple[int, str, int]:
    """(case for the Steps tab, the step to select there, case for the other tabs)."""
    from checklist_app.services import accounts, case_list, cases
    from checklist_app.services.context import ServiceContext
    from checklist_app.services.errors import AuthenticationFailed

    try:
        ctx = ServiceContext.open(str(db))
    except Exception as exc:  # a store error says what is wrong with the file in words
        raise ScreenshotError(f"cannot open {db}: {exc} Delete it to have a new demo database created.") from exc
    try:
        try:
            actor = accounts.log_on(ctx, username, PASSWORD)
        except AuthenticationFailed as exc:
            raise ScreenshotError(
                f"the demo user {username!r} cannot log on to {db} ({exc}). Is it a demo database? "
                "Delete it to have a new one created."
            ) from exc
        rows = case_list.list_cases(ctx, actor, case_list.CaseFilter(status="open"))
        now = ctx.now()
        own = [r for r in rows if actor.user_id in (r.officer_id, r.supervisor_id) or r.team_id == actor.team_id]
        # The investigator's own cases first, then the team's, oldest referral first.
        candidates = sorted(own, key=lambda r: (r.officer_id != actor.user_id, r.referral_at))
        steps_choice: dict[int, tuple[float, str]] = {}  # case id -> (score, step id)
        tabs_choice: dict[int, tuple[bool, float]] = {}  # case id -> (has a few of each, score)
        for row in candidates[:120]:
            detail = cases.case_detail(ctx, actor, row.id, reason="documentation screenshots")
            if not detail.viewer_may_edit:
                continue
            own_bonus = 2 if row.officer_id == actor.user_id else 0
            # Steps tab: a phase holding done and overdue steps, with an overdue step that has evidence fields.
            for phase in detail.phases if row.overdue_count(now) and row.risk_category else ():
                steps = [s for s in detail.steps if s.phase_id == phase.id]
                done = sum(s.status == "done" for s in steps)
                targets = [s for s in steps if s.due_state == "overdue" and s.fields and s.can_work]
                if not done or not targets:
                    continue
                target = max(targets, key=lambda s: len(s.fields))
                score = min(done, 4) + min(len(target.fields), 5) + (2 if 4 <= len(steps) <= 9 else 0) + own_bonus
                if score > steps_choice.get(detail.id, (-1.0, ""))[0]:
                    steps_choice[detail.id] = (score, target.step_id)
            # Other tabs: something on every one of them, a few entries where a list is shown.
            counts = (
                len(detail.decisions),
                len(detail.intelligence),
                len(detail.risk_assessments),
                len(detail.missing_episodes),
                len(detail.events),
            )
            if all(counts):
                caps = (5, 5, 3, 4, 12)
                score = sum(min(c, cap) / cap for c, cap in zip(counts, caps, strict=True)) * 4 + own_bonus
                risk = detail.current_risk
                score += risk.effective_category - 1 if risk is not None else 0  # the risk tool with something to show
                # A log of one entry looks empty: a few decisions, items, assessments and episodes matter most.
                rich = all(c >= least for c, least in zip(counts, (3, 2, 2, 2, 5), strict=True))
                tabs_choice[detail.id] = (rich, score)
        if not steps_choice:
            raise ScreenshotError("no open case of the demo user has a phase with done and overdue steps")
        if not tabs_choice:
            raise ScreenshotError(
                "no open case of the demo user has decisions, intelligence, risk assessments, missing episodes "
                "and events; create a larger demo database (--cases)"
            )
        # One case for every tab when one qualifies for both (the same header throughout), else the best of each.
        both = [c for c in steps_choice if tabs_choice.get(c, (False, 0.0))[0]]
        if both:
            case_id = max(both, key=lambda c: steps_choice[c][0] + tabs_choice[c][1])
            return case_id, steps_choice[case_id][1], case_id
        steps_case = max(steps_choice, key=lambda c: steps_choice[c][0])
        return steps_case, steps_choice[steps_case][1], max(tabs_choice, key=tabs_choice.__getitem__)
    finally:
        ctx.close()


# --- driving the app -----------------------------------------------------------------------------------------


class Driver:
    """Runs the app's own start-up, then takes the screenshots one step at a time from the event loop."""

    def __init__(self, args: argparse.Namespace, steps_case: int, step_id: str, tabs_case: int) -> None:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from checklist_app.ui.app import AppController, configure
        from checklist_app.ui.errors import install_excepthook
        from checklist_app.ui.preferences import Preferences

        self.args = args
        self.steps_case, self.step_id, self.tabs_case = steps_case, step_id, tabs_case
        self.out: Path = args.out
        self.suffix = suffix(args.scale)
        self.saved: list[Path] = []
        self.error: str | None = None
        self.app = QApplication.instance() or QApplication([sys.argv[0]])
        configure(self.app)
        install_excepthook()
        self.app.setQuitOnLastWindowClosed(False)
        # Fresh preferences: no remembered window geometry, splitter sizes or user name from earlier runs.
        self._settings_dir = tempfile.TemporaryDirectory(prefix="checklist-screens-")
        settings = QSettings(str(Path(self._settings_dir.name) / "settings.ini"), QSettings.Format.IniFormat)
        self.controller = AppController(str(args.db), prefs=Preferences(settings))

    # --- helpers -----------------------------------------------------------------------------------------

    def pump(self, seconds: float = 0.15) -> None:
        from PySide6.QtCore import QEventLoop

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.005)

    def wait_until(self, what: str, condition: Callable[[], Any], timeout: float = TIMEOUT_S) -> Any:
        from PySide6.QtCore import QEventLoop

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            self.check_no_message_box()
            result = condition()
            if result:
                return result
            time.sleep(0.01)
        raise ScreenshotError(f"timed out after {timeout:.0f} s waiting for {what}")

    def idle(self) -> bool:
        return self.controller.runner.idle

    def settle(self, what: str) -> None:
        """Wait for the worker thread to finish and the screen to repaint."""
        self.wait_until(what, self.idle)
        self.pump(0.3)
        self.wait_until(what, self.idle)
        self.pump(0.2)

    def check_no_message_box(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                text = widget.text()
                widget.close()
                raise ScreenshotError(f"the app showed a message box: {widget.windowTitle()}: {text}")

    def save(self, widget: Any, name: str) -> None:
        widget.repaint()
        self.pump(0.1)
        path = self.out / f"{name}{self.suffix}.png"
        pixmap = widget.grab()
        if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
            raise ScreenshotError(f"could not save {path}")
        self.saved.append(path)
        print(f"screenshots: saved {path} ({pixmap.width()}x{pixmap.height()})")

    # --- the run -----------------------------------------------------------------------------------------

    def run(self) -> int:
        from PySide6.QtCore import QTimer

        # A modal message box would stop the steps inside its own event loop: a timer still sees it.
        self._watch = QTimer()
        self._watch.setInterval(500)
        self._watch.timeout.connect(self._watch_for_boxes)
        self._watch.start()
        try:
            try:
                started = self.controller.start()
            except Exception:
                if self.error:  # the watchdog closed a message box and stopped the start: say which box
                    return fail(self.error)
                raise
            if not started:
                return fail(self.error or f"the app did not start on {self.args.db}")
            QTimer.singleShot(0, self._steps)
            self.app.exec()
        finally:
            self._watch.stop()
            self.controller.shutdown()
        if self.error:
            return fail(self.error)
        print(f"screenshots: {len(self.saved)} files in {self.out}")
        return 0

    def _watch_for_boxes(self) -> None:
        try:
            self.check_no_message_box()
        except ScreenshotError as exc:
            self.error = self.error or str(exc)
            self.app.exit(1)

    def _steps(self) -> None:
        try:
            self._take_all()
        except ScreenshotError as exc:
            self.error = str(exc)
        except Exception as exc:  # reported in words, with the type, so the run never just hangs
            self.error = f"{type(exc).__name__}: {exc}"
        window = self.controller.window
        if window is not None:
            window.quit_on_close = False
            window.close()
        if self.controller.login is not None:
            self.controller.login.hide()
        self.app.exit(1 if self.error else 0)

    def _admin_console(self, window: Any) -> None:
        """11-14: the administrator's console, each page after it has loaded (the database page verified)."""
        console = window.case_list
        self.settle("the accounts page")
        accounts = console.accounts
        accounts.select("investigator")
        self.settle("the accounts page")
        self.save(window, "11-admin-accounts")
        console.pages.setCurrentWidget(console.teams)
        self.settle("the teams page")
        self.save(window, "12-admin-teams")
        console.pages.setCurrentWidget(console.procedures)
        self.settle("the procedure versions page")
        if console.procedures.table.rowCount():
            console.procedures.table.selectRow(0)
        self.save(window, "13-admin-procedures")
        console.pages.setCurrentWidget(console.database)
        self.settle("the database page")
        console.database.verify_button.click()
        self.wait_until(
            "the verification", lambda: console.database.verify_button.isEnabled() and self.idle(), timeout=300
        )
        self.settle("the database page")
        self.save(window, "14-admin-database")

    def _audit_desk(self, window: Any) -> None:
        """15-16: a round drawn this year (strata, sample, cases set aside) and the audit form of one sampled
        case, partly graded with a remedial action."""
        from checklist_app.services import accounts, case_audits
        from checklist_app.ui.audit.desk import AuditDesk, NewRoundDialog
        from checklist_app.ui.audit.form import AuditFormDialog

        tabs = window.ui.caseTabs
        # The desk is made when its tab is first shown.
        tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "Audit rounds"))
        desk = tabs.currentWidget()
        assert isinstance(desk, AuditDesk)
        self.settle("the audit rounds")
        dialog = NewRoundDialog(desk.session, desk)
        dialog.period.setText(str(desk.session.now().year))
        dialog.seed.setText("20261202")
        dialog.show()
        self.pump(0.3)
        dialog.ok_button.click()
        self.wait_until("the new round's draw", lambda: dialog.created is not None or dialog.problem.text())
        if dialog.created is None:
            raise ScreenshotError(f"the audit round was refused: {dialog.problem.text()}")
        desk.refresh()
        self.settle("the audit rounds")
        desk.show_round(dialog.created.summary.id)
        self.settle("the audit round")
        desk.sampled.selectRow(0)
        self.save(window, "15-audit-round")
        session = desk.session
        audit_id = dialog.created.sampled[0].audit_id
        form = case_audits.audit_form(session.ctx, session.actor, audit_id)
        grades = {item.item_id: "compliant" for item in form.items[:8]}
        comments = {}
        if len(form.items) > 8:
            grades[form.items[8].item_id] = "partial"
            comments[form.items[8].item_id] = "Safety plan agreed a day late; no carer signature."
        case_audits.save_audit(session.ctx, session.actor, audit_id, grades=grades, comments=comments)
        owner = next(u for u in accounts.list_users(session.ctx, session.actor) if u.role == "supervisor" and u.active)
        case_audits.raise_remedial_action(
            session.ctx,
            session.actor,
            audit_id,
            description="Agree safety plans the same day and record the carers' agreement.",
            owner_id=owner.id,
            priority="medium",
        )
        desk.open_audit(audit_id)
        audit = self.wait_until(
            "the audit form",
            lambda: next((w for w in desk.findChildren(AuditFormDialog) if w.form is not None), None),
        )
        audit.resize(int(self.args.width * 0.95), int(self.args.height * 0.95))
        self.settle("the audit form")
        self.save(audit, "16-audit-form")
        audit.close()
        self._moderation(window, desk)

    def _moderation(self, window: Any, desk: Any) -> None:
        """30-31: a second auditor's signed audit (picked for moderation) on the demo auditor's To moderate list,
        the moderation form filled in to disagree, then the audit form with the moderation and the follow-up."""
        from checklist_app.services import accounts, audit_rounds, audit_signing, case_audits, cases, remedial
        from checklist_app.services.context import system_actor

        ctx = desk.session.ctx
        if not any(u.username == "auditor2" for u in accounts.list_users(ctx, desk.session.actor)):
            accounts.create_user(
                ctx, system_actor(), username="auditor2", display_name="Aud Rowan", role="auditor", password=PASSWORD
            )
        second = accounts.log_on(ctx, "auditor2", PASSWORD)
        detail = audit_rounds.create_round(
            ctx, second, period=str(desk.session.now().year), sample_size=5, seed=20261203
        )
        picked = next(c for c in detail.sampled if c.moderation_due)
        audit_id = picked.audit_id
        form = case_audits.audit_form(ctx, second, audit_id)
        grades = {item.item_id: "compliant" for item in form.items}
        comments = {}
        if len(form.items) > 3:
            grades[form.items[3].item_id] = "partial"
            comments[form.items[3].item_id] = "Strategy discussion minuted late."
        case_audits.save_audit(
            ctx,
            second,
            audit_id,
            grades=grades,
            comments=comments,
            overall_grade="good",
            rationale="Sound investigation; one strategy discussion minuted late.",
        )
        case = cases.case_detail(ctx, second, picked.case_id)
        owner_id = case.supervisor_id or case.officer_id
        owner = next(u for u in accounts.list_users(ctx, desk.session.actor) if u.id == owner_id)
        case_audits.raise_remedial_action(
            ctx, second, audit_id, description="Minute strategy discussions the same day.", owner_id=owner.id
        )
        audit_signing.sign_audit(ctx, second, audit_id, PASSWORD)
        desk.refresh()
        self.settle("the To moderate list")
        moderation = desk.moderation
        moderation.table.selectRow(0)
        dialog = moderation.open_moderation(audit_id)
        self.wait_until("the moderation form", lambda: dialog.form is not None and dialog.sign_button.isEnabled())
        dialog.resize(int(self.args.width * 0.95), int(self.args.height * 0.95))
        dialog.disagree.setChecked(True)
        dialog.grade.setCurrentIndex(dialog.grade.findData("requires_improvement"))
        row = min(5, len(dialog._grades) - 1)
        dialog._grades[row].setCurrentIndex(dialog._grades[row].findData("non_compliant"))
        dialog._why[row].setText("No record that the child's views were sought.")
        dialog.note.setPlainText("The child's voice is missing from the plan; the grade should reflect it.")
        dialog.items.scrollToItem(dialog.items.item(row, 0))
        self.settle("the moderation form")
        dialog.items.scrollToItem(dialog.items.item(row, 0))  # again, now the rows have their heights
        self.pump(0.3)
        self.save(dialog, "30-moderation-form")
        item_grades = {form.items[row].item_id: "non_compliant"}
        audit_signing.moderate_audit(
            ctx,
            desk.session.actor,
            audit_id,
            overall_grade="requires_improvement",
            password=PASSWORD,
            item_grades=item_grades,
            item_comments={form.items[row].item_id: dialog._why[row].text()},
            note=dialog.note.toPlainText(),
        )
        dialog.reject()
        owner_actor = accounts.log_on(ctx, owner.username, PASSWORD)
        (action,) = remedial.case_remedial_actions(ctx, owner_actor, picked.case_id)
        remedial.complete_remedial_action(ctx, owner_actor, action.id, "Team briefed; minutes template changed.")
        audit = desk.open_audit(audit_id)
        self.wait_until("the moderated audit form", lambda: audit.form is not None and audit.form.moderations)
        audit.resize(int(self.args.width * 0.95), int(self.args.height * 0.95))
        self.settle("the moderated audit form")
        self.save(audit, "31-audit-moderated")
        audit.close()

    def _reports(self, window: Any) -> None:
        """17-19: the compliance report dialog (last twelve months, all districts), its preview, and the preview
        of a casework audit report on a case with a supervisory review."""
        from checklist_app.services import case_list
        from checklist_app.ui.reports.dialogs import CaseworkReportDialog, ComplianceReportDialog
        from checklist_app.ui.reports.preview import ReportPreview

        def visible(kind: type) -> Any:
            return next((w for w in window.findChildren(kind) if w.isVisible()), None)

        window.compliance_report_action.trigger()
        dialog = self.wait_until("the compliance report dialog", lambda: visible(ComplianceReportDialog))
        self.wait_until("the districts", lambda: len(dialog.districts) > 0)
        dialog.preset.setCurrentText("Last twelve months")
        self.settle("the compliance report dialog")
        self.save(dialog, "17-report-dialog")
        dialog.generate_button.click()
        preview = self.wait_until("the compliance report preview", lambda: visible(ReportPreview), timeout=180)
        preview.resize(int(self.args.width * 0.95), int(self.args.height * 0.95))
        self.pump(0.5)
        preview.go_to(1)
        self.settle("the compliance report preview")
        self.save(preview, "18-report-preview")
        preview.close()

        session = window.session
        rows = case_list.list_cases(session.ctx, session.actor, case_list.CaseFilter(status="open"))
        if not rows:
            raise ScreenshotError("the demo database has no open case for a casework report")
        window.casework_report(min(rows, key=lambda r: r.referral_at).reference)  # the longest history
        casework = self.wait_until("the casework report dialog", lambda: visible(CaseworkReportDialog))
        casework.generate_button.click()
        preview = self.wait_until("the casework report preview", lambda: visible(ReportPreview), timeout=120)
        preview.resize(int(self.args.width * 0.95), int(self.args.height * 0.95))
        self.pump(0.5)
        preview.zoom.setCurrentText("100 %")
        self.pump(0.3)
        preview.go_to(1)  # the checklist by phase
        self.settle("the casework report preview")
        self.save(preview, "19-casework-preview")
        preview.close()

    def _supervisor_desk(self, window: Any) -> None:
        """20-23: the team dashboard as the supervisor lands on it; a case opened from its first overdue-steps
        line with the header's supervisor actions; the closure dialog listing what is still open; the signature
        dialog as closure asks for it (shown, never signed)."""
        from PySide6.QtCore import Qt

        from checklist_app.core.signatures import Meaning
        from checklist_app.ui.supervision.closure_dialogs import CloseCaseDialog
        from checklist_app.ui.supervision.sign_dialog import SignDialog

        page = window.dashboard
        if page is None:
            raise ScreenshotError("the demo supervisor has no team dashboard")
        self.wait_until("the team dashboard", lambda: page.loaded is not None and self.idle())
        self.settle("the team dashboard")
        lines = page.section_lines("overdue_steps") or page.section_lines("reviews")
        if not lines:
            raise ScreenshotError("the demo supervisor's team has no case with overdue steps or reviews due")
        page.attention.setCurrentItem(lines[0])
        page.attention.setFocus()
        self.pump(0.2)
        self.save(window, "20-team-dashboard")
        page.open_button.click()
        line = lines[0].data(0, Qt.ItemDataRole.UserRole)  # the dashboard line
        workspace = self.wait_until("the case from the dashboard", lambda: window.workspace_for(line.case_id))
        self.wait_until("the case to load", lambda: workspace.detail is not None and self.idle())
        self.settle("the case header")
        self.save(window, "21-case-actions")
        dialog = CloseCaseDialog(workspace.session, line.case_id, line.reference, workspace)
        dialog.rationale.setPlainText(
            "Child safeguarded: placement stable, no missing episodes for three months, partners agree."
        )
        dialog.show()
        self.wait_until("the closure check", lambda: dialog.open_items is not None and self.idle())
        self.settle("the closure dialog")
        self.save(dialog, "22-close-case")
        dialog.close()
        sign = SignDialog(
            workspace,
            workspace.session,
            Meaning.APPROVED_FOR_CLOSURE.value,
            f"Closure of case {line.reference}.\n\nRationale:\n" + dialog.rationale.toPlainText(),
        )
        sign.show()
        self.pump(0.3)
        self.save(sign, "23-sign-closure")
        sign.close()

    def _intelligence_desk(self, window: Any) -> None:
        """32: the intelligence officer's desk, soonest due first, with the first line selected; then the case
        opened from it at that item on its Intelligence tab."""
        page = window.intelligence_desk
        if page is None:
            raise ScreenshotError("the demo intelligence officer has no intelligence desk")
        window.ui.caseTabs.setCurrentWidget(page)
        self.wait_until("the intelligence desk", lambda: page.desk is not None and self.idle())
        if not page.model.rows:
            raise ScreenshotError("the demo intelligence officer's desk is empty")
        page.table.selectRow(0)
        page.table.setFocus()
        self.settle("the intelligence desk")
        self.save(window, "32-intelligence-desk")
        line = page.model.rows[0]
        page.open_button.click()
        workspace = self.wait_until("the case from the desk", lambda: window.workspace_for(line.case_id))
        self.wait_until("the case to load", lambda: workspace.detail is not None and self.idle())
        self.settle("the Intelligence tab")
        self.save(window, "32b-case-at-intelligence-item")

    def _take_all(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from checklist_app.ui.case_list import COL_DUE
        from checklist_app.ui.new_case.wizard import NewCaseWizard
        from checklist_app.ui.workspace import CaseWorkspace

        self.out.mkdir(parents=True, exist_ok=True)

        # 1. Log-on: banner acknowledged, user name and password typed.
        login = self.wait_until("the log-on dialog", lambda: self.controller.login)
        self.wait_until("the log-on dialog to show", login.isVisible)
        login.raise_()
        login.activateWindow()
        self.pump(0.3)
        login.ui.acknowledge.click()
        login.ui.username.clear()
        QTest.keyClicks(login.ui.username, self.args.user)
        QTest.keyClicks(login.ui.password, PASSWORD)
        login.ui.username.setFocus()
        login.ui.username.end(False)
        self.pump(0.3)
        if not login.ui.logOnButton.isEnabled():
            raise ScreenshotError("the Log on button stayed disabled after the banner and credentials")
        if not (
            self.args.admin or self.args.auditor or self.args.reports or self.args.supervisor or self.args.intelligence
        ):  # investigator
            self.save(login, "01-logon")
        login.ui.logOnButton.click()

        # 2. Case list: all the investigator can see, open cases, next due first.
        window = self.wait_until("the main window after log-on", lambda: self.controller.window, timeout=120)
        window.resize(self.args.width, self.args.height)
        window.move(0, 0)
        window.raise_()
        window.activateWindow()
        if self.args.admin:
            self._admin_console(window)
            return
        if self.args.auditor:
            self._audit_desk(window)
            return
        if self.args.reports:
            self._reports(window)
            return
        if self.args.supervisor:
            self._supervisor_desk(window)
            return
        if self.args.intelligence:
            self._intelligence_desk(window)
            return
        page = window.case_list
        self.wait_until("the case list rows", lambda: page.model.rows and self.idle())
        page.ui.scope.setCurrentIndex(page.ui.scope.findData("district"))
        page.ui.status.setCurrentIndex(page.ui.status.findData("open"))
        page.ui.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
        page.ui.table.selectRow(0)
        page.ui.table.setFocus()
        self.settle("the case list")
        if page.model.rowCount() == 0:
            raise ScreenshotError("the case list is empty for 'All I can see'")
        self.save(window, "02-case-list")

        # 3. Workspace, Steps tab: a phase with done and overdue steps, an overdue step with evidence fields.
        window.open_case(self.steps_case)
        workspace = self.wait_until("the case workspace", lambda: window.workspace_for(self.steps_case))
        assert isinstance(workspace, CaseWorkspace)
        self.wait_until("the case to load", lambda: workspace.detail is not None and self.idle())
        self.pump(0.3)
        workspace.steps.select_step(self.step_id)
        workspace.steps.focus_table()
        self.settle("the selected step")
        self.save(window, "03-workspace-steps")
        # The same step's evidence form, as Enter from the step list shows it.
        panel = workspace.steps
        panel.focus_form()
        self.settle("the evidence form")
        evidence = panel.ui.evidenceGroup
        top = evidence.mapTo(panel.ui.stepDetail, evidence.rect().topLeft()).y()
        panel.ui.detailScroll.verticalScrollBar().setValue(top - 8)  # the whole form in view, from its title
        self.pump(0.2)
        self.save(window, "03b-step-evidence")
        workspace.steps.focus_table()

        # 4-8. The other tabs, on a case with content on each.
        if self.tabs_case != self.steps_case:
            window.open_case(self.tabs_case)
            workspace = self.wait_until("the second case workspace", lambda: window.workspace_for(self.tabs_case))
            self.wait_until("the second case to load", lambda: workspace.detail is not None and self.idle())
        sections = workspace.ui.sections
        for index, name in enumerate(("04-decisions", "05-intelligence", "06-risk", "07-missing", "08-events"), 1):
            sections.setCurrentIndex(index)
            tab = sections.widget(index)
            tab.setFocus()
            if name == "06-risk" and tab.ui.prefillButton.isEnabled():
                tab.ui.prefillButton.click()  # the tool filled in from the last assessment (nothing is saved)
            self.settle(f"the {name[3:]} tab")
            self.save(window, name)

        # 5b-5c. The Add intelligence form, and the same form after a refused submit: the fields scroll, the
        # message and the buttons stay in view (150 % on 1920x1080). Only when the case is the user's to change.
        sections.setCurrentIndex(2)
        dialog = sections.widget(2).open_add_dialog()
        if dialog is not None:
            self.wait_until("the add intelligence form", dialog.isVisible)
            self.settle("the add intelligence form")
            self.save(dialog, "05b-intelligence-add")
            dialog.ok_button.click()
            self.settle("the refused intelligence report")
            self.save(dialog, "05c-intelligence-refused")
            dialog.edits.reset()  # nothing typed to keep: close without the discard question
            dialog.reject()
            self.pump(0.3)

        # 9. New case wizard, first page.
        window.new_case_action.trigger()
        wizard = self.wait_until(
            "the new case wizard",
            lambda: next(
                (w for w in self.app.topLevelWidgets() if isinstance(w, NewCaseWizard) and w.isVisible()), None
            ),
        )
        self.settle("the new case wizard's data")
        self.save(wizard, "09-new-case")
        wizard.reject()
        self.pump(0.3)

        # 10. Lock screen.
        window.activateWindow()  # back from the wizard: the password field shows its focus
        self.pump(0.2)
        window.lock()
        self.settle("the lock screen")
        self.save(window, "10-lock")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Qt reads these when the application is created: set them before anything imports PySide6.
    os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    os.environ.pop("QT_SCREEN_SCALE_FACTORS", None)
    os.environ.setdefault("QT_FONT_DPI", "96")  # the same text size on any X server
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform == "offscreen":
        return fail("QT_QPA_PLATFORM=offscreen: the screenshots need a real window. Unset it and run under Xvfb.")
    if not platform and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return fail("no display (DISPLAY is not set). Run it under Xvfb: bash scripts/screenshots.sh")
    try:
        import PySide6  # noqa: F401
    except ImportError as exc:
        return fail(f"PySide6 cannot be imported ({exc}). Install the app first: pip install -e .")

    missing = missing_xcb_libraries() if platform in ("", "xcb") and os.environ.get("DISPLAY") else []
    if missing:
        return fail(
            f"Qt's xcb platform plugin needs libraries that are not installed ({', '.join(missing)}). On Debian or "
            f"Ubuntu: sudo apt-get install {' '.join(XCB_PACKAGES)}"
        )
    try:
        ensure_database(args.db, args.cases)
    except ScreenshotError as exc:
        return fail(str(exc))

    watchdog = threading.Timer(WATCHDOG_S, lambda: (fail(f"gave up after {WATCHDOG_S:.0f} s"), os._exit(1)))
    watchdog.daemon = True
    watchdog.start()
    try:
        if args.admin or args.auditor or args.reports or args.supervisor or args.intelligence:
            return Driver(args, 0, "", 0).run()
        steps_case, step_id, tabs_case = choose_cases(args.db, args.user)
        print(f"screenshots: steps from case {steps_case} (step {step_id}), other tabs from case {tabs_case}")
        return Driver(args, steps_case, step_id, tabs_case).run()
    except ScreenshotError as exc:
        return fail(str(exc))
    except Exception as exc:  # anything else in words too, never a bare traceback
        return fail(f"{type(exc).__name__}: {exc}")
    finally:
        watchdog.cancel()


if __name__ == "__main__":
    sys.exit(main())
