"""The fossilizer model: fossils, events, and the adapter / queue / exporter roles."""

from .channels import EventChannels
from .exporter import RetryPolicy, run_exporter
from .protocols import Adapter, BatchAdapter, EventChannel, EventExporter, FossilsQueue
from .types import BlockAttestation, Event, EventType, Evidence, Fossil, Result

__all__ = [
    "Adapter",
    "BatchAdapter",
    "BlockAttestation",
    "Event",
    "EventChannel",
    "EventChannels",
    "EventExporter",
    "EventType",
    "Evidence",
    "Fossil",
    "FossilsQueue",
    "Result",
    "RetryPolicy",
    "run_exporter",
]
