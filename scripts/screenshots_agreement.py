"""Documentation screenshots of sign-offs on a case (not a test), with the app's stylesheet, at the scale given:

    xvfb-run -a -s "-screen 0 1920x1080x24" env -u QT_QPA_PLATFORM \\
        .venv/bin/python scripts/screenshots_agreement.py --out docs/screenshots --scale 1.5 --size 1280x720

Builds the database of screenshots_supervision.py (one Sheffield team, a case five weeks old with its
supervision), then through the services: the officer marks a mandatory step not applicable (awaiting the
supervisor's agreement), and records a risk assessment whose category is overridden, which the supervisor
countersigns. Then, logged on as the supervisor: 26-step-awaiting-agreement (the step, with Agree and Refuse),
27-risk-countersignature (the assessment's history, the countersignature valid) and 28-dashboard-followups
(the team dashboard with the step awaiting agreement); then as an intelligence officer of the district:
29-district-duties (the District duties tab, the problem-profile themes due). With --scale 1.5 the files get
`@150`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots_supervision import PASSWORD, Clock, build_database


def prepare(ctx, supervisor, case_id: int, clock: Clock) -> str:  # type: ignore[no-untyped-def]
    """The not-applicable step and the countersigned override; returns the step's id."""
    from checklist_app.core.procedure.model import Requirement
    from checklist_app.services import accounts, cases, risk, steps

    officer = accounts.log_on(ctx, "dc.alder", PASSWORD)
    detail = cases.case_detail(ctx, officer, case_id)
    procedure_steps = {s.step_id: s for s in detail.steps}
    version = ctx.procedure
    with ctx.db.read() as session:
        from checklist_app.store.models import Case

        procedure = version(session, session.get(Case, case_id).procedure_version_id)
    step_id = next(
        s.id
        for s in procedure.steps
        if s.requirement is Requirement.MANDATORY
        and s.role.value == "investigator"
        and procedure_steps[s.id].status in ("not_started", "in_progress")
        and procedure_steps[s.id].due_state in ("on_track", "due_soon", "overdue")
    )
    clock.now += timedelta(hours=1)
    steps.mark_not_applicable(
        ctx,
        officer,
        case_id,
        step_id,
        "The child's school made the referral and the record was created by the MASH; no separate entry needed.",
    )
    clock.now += timedelta(hours=1)
    assessment = risk.record_assessment(
        ctx,
        officer,
        case_id,
        risk.RiskForm(
            answers={"family_breakdown": "yes", "school_exclusion_absence": "yes", "missing_day_or_night": "current"},
            evidence={
                "family_breakdown": "Social care chronology, referral day",
                "school_exclusion_absence": "School attendance report",
                "missing_day_or_night": "Missing log, three episodes",
            },
            override_category=4,
            override_reason="Older peer group seen with the child twice this week; the score understates the risk.",
        ),
    )
    clock.now += timedelta(hours=2)
    risk.countersign_override(ctx, supervisor, assessment.id, PASSWORD)
    return step_id


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
    configure(app)  # the app's stylesheet, as the app itself starts
    folder = Path(tempfile.mkdtemp(prefix="agreement-screens-"))
    clock = Clock(datetime.now(UTC).replace(second=0, microsecond=0))
    ctx, supervisor, case_id = build_database(f"sqlite:///{folder / 'screens.db'}", clock)
    step_id = prepare(ctx, supervisor, case_id, clock)
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
    pump(1.5)
    save(window, "28-dashboard-followups")
    window.open_case(case_id, f"step:{step_id}")
    pump(1.5)
    save(window, "26-step-awaiting-agreement")
    workspace = window.ui.caseTabs.currentWidget()
    workspace.go_to("tab:risk")
    pump(1.0)
    risk_tab = workspace.ui.sections.currentWidget()
    risk_tab.ui.history.selectRow(0)
    pump()
    save(window, "27-risk-countersignature")
    window.close()

    from checklist_app.services import accounts
    from checklist_app.services.context import system_actor

    accounts.create_user(
        ctx,
        system_actor(),
        username="io.gorse",
        display_name="IO Gorse",
        role="intelligence_officer",
        password=PASSWORD,
        district_code="SHE",
    )
    intel = AppSession(ctx, accounts.log_on(ctx, "io.gorse", PASSWORD), runner, prefs)
    window = MainWindow(intel)
    window.quit_on_close = False
    window.resize(width, height)
    window.show()
    window.ui.caseTabs.setCurrentWidget(window.district_duties)
    pump(1.0)
    panel = window.district_duties.panel
    panel.table.selectRow(0)
    pump()
    save(window, "29-district-duties")
    window.close()
    runner.shutdown()
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
