"""Disk full and read-only data folder: Amber says so in a plain sentence (no traceback), and
everything stored before is intact and still listed and verified.

As root the data folder lives on a small tmpfs (filled up with a filler file) and is also seen
through a read-only bind mount; the chmod case runs `amber` as root without the
capabilities that let root ignore file modes (setpriv). Without root only the chmod case can
run, as the current user.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from amber.core.testing.calendar_server import LocalCalendar
from amber.core.testing.regtest import RegtestNode

from .common import NO_DAC, Run, amber, amber_env, make_files
from .report import DrillResult


@dataclass(frozen=True)
class DiskOptions:
    files: int = 20
    new_files: int = 200
    tmpfs_size: str = "8m"


def is_root() -> bool:
    return os.geteuid() == 0


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def unmount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "--lazy", str(path)], capture_output=True)


@contextmanager
def small_filesystem(where: Path, size: str) -> Iterator[Path | None]:
    """A size-limited tmpfs at ``where``, or None when mounting is not permitted."""
    where.mkdir(parents=True, exist_ok=True)
    if not is_root() or not mount(
        "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)
    ):
        yield None
        return
    try:
        yield where
    finally:
        unmount(where)


@contextmanager
def read_only_view(source: Path, where: Path) -> Iterator[Path | None]:
    """``source`` seen read-only (a bind mount remounted ro), or None when not permitted."""
    where.mkdir(parents=True, exist_ok=True)
    if not is_root() or not mount("--bind", str(source), str(where)):
        yield None
        return
    try:
        if not mount("-o", "remount,ro,bind", str(where)):
            yield None
            return
        yield where
    finally:
        unmount(where)


def fill(folder: Path) -> int:
    """Write a filler file until the filesystem is full; return its size."""
    written = 0
    chunk = b"\0" * (64 * 1024)
    with open(folder / "filler", "wb", buffering=0) as out:
        with suppress(OSError):
            while True:
                written += out.write(chunk)
        with suppress(OSError):
            while True:
                written += out.write(b"\0")
    return written


def integrity(database: Path) -> str:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def history(env: dict[str, str], user: str | None = None) -> tuple[Run, list[dict[str, object]]]:
    listed = amber(env, "list", "--json", user=user)
    stamps = json.loads(listed.stdout) if listed.returncode == 0 and listed.stdout else []
    return listed, stamps


def plain_refusal(run: Run) -> bool:
    """Non-zero exit, a sentence on stderr starting with "amber:" or "Error:", no traceback."""
    text = run.stderr.strip()
    return (
        run.returncode not in (0,)
        and not run.traceback
        and bool(text)
        and (text.startswith(("amber:", "Error:")))
    )


def run(options: DiskOptions, node: RegtestNode) -> list[DrillResult]:
    with (
        tempfile.TemporaryDirectory(prefix="amber-disk-drill-") as tmp,
        LocalCalendar() as calendar,
    ):
        root = Path(tmp)
        os.chmod(root, 0o755)
        return [
            _disk_full(options, node, calendar, root / "full"),
            _read_only_chmod(options, node, calendar, root / "chmod"),
            _read_only_mount(options, node, calendar, root / "rom"),
        ]


def _confirmed_history(
    options: DiskOptions,
    env: dict[str, str],
    docs: Path,
    calendar: LocalCalendar,
    node: RegtestNode,
    result: DrillResult,
) -> None:
    make_files(docs, options.files)
    stamped = amber(env, "stamp", str(docs), "--json")
    result.check(stamped.returncode == 0, "setup: " + stamped.describe())
    calendar.anchor(node)
    upgraded = amber(env, "upgrade")
    result.check(upgraded.returncode == 0, "setup: " + upgraded.describe())


def _after_checks(
    env: dict[str, str],
    before: list[dict[str, object]],
    docs: Path,
    result: DrillResult,
    what: str,
    user: str | None = None,
) -> dict[str, object]:
    """`amber list` shows exactly what was stored before; `amber verify` still attests it."""
    listed, after = history(env, user)
    result.check(
        listed.returncode == 0 and not listed.traceback,
        f"{what}: amber list failed: {listed.describe()}",
    )
    result.check(
        after == before,
        f"{what}: amber list differs from before ({len(after)} stamps, {len(before)} before)",
    )
    sample = sorted(p for p in docs.iterdir() if p.suffix != ".ots")[:3]
    verified = amber(env, "verify", "--json", *map(str, sample), user=user)
    result.check(
        verified.returncode == 0 and not verified.traceback,
        f"{what}: amber verify on stored history failed: {verified.describe()}",
    )
    return {"listed": len(after), "verify_exit": verified.returncode}


def _attempts(
    env: dict[str, str],
    new_docs: Path,
    proof: Path,
    result: DrillResult,
    what: str,
    user: str | None = None,
) -> dict[str, str]:
    """Commands that must write; each must refuse in a plain sentence."""
    outcomes = {}
    for name, args in {
        "stamp": ("stamp", str(new_docs)),
        "import": ("import", str(proof)),
    }.items():
        attempt = amber(env, *args, timeout=60, user=user)
        ok = result.check(
            plain_refusal(attempt),
            f"{what}: `amber {name}` did not refuse plainly: {attempt.describe()}",
        )
        first = (attempt.stderr.strip().splitlines() or [""])[-1 if attempt.traceback else 0]
        outcomes[name] = ("plain: " if ok else "BAD: ") + first[:90]
    return outcomes


def _disk_full(
    options: DiskOptions, node: RegtestNode, calendar: LocalCalendar, root: Path
) -> DrillResult:
    result = DrillResult(
        "disk/full",
        "data folder on a full filesystem: stamp/import refuse "
        "plainly; list+verify show all stored before; db intact; works after "
        "freeing space",
        passed=True,
    )
    began = time.monotonic()
    with small_filesystem(root / "mnt", options.tmpfs_size) as mounted:
        if mounted is None:
            result.fail("mounting a small tmpfs is not permitted here (needs root); not run")
            return result
        data = mounted / "data"
        env = amber_env(
            data, [calendar.url], AMBER_MIN_CALENDARS="1", AMBER_BITCOIN_NODE=node.rpc_url
        )
        docs, new_docs = root / "docs", root / "new"
        _confirmed_history(options, env, docs, calendar, node, result)
        make_files(new_docs, options.new_files, prefix="new")
        _listed, before = history(env)
        filler = fill(mounted)
        outcomes = _attempts(env, new_docs, _vector("hello-world.txt.ots"), result, "disk full")
        figures = _after_checks(env, before, docs, result, "disk full")
        (mounted / "filler").unlink()
        check = integrity(data / "amber.sqlite3")
        result.check(check == "ok", f"integrity_check after disk full: {check}")
        again = amber(env, "stamp", str(new_docs), "--json")
        result.check(again.returncode == 0, "after freeing space: " + again.describe())
        _listed, final = history(env)
        result.check(
            len(final) == len(before) + options.new_files,
            f"after freeing space {len(final)} stamps, not {len(before) + options.new_files}",
        )
        result.figures = {
            "stored_before": len(before),
            "filler_bytes": filler,
            **outcomes,
            **figures,
            "integrity": check,
            "after_freeing": len(final),
            "time_s": time.monotonic() - began,
        }
    return result


def _read_only_chmod(
    options: DiskOptions, node: RegtestNode, calendar: LocalCalendar, root: Path
) -> DrillResult:
    user = NO_DAC if is_root() else None
    result = DrillResult(
        "disk/readonly-chmod",
        f"data folder chmod a-w, amber run as {'root without CAP_DAC_OVERRIDE' if user else 'me'}"
        ": stamp/import refuse plainly; list+verify show all stored before",
        passed=True,
    )
    began = time.monotonic()
    data, docs, new_docs = root / "data", root / "docs", root / "new"
    env = amber_env(data, [calendar.url], AMBER_MIN_CALENDARS="1", AMBER_BITCOIN_NODE=node.rpc_url)
    _confirmed_history(options, env, docs, calendar, node, result)
    make_files(new_docs, 5, prefix="new")
    _listed, before = history(env)
    for path in [root, docs, new_docs, *docs.iterdir(), *new_docs.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    for path in [*data.iterdir(), data]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        outcomes = _attempts(
            env, new_docs, _vector("hello-world.txt.ots"), result, "read-only (chmod)", user
        )
        figures = _after_checks(env, before, docs, result, "read-only (chmod)", user)
    finally:
        for path in [data, *data.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    check = integrity(data / "amber.sqlite3")
    result.check(check == "ok", f"integrity_check: {check}")
    result.figures = {
        "stored_before": len(before),
        **outcomes,
        **figures,
        "integrity": check,
        "time_s": time.monotonic() - began,
    }
    return result


def _read_only_mount(
    options: DiskOptions, node: RegtestNode, calendar: LocalCalendar, root: Path
) -> DrillResult:
    result = DrillResult(
        "disk/readonly-mount",
        "data folder on a read-only mount (EROFS): "
        "stamp/import refuse plainly; list+verify show all stored before",
        passed=True,
    )
    began = time.monotonic()
    data, docs, new_docs = root / "data", root / "docs", root / "new"
    env = amber_env(data, [calendar.url], AMBER_MIN_CALENDARS="1", AMBER_BITCOIN_NODE=node.rpc_url)
    _confirmed_history(options, env, docs, calendar, node, result)
    make_files(new_docs, 5, prefix="new")
    _listed, before = history(env)
    with read_only_view(data, root / "ro") as view:
        if view is None:
            result.fail("a read-only bind mount is not permitted here (needs root); not run")
            return result
        ro_env = {**env, "AMBER_DATA_DIR": str(view)}
        outcomes = _attempts(
            ro_env, new_docs, _vector("hello-world.txt.ots"), result, "read-only (mount)"
        )
        figures = _after_checks(ro_env, before, docs, result, "read-only (mount)")
    check = integrity(data / "amber.sqlite3")
    result.check(check == "ok", f"integrity_check: {check}")
    result.figures = {
        "stored_before": len(before),
        **outcomes,
        **figures,
        "integrity": check,
        "time_s": time.monotonic() - began,
    }
    return result


def _vector(name: str) -> Path:
    return Path(__file__).resolve().parents[1] / ".." / "shared" / "ots-vectors" / "proofs" / name


__all__ = ["DiskOptions", "run"]
