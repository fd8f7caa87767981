"""End to end with real parts: the `amber` command, a local calendar, a litecoind regtest chain,
and the reference client `ots` on both sides."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode

from tests.conftest import require_part

OTS = Path(sys.executable).with_name("ots")


def amber(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amber.core.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ots(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(OTS), "--no-cache", *args], capture_output=True, text=True, timeout=120, cwd=cwd
    )


@pytest.fixture
def amber_env(
    tmp_path: Path, local_calendar: LocalCalendar, regtest_node: RegtestNode
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMBER_")}
    env.update(
        AMBER_DATA_DIR=str(tmp_path / "data"),
        AMBER_SETTINGS_FILE=str(tmp_path / "settings.json"),
        AMBER_CALENDARS=local_calendar.url,
        AMBER_CHAIN="regtest",
        AMBER_BITCOIN_NODE=regtest_node.rpc_url,
    )
    return env


def test_stamp_pending_anchor_upgrade_confirmed_export_and_the_reference_client_agrees(
    tmp_path: Path,
    amber_env: dict[str, str],
    local_calendar: LocalCalendar,
    regtest_node: RegtestNode,
) -> None:
    require_part(OTS.exists(), "the reference client `ots` (opentimestamps-client) is missing")
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "contract.txt").write_text("I owe you one.\n")
    (docs / "sub" / "photo.raw").write_bytes(os.urandom(5000))

    stamped = amber(amber_env, "stamp", str(docs), "--json")
    assert stamped.returncode == 0, stamped.stderr
    stamps = json.loads(stamped.stdout)["stamps"]
    assert sorted(s["name"] for s in stamps) == ["contract.txt", "photo.raw"]
    assert {s["state"] for s in stamps} == {"submitted"}
    assert local_calendar.requests["digest"] == 1  # one batch, one root

    pending = amber(amber_env, "verify", str(docs / "contract.txt"))
    assert pending.returncode == 3, pending.stdout + pending.stderr
    assert local_calendar.url in pending.stdout

    height = local_calendar.anchor(regtest_node)
    upgraded = amber(amber_env, "upgrade", "--json")
    assert upgraded.returncode == 0, upgraded.stderr
    report = json.loads(upgraded.stdout)
    assert len(report["confirmed"]) == 2
    assert report["requests"] == 1  # once per (calendar, commitment), not once per file
    assert {s["block_height"] for s in report["confirmed"]} == {height}

    listed = json.loads(amber(amber_env, "list", "--json").stdout)
    assert {s["state"] for s in listed} == {"confirmed"}

    out = tmp_path / "proofs"
    exported = amber(amber_env, "export", "--out", str(out))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    proof = out / "contract.txt.ots"
    assert proof.exists() and (out / "photo.raw.ots").exists()

    verified = amber(amber_env, "verify", str(docs / "contract.txt"), "--proof", str(proof))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"Bitcoin block {height} attests existence as of" in verified.stdout

    tampered = tmp_path / "tampered.txt"
    tampered.write_text("I owe you nothing.\n")
    mismatch = amber(amber_env, "verify", str(tampered), "--proof", str(proof))
    assert mismatch.returncode == 1

    reference = ots(
        "--btc-regtest",
        "--bitcoin-node",
        regtest_node.rpc_url,
        "verify",
        "-f",
        str(docs / "contract.txt"),
        str(proof),
    )
    assert reference.returncode == 0, reference.stdout + reference.stderr
    assert f"Bitcoin block {height}" in reference.stdout + reference.stderr


def test_a_proof_made_by_the_reference_client_imports_upgrades_and_verifies(
    tmp_path: Path,
    amber_env: dict[str, str],
    local_calendar: LocalCalendar,
    regtest_node: RegtestNode,
) -> None:
    require_part(OTS.exists(), "the reference client `ots` (opentimestamps-client) is missing")
    document = tmp_path / "minutes.txt"
    document.write_text("Minutes of the meeting.\n")
    made = ots("stamp", "-c", local_calendar.url, "-m", "1", str(document))
    assert made.returncode == 0, made.stdout + made.stderr
    proof = tmp_path / "minutes.txt.ots"

    imported = amber(amber_env, "import", str(proof), str(document), "--json")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert json.loads(imported.stdout)["state"] == "submitted"

    height = local_calendar.anchor(regtest_node)
    report = json.loads(amber(amber_env, "upgrade", "--json").stdout)
    assert [s["name"] for s in report["confirmed"]] == ["minutes.txt"]

    out = tmp_path / "out"
    assert amber(amber_env, "export", "--out", str(out)).returncode == 0
    shutil.copy(out / "minutes.txt.ots", tmp_path / "upgraded.ots")
    verified = amber(
        amber_env, "verify", str(document), "--proof", str(tmp_path / "upgraded.ots"), "--json"
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["block_height"] == height
