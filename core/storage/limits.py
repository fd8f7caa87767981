"""Explicit limits of the fossil queues, shared by the SQL and in-memory implementations."""

from __future__ import annotations

from collections.abc import Sequence

from amber.core.fossilizer import Fossil

MAX_POP = 10_000  # most fossils one pop() may lease
MAX_FOSSIL_DATA_BYTES = 1024  # a digest is 20-64 bytes; anything bigger is a mistake
MAX_FOSSIL_META_BYTES = 64 * 1024
MAX_LEASE_SECONDS = 7 * 24 * 3600.0


def check_pop_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"pop(n) needs an int, not {type(n).__name__}")
    if n <= 0:
        raise ValueError(f"pop(n) needs n >= 1, got {n}")
    if n > MAX_POP:
        raise ValueError(f"pop(n) takes at most MAX_POP={MAX_POP} fossils at once, got {n}")


def check_lease_seconds(lease_seconds: float) -> None:
    if not 0 < lease_seconds <= MAX_LEASE_SECONDS:
        raise ValueError(
            f"lease_seconds must be > 0 and <= {MAX_LEASE_SECONDS:.0f}, got {lease_seconds}"
        )


def check_retry_after(retry_after: float) -> None:
    if not 0 <= retry_after <= MAX_LEASE_SECONDS:
        raise ValueError(f"retry_after must be >= 0 and <= {MAX_LEASE_SECONDS:.0f}")


def check_pushable(fossils: Sequence[Fossil]) -> None:
    for fossil in fossils:
        if not isinstance(fossil, Fossil):
            raise TypeError(f"can only push a Fossil, not {type(fossil).__name__}")
        if len(fossil.data) > MAX_FOSSIL_DATA_BYTES:
            raise ValueError(
                f"fossil data is {len(fossil.data)} bytes, more than {MAX_FOSSIL_DATA_BYTES}"
            )
        if len(fossil.meta) > MAX_FOSSIL_META_BYTES:
            raise ValueError(
                f"fossil meta is {len(fossil.meta)} bytes, more than {MAX_FOSSIL_META_BYTES}"
            )


def queued_ids(fossils: Sequence[Fossil]) -> list[int]:
    """The queue ids of fossils handed back to ack/release; a fossil without one is a bug."""
    ids = []
    for fossil in fossils:
        if fossil.id is None:
            raise ValueError("this fossil never came out of a queue (it has no id)")
        ids.append(fossil.id)
    return ids
