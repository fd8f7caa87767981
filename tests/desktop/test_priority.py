"""Workers step aside while the table paints; the Qt binding keeps its references straight."""

from __future__ import annotations

import sys
import threading
from typing import Any

from amber.desktop.main_window import MainWindow
from amber.desktop.priority import GUI_PRIORITY, GuiPriority
from PySide6.QtCore import QObject, Signal

from .history import populate


def test_a_worker_waits_while_the_gui_paints() -> None:
    gate = GuiPriority()
    returned = threading.Event()
    worker = threading.Thread(target=lambda: (gate.wait_turn(timeout=30), returned.set()))
    with gate.painting():
        with gate.painting():  # nested paints keep it closed
            worker.start()
        assert gate.gui_busy
        assert not returned.is_set()
    worker.join(10)
    assert returned.is_set() and not gate.gui_busy


def test_the_history_table_closes_the_gate_while_it_paints(qtbot: Any, service: Any) -> None:
    populate(service, 5)
    window = MainWindow(service, start_exporter=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=5000)
    seen: list[bool] = []
    data = window.model.data
    window.model.data = lambda *args: (seen.append(GUI_PRIORITY.gui_busy), data(*args))[1]
    window.table.viewport().grab()
    assert seen and all(seen)
    assert not GUI_PRIORITY.gui_busy
    window.shutdown()


class _Emitter(QObject):
    ping = Signal(object)


def test_emitting_signals_does_not_eat_references_to_true() -> None:
    """PySide6 6.12.0 dropped a reference to True on every emit(): after enough signals the
    interpreter freed True and crashed. pyproject.toml excludes that release."""
    emitter = _Emitter()
    received: list[object] = []
    emitter.ping.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(1000):
        emitter.ping.emit(i)
    assert len(received) == 1000
    assert sys.getrefcount(True) >= before - 10
