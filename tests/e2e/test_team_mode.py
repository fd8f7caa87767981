"""Team mode with real parts: `amber serve --no-worker` and three `amber worker` processes on one
PostgreSQL database and the local calendar. 5,000 fossils arrive through POST /fossils, one worker
is SIGKILLed holding a leased batch, and every fossil still ends with exactly one stored proof.

The first worker also submits to a "gate" calendar that accepts a request and never answers:
once the gate holds its request, that worker has popped a batch (its lease is running) and not
acked it, so the SIGKILL lands provably mid-batch."""

from __future__ import annotations

import asyncio
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from amber.core.ots.proofs import read_proof
from amber.core.storage import open_database
from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.conformance.waiting import wait_until
from amber.core.testing.postgres import PostgresServer, make_postgres_fixture
from sqlalchemy import text

from tests.conftest import require_part

pytestmark = pytest.mark.postgres

postgres_server = make_postgres_fixture(require_part, scope="module")

FOSSILS = 5_000
FIRST_WAVE = 500  # queued before the doomed worker's first pop
TOKEN = "team-mode-token"
LEASE_SECONDS = 3
CONCURRENT_CLIENTS = 8


class GateCalendar:
    """Accepts POST /digest and holds it without answering until closed."""

    def __init__(self) -> None:
        self.held = threading.Event()
        self.release = threading.Event()
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                gate.held.set()
                gate.release.wait(60)

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> GateCalendar:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


class Amber:
    """One `amber` process; its stdout lines are collected by a thread."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "amber.core.cli", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, start: str, timeout: float = 30) -> str:
        def found() -> bool:
            assert self.process.poll() is None, "\n".join(self.lines)
            return any(line.startswith(start) for line in self.lines)

        wait_until(found, timeout=timeout, what=f"{start!r} from amber")
        return next(line for line in self.lines if line.startswith(start))

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)


@pytest.fixture
def team_env(
    tmp_path: Path, postgres_server: PostgresServer, local_calendar: LocalCalendar
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMBER_")}
    env.update(
        AMBER_DATA_DIR=str(tmp_path / "data"),
        AMBER_SETTINGS_FILE=str(tmp_path / "settings.json"),
        AMBER_DB=postgres_server.create_database(),
        AMBER_CALENDARS=local_calendar.url,
        AMBER_MIN_CALENDARS="1",
        AMBER_BATCH_INTERVAL="0.2",
        AMBER_LEASE_SECONDS=str(LEASE_SECONDS),
        AMBER_API_TOKEN=TOKEN,
    )
    return env


@pytest.fixture
def processes() -> Iterator[list[Amber]]:
    started: list[Amber] = []
    yield started
    for process in started:
        process.kill()


async def post_fossils(base_url: str, digests: list[bytes]) -> list[int]:
    """POST every digest over CONCURRENT_CLIENTS keep-alive connections; the ids, in order.
    Plain asyncio streams: a lean client leaves the two cores to the server and the workers."""
    url = httpx.URL(base_url)
    ids: list[int] = [0] * len(digests)
    positions = iter(range(len(digests)))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(url.host, url.port)
        try:
            for i in positions:
                body = json.dumps({"data": digests[i].hex()}).encode()
                writer.write(
                    b"POST /fossils HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(body) + body
                )
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                length = re.search(rb"(?i)content-length: *(\d+)", head)
                assert length is not None, head
                answer = await reader.readexactly(int(length.group(1)))
                assert head.startswith(b"HTTP/1.1 200"), head + answer
                ids[i] = json.loads(answer)["id"]
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(CONCURRENT_CLIENTS)))
    return ids


def popped_not_acked(db_url: str) -> int:
    db = open_database(db_url, migrate=False)
    try:
        with db.read() as c:
            query = text("SELECT count(*) FROM fossil_queue WHERE attempts > 0")
            return int(c.execute(query).scalar_one())
    finally:
        db.close()


def test_three_workers_one_killed_mid_batch_every_fossil_gets_exactly_one_proof(
    team_env: dict[str, str], local_calendar: LocalCalendar, processes: list[Amber]
) -> None:
    digests = [os.urandom(32) for _ in range(FOSSILS)]
    server = Amber(team_env, "serve", "--port", "0", "--no-worker")
    processes.append(server)
    base_url = server.wait_for_line("amber serve: listening on ").split()[4]

    with GateCalendar() as gate:
        doomed_env = {**team_env, "AMBER_CALENDARS": f"{local_calendar.url},{gate.url}"}
        doomed = Amber(doomed_env, "worker")
        processes.append(doomed)
        doomed.wait_for_line("amber worker: running")
        ids = asyncio.run(post_fossils(base_url, digests[:FIRST_WAVE]))
        assert gate.held.wait(30), "the first worker never submitted a batch"
        held = popped_not_acked(team_env["AMBER_DB"])
        assert held > 0

        others = [Amber(team_env, "worker"), Amber(team_env, "worker")]
        processes.extend(others)
        for worker in others:
            worker.wait_for_line("amber worker: running")
        doomed.process.send_signal(signal.SIGKILL)
        assert doomed.process.wait(10) == -signal.SIGKILL
        ids += asyncio.run(post_fossils(base_url, digests[FIRST_WAVE:]))

    assert len(set(ids)) == FOSSILS
    db = open_database(team_env["AMBER_DB"], migrate=False)
    try:

        def all_submitted() -> bool:
            with db.read() as c:
                done = c.execute(
                    text("SELECT count(*) FROM stamps WHERE state = 'submitted'")
                ).scalar_one()
            return int(done) == FOSSILS

        wait_until(all_submitted, timeout=60, what="every fossil submitted")
        with db.read() as c:
            # A batched stamp stores its own prefix; the batch's shared part completes it.
            rows = c.execute(
                text(
                    "SELECT s.fossil_id, s.digest, s.proof, s.state, b.root_proof FROM stamps s "
                    "LEFT JOIN batches b ON b.id = s.batch_id"
                )
            ).all()
            queued = c.execute(text("SELECT count(*) FROM fossil_queue")).scalar_one()
    finally:
        db.close()

    assert queued == 0
    assert len(rows) == FOSSILS  # one history row per fossil, no duplicates
    assert sorted(r.fossil_id for r in rows) == sorted(ids)
    assert all(r.state == "submitted" and r.proof for r in rows)
    by_digest = {bytes(r.digest): bytes(r.proof) + bytes(r.root_proof or b"") for r in rows}
    assert set(by_digest) == set(digests)
    for digest in digests[:FIRST_WAVE:50]:  # the killed worker's batch was redone by the others
        assert read_proof(by_digest[digest]).file_digest == digest

    for worker in others:
        assert worker.stop() == 0, "\n".join(worker.lines)
        assert worker.lines[-1] == "amber worker: stopped"
    assert server.stop() == 0, "\n".join(server.lines)
    assert server.lines[-1] == "amber serve: stopped"
