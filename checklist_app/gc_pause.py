"""Python's cyclic garbage collector paused while the program starts.

Starting makes well over 100,000 objects that live as long as the program: modules, classes and functions,
SQLAlchemy's tables and mappers, Qt's wrappers. Collecting while they are made frees nothing and walks them
again and again: about a sixth of the processor time from the command's start to the case list's first rows.
The command's entry point (`launch.py`, `__main__.py`) pauses collection before importing anything else; the
desktop app's collector (`ui/gc_guard.py`, which collects only at safe moments) ends the pause, the other
commands end it before they run. Ending it freezes what start-up made, so later collections skip it too.

Only a pause begun here is ended here: code that merely imports the package (tests, scripts) keeps its
collector as it was.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collection until `end` (if it is running now)."""
    global _paused
    if not _paused and gc.isenabled():
        gc.disable()
        _paused = True


def end(*, collect: bool = True) -> None:
    """Freeze what start-up made and, if `collect`, turn automatic collection on again. Nothing if not paused."""
    global _paused
    if not _paused:
        return
    _paused = False
    gc.freeze()
    if collect:
        gc.enable()


def paused() -> bool:
    return _paused
