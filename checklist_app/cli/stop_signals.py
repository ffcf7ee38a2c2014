"""A command asked to stop (SIGTERM from `kill` or a service manager, SIGHUP when its terminal closes) stops
as Ctrl-C does: the exception unwinds, so the open transaction is rolled back and a backup's or report's
unfinished copy is removed, and one line says so. By default these signals end the process on the spot,
which leaves a hidden unfinished copy behind (as kill -9 must)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Stopped(KeyboardInterrupt):
    """Raised in the main thread when a stop signal arrives."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def stopping_politely() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise Stopped; the previous handlers come back after (the
    command line is also called in-process, by tests and the frozen build's smoke test)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {}
    for name in names:
        number = getattr(signal, name)
        handler = signal.getsignal(number)
        if handler is signal.SIG_IGN:
            continue  # started with it ignored (nohup): keep it so
        previous[number] = handler
        signal.signal(number, _stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
