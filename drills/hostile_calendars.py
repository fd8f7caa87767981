"""Hostile calendars: one sick calendar (oversized bodies, garbage, wrong commitments, redirects,
one byte a second, down, dropping every request) next to two healthy ones, quorum 2. Stamps
must still complete through the healthy ones, the sick one must be on record as failing, and
after anchoring `amber upgrade` must confirm everything."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode

from .common import amber, amber_env, make_files
from .report import DrillResult

SICK = ("oversized", "garbage", "wrong_commitment", "redirect", "slow", "down", "drop_some")


@dataclass(frozen=True)
class CalendarOptions:
    files: int = 20
    behaviours: tuple[str, ...] = SICK
    slow_interval: float = 1.0  # one byte a second
    calendar_timeout: float = 5.0
    stamp_limit: float = 60.0  # seconds for `amber stamp` with a sick calendar


def calendar_status(database: Path, url: str) -> tuple[str | None, int]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as conn:
        row = conn.execute(
            "SELECT last_error, consecutive_failures FROM calendar_status WHERE url = ?", (url,)
        ).fetchone()
    return (row[0], int(row[1])) if row else (None, 0)


def run(options: CalendarOptions, node: RegtestNode) -> list[DrillResult]:
    return [run_one(behaviour, options, node) for behaviour in options.behaviours]


def run_one(behaviour: str, options: CalendarOptions, node: RegtestNode) -> DrillResult:
    result = DrillResult(
        f"calendar/{behaviour}",
        f"2 healthy + 1 {behaviour} calendar, quorum 2, {options.files} files: stamped via the "
        "healthy ones, sick one on record, upgrade confirms",
        passed=True,
    )
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="amber-calendar-drill-") as tmp,
        LocalCalendar() as a,
        LocalCalendar() as b,
        LocalCalendar(
            behaviour=behaviour, slow_interval=options.slow_interval, drop_fraction=1.0
        ) as sick,
    ):
        root = Path(tmp)
        make_files(root / "docs", options.files)
        data = root / "data"
        env = amber_env(
            data, [a.url, b.url, sick.url], AMBER_MIN_CALENDARS="2", AMBER_BITCOIN_NODE=node.rpc_url
        )
        stamped = amber(env, "stamp", str(root / "docs"), "--json", timeout=options.stamp_limit)
        stamp_seconds = stamped.seconds
        ok = result.check(stamped.returncode == 0 and not stamped.traceback, stamped.describe())
        stamps = json.loads(stamped.stdout)["stamps"] if ok else []
        healthy = {a.url, b.url}
        result.check(len(stamps) == options.files, f"{len(stamps)} stamps, not {options.files}")
        result.check(all(s["state"] == "submitted" for s in stamps), "not every stamp submitted")
        result.check(
            all(set(s["calendars"]) == healthy for s in stamps),
            "a proof names the sick calendar, or misses a healthy one",
        )
        error, failures = calendar_status(data / "amber.sqlite3", sick.url)
        result.check(
            bool(error) and failures >= 1, f"the {behaviour} calendar is not on record as failing"
        )
        mentioned = sick.url in stamped.stdout + stamped.stderr

        a.anchor(node)
        b.anchor(node)
        upgraded = amber(env, "upgrade", "--json", timeout=120)
        confirmed = 0
        if result.check(upgraded.returncode == 0, upgraded.describe()):
            confirmed = len(json.loads(upgraded.stdout)["confirmed"])
        result.check(confirmed == options.files, f"{confirmed} confirmed, not {options.files}")
        result.figures = {
            "stamped": len(stamps),
            "confirmed": confirmed,
            "stamp_s": stamp_seconds,
            "sick_requests": sum(sick.requests.values()),
            "recorded_error": (error or "")[:60],
            "stamp_output_names_sick": "yes" if mentioned else "no",
            "time_s": time.monotonic() - began,
            "peak_rss_mb": max(stamped.peak_rss_mb, upgraded.peak_rss_mb),
        }
    return result
