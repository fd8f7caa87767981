"""Amber's headless core: the fossilizer model, storage, OpenTimestamps and verification.

Nothing under ``amber.core`` imports Qt.
"""

from .fossilizer import (
    Adapter,
    BlockAttestation,
    Event,
    EventChannels,
    EventExporter,
    EventType,
    Evidence,
    Fossil,
    FossilsQueue,
    Result,
    RetryPolicy,
    run_exporter,
)
from .hashing import UnreadableFileError, hash_file

__all__ = [
    "Adapter",
    "BlockAttestation",
    "Event",
    "EventChannels",
    "EventExporter",
    "EventType",
    "Evidence",
    "Fossil",
    "FossilsQueue",
    "Result",
    "RetryPolicy",
    "UnreadableFileError",
    "hash_file",
    "run_exporter",
]
