"""Documentation screenshots of supervision (not a test): the Supervision tab of a case and the
supervisor's review screen, on real widgets, at the scale given.

    xvfb-run -a -s "-screen 0 1920x1080x24" env -u QT_QPA_PLATFORM \\
        .venv/bin/python scripts/screenshots_supervision.py --out docs/screenshots --scale 1.5

Builds a fresh SQLite database in a temporary folder through the services: one Sheffield team, synthetic
officers, and a case five weeks old with a history of supervision (an initial review signed, amended and
signed again, so its first signature is superseded; a directed action completed with a note; a periodic
review signed with two directions, one of them now overdue). The case follows the shipped procedure 1.1,
whose `supervisory_review` section asks about the areas step 11.2's guidance lists and completes steps 11.2
and 11.3. Then, logged on as the supervisor: 24-supervision-tab and 25-review-screen (a new review under way),
and 25b-review-sign (the password dialog). With --scale 1.5 the files get `@150`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PASSWORD = "screens-pass-2026"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def build_database(url: str, clock: Clock):  # type: ignore[no-untyped-def]
    from checklist_app.core.permissions import Actor
    from checklist_app.services import accounts, case_opening, organisation, procedures, reviews, risk
    from checklist_app.services.context import ServiceContext, system_actor
    from checklist_app.store import migrate
    from checklist_app.store.db import Database

    migrate.upgrade(url)
    ctx = ServiceContext(Database(url), clock=clock)
    system = system_actor()
    organisation.ensure_districts(ctx, system)
    version = procedures.publish(ctx, system, _shipped_v11(), "cse-sop-v1.1.yaml").version
    organisation.create_team(ctx, system, "Sheffield CSE Team 1", "SHE")

    def user(username: str, name: str, role: str) -> Actor:
        accounts.create_user(
            ctx,
            system,
            username=username,
            display_name=name,
            role=role,
            password=PASSWORD,
            team="Sheffield CSE Team 1",
        )
        return accounts.log_on(ctx, username, PASSWORD)

    supervisor = user("ds.cedar", "DS Cedar", "supervisor")
    investigator = user("dc.alder", "DC Alder", "investigator")
    user("dc.birch", "DC Birch", "investigator")
    start = clock.now
    clock.now = start - timedelta(days=35)
    case = case_opening.open_case(
        ctx,
        investigator,
        case_opening.NewCase(
            district_code="SHE",
            referral_at=clock.now - timedelta(hours=3),
            referral_source="Education",
            subject_ref="SC-204871",
            age_band="13-15",
            procedure_id=version.procedure_id,
        ),
    )
    clock.now += timedelta(hours=20)
    risk.record_assessment(
        ctx,
        investigator,
        case.id,
        risk.RiskForm(
            answers={"family_breakdown": "yes", "school_exclusion_absence": "yes", "missing_day_or_night": "current"},
            evidence={
                "family_breakdown": "Social care chronology, referral day",
                "school_exclusion_absence": "School attendance report",
                "missing_day_or_night": "Missing log, two episodes",
            },
        ),
    )
    yes = {i: ("yes", "") for i in ("plan", "risk", "intelligence", "devices", "disruption", "contact", "overdue")}

    clock.now += timedelta(days=1)
    first = reviews.start_review(ctx, supervisor, case.id, "initial")
    reviews.save_review(ctx, supervisor, first.id, yes, "Day-one steps done; strategy discussion arranged.")
    action = reviews.direct_action(
        ctx,
        supervisor,
        first.id,
        "Request the school's attendance records for the last term",
        investigator.user_id,
        clock.now + timedelta(days=7),
    )
    reviews.sign_review(ctx, supervisor, first.id, PASSWORD)
    clock.now += timedelta(days=4)
    reviews.complete_action(ctx, investigator, action.id, "Records received 14:10; three unexplained absences.")
    clock.now += timedelta(days=1)
    reviews.save_review(
        ctx,
        supervisor,
        first.id,
        yes,
        "Day-one steps done; strategy discussion arranged. Added: attendance records show three absences.",
    )
    reviews.sign_review(ctx, supervisor, first.id, PASSWORD)

    clock.now += timedelta(days=24)
    second = reviews.start_review(ctx, supervisor, case.id, "periodic")
    answers = {**yes, "devices": ("no", "Phone examination not yet requested"), "disruption": ("not applicable", "")}
    reviews.save_review(ctx, supervisor, second.id, answers, "Plan on track. The phone examination is late.")
    reviews.direct_action(
        ctx,
        supervisor,
        second.id,
        "Submit the phone examination request to digital forensics",
        investigator.user_id,
        clock.now + timedelta(days=3),
    )
    reviews.direct_action(
        ctx,
        supervisor,
        second.id,
        "Update the risk assessment after the return interview, then agree the safety plan with children's "
        "social care and the school and record it on the case",
        investigator.user_id,
        clock.now + timedelta(days=12),
    )
    reviews.sign_review(ctx, supervisor, second.id, PASSWORD)
    clock.now = start
    return ctx, supervisor, case.id


def _shipped_v11() -> str:
    from checklist_app import paths

    for node in paths.shipped_sop_files():
        if node.name == "cse-sop-v1.1.yaml":
            return node.read_text(encoding="utf-8")
    raise SystemExit("screenshots: the shipped procedure cse-sop-v1.1.yaml was not found")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--size", default="1440x900", help="main window size in logical pixels (WxH)")
    args = parser.parse_args(argv)
    os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    os.environ.setdefault("QT_FONT_DPI", "96")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" or not os.environ.get("DISPLAY"):
        print("screenshots: needs a real display; run under xvfb-run with QT_QPA_PLATFORM unset", file=sys.stderr)
        return 1
    width, height = (int(v) for v in args.size.split("x"))
    suffix = "" if args.scale == 1.0 else f"@{round(args.scale * 100)}"
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from checklist_app.ui.app import configure
    from checklist_app.ui.main_window import MainWindow
    from checklist_app.ui.preferences import Preferences
    from checklist_app.ui.session import AppSession
    from checklist_app.ui.tasks import TaskRunner

    app = QApplication(["checklist-app"])
    configure(app)
    folder = Path(tempfile.mkdtemp(prefix="supervision-screens-"))
    clock = Clock(datetime.now(UTC).replace(second=0, microsecond=0))
    ctx, supervisor, case_id = build_database(f"sqlite:///{folder / 'screens.db'}", clock)
    runner = TaskRunner()
    prefs = Preferences(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    session = AppSession(ctx, supervisor, runner, prefs)

    def pump(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end or not runner.idle:
            app.processEvents()
            time.sleep(0.02)

    def save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
        widget.repaint()
        pump(0.2)
        path = args.out / f"{name}{suffix}.png"
        if not widget.grab().save(str(path), "PNG"):
            raise SystemExit(f"screenshots: could not save {path}")
        print(f"screenshots: saved {path}")

    window = MainWindow(session)
    window.quit_on_close = False
    window.resize(width, height)
    window.show()
    window.open_case(case_id)
    pump(1.0)
    workspace = window.ui.caseTabs.currentWidget()
    tab = workspace.supervision
    workspace.ui.sections.setCurrentWidget(tab)
    pump(1.0)
    tab.reviews_table.selectRow(0)
    pump()
    save(window, "24-supervision-tab")

    tab.open_review()
    pump(1.0)
    screen = tab.screen
    for item_id, answer in (("plan", "yes"), ("risk", "yes"), ("intelligence", "yes"), ("devices", "no")):
        combo = screen._answers[item_id]
        combo.setCurrentIndex(combo.findData(answer))
    screen._notes["devices"].setText("Examination requested but not yet booked")
    screen._notes["devices"].setCursorPosition(0)
    screen.findings.setPlainText(
        "Spoke to DC Alder. The plan is on track and the risk assessment was updated after the return "
        "interview. The phone examination is still not booked: chase digital forensics."
    )
    screen.action_text.setText(
        "Book the phone examination with digital forensics and record the booking reference and date on the case"
    )
    screen.add_direction()
    pump(1.0)
    screen.action_text.setText("Speak to the school's safeguarding lead about the absences")
    pump()
    save(screen, "25-review-screen")
    for item_id, answer in (("disruption", "yes"), ("contact", "yes"), ("overdue", "yes")):
        combo = screen._answers[item_id]
        combo.setCurrentIndex(combo.findData(answer))
    screen.sign_off()
    pump(1.0)
    dialog = getattr(screen, "sign_dialog", None)
    if dialog is not None:
        save(dialog, "25b-review-sign")
        dialog.reject()
    else:
        print(f"screenshots: no sign dialog: {screen.message.text()}")
    pump()
    screen.close()
    window.close()
    runner.shutdown()
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
