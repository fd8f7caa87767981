"""The GUI exporter: adapter events reach the GUI thread as queued Qt signals.

``run_exporter`` runs on a plain background thread and calls ``GuiExporter.push``; push only
emits a signal, and receivers connect with ``Qt.QueuedConnection`` so their slots run on the
GUI thread. The GUI never reaches into the fossilizer: it learns through events and the store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from amber.core import Adapter, Event, run_exporter
from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)


class GuiExporter(QObject):
    """An ``EventExporter`` whose ``push`` emits ``event_received`` with the event."""

    event_received = Signal(object)

    def push(self, event: Event) -> None:
        self.event_received.emit(event)

    def connect_gui(self, slot: Callable[[Event], None]) -> None:
        """Connect ``slot`` so that it always runs on the thread that owns this object."""
        self.event_received.connect(slot, Qt.ConnectionType.QueuedConnection)


class ExporterThread:
    """Drives ``run_exporter(adapter, exporter)`` on a daemon thread until ``stop()``."""

    def __init__(self, adapter: Adapter, exporter: GuiExporter, *, poll_interval: float = 0.1):
        self._adapter = adapter
        self._exporter = exporter
        self._stop = threading.Event()
        self._poll_interval = poll_interval
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="amber-gui-exporter", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            run_exporter(
                self._adapter, self._exporter, self._stop, poll_interval=self._poll_interval
            )
        except Exception:  # the window keeps working from the store even without events
            log.exception("the GUI exporter stopped")

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
