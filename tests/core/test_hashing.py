from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from amber.core import UnreadableFileError, hash_file


def test_digest_matches_hashlib_across_chunk_boundaries(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 + 17)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    seen: list[tuple[int, int]] = []
    digest = hash_file(path, lambda done, total: seen.append((done, total)), chunk_size=1024)
    assert digest == hashlib.sha256(data).digest()
    assert seen[-1] == (len(data), len(data))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) == 4


def test_empty_file_reports_progress_once(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    seen: list[tuple[int, int]] = []
    assert hash_file(path, lambda d, t: seen.append((d, t))) == hashlib.sha256(b"").digest()
    assert seen == [(0, 0)]


def test_missing_file_folder_and_unreadable_file_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="no such file"):
        hash_file(tmp_path / "missing")
    with pytest.raises(UnreadableFileError, match="folder"):
        hash_file(tmp_path)
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.write_bytes(b"x")
        locked.chmod(0)
        with pytest.raises(UnreadableFileError, match="permission denied"):
            hash_file(locked)


def test_cancellation_stops_between_chunks(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 4096)
    with pytest.raises(InterruptedError):
        hash_file(path, chunk_size=1024, cancelled=lambda: True)
