"""The values that flow through a fossilizer: fossils, evidence, results and events."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class Fossil:
    """Data to fossilize (for Amber, a file digest) and the metadata that travels with it.

    A fossil that came out of a queue carries its queue ``id``; one that was never queued has none.
    """

    data: bytes
    meta: bytes = b""
    id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.data, bytes | bytearray):
            raise TypeError(f"Fossil.data must be bytes, not {type(self.data).__name__}")
        if not isinstance(self.meta, bytes | bytearray):
            raise TypeError(f"Fossil.meta must be bytes, not {type(self.meta).__name__}")
        if not self.data:
            raise ValueError("Fossil.data must not be empty")

    def with_id(self, fossil_id: int) -> Fossil:
        return Fossil(bytes(self.data), bytes(self.meta), fossil_id)


class EventType(StrEnum):
    DID_FOSSILIZE = "DidFossilize"
    DID_CONFIRM = "DidConfirm"


@dataclass(frozen=True, slots=True)
class BlockAttestation:
    """A Bitcoin block that was checked against a header source."""

    height: int
    block_hash: str  # display (RPC) byte order, hex
    time: int  # the header's nTime, seconds since the epoch


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a backend produced for a fossil.

    ``proof`` is the backend's proof bytes (for OpenTimestamps a serialized ``.ots`` file);
    ``state`` is "pending" until a Bitcoin block attests it, then "confirmed".
    """

    backend: str
    provider: str
    proof: bytes
    state: str = "pending"
    calendars: tuple[str, ...] = ()
    block: BlockAttestation | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Result:
    """The data of a DidFossilize or DidConfirm event."""

    fossil: Fossil
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Event:
    """Something an adapter did. Consumers ignore event types they do not know."""

    event_type: EventType | str
    data: Any = None

    @property
    def known_type(self) -> EventType | None:
        try:
            return EventType(self.event_type)
        except ValueError:
            return None
