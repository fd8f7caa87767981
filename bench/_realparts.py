"""What the benchmarks against the reference client share: one local calendar and one regtest
chain per process, the `amber` and `ots` commands with isolated settings, small files, and the
peak memory of a child process."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode, litecoind_available

BIN = Path(sys.executable).parent
OTS = BIN / "ots"
COMMAND_TIMEOUT_SECONDS = 900
ARGS_PER_COMMAND = 20_000  # well under the OS argument limit for the short paths used here


class MissingPart(RuntimeError):
    """A real part (litecoind, the reference client) is not installed."""


def missing_parts() -> list[str]:
    missing = []
    if not litecoind_available():
        missing.append("litecoind (Debian package litecoind)")
    if not OTS.exists():
        missing.append(f"the reference client {OTS} (opentimestamps-client)")
    return missing


@dataclass
class Parts:
    node: RegtestNode
    calendar: LocalCalendar


_parts: Parts | None = None


def parts() -> Parts:
    """The process's regtest node and calendar, started on first use, stopped at exit."""
    global _parts
    if _parts is None:
        missing = missing_parts()
        if missing:
            raise MissingPart("missing: " + ", ".join(missing))
        node = RegtestNode().__enter__()
        calendar = LocalCalendar().start()
        _parts = Parts(node, calendar)
        atexit.register(_stop_parts)
    return _parts


def _stop_parts() -> None:
    global _parts
    if _parts is not None:
        _parts.calendar.stop()
        _parts.node.__exit__(None, None, None)
        _parts = None


@contextmanager
def use_parts(node: RegtestNode, calendar: LocalCalendar) -> Iterator[None]:
    """Run the benchmarks against a node and calendar someone else started (the tests)."""
    global _parts
    before = _parts
    _parts = Parts(node, calendar)
    try:
        yield
    finally:
        _parts = before


class CountedRequests:
    """Calendar requests made between ``start`` and ``stop`` (the calendar counts by kind)."""

    def __init__(self, calendar: LocalCalendar) -> None:
        self.calendar = calendar
        self.before: Counter[str] = Counter()
        self.made: Counter[str] = Counter()

    def __enter__(self) -> CountedRequests:
        self.before = Counter(self.calendar.requests)
        return self

    def __exit__(self, *exc: object) -> None:
        self.made = Counter(self.calendar.requests) - self.before

    @property
    def total(self) -> int:
        return sum(self.made.values())


@dataclass(frozen=True)
class Done:
    seconds: float
    peak_rss_bytes: int
    stdout: str
    stderr: str
    returncode: int


# ru_maxrss is a high-water mark that survives exec: a child forked (or vforked) from this big
# benchmark process starts out counting the parent's pages. A tiny launcher forks the command
# instead and reports the command's own peak on its last stderr line.
_PEAK_MARK = "amber-bench-peak-rss-kib"
_LAUNCHER = f"""
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write("\\n{_PEAK_MARK} %d\\n" % usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    peak_memory: bool = False,
) -> Done:
    """Run a command to its end: its wall time and output; with ``peak_memory`` also its peak
    resident memory (through the launcher, which adds a Python start: not for timed figures)."""
    argv = [sys.executable, "-c", _LAUNCHER, *command] if peak_memory else list(command)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        began = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err)
        try:
            returncode = process.wait(timeout=COMMAND_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        seconds = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    peak = 0
    if peak_memory:
        stderr, _, mark = stderr.rpartition(f"\n{_PEAK_MARK} ")
        peak = int(mark.strip()) * (1 if sys.platform == "darwin" else 1024)  # Linux: KiB
    return Done(seconds, peak, stdout, stderr, returncode)


def check(done: Done, what: str) -> Done:
    if done.returncode != 0:
        raise RuntimeError(
            f"{what} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return done


class Amber:
    """The `amber` command with its own data folder and no user settings."""

    def __init__(self, home: Path, parts: Parts, data_dir: Path | None = None) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir or home / "data"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AMBER_")}
        self.env["AMBER_SETTINGS_FILE"] = str(home / "settings.json")
        self.options = [
            "--data-dir",
            str(self.data_dir),
            "--calendar",
            parts.calendar.url,
            "--min-calendars",
            "1",
            "--chain",
            "regtest",
            "--bitcoin-node",
            parts.node.rpc_url,
        ]

    def command(self, *args: str) -> list[str]:
        return [str(BIN / "amber"), *self.options, *args]

    def __call__(self, *args: str, peak_memory: bool = False) -> Done:
        return run(self.command(*args), env=self.env, peak_memory=peak_memory)


class Ots:
    """The reference client with a HOME of its own (its default cache lives there)."""

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}

    def clear_cache(self) -> None:
        shutil.rmtree(self.home / ".cache", ignore_errors=True)
        shutil.rmtree(self.home / ".ots", ignore_errors=True)

    def command(self, *args: str) -> list[str]:
        return [str(OTS), *args]

    def __call__(self, *args: str, cwd: Path | None = None) -> Done:
        return run(self.command(*args), env=self.env, cwd=cwd)

    def many(self, before: Sequence[str], names: Sequence[str], *, cwd: Path) -> float:
        """Run ``ots <before> <names...>`` in chunks the OS accepts; the summed seconds."""
        seconds = 0.0
        for start in range(0, len(names), ARGS_PER_COMMAND):
            chunk = names[start : start + ARGS_PER_COMMAND]
            seconds += check(self(*before, *chunk, cwd=cwd), f"ots {before[-1]}").seconds
        return seconds


def small_files(folder: Path, count: int, *, seed: int = 0) -> list[str]:
    """``count`` distinct small files (100 B to 4 KiB) in ``folder``; their names, sorted."""
    import random

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(count):
        name = f"f{i:06d}.txt"
        (folder / name).write_bytes(rng.randbytes(rng.randint(100, 4096)))
        names.append(name)
    return names


def link_tree(source: Path, names: Sequence[str], target: Path) -> None:
    """The same files (hard links: same inodes, same bytes) in another folder."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.link(source / name, target / name)


def copy_proofs(source: Path, names: Sequence[str], target: Path) -> None:
    """Copies of ``<name>.ots`` beside links to the files themselves."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.link(source / name, target / name)
        shutil.copyfile(source / f"{name}.ots", target / f"{name}.ots")
