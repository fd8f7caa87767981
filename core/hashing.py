"""Streaming SHA-256 of files, in constant memory, with progress."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHUNK_SIZE = 1 << 20  # 1 MiB: large enough to amortise the syscalls, small enough for caches

ProgressCallback = Callable[[int, int], object]  # (bytes done, total bytes)


class UnreadableFileError(OSError):
    """A path that cannot be hashed, with the reason in plain words."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"cannot read {os.fspath(path)!r}: {reason}")
        self.path = os.fspath(path)
        self.reason = reason


def hash_file(
    path: str | os.PathLike[str],
    progress: ProgressCallback | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    cancelled: Callable[[], bool] | None = None,
    new_hash: Callable[[], Any] = hashlib.sha256,
) -> bytes:
    """Return the SHA-256 digest of the file at ``path`` (or another hash, made by ``new_hash``:
    a proof made elsewhere may use sha1 or ripemd160).

    ``progress(done, total)`` is called after every chunk. ``cancelled()`` is polled between
    chunks; when it returns true, ``InterruptedError`` is raised.
    """
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnreadableFileError(p, "no such file") from None
    except PermissionError:
        raise UnreadableFileError(p, "permission denied") from None
    except IsADirectoryError:
        raise UnreadableFileError(p, "it is a folder, not a file") from None
    except OSError as error:
        raise UnreadableFileError(p, error.strerror or str(error)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFileError(p, "it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFileError(p, "not a regular file")
        total = info.st_size
        digest = new_hash()
        buffer = bytearray(chunk_size)
        view = memoryview(buffer)
        done = 0
        while True:
            if cancelled is not None and cancelled():
                raise InterruptedError(f"hashing {os.fspath(p)!r} was cancelled")
            try:
                n = os.readv(fd, [buffer])
            except OSError as error:
                raise UnreadableFileError(p, error.strerror or str(error)) from None
            if n == 0:
                break
            digest.update(view[:n])
            done += n
            if progress is not None:
                progress(done, max(total, done))
        if progress is not None and done == 0:
            progress(0, 0)
        return bytes(digest.digest())
    finally:
        os.close(fd)
