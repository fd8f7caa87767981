"""Test-wide configuration: Qt runs offscreen; missing real parts skip locally, fail in CI."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from amber.core.testing.fixtures import require_part

pytest_plugins = ["amber.core.testing.fixtures"]

__all__ = ["require_part"]
