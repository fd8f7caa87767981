"""Desktop test fixtures: a real service on a temporary history, QSettings kept in tmp."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from amber.core.service import AmberService
from amber.core.settings import Settings
from PySide6.QtCore import QCoreApplication, QSettings

from .history import VECTORS

UNREACHABLE_CALENDAR = "http://127.0.0.1:9"  # discard port: nothing answers, fails at once


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName("AmberTests")
    QCoreApplication.setApplicationName("AmberTests")
    yield


@pytest.fixture
def make_service(tmp_path: Path) -> Iterator[Callable[..., AmberService]]:
    services: list[AmberService] = []

    def make(**changes: Any) -> AmberService:
        values: dict[str, Any] = {
            "data_dir": tmp_path / f"data{len(services)}",
            "calendars": (UNREACHABLE_CALENDAR,),
            "min_calendars": 1,
            "calendar_timeout": 2.0,
        }
        values.update(changes)
        service = AmberService(Settings(**values))
        services.append(service)
        return service

    yield make
    for service in services:
        service.close()


@pytest.fixture
def service(make_service: Callable[..., AmberService]) -> AmberService:
    return make_service()


@pytest.fixture
def vectors() -> Path:
    if not VECTORS.is_dir():
        pytest.skip(f"MISSING PART: the shared OpenTimestamps vectors at {VECTORS}")
    return VECTORS
