"""A throwaway PostgreSQL server for tests: initdb + pg_ctl in a temp dir, loopback only.

As root the server runs as the ``postgres`` user (``runuser -u postgres``), in a temp dir chowned
to it. It listens on a unix socket in that dir and on a free TCP port of 127.0.0.1.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT_SECONDS = 60
COMMAND_TIMEOUT_SECONDS = 120
SUPERUSER = "amber"


class PostgresError(RuntimeError):
    """The test server could not be set up; the message carries the server's own words."""


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin dir (Debian layout), or None."""

    def version(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    for candidate in sorted(glob.glob(PG_BIN_GLOB), key=version, reverse=True):
        if all((Path(candidate) / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    return None


def unavailable_reason() -> str | None:
    """Why a test server cannot be started here, or None when it can."""
    if find_bin_dir() is None:
        return f"PostgreSQL is not installed (no initdb/pg_ctl in {PG_BIN_GLOB})"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root but runuser is missing"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root but there is no 'postgres' user to run the server as"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg package is not installed (pip install 'amber[postgres]')"
    return None


class PostgresServer:
    """Context manager: ``with PostgresServer() as pg: open_database(pg.create_database())``."""

    def __init__(self, *, bin_dir: Path | None = None) -> None:
        found = bin_dir or find_bin_dir()
        if found is None:
            raise PostgresError(unavailable_reason() or "PostgreSQL not found")
        self.bin_dir = found
        self.port = 0
        self.host = "127.0.0.1"
        self._dir: Path | None = None
        self._as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        """URL of the ``postgres`` maintenance database (use ``create_database`` for tests)."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{name}"

    def start(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="amber-pg-"))
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self._dir, user.pw_uid, user.pw_gid)
        data = self._dir / "data"
        self._run(
            "initdb",
            "-D", str(data), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        self.port = _free_port()
        options = (
            f"-k {self._dir} -p {self.port} -c listen_addresses={self.host} "
            "-c fsync=off -c full_page_writes=off -c max_connections=50"
        )
        self._run(
            "pg_ctl",
            "-D", str(data), "-l", str(self._dir / "server.log"), "-w",
            "-t", str(START_TIMEOUT_SECONDS), "-o", options, "start",
        )  # fmt: skip

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:16]}"
        conninfo = f"host={self.host} port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.database_url(name)

    def stop(self) -> None:
        if self._dir is None:
            return
        try:
            if (self._dir / "data" / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self._dir / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def log(self) -> str:
        path = self._dir / "server.log" if self._dir else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            cwd=self._dir,
            check=False,
        )
        if done.returncode != 0:
            raise PostgresError(
                f"{tool} failed ({done.returncode}): {done.stderr.strip()}\n{self.log()[-2000:]}"
            )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_postgres_fixture(
    require_part: Callable[[bool, str], None], *, scope: Any = "session"
) -> Any:
    """A pytest fixture yielding a running PostgresServer. ``require_part(available, reason)``
    decides what a missing PostgreSQL means (tests.conftest's: skip locally, fail in CI)."""

    @pytest.fixture(scope=scope)
    def postgres_server() -> Iterator[PostgresServer]:
        reason = unavailable_reason()
        require_part(reason is None, reason or "")
        with PostgresServer() as server:
            yield server

    return postgres_server
