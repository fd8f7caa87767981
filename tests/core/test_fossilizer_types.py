from __future__ import annotations

import pytest
from amber.core import Event, EventType, Fossil


def test_fossil_rejects_text_and_empty_data() -> None:
    with pytest.raises(TypeError):
        Fossil("abc", b"")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Fossil(b"", b"")


def test_fossil_from_a_queue_carries_its_id() -> None:
    assert Fossil(b"\x01", b"m").with_id(7) == Fossil(b"\x01", b"m", 7)


def test_unknown_event_types_are_tolerated() -> None:
    assert Event("SomethingNew", 1).known_type is None
    assert Event(EventType.DID_CONFIRM).known_type is EventType.DID_CONFIRM
    assert EventType("DidFossilize") is EventType.DID_FOSSILIZE
