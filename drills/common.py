"""What the drills share: the `amber` command in a child process, its peak memory, its env."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

AMBER = [sys.executable, "-m", "amber.core.cli"]
NO_DAC = "no-dac"  # root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH


@dataclass(frozen=True)
class Run:
    """One finished `amber` process."""

    args: tuple[str, ...]
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr + self.stdout

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    def describe(self) -> str:
        tail = (self.stderr.strip() or self.stdout.strip())[-400:]
        return f"`amber {' '.join(self.args)}` exited {self.returncode}: {tail}"


def amber_env(data_dir: Path, calendars: Sequence[str], **extra: str) -> dict[str, str]:
    """A clean environment: no user settings, this data folder, these calendars."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMBER_")}
    env.update(
        AMBER_DATA_DIR=str(data_dir),
        AMBER_SETTINGS_FILE=str(data_dir.parent / f"{data_dir.name}-settings.json"),
        AMBER_CALENDARS=",".join(calendars),
        AMBER_CHAIN="regtest",
    )
    env.update(extra)
    return env


class MeasuredPopen(subprocess.Popen[str]):
    """A Popen that keeps the child's resource usage (its peak RSS) when it is reaped."""

    rusage: resource.struct_rusage | None = None

    def _try_wait(self, wait_flags: int) -> tuple[int, int]:
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0  # as Popen does: someone else reaped it
        if pid == self.pid:
            self.rusage = usage
        return pid, status


def start_amber(env: Mapping[str, str], *args: str, user: str | None = None) -> MeasuredPopen:
    """Start `amber ARGS`; ``user="no-dac"`` (as root) runs it without the capabilities that let
    root ignore file modes, so a chmod-read-only folder is read-only for it too."""
    command = [*AMBER, *args]
    if user == NO_DAC:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    elif user is not None:
        command = ["runuser", "-u", user, "--", *command]
    return MeasuredPopen(
        command,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(process: MeasuredPopen, args: Sequence[str], started: float, timeout: float) -> Run:
    """Wait for ``process`` (SIGKILL after ``timeout``) and collect its output and peak RSS."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        stderr += f"\n[drill: killed after the {timeout:g} s limit]"
    usage = process.rusage
    peak = usage.ru_maxrss / 1024 if usage is not None else children_peak_rss_mb()
    return Run(tuple(args), process.returncode, stdout, stderr, time.monotonic() - started, peak)


def amber(
    env: Mapping[str, str], *args: str, timeout: float = 120.0, user: str | None = None
) -> Run:
    started = time.monotonic()
    return finish(start_amber(env, *args, user=user), args, started, timeout)


def children_peak_rss_mb() -> float:
    """The largest resident set of any child process waited for so far, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_files(folder: Path, count: int, *, prefix: str = "file") -> list[Path]:
    """``count`` small files with distinct contents."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        path = folder / f"{prefix}-{i:06d}.txt"
        path.write_bytes(f"{prefix} {i} {os.urandom(8).hex()}\n".encode())
        files.append(path)
    return files
