"""From dropped paths to stamps: hash on a worker, check the history, stamp off the GUI thread."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from .hashing import HashedFile, HashFailure, HashJob, HashProgress, HashReport, LookupMany
from .priority import GUI_PRIORITY, GuiPriority
from .tasks import TaskRunner

log = logging.getLogger(__name__)

StampFiles = Callable[[Sequence[HashedFile]], list[Any]]
WRITE_CHUNK = 500  # files per transaction: one write at a time, the rest wait and merge


@dataclass
class IntakeReport:
    stamped: int = 0
    duplicates: list[HashedFile] = field(default_factory=list)
    failures: list[HashFailure] = field(default_factory=list)
    cancelled: bool = False
    write_errors: list[str] = field(default_factory=list)


class Intake(QObject):
    """Turns dropped paths into stamps.

    Hashing runs on ``hash_pool`` (one job at a time, in drop order); files whose digest is
    already in the history are held back and reported in ``finished`` for the user to decide;
    the rest go to ``stamp_files`` on the single database writer, in chunks as they are hashed.
    """

    progress = Signal(object)  # HashProgress
    busy_changed = Signal(object)  # bool
    stamped = Signal(list)  # the new stamps, after they were written
    finished = Signal(object)  # IntakeReport

    def __init__(
        self,
        *,
        lookup: LookupMany | None,
        stamp_files: StampFiles,
        writer: TaskRunner,
        hash_pool: QThreadPool | None = None,
        priority: GuiPriority = GUI_PRIORITY,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._lookup = lookup
        self._stamp_files = stamp_files
        self._writer = writer
        self._pool = hash_pool or QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._waiting: deque[list[Path]] = deque()
        self._job: HashJob | None = None
        self._report = IntakeReport()
        self._priority = priority
        self._writing = False
        self._unwritten: list[HashedFile] = []
        self._job_done = True

    @property
    def busy(self) -> bool:
        return self._job is not None or self._writes_pending or bool(self._waiting)

    @property
    def _writes_pending(self) -> bool:
        return self._writing or bool(self._unwritten)

    @property
    def queued_drops(self) -> int:
        return len(self._waiting)

    def add_paths(self, paths: Sequence[Path | str]) -> None:
        cleaned = [Path(p) for p in paths if str(p)]
        if not cleaned:
            return
        self._waiting.append(cleaned)
        if self._job is None and not self._writes_pending:
            self._start_next()

    def cancel(self) -> None:
        """Stop hashing; drops waiting their turn are dropped too. Stamps written stay."""
        self._waiting.clear()
        if self._job is not None:
            self._job.cancel()

    def stamp_anyway(self, files: Sequence[HashedFile]) -> None:
        """The user confirmed: stamp these again although the history has them."""
        if files:
            self._write(list(files))

    def wait_idle(self, msecs: int = 5000) -> None:
        self._pool.waitForDone(msecs)

    # --- internals ----------------------------------------------------------------------
    def _start_next(self) -> None:
        if not self._waiting:
            return
        paths = self._waiting.popleft()
        self._report = IntakeReport()
        self._job_done = False
        job = HashJob(paths, lookup=self._lookup, priority=self._priority, parent=self)
        queued = Qt.ConnectionType.QueuedConnection
        job.progress.connect(self._on_progress, queued)
        job.hashed.connect(self._on_hashed, queued)
        job.finished.connect(self._on_job_finished, queued)
        self._job = job
        self.busy_changed.emit(True)
        job.start(self._pool)

    def _on_progress(self, progress: HashProgress) -> None:
        self.progress.emit(progress)

    def _on_hashed(self, files: list[HashedFile]) -> None:
        fresh = [f for f in files if not f.already]
        self._report.duplicates.extend(f for f in files if f.already)
        if fresh:
            self._write(fresh)

    def _write(self, files: list[HashedFile]) -> None:
        self._unwritten.extend(files)
        self._write_next()

    def _write_next(self) -> None:
        if self._writing or not self._unwritten:
            return
        chunk = self._unwritten[:WRITE_CHUNK]
        del self._unwritten[:WRITE_CHUNK]
        self._writing = True
        self._writer.submit(
            lambda: self._write_chunk(chunk), self._on_written, self._on_write_error
        )

    def _write_chunk(self, files: list[HashedFile]) -> list[Any]:
        """Runs on the writer thread."""
        self._priority.wait_turn()
        return self._stamp_files(files)

    def _on_written(self, stamps: list[Any]) -> None:
        self._writing = False
        self._report.stamped += len(stamps)
        self.stamped.emit(list(stamps))
        self._write_next()
        self._maybe_finish()

    def _on_write_error(self, error: BaseException) -> None:
        self._writing = False
        log.error("stamping failed", exc_info=error)
        self._report.write_errors.append(str(error) or type(error).__name__)
        self._write_next()
        self._maybe_finish()

    def _on_job_finished(self, result: HashReport) -> None:
        if self._job is not None:
            self._job.deleteLater()
        self._job = None
        self._job_done = True
        self._report.failures.extend(result.failures)
        self._report.cancelled = result.cancelled
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if not self._job_done or self._writes_pending or self._job is not None:
            return
        report, self._report = self._report, IntakeReport()
        self._job_done = True
        if self._waiting:
            self.finished.emit(report)
            self._start_next()
            return
        self.busy_changed.emit(False)
        self.finished.emit(report)
