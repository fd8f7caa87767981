"""Reusable pytest suites every FossilsQueue, Adapter and EventExporter must pass.

Subclass a suite in a test module (its name starting with ``Test``) and implement its hooks.
"""

from .adapter import AdapterConformance
from .clock import FakeClock
from .exporter import EventExporterConformance, FlakyExporter, RecordingExporter
from .queue import LEASE_SECONDS, FossilsQueueConformance
from .waiting import wait_until

__all__ = [
    "LEASE_SECONDS",
    "AdapterConformance",
    "EventExporterConformance",
    "FakeClock",
    "FlakyExporter",
    "FossilsQueueConformance",
    "RecordingExporter",
    "wait_until",
]
