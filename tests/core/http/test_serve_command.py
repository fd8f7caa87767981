"""`amber serve` as a user runs it: the token, the worker inside, and a SIGTERM under load that
loses no fossil it answered 200 for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
from amber.core.storage import StampStore, open_database
from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.conformance.waiting import wait_until

from .conftest import AUTH, TOKEN


def start_serve(
    tmp_path: Path, calendar: LocalCalendar, *, token: str | None
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMBER_")}
    env.update(
        AMBER_DATA_DIR=str(tmp_path / "data"),
        AMBER_SETTINGS_FILE=str(tmp_path / "settings.json"),
        AMBER_CALENDARS=calendar.url,
        AMBER_BATCH_INTERVAL="0.05",
    )
    if token:
        env["AMBER_API_TOKEN"] = token
    return subprocess.Popen(
        [sys.executable, "-m", "amber.core.cli", "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_banner(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.strip())
        if line.startswith("amber serve: listening on "):
            return lines
    raise AssertionError(f"amber serve exited: {lines}")


def test_without_a_token_one_is_generated_and_printed(
    tmp_path: Path, local_calendar: LocalCalendar
) -> None:
    process = start_serve(tmp_path, local_calendar, token=None)
    try:
        banner = read_banner(process)
        token = banner[0].split(": ")[-1]
        assert banner[0].startswith("API token") and len(token) >= 40
        url = banner[-1].split()[4]
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(url + "/", headers=headers).status_code == 200
        assert httpx.get(url + "/").status_code == 401
    finally:
        process.terminate()
        assert process.wait(30) == 0


def test_sigterm_under_load_loses_no_accepted_fossil(
    tmp_path: Path, local_calendar: LocalCalendar
) -> None:
    process = start_serve(tmp_path, local_calendar, token=TOKEN)
    url = read_banner(process)[-1].split()[4]
    accepted: list[int] = []
    first = httpx.post(url + "/fossils", headers=AUTH, json={"data": "ab" * 32}).json()["id"]

    def submitted() -> bool:
        answer = httpx.get(f"{url}/fossils/{first}", headers=AUTH).json()
        return answer["state"] == "submitted" and bool(answer["proof"])

    wait_until(submitted, what="the server's own fossilizer to submit")  # the worker runs inside

    def post_until_refused() -> None:
        with httpx.Client(base_url=url, headers=AUTH, timeout=10) as client:
            for n in range(100_000):
                try:
                    answer = client.post("/fossils", json={"data": f"{n:064x}"})
                except httpx.TransportError:
                    return
                if answer.status_code != 200:
                    return
                accepted.append(answer.json()["id"])

    poster = threading.Thread(target=post_until_refused)
    poster.start()
    wait_until(lambda: len(accepted) >= 50, what="some fossils accepted")
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0
    poster.join(30)
    assert process.stdout is not None
    assert process.stdout.read().strip().endswith("amber serve: stopped")

    db = open_database(f"sqlite:///{tmp_path / 'data' / 'amber.sqlite3'}")
    try:
        store = StampStore(db)
        missing = [i for i in [first, *accepted] if store.by_fossil_id(i) is None]
    finally:
        db.close()
    assert missing == []
