"""Starting the app: no display → one plain sentence and exit code 2; settings dialog."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from amber.desktop import app
from amber.desktop.display import NO_DISPLAY_MESSAGE, no_display_reason
from amber.desktop.settings_dialog import SettingsDialog


@pytest.mark.parametrize(
    ("env", "argv", "platform", "blocked"),
    [
        ({}, [], "linux", True),
        ({"DISPLAY": ":0"}, [], "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, [], "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, [], "linux", False),
        ({"QT_QPA_PLATFORM": "xcb"}, [], "linux", True),
        ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, [], "linux", True),
        ({}, ["amber", "-platform", "minimal"], "linux", False),
        ({}, [], "win32", False),
        ({}, [], "darwin", False),
    ],
)
def test_no_display_detection(env: dict, argv: list, platform: str, blocked: bool) -> None:
    assert (no_display_reason(env, argv, platform) is not None) == blocked


def test_run_app_without_a_display_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert app.run_app({}, ["amber"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == NO_DISPLAY_MESSAGE
    assert "command line" in err


def test_amber_without_display_in_a_real_process(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AMBER_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from amber.desktop.app import run_app; import sys; sys.exit(run_app({}, ['amber']))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if sys.platform.startswith("linux"):
        assert done.returncode == 2
        assert done.stderr.strip() == NO_DISPLAY_MESSAGE
        assert "Aborted" not in done.stderr and "qt.qpa" not in done.stderr


def test_settings_dialog_saves_the_shared_settings_file(
    qtbot: Any, service: Any, tmp_path: Path
) -> None:
    target = tmp_path / "settings.json"
    dialog = SettingsDialog(service.settings, settings_file=target, environ={})
    qtbot.addWidget(dialog)
    dialog.calendars.setPlainText("http://127.0.0.1:1111\nhttp://127.0.0.1:2222")
    dialog.min_calendars.setValue(2)
    dialog.esplora.setPlainText("http://127.0.0.1:3000")
    dialog.save()
    assert dialog.saved_to == target
    from amber.core.settings import Settings

    loaded = Settings.load(environ={}, settings_file=target)
    assert loaded.calendars == ("http://127.0.0.1:1111", "http://127.0.0.1:2222")
    assert loaded.min_calendars == 2
    assert loaded.esplora == ("http://127.0.0.1:3000",)


def test_settings_dialog_explains_bad_values_and_env_overrides(
    qtbot: Any, service: Any, tmp_path: Path
) -> None:
    dialog = SettingsDialog(
        service.settings,
        settings_file=tmp_path / "s.json",
        environ={"AMBER_CALENDARS": "http://127.0.0.1:9"},
    )
    qtbot.addWidget(dialog)
    assert not dialog.calendars.isEnabled()
    assert "AMBER_CALENDARS" in dialog.calendars.toolTip()
    dialog.esplora.setPlainText("ftp://nope")
    dialog.save()
    assert "not an http(s) URL" in dialog.error.text()
    assert not (tmp_path / "s.json").exists()
