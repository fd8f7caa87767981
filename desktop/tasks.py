"""Run work off the GUI thread and get the answer back on it.

``TaskRunner`` is a small pool (Anki's taskman): a runner with one thread serialises database
writes; another with a few threads does reads and long jobs (verify, export, upgrade). Callbacks
always run on the GUI thread, through one queued signal.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, task_id: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._task_id = task_id
        self._fn = fn

    def run(self) -> None:
        try:
            value = self._fn()
        except BaseException as error:  # handed to the caller's on_error on the GUI thread
            self._runner._finished.emit(self._task_id, (False, error))
        else:
            self._runner._finished.emit(self._task_id, (True, value))


class TaskRunner(QObject):
    """A pool of ``max_threads`` threads whose results come back on the GUI thread."""

    # (task id, (ok, value)): no bool argument — PySide6 mis-counts references to True/False
    # carried by queued signals across threads on Python 3.11.
    _finished = Signal(int, object)
    busy_changed = Signal(int)  # number of tasks not finished yet

    def __init__(self, name: str, max_threads: int = 1, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callback | None, Callback | None]] = {}
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
    ) -> int:
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)
        self._pool.start(_Job(self, task_id, fn))
        self.busy_changed.emit(len(self._callbacks))
        return task_id

    def _on_finished(self, task_id: int, outcome: tuple[bool, object]) -> None:
        ok, value = outcome
        on_done, on_error = self._callbacks.pop(task_id, (None, None))
        self.busy_changed.emit(len(self._callbacks))
        if ok:
            if on_done is not None:
                on_done(value)
        elif on_error is not None:
            on_error(value)
        else:
            log.error("background task failed", exc_info=value)  # type: ignore[arg-type]

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def wait(self, msecs: int = -1) -> bool:
        """Block until every started task has run (used when closing)."""
        return self._pool.waitForDone(msecs)
