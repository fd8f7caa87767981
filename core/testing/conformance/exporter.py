"""EventExporterConformance: run_exporter with an EventExporter delivers every event in order,
retries failing pushes until they succeed, and leaves no thread behind when stopped. Subclass it
and implement ``make_exporter`` and ``delivered`` (the events the exporter has received)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from amber.core.fossilizer import (
    Event,
    EventExporter,
    EventType,
    RetryPolicy,
    run_exporter,
)

from ..mock_adapter import MockAdapter
from .waiting import wait_until

FAST_RETRY = RetryPolicy(first_delay=0.001, max_delay=0.01)
EVENTS = 20
STOP_TIMEOUT_SECONDS = 5.0


class RecordingExporter:
    """An EventExporter that keeps every event it is pushed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []

    def push(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)

    @property
    def events(self) -> list[Event]:
        with self._lock:
            return list(self._events)


class FlakyExporter:
    """Wraps an exporter; its first ``failures`` pushes raise, later ones are delivered."""

    def __init__(self, inner: EventExporter, failures: int) -> None:
        self.inner = inner
        self.failures_left = failures
        self.attempts = 0

    def push(self, event: Event) -> None:
        self.attempts += 1
        if self.failures_left > 0:
            self.failures_left -= 1
            raise ConnectionError("exporter is down (injected)")
        self.inner.push(event)


class EventExporterConformance:
    def make_exporter(self) -> EventExporter:
        raise NotImplementedError("an EventExporterConformance subclass implements make_exporter")

    def delivered(self, exporter: EventExporter) -> list[Event]:
        raise NotImplementedError("an EventExporterConformance subclass implements delivered")

    @pytest.fixture
    def exporter(self) -> EventExporter:
        return self.make_exporter()

    @pytest.fixture
    def adapter(self) -> MockAdapter:
        return MockAdapter()

    @pytest.fixture
    def running(
        self, adapter: MockAdapter, exporter: EventExporter
    ) -> Iterator[tuple[threading.Event, list[threading.Thread]]]:
        stop = threading.Event()
        threads: list[threading.Thread] = []
        yield stop, threads
        stop.set()
        for thread in threads:
            thread.join(STOP_TIMEOUT_SECONDS)

    def _start(
        self,
        adapter: MockAdapter,
        exporter: EventExporter,
        running: tuple[threading.Event, list[threading.Thread]],
    ) -> threading.Thread:
        stop, threads = running
        thread = threading.Thread(
            target=run_exporter, args=(adapter, exporter, stop), kwargs={"retry": FAST_RETRY}
        )
        threads.append(thread)
        thread.start()
        wait_until(lambda: len(adapter.channels) == 1, what="run_exporter to register")
        return thread

    def test_delivers_every_event_in_order(
        self,
        adapter: MockAdapter,
        exporter: EventExporter,
        running: tuple[threading.Event, list[threading.Thread]],
    ) -> None:
        self._start(adapter, exporter, running)
        sent = [Event(EventType.DID_FOSSILIZE, n) for n in range(EVENTS)]
        for event in sent:
            adapter.emit(event)
        wait_until(lambda: len(self.delivered(exporter)) >= EVENTS, what="all events")
        assert [e.data for e in self.delivered(exporter)] == list(range(EVENTS))

    def test_a_failing_push_is_retried_until_it_succeeds(
        self,
        adapter: MockAdapter,
        exporter: EventExporter,
        running: tuple[threading.Event, list[threading.Thread]],
    ) -> None:
        flaky = FlakyExporter(exporter, failures=3)
        self._start(adapter, flaky, running)
        adapter.emit(Event(EventType.DID_FOSSILIZE, "first"))
        adapter.emit(Event(EventType.DID_CONFIRM, "second"))
        wait_until(lambda: len(self.delivered(exporter)) >= 2, what="both events")
        assert [e.data for e in self.delivered(exporter)] == ["first", "second"]
        assert flaky.attempts == 5, "3 failed tries, then one success per event"

    def test_unknown_event_types_pass_through(
        self,
        adapter: MockAdapter,
        exporter: EventExporter,
        running: tuple[threading.Event, list[threading.Thread]],
    ) -> None:
        self._start(adapter, exporter, running)
        adapter.emit(Event("SomethingNew", 1))
        wait_until(lambda: len(self.delivered(exporter)) >= 1, what="the event")

    def test_stopping_leaves_no_thread_and_no_channel(
        self,
        adapter: MockAdapter,
        exporter: EventExporter,
        running: tuple[threading.Event, list[threading.Thread]],
    ) -> None:
        thread = self._start(adapter, FlakyExporter(exporter, failures=10**9), running)
        adapter.emit(Event(EventType.DID_FOSSILIZE, "never delivered"))
        stop, _ = running
        stop.set()
        thread.join(STOP_TIMEOUT_SECONDS)
        assert not thread.is_alive(), "run_exporter kept running after stop"
        assert len(adapter.channels) == 0, "the channel stayed registered after stop"
