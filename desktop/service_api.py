"""What the desktop needs from amber.core.service.AmberService (structural: tests fake it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol


class ServiceLike(Protocol):
    settings: Any
    store: Any  # amber.core.storage.StampStore
    queue: Any  # amber.core.storage.SqlFossilsQueue
    adapter: Any  # amber.core.Adapter (events)

    @property
    def next_upgrade_at(self) -> float | None: ...

    def upgrade_now(self) -> Any: ...  # amber.core.service.UpgradeReport

    def start(self) -> None: ...

    def stop(self, timeout: float = 10.0) -> None: ...

    def stamp(self, items: Sequence[Any]) -> list[Any]: ...

    def verify(
        self, proof: bytes, *, file: Path | None = None, digest: bytes | None = None
    ) -> Any: ...

    def import_proof(self, proof: bytes, *, file: Path | None = None, name: str = "") -> Any: ...

    def export(
        self, stamp_ids: Sequence[int] | None, out_dir: Path | None, *, force: bool = False
    ) -> Any: ...


def new_stamp(path: Path, digest: bytes, size: int | None) -> Any:
    """An amber.core.storage.NewStamp whose meta travels with the fossil, as the CLI's does."""
    from amber.core.service import file_meta
    from amber.core.storage import NewStamp

    meta = file_meta(path, size or 0)
    return NewStamp(digest=digest, meta=meta, name=path.name, folder=str(path.parent), size=size)
