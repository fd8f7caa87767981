"""Push, pop and ack N fossils through SqlFossilsQueue on a SQLite file, next to raw sqlite3
executemany doing the equivalent inserts, selects and deletes with the same settings.

Only the queue work is timed: creating the file (migrations, CREATE TABLE) is not."""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from amber.core.fossilizer import Fossil
from amber.core.storage import SqlFossilsQueue, open_database
from amber.core.storage.database import BUSY_TIMEOUT_SECONDS, SQLITE_SYNCHRONOUS

from .runner import Figure, Options

BATCH = 1_000  # fossils per push_many / pop, and per baseline transaction
TARGET = 0.5


def _fossils(n: int) -> list[Fossil]:
    return [Fossil(os.urandom(32), b'{"name": "file.bin", "size": 1234}') for _ in range(n)]


def _amber(path: Path, fossils: list[Fossil]) -> float:
    db = open_database(f"sqlite:///{path}")
    try:
        queue = SqlFossilsQueue(db)
        began = time.perf_counter()
        for start in range(0, len(fossils), BATCH):
            queue.push_many(fossils[start : start + BATCH])
        delivered = 0
        while batch := queue.pop(BATCH):
            queue.ack(batch)
            delivered += len(batch)
        elapsed = time.perf_counter() - began
        assert delivered == len(fossils), (delivered, len(fossils))
        return elapsed
    finally:
        db.close()


def _raw(path: Path, fossils: list[Fossil]) -> float:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {SQLITE_SYNCHRONOUS}")
        conn.execute(
            "CREATE TABLE q (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL,"
            " meta BLOB NOT NULL, visible_at REAL NOT NULL, enqueued_at REAL NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 0)"
        )
        began = time.perf_counter()
        rows = [(f.data, f.meta, 0.0, 0.0) for f in fossils]
        for start in range(0, len(rows), BATCH):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO q (data, meta, visible_at, enqueued_at) VALUES (?, ?, ?, ?)",
                rows[start : start + BATCH],
            )
            conn.execute("COMMIT")
        delivered = 0
        while True:
            conn.execute("BEGIN")
            batch = conn.execute(
                "SELECT id, data, meta FROM q ORDER BY id LIMIT ?", (BATCH,)
            ).fetchall()
            conn.execute("COMMIT")
            if not batch:
                break
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("DELETE FROM q WHERE id = ?", [(row[0],) for row in batch])
            conn.execute("COMMIT")
            delivered += len(batch)
        elapsed = time.perf_counter() - began
        assert delivered == len(rows)
        return elapsed
    finally:
        conn.close()


def run(options: Options) -> list[Figure]:
    fossils = _fossils(options.fossils)
    with tempfile.TemporaryDirectory(prefix="amber-bench-") as tmp:
        counter = iter(range(10**6))

        def fresh(prefix: str) -> Path:
            return Path(tmp) / f"{prefix}-{next(counter)}.sqlite3"

        # Alternate the two so a busy spell on the machine hits both alike.
        raw_times, amber_times = [], []
        for _ in range(options.runs):
            raw_times.append(_raw(fresh("raw"), fossils))
            amber_times.append(_amber(fresh("amber"), fossils))
        raw_s, amber_s = statistics.median(raw_times), statistics.median(amber_times)
    n = len(fossils)
    return [
        Figure(
            what=f"queue push+pop+ack {n:,} fossils (SQLite)",
            amber=n / amber_s,
            reference=n / raw_s,
            unit="fossils/s",
            reference_name="raw sqlite3 executemany",
            target=TARGET,
            details={"batch": BATCH, "amber_seconds": amber_times, "raw_seconds": raw_times},
        )
    ]
