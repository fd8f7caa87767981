"""Kill drill: SIGKILL `amber stamp` and `amber worker` at random moments, many times, against a
calendar behind a proxy that drops a third of the requests and delays the rest; then a clean
run, anchoring in regtest and `amber upgrade`. At the end every file has exactly one stored
proof, and `amber verify` finds every exported proof attested by the chain."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode

from .common import Run, amber, amber_env, finish, make_files, start_amber
from .flaky_proxy import FlakyProxy
from .report import DrillResult


@dataclass(frozen=True)
class KillOptions:
    files: int = 5000
    kills: int = 50
    max_attempts: int = 90  # runs that end before their kill moment do not count as kills
    latest_kill: float = 12.0  # seconds after start: stamp runs die in [0.1, 4], workers later
    max_leaves: int = 250  # small batches: more calendar requests for the kills to land in
    drop_fraction: float = 1 / 3
    max_delay: float = 0.5
    seed: int = 6
    clean_timeout: float = 240.0


def queued_count(database: Path) -> int:
    """Stamps still waiting for the calendar, read without taking a write lock."""
    if not database.exists():
        return -1
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as conn:
        (count,) = conn.execute("SELECT count(*) FROM stamps WHERE state = 'queued'").fetchone()
    return int(count)


def run(options: KillOptions, node: RegtestNode) -> DrillResult:
    result = DrillResult(
        "kill",
        f"{options.kills} SIGKILLs of amber stamp/worker, {options.files} files, "
        f"calendar drops {options.drop_fraction:.0%}: one proof per file, all attested",
        passed=True,
    )
    started = time.monotonic()
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="amber-kill-drill-") as tmp:
        root = Path(tmp)
        docs = root / "docs"
        files = make_files(docs, options.files)
        digests = {hashlib.sha256(f.read_bytes()).digest(): f for f in files}
        data = root / "data"
        with (
            LocalCalendar() as calendar,
            FlakyProxy(
                calendar.url,
                drop_fraction=options.drop_fraction,
                max_delay=options.max_delay,
                seed=options.seed,
            ) as proxy,
        ):
            env = amber_env(
                data,
                [proxy.url],
                AMBER_MIN_CALENDARS="1",
                AMBER_LEASE_SECONDS="2",
                AMBER_BATCH_INTERVAL="0.2",
            )
            Path(env["AMBER_SETTINGS_FILE"]).write_text(
                json.dumps({"max_leaves": options.max_leaves})
            )
            kills, finished_early, runs = _kill_loop(options, env, docs, rng, result)
            clean = _clean_run(options, env, docs, data, result)
            figures_proxy = dict(proxy.counts)
            # Upgrade straight from the calendar: the proofs name its own URL, not the proxy's.
            direct = amber_env(
                data, [calendar.url], AMBER_MIN_CALENDARS="1", AMBER_BITCOIN_NODE=node.rpc_url
            )
            height = calendar.anchor(node) if calendar.pending else None
            upgrade = amber(direct, "upgrade", "--json", timeout=300)
        peak = max(
            [r.peak_rss_mb for r in runs] + [r.peak_rss_mb for r in clean] + [upgrade.peak_rss_mb]
        )
        if result.check(upgrade.returncode == 0, upgrade.describe()):
            report = json.loads(upgrade.stdout)
            result.check(
                report["still_pending"] == 0,
                f"{report['still_pending']} proofs still pending after the upgrade",
            )
        proofs, attested = _check_history(direct, digests, docs, result)
        result.figures = {
            "kills": kills,
            "runs": len(runs),
            "ended_before_kill": finished_early,
            "files": options.files,
            "proofs": proofs,
            "attested": attested,
            "block": height,
            "proxy": figures_proxy,
            "time_s": time.monotonic() - started,
            "peak_rss_mb": peak,
        }
    return result


def _kill_loop(
    options: KillOptions,
    env: dict[str, str],
    docs: Path,
    rng: random.Random,
    result: DrillResult,
) -> tuple[int, int, list[Run]]:
    kills = finished_early = 0
    runs: list[Run] = []
    for attempt in range(options.max_attempts):
        if kills >= options.kills:
            break
        args = ("stamp", str(docs), "--timeout", "20") if attempt % 2 == 0 else ("worker",)
        began = time.monotonic()
        process = start_amber(env, *args)
        try:
            moment = (
                rng.uniform(0.1, 4.0)
                if args[0] == "stamp"
                else rng.uniform(0.5, options.latest_kill)
            )
            process.wait(timeout=moment)
        except subprocess.TimeoutExpired:  # the moment of the kill has come
            os.killpg(process.pid, signal.SIGKILL)
        outcome = finish(process, args, began, timeout=30)
        runs.append(outcome)
        if outcome.killed:
            kills += 1
            continue
        finished_early += 1
        # A run that ended by itself must have ended cleanly (exit 1 = some still queued).
        result.check(not outcome.traceback and outcome.returncode in (0, 1), outcome.describe())
    result.check(kills >= options.kills, f"only {kills} kills in {options.max_attempts} runs")
    return kills, finished_early, runs


def _clean_run(
    options: KillOptions, env: dict[str, str], docs: Path, data: Path, result: DrillResult
) -> list[Run]:
    """`amber stamp` once more (queues what never got queued), then a worker drains the rest."""
    stamp = amber(env, "stamp", str(docs), "--no-wait", timeout=120)
    result.check(stamp.returncode == 0 and not stamp.traceback, stamp.describe())
    began = time.monotonic()
    worker = start_amber(env, "worker")
    assert worker.stdout is not None
    ready = worker.stdout.readline()  # "amber worker: running ..." once its signals are set
    result.check("running" in ready, f"the worker did not start: {ready!r}")
    deadline = began + options.clean_timeout
    while time.monotonic() < deadline and worker.poll() is None:
        if queued_count(data / "amber.sqlite3") == 0:
            break
        time.sleep(0.5)
    left = queued_count(data / "amber.sqlite3")
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    stopped = finish(worker, ("worker",), began, timeout=30)
    stopped = replace(stopped, stdout=ready + stopped.stdout)
    result.check(left == 0, f"{left} stamps still queued after {options.clean_timeout:g} s")
    result.check(
        stopped.returncode == 0 and not stopped.traceback,
        "the worker did not stop cleanly on SIGTERM: " + stopped.describe(),
    )
    return [stamp, stopped]


def _check_history(
    env: dict[str, str], digests: dict[bytes, Path], docs: Path, result: DrillResult
) -> tuple[int, int]:
    listed = amber(env, "list", "--json", timeout=120)
    if not result.check(listed.returncode == 0, listed.describe()):
        return 0, 0
    stamps = json.loads(listed.stdout)
    seen: dict[bytes, int] = {}
    for stamp in stamps:
        digest = bytes.fromhex(stamp["sha256"])
        seen[digest] = seen.get(digest, 0) + 1
    twice = sum(1 for n in seen.values() if n > 1)
    missing = len(set(digests) - set(seen))
    stray = len(set(seen) - set(digests))
    result.check(twice == 0, f"{twice} files have more than one stored stamp")
    result.check(missing == 0, f"{missing} files have no stored stamp")
    result.check(stray == 0, f"{stray} stored stamps match no file")
    not_confirmed = sum(1 for s in stamps if s["state"] != "confirmed")
    result.check(not_confirmed == 0, f"{not_confirmed} stamps are not confirmed")

    exported = amber(env, "export", "--force", "--json", timeout=300)
    result.check(exported.returncode == 0, exported.describe())
    proofs = sorted(docs.glob("*.ots"))
    result.check(len(proofs) == len(digests), f"{len(proofs)} proofs exported, not {len(digests)}")
    verified = amber(env, "verify", "--json", *map(str, proofs), timeout=600)
    result.check(verified.returncode == 0, verified.describe())
    attested = 0
    if verified.stdout.strip():
        verdicts = json.loads(verified.stdout)
        verdicts = verdicts if isinstance(verdicts, list) else [verdicts]
        attested = sum(1 for v in verdicts if v.get("verdict") == "attested")
    result.check(attested == len(digests), f"{attested} of {len(digests)} proofs attested")
    return len(stamps), attested
