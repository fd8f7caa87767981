"""The `amber` command line on the real-world vectors, in-process."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from amber.core.cli.main import cli
from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.esplora import FakeEsplora
from click.testing import CliRunner, Result

from tests.vectors import block_header_358391, vectors_dir

PROOFS = vectors_dir() / "proofs"


@pytest.fixture
def esplora() -> Iterator[FakeEsplora]:
    with FakeEsplora(headers={358391: block_header_358391()}) as server:
        yield server


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
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_hello_world_verifies_against_the_real_block_header(
    env: dict[str, str], esplora: FakeEsplora, tmp_path: Path
) -> None:
    target = tmp_path / "hello-world.txt"
    shutil.copy(PROOFS / "hello-world.txt", target)
    shutil.copy(PROOFS / "hello-world.txt.ots", tmp_path / "hello-world.txt.ots")

    result = run(env, "--esplora", esplora.url, "verify", str(tmp_path / "hello-world.txt.ots"))

    assert result.exit_code == 0, result.output
    assert "Bitcoin block 358391 attests existence as of 2015-05-28 15:41:18 UTC" in result.output

    # The header is now cached: the proof verifies again with no header source at all.
    offline = run(env, "verify", str(target), "--json")
    assert offline.exit_code == 0, offline.output
    assert json.loads(offline.stdout)["block_height"] == 358391


def test_bad_stamp_fails_and_a_different_file_is_a_mismatch(
    env: dict[str, str], esplora: FakeEsplora, tmp_path: Path
) -> None:
    bad = run(
        env,
        "--esplora",
        esplora.url,
        "verify",
        str(PROOFS / "bad-stamp.txt"),
        "--proof",
        str(PROOFS / "bad-stamp.txt.ots"),
    )
    assert bad.exit_code == 1
    assert "merkle root" in bad.output.lower()

    other = tmp_path / "other.txt"
    other.write_text("not the stamped file")
    mismatch = run(
        env,
        "--esplora",
        esplora.url,
        "verify",
        str(other),
        "--proof",
        str(PROOFS / "hello-world.txt.ots"),
    )
    assert mismatch.exit_code == 1
    assert "not the file" in mismatch.output.lower() or "mismatch" in mismatch.output.lower()


def test_pending_proofs_exit_3_and_name_their_calendars(env: dict[str, str]) -> None:
    result = run(env, "verify", str(PROOFS / "two-calendars.txt.ots"), "--json")
    assert result.exit_code == 3
    verdict = json.loads(result.stdout)
    assert verdict["verdict"] == "pending"
    assert len(verdict["calendars"]) == 2
    assert all("calendar.opentimestamps.org" in url for url in verdict["calendars"])


def test_verify_by_digest(env: dict[str, str], esplora: FakeEsplora) -> None:
    digest = "03ba204e50d126e4674c005e04d82e84c21366780af1f43bd54a37816b6ab340"
    result = run(
        env,
        "--esplora",
        esplora.url,
        "verify",
        "--digest",
        digest,
        str(PROOFS / "hello-world.txt.ots"),
    )
    assert result.exit_code == 0, result.output
    wrong = run(env, "verify", "--digest", "00" * 32, str(PROOFS / "hello-world.txt.ots"))
    assert wrong.exit_code == 1


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("bad-major-version.ots", "version"),
        ("exceeds-max-msg-length.ots", "4096"),
        ("invalid-file-digest-type.ots", "hash"),
    ],
)
def test_invalid_proofs_give_a_clear_error_not_a_traceback(
    env: dict[str, str], name: str, words: str
) -> None:
    path = vectors_dir() / "invalid" / name
    for args in (
        ["info", str(path)],
        ["import", str(path)],
        ["verify", "--digest", "00" * 32, str(path)],
    ):
        result = run(env, *args)
        assert result.exit_code == 1, (args, result.output)
        assert words in result.output.lower()
        assert "Traceback" not in result.output


def test_info_shows_the_tree_and_keeps_unknown_attestations(env: dict[str, str]) -> None:
    result = run(env, "info", str(PROOFS / "known-and-unknown-notary.txt.ots"))
    assert result.exit_code == 0, result.output
    assert "0102030405060708" in result.output
    assert "bob.btc.calendar.opentimestamps.org" in result.output


def test_import_then_export_round_trips_an_unknown_attestation_byte_for_byte(
    env: dict[str, str], tmp_path: Path
) -> None:
    source = PROOFS / "unknown-notary.txt.ots"
    imported = run(env, "import", str(source), str(PROOFS / "unknown-notary.txt"), "--json")
    assert imported.exit_code == 0, imported.output
    stamp = json.loads(imported.stdout)

    out = tmp_path / "out"
    exported = run(env, "export", "--out", str(out), str(stamp["id"]))
    assert exported.exit_code == 0, exported.output
    assert (out / "unknown-notary.txt.ots").read_bytes() == source.read_bytes()

    again = run(env, "export", "--out", str(out), str(stamp["id"]))
    assert again.exit_code == 1 and "exists" in again.output
    forced = run(env, "export", "--out", str(out), "--force", str(stamp["id"]))
    assert forced.exit_code == 0


def test_importing_a_proof_with_the_wrong_file_is_refused(env: dict[str, str]) -> None:
    result = run(env, "import", str(PROOFS / "hello-world.txt.ots"), str(PROOFS / "merkle1.txt"))
    assert result.exit_code == 1
    assert "not the file" in result.output
    assert json.loads(run(env, "list", "--json").stdout) == []


def test_list_filters_by_state_and_search(env: dict[str, str]) -> None:
    for name in ("merkle1.txt", "merkle2.txt", "incomplete.txt"):
        assert run(env, "import", str(PROOFS / f"{name}.ots"), str(PROOFS / name)).exit_code == 0
    everything = json.loads(run(env, "list", "--json").stdout)
    assert [s["name"] for s in everything] == ["merkle1.txt", "merkle2.txt", "incomplete.txt"]
    assert {s["state"] for s in everything} == {"submitted"}
    found = json.loads(run(env, "list", "--search", "MERKLE", "--json").stdout)
    assert [s["name"] for s in found] == ["merkle1.txt", "merkle2.txt"]
    assert json.loads(run(env, "list", "--state", "confirmed", "--json").stdout) == []


def test_upgrade_reports_calendars_off_the_whitelist_without_contacting_them(
    env: dict[str, str], tmp_path: Path
) -> None:
    with LocalCalendar() as stranger:
        proof = tmp_path / "stranger.ots"
        made = run(
            env, "--calendar", stranger.url, "stamp", "--digest", "11" * 32, "--timeout", "10"
        )
        assert made.exit_code == 0, made.output
        exported = run(env, "--calendar", stranger.url, "export", "--out", str(tmp_path / "x"))
        assert exported.exit_code == 0
        shutil.copy(next((tmp_path / "x").iterdir()), proof)

        other_env = {**env, "AMBER_DATA_DIR": str(tmp_path / "other")}
        assert run(other_env, "import", str(proof)).exit_code == 0
        before = stranger.requests["timestamp"]
        report = json.loads(run(other_env, "upgrade", "--json").stdout)

        assert report["not_followed"] == [stranger.url]
        assert report["requests"] == 0
        assert stranger.requests["timestamp"] == before

        followed = json.loads(run(other_env, "upgrade", "--follow-unlisted", "--json").stdout)
        assert followed["not_followed"] == [] and followed["requests"] == 1
        assert stranger.requests["timestamp"] == before + 1


def test_stamp_exits_non_zero_and_keeps_items_queued_when_calendars_are_down(
    env: dict[str, str], tmp_path: Path
) -> None:
    with LocalCalendar(behaviour="down") as down:
        result = run(env, "--calendar", down.url, "stamp", "--digest", "22" * 32, "--timeout", "1")
    assert result.exit_code == 1
    assert "stay queued" in result.output
    (stamp,) = json.loads(run(env, "list", "--json").stdout)
    assert stamp["state"] == "queued"
    assert down.url in (stamp["error"] or "")


def test_stamping_an_unreadable_path_reports_it(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "stamp", "--no-wait", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_several_proofs_verify_in_one_run_and_the_worst_verdict_sets_the_exit_status(
    env: dict[str, str], esplora: FakeEsplora, tmp_path: Path
) -> None:
    for name in ("hello-world.txt", "two-calendars.txt", "bad-stamp.txt"):
        shutil.copy(PROOFS / name, tmp_path / name)
        shutil.copy(PROOFS / f"{name}.ots", tmp_path / f"{name}.ots")
    ok = tmp_path / "hello-world.txt.ots"
    pending = tmp_path / "two-calendars.txt.ots"
    bad = tmp_path / "bad-stamp.txt.ots"
    missing = tmp_path / "nothing-beside.ots"
    missing.write_bytes(ok.read_bytes())

    assert run(env, "--esplora", esplora.url, "verify", str(ok), str(ok)).exit_code == 0
    assert run(env, "--esplora", esplora.url, "verify", str(ok), str(pending)).exit_code == 3
    result = run(env, "--esplora", esplora.url, "verify", str(pending), str(bad), str(ok), "--json")
    assert result.exit_code == 1
    verdicts = [v["verdict"] for v in json.loads(result.stdout)]
    assert verdicts == ["pending", "invalid", "attested"]
    errors = run(env, "--esplora", esplora.url, "verify", str(ok), str(missing))
    assert errors.exit_code == 1 and "nothing-beside not found" in errors.output


def test_stamp_names_a_failing_calendar_even_when_the_quorum_is_reached(
    env: dict[str, str], tmp_path: Path
) -> None:
    with LocalCalendar() as good, LocalCalendar(behaviour="garbage") as sick:
        args = ["--calendar", good.url, "--calendar", sick.url, "--min-calendars", "1"]
        result = run(env, *args, "stamp", "--digest", "33" * 32, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [s["state"] for s in report["stamps"]] == ["submitted"]
    assert list(report["calendar_failures"]) == [sick.url]
    assert "not a valid timestamp" in report["calendar_failures"][sick.url]


def test_restamping_a_file_left_queued_by_an_interrupted_run_submits_it(
    env: dict[str, str], tmp_path: Path
) -> None:
    document = tmp_path / "draft.txt"
    document.write_text("draft")
    with LocalCalendar() as calendar:
        queued = run(env, "--calendar", calendar.url, "stamp", "--no-wait", str(document))
        assert queued.exit_code == 0
        again = run(env, "--calendar", calendar.url, "stamp", str(document), "--json")
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert [s["state"] for s in report["stamps"]] == ["submitted"]
    assert report["already_stamped"][0]["path"] == str(document)
