"""The EventExporter conformance suite, run through run_exporter with a recording exporter."""

from __future__ import annotations

from amber.core.fossilizer import Event, EventExporter
from amber.core.testing.conformance import EventExporterConformance, RecordingExporter


class TestRecordingExporter(EventExporterConformance):
    def make_exporter(self) -> EventExporter:
        return RecordingExporter()

    def delivered(self, exporter: EventExporter) -> list[Event]:
        assert isinstance(exporter, RecordingExporter)
        return exporter.events
