"""A full disk or a read-only data folder: reading commands still show the history, writing
commands refuse in one plain sentence, and nothing is a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from amber.core.cli import context
from amber.core.cli.main import cli
from amber.core.service import AmberService
from click.testing import CliRunner, Result
from sqlalchemy.exc import OperationalError

DIGEST = "ab" * 32


def disk_full() -> OperationalError:
    return OperationalError("BEGIN", {}, sqlite3.OperationalError("database or disk is full"))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "AMBER_DATA_DIR": str(tmp_path / "data"),
        "AMBER_SETTINGS_FILE": str(tmp_path / "settings.json"),
        "AMBER_CALENDARS": "http://127.0.0.1:9",
        "AMBER_BITCOIN_NODE": "",
        "AMBER_ESPLORA": "",
        "AMBER_CHAIN": "",
        "AMBER_DB": "",
    }


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def full_disk(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """One stamp stored, then the history can no longer be opened for writing."""
    assert run(env, "stamp", "--no-wait", "--digest", DIGEST).exit_code == 0

    class FullDiskService(AmberService):
        def __init__(self, settings: Any, **kwargs: Any) -> None:
            if "mode=ro" not in settings.db_url:
                raise disk_full()
            super().__init__(settings, **kwargs)

    monkeypatch.setattr(context, "AmberService", FullDiskService)
    return env


def test_list_shows_the_stored_history_read_only_and_says_why(full_disk: dict[str, str]) -> None:
    listed = run(full_disk, "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert "the disk holding the history is full" in listed.output
    stamps = json.loads(listed.output[listed.output.index("[") :])
    assert [s["sha256"] for s in stamps] == [DIGEST]


def test_stamp_and_import_refuse_in_one_plain_sentence(
    full_disk: dict[str, str], tmp_path: Path
) -> None:
    proof = tmp_path / "some.ots"
    proof.write_bytes(b"\x00OpenTimestamps")
    for args in (("stamp", "--digest", "cd" * 32), ("import", str(proof)), ("worker",)):
        refused = run(full_disk, *args)
        assert refused.exit_code == 1, refused.output
        assert "cannot open the history: the disk holding the history is full" in refused.output
        assert not isinstance(refused.exception, OperationalError)
        assert "Traceback" not in refused.output


def test_a_storage_failure_inside_a_command_is_a_plain_sentence(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise disk_full()

    monkeypatch.setattr(AmberService, "stamp", fail)
    refused = run(env, "stamp", "--digest", DIGEST)
    assert refused.exit_code == 1
    assert "the history was not changed: the disk holding the history is full" in refused.output
    assert run(env, "list", "--json").output.strip() == "[]"
