"""A pytest plugin: ``regtest_node`` (session), ``local_calendar`` and ``fake_esplora``.

Loaded from tests/conftest.py with ``pytest_plugins = ["amber.core.testing.fixtures"]``.
A missing litecoind skips the tests that need it, loudly, or fails them when ``CI=true``
(tests/conftest.py re-exports ``require_part`` for the tests).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .calendar_server import LocalCalendar
from .esplora import FakeEsplora
from .regtest import RegtestNode, litecoind_available


def require_part(available: bool, reason: str) -> None:
    """Skip loudly when a real part is missing; fail when running in CI."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required part missing in CI: {reason}")
    pytest.skip(f"MISSING PART, test skipped: {reason}")


@pytest.fixture(scope="session")
def regtest_node() -> Iterator[RegtestNode]:
    """One fresh ``litecoind -regtest`` chain for the whole session, with a funded wallet."""
    require_part(litecoind_available(), "litecoind (Debian package litecoind) is not installed")
    with RegtestNode() as node:
        yield node


@pytest.fixture
def local_calendar() -> Iterator[LocalCalendar]:
    """A fresh local calendar (behaviour "ok"), stopped after the test."""
    with LocalCalendar() as calendar:
        yield calendar


@pytest.fixture
def fake_esplora(regtest_node: RegtestNode) -> Iterator[FakeEsplora]:
    """A fake Esplora serving the session's regtest node's headers."""
    with FakeEsplora(node=regtest_node) as esplora:
        yield esplora


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the regtest node carry the ``regtest`` marker (``-m "not regtest"``)."""
    for item in items:
        if "regtest_node" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.regtest)
