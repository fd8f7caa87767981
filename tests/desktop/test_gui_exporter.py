"""Events cross from the exporter thread to the GUI thread through queued signals."""

from __future__ import annotations

import threading
from typing import Any

from amber.core import Event, EventType, Evidence, Fossil, Result
from amber.core.testing import MockAdapter
from amber.desktop.gui_exporter import ExporterThread, GuiExporter


def test_push_from_another_thread_runs_the_slot_on_the_gui_thread(qtbot: Any) -> None:
    exporter = GuiExporter()
    seen: list[tuple[Any, threading.Thread]] = []
    exporter.connect_gui(lambda event: seen.append((event, threading.current_thread())))
    event = Event(EventType.DID_FOSSILIZE, None)
    worker = threading.Thread(target=exporter.push, args=(event,))
    worker.start()
    worker.join()
    assert seen == []  # queued: nothing ran on the worker
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0][0] is event
    assert seen[0][1] is threading.main_thread()


def test_run_exporter_delivers_adapter_events_and_stops(qtbot: Any) -> None:
    adapter = MockAdapter()
    exporter = GuiExporter()
    received: list[Any] = []
    exporter.connect_gui(received.append)
    thread = ExporterThread(adapter, exporter, poll_interval=0.01)
    thread.start()
    qtbot.waitUntil(lambda: len(adapter.channels) == 1)
    evidence = Evidence("ots", "local", b"proof", extra={"stamp_id": 7})
    adapter.emit(Event(EventType.DID_FOSSILIZE, Result(Fossil(b"\x01" * 32), evidence)))
    qtbot.waitUntil(lambda: len(received) == 1)
    assert received[0].data.evidence.extra["stamp_id"] == 7
    thread.stop()
    assert not thread.running
    assert len(adapter.channels) == 0  # unregistered: nobody feeds a dead channel
