"""The main window: real drops, duplicates, export, closing."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from amber.core.storage import StampState
from amber.desktop.main_window import MainWindow
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from .history import populate


def drop_files(window: MainWindow, paths: list[Path]) -> None:
    """Send the same events a file manager's drag and drop produces."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    target = window.table if window.table.isVisible() else window.centralWidget()
    pos = QPoint(target.width() // 2, target.height() // 2)
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(pos), action, mime, buttons, mods)
    QApplication.sendEvent(window, drop)
    assert drop.isAccepted()


def make_files(folder: Path, count: int, prefix: str = "file") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}-{i:03d}.txt"
        path.write_text(f"content of {prefix} number {i}\n" * (i + 1))
        paths.append(path)
    return paths


def open_window(qtbot: Any, service: Any) -> MainWindow:
    window = MainWindow(service, start_exporter=False)
    qtbot.addWidget(window)
    window.show()
    return window


def test_title_icon_and_empty_page(qtbot: Any, service: Any) -> None:
    window = open_window(qtbot, service)
    assert window.windowTitle().startswith("Amber")
    assert not window.windowIcon().isNull()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.empty_page)
    window.shutdown()


def test_dropping_files_and_a_folder_adds_rows(qtbot: Any, service: Any, tmp_path: Path) -> None:
    window = open_window(qtbot, service)
    loose = make_files(tmp_path / "loose", 3)
    make_files(tmp_path / "folder" / "nested", 4, "nested")
    make_files(tmp_path / "folder", 2, "top")
    with qtbot.waitSignal(window.intake.finished, timeout=10_000) as finished:
        drop_files(window, [*loose, tmp_path / "folder"])
    assert finished.args[0].stamped == 9
    qtbot.waitUntil(lambda: window.model.rowCount() == 9, timeout=5000)
    assert window.stack.currentWidget() is window.table
    names = {window.model.stamp_at(r).name for r in range(9)}
    assert "nested-003.txt" in names and "file-000.txt" in names
    states = {window.model.stamp_at(r).state for r in range(9)}
    assert states == {StampState.QUEUED}
    assert not window.progress_panel.isVisible()
    window.shutdown()


def test_dropping_an_already_stamped_file_says_so(qtbot: Any, service: Any, tmp_path: Path) -> None:
    window = open_window(qtbot, service)
    (paper,) = make_files(tmp_path, 1, "paper")
    with qtbot.waitSignal(window.intake.finished, timeout=10_000):
        drop_files(window, [paper])
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    with qtbot.waitSignal(window.intake.finished, timeout=10_000) as finished:
        drop_files(window, [paper])
    assert finished.args[0].stamped == 0
    assert window.banner.isVisible()
    assert "already stamped" in window.banner.text.text()
    assert "paper-000.txt" in window.banner.text.text()
    assert window.model.rowCount() == 1
    with qtbot.waitSignal(window.intake.stamped, timeout=5000):
        window.banner.action.click()  # "Stamp again"
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    window.shutdown()


def test_cancel_stops_hashing(qtbot: Any, service: Any, tmp_path: Path) -> None:
    window = open_window(qtbot, service)
    files = make_files(tmp_path / "many", 300)
    with qtbot.waitSignal(window.intake.finished, timeout=10_000) as finished:
        drop_files(window, files)
        window.intake.cancel()
    assert finished.args[0].cancelled
    assert finished.args[0].stamped < 300
    window.shutdown()


def test_export_beside_into_folder_and_zip(qtbot: Any, service: Any, tmp_path: Path) -> None:
    populate(service, 12)
    window = open_window(qtbot, service)
    qtbot.waitUntil(lambda: window.model.rowCount() == 12, timeout=5000)
    ids = [i for i in window.model.ids if service.store.get(i).proof]
    out = tmp_path / "out"
    out.mkdir()
    with qtbot.waitSignal(window.reader._finished, timeout=5000):
        window.export_to(ids[:3], out)
    qtbot.waitUntil(lambda: hasattr(window, "last_export"), timeout=5000)
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 3 and all(name.endswith(".ots") for name in written)
    stamp = service.store.get(ids[0])
    assert (out / f"{stamp.name}.ots").read_bytes() == stamp.proof
    del window.last_export
    window.export_zip_to(ids, tmp_path / "all.zip")
    qtbot.waitUntil(lambda: hasattr(window, "last_export"), timeout=5000)
    with zipfile.ZipFile(tmp_path / "all.zip") as archive:
        assert len(archive.namelist()) == len(ids)
    window.shutdown()


def test_closing_stops_the_background_threads(qtbot: Any, service: Any) -> None:
    service.start()
    window = open_window(qtbot, service)
    window.exporter_thread.start()
    assert window.exporter_thread.running
    window.close()
    assert not window.exporter_thread.running
    assert window.status_timer.isActive() is False
