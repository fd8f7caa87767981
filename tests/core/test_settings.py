from __future__ import annotations

from pathlib import Path

import pytest
from amber.core.settings import (
    DEFAULT_CALENDARS,
    Settings,
    SettingsError,
    write_settings_file,
)


def test_defaults_are_the_public_aggregators_with_a_quorum_of_two(tmp_path: Path) -> None:
    settings = Settings.load(environ={}, settings_file=tmp_path / "none.json")
    assert settings.calendars == DEFAULT_CALENDARS
    assert settings.min_calendars == 2
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("amber.sqlite3")


def test_options_beat_environment_which_beats_the_settings_file(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    write_settings_file(Settings(data_dir=tmp_path / "from-file", chain="regtest"), file)
    env = {"AMBER_DATA_DIR": str(tmp_path / "from-env"), "AMBER_CALENDARS": "http://a, http://b/"}
    settings = Settings.load({"min_calendars": 1}, environ=env, settings_file=file)
    assert settings.data_dir == tmp_path / "from-env"
    assert settings.calendars == ("http://a", "http://b")
    assert settings.min_calendars == 1
    assert settings.chain == "regtest"
    overridden = Settings.load({"data_dir": tmp_path / "opt"}, environ=env, settings_file=file)
    assert overridden.data_dir == tmp_path / "opt"


def test_one_calendar_lowers_the_default_quorum_to_one(tmp_path: Path) -> None:
    settings = Settings.load(
        {"calendars": ("http://127.0.0.1:1",)}, environ={}, settings_file=tmp_path / "x"
    )
    assert settings.min_calendars == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"calendars": ()}, "at least one calendar"),
        ({"calendars": ("ftp://x",)}, "not an http"),
        ({"min_calendars": 5}, "min_calendars must be between 1 and"),
        ({"chain": "testnet"}, "chain must be one of"),
        ({"min_calendars": "two"}, "unusable value"),
        ({"colour": "red"}, "unknown setting"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(values: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_mapping(values)


def test_broken_settings_file_is_a_clear_error(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text("{not json", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid JSON"):
        Settings.load(environ={}, settings_file=file)
