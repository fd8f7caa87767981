"""Test-wide configuration: Qt runs offscreen; missing real parts skip locally, fail in CI."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest_plugins = ["amber.core.testing.fixtures"]


def require_part(available: bool, reason: str) -> None:
    """Skip loudly when a real part (regtest node, PostgreSQL, ...) is missing; fail in CI."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required part missing in CI: {reason}")
    pytest.skip(f"MISSING PART, test skipped: {reason}")
