"""Hash dropped files and folders on a worker thread, with batched progress, cancellable."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from amber.core import UnreadableFileError, hash_file
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from .priority import GUI_PRIORITY, GuiPriority

LookupMany = Callable[[Sequence[bytes]], Mapping[bytes, Sequence[Any]]]  # find_by_digest_many
PROGRESS_INTERVAL = 0.1  # seconds between two progress signals: the GUI repaints at most 10/s
SMALL_FILE = 256 << 10  # read in one call; larger files stream through hash_file with progress
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class HashedFile:
    path: Path
    digest: bytes
    size: int
    already: tuple[Any, ...] = ()  # stamps of the history with the same digest

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def folder(self) -> str:
        return str(self.path.parent)


@dataclass(frozen=True)
class HashFailure:
    path: Path
    reason: str


@dataclass(frozen=True)
class HashProgress:
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    current: str = ""
    current_done: int = 0
    current_total: int = 0
    scanning: bool = False

    @property
    def fraction(self) -> float:
        if self.bytes_total > 0:
            return min(1.0, self.bytes_done / self.bytes_total)
        return self.files_done / self.files_total if self.files_total else 0.0


@dataclass
class HashReport:
    hashed: int = 0
    failures: list[HashFailure] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0


def collect_files(
    paths: Iterable[Path],
    cancelled: Callable[[], bool] = lambda: False,
    wait_turn: Callable[[], None] = lambda: None,
) -> tuple[list[tuple[Path, int]], list[HashFailure]]:
    """Expand folders recursively (without following folder symlinks); return (path, size).

    ``wait_turn()`` is called between entries, so a big folder does not hold the GIL while the
    GUI thread paints.
    """
    files: list[tuple[Path, int]] = []
    failures: list[HashFailure] = []
    seen: set[Path] = set()

    def add_file(path: Path, size: int) -> None:
        if path not in seen:
            seen.add(path)
            files.append((path, size))

    stack = [Path(p) for p in paths]
    stack.reverse()
    while stack and not cancelled():
        path = stack.pop()
        try:
            if path.is_dir():
                with os.scandir(path) as it:
                    entries = sorted(it, key=lambda e: e.name, reverse=True)
                for entry in entries:
                    wait_turn()
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif entry.is_file():
                        add_file(Path(entry.path), entry.stat().st_size)
            elif path.is_file():
                add_file(path, path.stat().st_size)
            elif not path.exists():
                failures.append(HashFailure(path, "no such file"))
            else:
                failures.append(HashFailure(path, "not a regular file"))
        except PermissionError:
            failures.append(HashFailure(path, "permission denied"))
        except OSError as error:
            failures.append(HashFailure(path, error.strerror or str(error)))
    return files, failures


class HashJob(QObject):
    """Hashes ``paths`` on a pool thread.

    Signals (emitted from the worker, delivered queued to receivers on the GUI thread):
    ``progress(HashProgress)`` and ``hashed(list[HashedFile])`` at most every ``interval``,
    ``finished(HashReport)`` once.
    """

    progress = Signal(object)
    hashed = Signal(object)
    finished = Signal(object)

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        lookup: LookupMany | None = None,
        interval: float = PROGRESS_INTERVAL,
        priority: GuiPriority = GUI_PRIORITY,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._priority = priority
        self.paths = [Path(p) for p in paths]
        self._lookup = lookup
        self._interval = interval
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _with_history(self, files: list[HashedFile]) -> list[HashedFile]:
        """The same files, each with the stamps the history already has for its digest
        (one query for the whole batch)."""
        if self._lookup is None:
            return files
        known = self._lookup([f.digest for f in files])
        return [
            replace(f, already=tuple(known[f.digest])) if f.digest in known else f for f in files
        ]

    def start(self, pool: QThreadPool | None = None) -> None:
        (pool or QThreadPool.globalInstance()).start(_Runner(self))

    def run(self) -> None:
        """The body; runs on the worker thread (or directly, in tests)."""
        started = time.monotonic()
        report = HashReport()
        try:
            self._run(report)
        finally:
            report.cancelled = self._cancel.is_set()
            report.seconds = time.monotonic() - started
            self.done.set()
            self.finished.emit(report)

    def _run(self, report: HashReport) -> None:
        self.progress.emit(HashProgress(0, 0, 0, 0, scanning=True))
        files, failures = collect_files(self.paths, self._cancel.is_set, self._priority.wait_turn)
        report.failures.extend(failures)
        files_total = len(files)
        bytes_total = sum(size for _, size in files)
        bytes_before = 0
        pending: list[HashedFile] = []
        last_emit = time.monotonic()
        state = {"name": "", "done": 0, "total": 0}

        def snapshot(files_done: int) -> HashProgress:
            return HashProgress(
                files_done,
                files_total,
                bytes_before + state["done"],
                bytes_total,
                state["name"],
                state["done"],
                state["total"],
            )

        def flush(files_done: int, force: bool = False) -> None:
            nonlocal last_emit, pending
            now = time.monotonic()
            if not force and now - last_emit < self._interval:
                return
            last_emit = now
            if pending:
                self.hashed.emit(self._with_history(pending))
                pending = []
            self.progress.emit(snapshot(files_done))

        processed = 0
        wait_turn = self._priority.wait_turn
        for index, (path, size) in enumerate(files):
            if self._cancel.is_set():
                break
            wait_turn()
            processed = index
            digest = _hash_small(path) if size <= SMALL_FILE else None
            if digest is not None:
                real_size = size
            else:
                state.update(name=path.name, done=0, total=size)

                def on_chunk(done: int, total: int, index: int = index) -> None:
                    state["done"], state["total"] = done, total
                    flush(index)

                try:
                    digest = hash_file(path, on_chunk, cancelled=self._cancel.is_set)
                except InterruptedError:
                    break
                except UnreadableFileError as error:
                    report.failures.append(HashFailure(path, error.reason))
                    bytes_before += size
                    processed = index + 1
                    continue
                real_size = max(size, state["done"])
                state["done"] = 0
            pending.append(HashedFile(path, digest, real_size))
            report.hashed += 1
            bytes_before += size
            processed = index + 1
            flush(processed)
        state.update(name="", done=0, total=0)
        flush(processed, force=True)


def _hash_small(path: Path) -> bytes | None:
    """One read and one hash call for a small file: most drops are thousands of these, and
    the per-file Python work (not the hashing) is what competes with the GUI thread.

    None when the file cannot be read in one go (gone, unreadable, grew): ``hash_file`` then
    gives the precise reason or streams it.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        data = os.read(fd, SMALL_FILE + 1)
        if len(data) > SMALL_FILE:
            return None
    except OSError:
        return None
    finally:
        os.close(fd)
    return hashlib.sha256(data).digest()


class _Runner(QRunnable):
    def __init__(self, job: HashJob) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job = job

    def run(self) -> None:
        self._job.run()
