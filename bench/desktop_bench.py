"""Desktop benchmarks: GUI-thread stalls while 5,000 dropped files are hashed, and the first
paint of a 100,000-stamp history.

    python -m bench.desktop_bench [--files 5000] [--history 100000] [--runs 3]

Runs offscreen. A QTimer probe ticks every 5 ms on the GUI thread; the longest gap between two
ticks is the longest stall a user could feel (targets: <= 50 ms, issue 4 allows 100 ms). Each
figure is the median of ``--runs`` runs; the machine's load average is recorded beside it,
because on a shared machine other processes' CPU use shows up directly as GUI stalls.
``run(options)`` plugs into ``python -m bench`` like the other benchmarks.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .runner import RESULTS_DIR, Figure, Options, format_table, write_results

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STALL_TARGET_MS = 50.0
FIRST_PAINT_TARGET_S = 1.0
DROP_FILES = 5_000
HISTORY_STAMPS = 100_000


class StallProbe:
    """Measures the longest time the GUI thread did not get back to its event loop."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last
        self.gaps.append(gap)
        self.longest = max(self.longest, gap)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.gaps.clear()
        self._timer.start()

    def over(self, limit_ms: float) -> int:
        """How many times the GUI thread was away longer than ``limit_ms``."""
        return sum(1 for gap in self.gaps if gap * 1000 > limit_ms)

    def stop(self) -> float:
        self._timer.stop()
        return self.longest * 1000


def _spin_until(app: Any, condition: Any, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        app.processEvents()
        time.sleep(0.001)  # a benchmark driver, not a test: let the workers run
    return True


def _close(app: Any, window: Any, service: Any) -> None:
    window.close()  # closing runs shutdown(): background threads stop
    window.deleteLater()
    app.processEvents()
    service.close()


def _service(data_dir: Path) -> Any:
    from amber.core.service import AmberService
    from amber.core.settings import Settings

    settings = Settings(data_dir=data_dir, calendars=("http://127.0.0.1:9",), min_calendars=1)
    return AmberService(settings)


def make_drop_folder(source: Path, files: int) -> Path:
    """``files`` small files (0.5-4.5 KB) in folders of 500, like a folder of documents."""
    for i in range(files):
        folder = source / f"d{i // 500:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"file-{i:05d}.txt").write_bytes(os.urandom(512 + (i % 64) * 64))
    return source


def bench_drop(app: Any, source: Path, files: int, data_dir: Path) -> dict[str, Any]:
    """Drop ``source`` on a fresh window; measure until every file is a row of the table."""
    from amber.desktop.app import freeze_startup_objects
    from amber.desktop.main_window import MainWindow
    from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    service = _service(data_dir)
    window = MainWindow(service, start_exporter=False)
    window.resize(1200, 700)
    window.show()
    _spin_until(app, lambda: window.model.rowCount() == 0 and window.last_status, 5)
    freeze_startup_objects()  # what run_app does once the window is up
    probe = StallProbe()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(source))])
    pos = QPoint(300, 300)
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    load_before = os.getloadavg()[0]
    probe.start()
    started = time.perf_counter()
    QApplication.sendEvent(window, QDragEnterEvent(pos, *args))
    QApplication.sendEvent(window, QDropEvent(QPointF(pos), *args))
    done = _spin_until(app, lambda: window.model.rowCount() == files, 300)
    elapsed = time.perf_counter() - started
    stall = probe.stop()
    _close(app, window, service)
    return {
        "all_rows_shown": done,
        "seconds": round(elapsed, 2),
        "files_per_second": round(files / elapsed, 1),
        "longest_gui_stall_ms": round(stall, 1),
        "stalls_over_target": probe.over(STALL_TARGET_MS),
        "load_average": round((load_before + os.getloadavg()[0]) / 2, 2),
    }


def fill_history(service: Any, count: int) -> None:
    from amber.core.storage import NewStamp

    batch = 5000
    for start in range(0, count, batch):
        items = [
            NewStamp(
                hashlib.sha256(i.to_bytes(8, "big")).digest(),
                b"{}",
                f"document-{i:06d}.pdf",
                f"/home/alice/archive/{i // 1000:03d}",
                1000 + i,
            )
            for i in range(start, min(count, start + batch))
        ]
        service.store.enqueue(service.queue, items)


def bench_history(app: Any, data_dir: Path) -> dict[str, Any]:
    """Open a window on the history in ``data_dir``: time to the first painted row, then to
    the painted end of the list."""
    from amber.desktop.main_window import MainWindow
    from PySide6.QtCore import QEvent, QObject

    service = _service(data_dir)
    painted: list[float] = []

    class PaintWatch(QObject):
        def eventFilter(self, obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint and window.model.rowCount() > 0:
                painted.append(time.perf_counter())
            return False

    probe = StallProbe()
    probe.start()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    window = MainWindow(service, start_exporter=False)
    watch = PaintWatch()
    window.table.viewport().installEventFilter(watch)
    window.resize(1200, 700)
    window.show()
    ok = _spin_until(app, lambda: bool(painted), 30)
    first_paint = (painted[0] - started) if painted else float("inf")
    # scroll to the end: pages load lazily, only what is shown
    window.table.scrollToBottom()
    scroll_started = time.perf_counter()
    painted.clear()
    _spin_until(app, lambda: bool(painted), 10)
    scroll = (painted[0] - scroll_started) if painted else float("inf")
    stall = probe.stop()
    _close(app, window, service)
    return {
        "painted": ok,
        "first_paint_seconds": round(first_paint, 3),
        "scroll_to_end_seconds": round(scroll, 3),
        "longest_gui_stall_ms": round(stall, 1),
        "load_average": round((load_before + os.getloadavg()[0]) / 2, 2),
    }


def _application() -> Any:
    from amber.desktop.app import configure_threads
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    configure_threads()
    app = QApplication.instance() or QApplication(["desktop-bench"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QCoreApplication.setOrganizationName("AmberBench")
    return app


def measure(
    files: int = DROP_FILES, history: int = HISTORY_STAMPS, runs: int = 3
) -> dict[str, Any]:
    """Every run of both benchmarks, and their medians."""
    from PySide6.QtCore import QSettings

    app = _application()
    drops: list[dict[str, Any]] = []
    opens: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="amber-desktop-bench-") as tmp:
        workdir = Path(tmp)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(workdir))
        source = make_drop_folder(workdir / "drop", files)
        for run in range(runs):
            drops.append(bench_drop(app, source, files, workdir / f"data-drop-{run}"))
        service = _service(workdir / "data-history")
        fill_started = time.perf_counter()
        fill_history(service, history)
        fill_seconds = time.perf_counter() - fill_started
        service.close()
        for _ in range(runs):
            opens.append(bench_history(app, workdir / "data-history"))
    return {
        "drop": {
            "files": files,
            "longest_gui_stall_ms": statistics.median(r["longest_gui_stall_ms"] for r in drops),
            "all_rows_shown": all(r["all_rows_shown"] for r in drops),
            "runs": drops,
        },
        "history": {
            "stamps": history,
            "fill_seconds": round(fill_seconds, 1),
            "first_paint_seconds": statistics.median(r["first_paint_seconds"] for r in opens),
            "painted": all(r["painted"] for r in opens),
            "runs": opens,
        },
    }


def figures(results: dict[str, Any]) -> list[Figure]:
    drop, history = results["drop"], results["history"]
    return [
        Figure(
            what=f"desktop: drop {drop['files']:,} files, longest GUI stall",
            amber=drop["longest_gui_stall_ms"] if drop["all_rows_shown"] else float("inf"),
            reference=None,
            unit="ms",
            reference_name="-",
            target=STALL_TARGET_MS,
            details=drop,
            lower_is_better=True,
        ),
        Figure(
            what=f"desktop: open {history['stamps']:,} stamps, first paint",
            amber=history["first_paint_seconds"] if history["painted"] else float("inf"),
            reference=None,
            unit="s",
            reference_name="-",
            target=FIRST_PAINT_TARGET_S,
            details=history,
            lower_is_better=True,
        ),
    ]


def run(options: Options) -> list[Figure]:
    """For ``python -m bench``: the issue's sizes, ``options.runs`` runs each."""
    return figures(measure(DROP_FILES, HISTORY_STAMPS, options.runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=DROP_FILES)
    parser.add_argument("--history", type=int, default=HISTORY_STAMPS)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args(argv)
    found = figures(measure(args.files, args.history, args.runs))
    path = write_results("desktop", found, Options(runs=args.runs), RESULTS_DIR)
    print(format_table(found))
    print(f"\nJSON in {path}")
    return 0 if all(f.passed for f in found) else 1


if __name__ == "__main__":
    sys.exit(main())
