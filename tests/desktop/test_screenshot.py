"""Render the main window over a realistic history and save it for reviewers to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from amber.desktop.main_window import MainWindow

from .history import populate


def test_screenshot_of_a_realistic_history(qtbot: Any, service: Any, tmp_path: Path) -> None:
    populate(service, 36)
    window = MainWindow(service, start_exporter=False)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 36, timeout=5000)
    qtbot.waitUntil(lambda: window.last_status is not None, timeout=5000)
    window.table.selectRow(2)
    qtbot.waitUntil(lambda: window.count_label.width() > 100 and window.table.isVisible())
    path = tmp_path / "amber-main-window.png"
    assert window.grab().save(str(path))
    print(f"\nscreenshot: {path}")
    assert path.stat().st_size > 10_000
    window.shutdown()
