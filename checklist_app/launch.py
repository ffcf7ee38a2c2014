"""The `checklist-app` command's entry point: collection paused before the command line is imported."""

from __future__ import annotations

from checklist_app import gc_pause


def main() -> int:
    gc_pause.pause()  # first, before SQLAlchemy, the services and Qt are imported (see gc_pause)
    try:
        from checklist_app.cli.main import main as command_line

        return command_line()
    finally:
        gc_pause.end()  # if the command did not end the pause itself (a usage error, --version)
