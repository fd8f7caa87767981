"""Let background threads step aside while the GUI thread paints.

PySide6 releases the GIL around every C++ call, so a table paint re-takes it for each of the
~1,500 Python callbacks it makes (data, flags, rowCount per cell and role). With busy Python
workers every one of those waits for its turn: a 20 ms paint became 100-270 ms while 5,000
files were hashed. Workers that check ``wait_turn()`` between small units of work (one file,
one chunk of rows) park without the GIL while a paint runs, so the paint gets it at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

LONGEST_WAIT = 0.25  # seconds: a worker never waits longer than this, even on a long paint


class GuiPriority:
    """A gate the GUI thread closes while it paints; workers wait at it between units."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()
        self._depth = 0  # only touched by the GUI thread

    @contextmanager
    def painting(self) -> Iterator[None]:
        self._depth += 1
        self._open.clear()
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._open.set()

    def wait_turn(self, timeout: float = LONGEST_WAIT) -> None:
        """Called by workers: returns at once unless the GUI thread is painting."""
        if not self._open.is_set():
            self._open.wait(timeout)

    @property
    def gui_busy(self) -> bool:
        return not self._open.is_set()


GUI_PRIORITY = GuiPriority()  # one per process, like the GIL it works around
