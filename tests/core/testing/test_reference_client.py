"""The reference client (`ots` from opentimestamps-client) accepts the local calendar and the
regtest anchoring byte for byte: stamp, upgrade and verify all succeed against them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode

from tests.conftest import require_part

OTS = Path(sys.executable).parent / "ots"

pytestmark = pytest.mark.reference_client


def ots(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `ots` with no cache and HOME inside the test's folder: nothing leaks out of tmp."""
    require_part(OTS.exists(), f"the ots reference client (opentimestamps-client) at {OTS}")
    return subprocess.run(
        [str(OTS), "--no-cache", *args],
        cwd=cwd,
        env={**os.environ, "HOME": str(cwd)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def stamp(calendar: LocalCalendar, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    target.write_text(f"{name}: stamped by the reference client\n")
    result = ots("stamp", "-c", calendar.url, "-m", "1", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return Path(f"{target}.ots")


def test_ots_stamps_upgrades_and_verifies_against_the_local_parts(
    local_calendar: LocalCalendar, regtest_node: RegtestNode, tmp_path: Path
) -> None:
    proof = stamp(local_calendar, tmp_path, "hello.txt")
    assert (
        f"PendingAttestation('{local_calendar.url}')"
        in ots("info", str(proof), cwd=tmp_path).stdout
    )

    still_pending = ots("-l", local_calendar.url, "upgrade", str(proof), cwd=tmp_path)
    assert still_pending.returncode == 1
    assert "Pending confirmation" in still_pending.stderr

    height = local_calendar.anchor(regtest_node)

    not_whitelisted = ots("upgrade", str(proof), cwd=tmp_path)
    assert not_whitelisted.returncode == 1
    assert "not in whitelist" in not_whitelisted.stderr

    upgraded = ots("-l", local_calendar.url, "upgrade", str(proof), cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Timestamp complete" in upgraded.stderr
    assert (
        f"BitcoinBlockHeaderAttestation({height})" in ots("info", str(proof), cwd=tmp_path).stdout
    )

    verified = ots(
        "--btc-regtest", "--bitcoin-node", regtest_node.rpc_url, "verify", str(proof), cwd=tmp_path
    )
    assert verified.returncode == 0, verified.stderr
    assert f"Success! Bitcoin block {height} attests existence" in verified.stderr


def test_ots_verify_rejects_an_upgrade_that_leads_away_from_the_block(
    local_calendar: LocalCalendar, regtest_node: RegtestNode, tmp_path: Path
) -> None:
    proof = stamp(local_calendar, tmp_path, "tampered.txt")
    local_calendar.anchor(regtest_node)
    local_calendar.behaviour = "wrong_commitment"
    upgraded = ots("-l", local_calendar.url, "upgrade", str(proof), cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr

    verified = ots(
        "--btc-regtest", "--bitcoin-node", regtest_node.rpc_url, "verify", str(proof), cwd=tmp_path
    )

    assert verified.returncode != 0
    assert "Bitcoin verification failed" in verified.stderr
