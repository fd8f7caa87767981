"""Turning what the user pointed at (files, folders) into a list of files to stamp."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

MAX_FILES = 1_000_000  # one drop or command line never walks more than this
PROOF_SUFFIX = ".ots"


class TooManyFilesError(ValueError):
    pass


def collect_files(paths: Iterable[Path], *, limit: int = MAX_FILES) -> list[Path]:
    """Files under ``paths`` (folders recursively, symlinked folders not followed), in order.

    Existing ``.ots`` proofs inside folders are skipped: they are proofs, not documents.
    Paths that do not exist are kept, so hashing reports them with a clear error.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        for file in _walk(Path(path)):
            resolved = file.absolute()
            if resolved in seen:
                continue
            seen.add(resolved)
            found.append(resolved)
            if len(found) > limit:
                raise TooManyFilesError(f"more than {limit} files selected")
    return found


def _walk(path: Path) -> Iterator[Path]:
    if not path.is_dir():
        yield path
        return
    for root, dirs, files in os.walk(path, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(PROOF_SUFFIX):
                yield Path(root) / name
