"""POST /fossils throughput of `amber serve --no-worker`, driven over loopback by an asyncio
httpx load generator, next to the same stack answering a bare endpoint that stores nothing.

Standalone: ``python -m bench.http_bench [--requests N] [--concurrency C] [--db URL]``. Every
run is bounded in requests and in time, and only ever targets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from .runner import Figure, Options

TOKEN = "bench-token"
REQUESTS = 5_000
CONCURRENCY = 32
DEADLINE_SECONDS = 120.0
START_TIMEOUT_SECONDS = 30.0


@contextmanager
def running(command: Sequence[str], env: dict[str, str]) -> Iterator[str]:
    """Start a server process, yield its base URL (read from its banner), stop it with SIGTERM."""
    process = subprocess.Popen(
        list(command), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        for line in process.stdout:
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if found:
                yield found.group(1)
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
        else:
            raise RuntimeError(f"the server exited ({process.wait()})")
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def amber_server(folder: Path, db_url: str | None) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMBER_")}
    env.update(
        AMBER_DATA_DIR=str(folder / "data"),
        AMBER_SETTINGS_FILE=str(folder / "settings.json"),
        AMBER_CALENDARS="http://127.0.0.1:9",  # never contacted: --no-worker
        AMBER_API_TOKEN=TOKEN,
    )
    if db_url:
        env["AMBER_DB"] = db_url
    command = [sys.executable, "-m", "amber.core.cli", "serve", "--port", "0", "--no-worker"]
    return command, env


def bare_server() -> tuple[list[str], dict[str, str]]:
    return [sys.executable, "-m", "bench.http_bench", "--bare-server"], dict(os.environ)


async def load(base_url: str, requests: int, concurrency: int) -> tuple[int, float]:
    """POST ``requests`` distinct digests over ``concurrency`` keep-alive connections, one
    request in flight per connection; returns (answered 200, seconds). Plain asyncio streams:
    a lean client, so the figure is the server's and not the load generator's."""
    url = httpx.URL(base_url)
    assert url.host == "127.0.0.1", "loopback only"
    pending = iter(range(requests))
    ok = 0
    deadline = time.monotonic() + DEADLINE_SECONDS

    async def one_connection() -> None:
        nonlocal ok
        reader, writer = await asyncio.open_connection(url.host, url.port)
        try:
            for _ in pending:
                if time.monotonic() > deadline:
                    return
                body = b'{"data": "%s"}' % os.urandom(32).hex().encode()
                writer.write(
                    b"POST /fossils HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
                    b"Content-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(body) + body
                )
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
                await reader.readexactly(length)
                ok += head.startswith(b"HTTP/1.1 200")
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(one_connection() for _ in range(concurrency)))
    return ok, time.perf_counter() - start


def measure(command: list[str], env: dict[str, str], requests: int, concurrency: int) -> float:
    with running(command, env) as url:
        asyncio.run(load(url, min(200, requests), concurrency))  # warm up
        ok, seconds = asyncio.run(load(url, requests, concurrency))
    if ok < requests:
        raise RuntimeError(f"only {ok} of {requests} requests answered 200")
    return ok / seconds


def run(options: Options, *, db_url: str | None = None) -> list[Figure]:
    requests = min(options.fossils, REQUESTS)
    with tempfile.TemporaryDirectory(prefix="amber-http-bench-") as tmp:
        amber = measure(*amber_server(Path(tmp), db_url), requests, CONCURRENCY)
    bare = measure(*bare_server(), requests, CONCURRENCY)
    where = "PostgreSQL" if db_url else "SQLite"
    return [
        Figure(
            what=f"POST /fossils, {requests:,} requests, {CONCURRENCY} connections ({where})",
            amber=amber,
            reference=bare,
            unit="requests/s",
            reference_name="same stack, endpoint storing nothing",
            target=None,
            details={"requests": requests, "concurrency": CONCURRENCY},
        )
    ]


def _serve_bare() -> None:
    """The reference: Starlette + uvicorn + the same auth and body cap, no adapter, no storage."""
    from amber.core.http import serve
    from amber.core.http.middleware import BearerAuth, BodyLimit
    from amber.core.http.server import bind, url_of
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    counter = iter(range(1, 1 << 62))

    async def fossils(request: Request) -> JSONResponse:
        await request.json()
        return JSONResponse({"id": next(counter)})

    app = Starlette(
        routes=[Route("/fossils", fossils, methods=["POST"])],
        middleware=[
            Middleware(BearerAuth, token=TOKEN),
            Middleware(BodyLimit, max_bytes=65536),
        ],
    )
    sock = bind("127.0.0.1", 0)
    serve(app, sock, on_started=lambda: print(f"listening on {url_of(sock)}", flush=True))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_bench", description=__doc__)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--db", help="a PostgreSQL URL instead of SQLite in a temp folder")
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv))
    if args.bare_server:
        _serve_bare()
        return 0
    for figure in run(Options(fossils=args.requests), db_url=args.db):
        print(f"{figure.what}: {figure.amber:,.0f} {figure.unit}")
        print(f"  reference ({figure.reference_name}): {figure.reference:,.0f} {figure.unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
