"""The error a procedure file that cannot be used raises: apart from the loader, so that code which only reports
it (the command line, the desktop app's error messages) need not load the parser and PyYAML at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checklist_app.core.procedure.nodes import SopProblem


class SopValidationError(Exception):
    """A procedure file that cannot be used; `problems` lists everything found, in file order."""

    def __init__(self, problems: Sequence[SopProblem]) -> None:
        self.problems: list[SopProblem] = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the procedure file")

    def __str__(self) -> str:
        return "\n".join([self.args[0], *(str(p) for p in self.problems)])
