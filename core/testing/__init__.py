"""Test helpers for Amber and for anything built on it (importing this loads no server code).

The storage room's helpers are exported here; the harnesses (calendar server, regtest node,
PostgreSQL, conformance suites) live in their own modules.
"""

from .memory_queue import MemoryFossilsQueue
from .mock_adapter import FossilizeCall, MockAdapter

__all__ = ["FossilizeCall", "MemoryFossilsQueue", "MockAdapter"]
