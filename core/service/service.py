"""AmberService: one history (database), its fossilizer and its upgrader, ready to use."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from ..fossilizer import EventChannels
from ..hashing import ProgressCallback, UnreadableFileError, hash_file
from ..ots.adapter import FossilizerConfig, OtsAdapter
from ..ots.calendar import CalendarClient
from ..settings import Settings
from ..storage import (
    Database,
    HeaderStore,
    NewStamp,
    SqlFossilsQueue,
    Stamp,
    StampState,
    StampStore,
    open_database,
)
from ..verify import (
    AgreeingHeaderSource,
    CachedHeaderSource,
    EsploraHeaderSource,
    HeaderSource,
    RpcHeaderSource,
    Verdict,
    verify,
)
from .exporting import ExportReport, export_proofs
from .files import collect_files
from .importing import import_proof
from .upgrader import Upgrader, UpgradeReport, UpgradeSchedule, calendar_whitelist


@dataclass
class StampRequest:
    """What became of the files a user asked to stamp."""

    queued: list[Stamp] = field(default_factory=list)
    already_stamped: list[tuple[Path, Stamp]] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def file_meta(path: Path, size: int) -> bytes:
    return json.dumps({"name": path.name, "folder": str(path.parent), "size": size}).encode()


def build_header_source(
    settings: Settings, cache: HeaderStore, transport: httpx.BaseTransport | None
) -> CachedHeaderSource:
    live: list[HeaderSource] = []
    if settings.bitcoin_node:
        live.append(
            RpcHeaderSource(settings.bitcoin_node, transport=transport, chain=settings.chain)
        )
    live.extend(
        EsploraHeaderSource(url, transport=transport, chain=settings.chain)
        for url in settings.esplora
    )
    inner: HeaderSource | None = None
    if len(live) == 1:
        inner = live[0]
    elif live:
        inner = AgreeingHeaderSource(live)
    return CachedHeaderSource(cache, inner, chain=settings.chain)


class AmberService:
    """Owns the database, queue, history, fossilizer and upgrader of one data folder."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        nonce_source: Callable[[int], bytes] = os.urandom,
        upgrade_schedule: UpgradeSchedule | None = None,
    ) -> None:
        self.settings = settings
        if not settings.db_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.db: Database = open_database(settings.database_url)
        self.queue = SqlFossilsQueue(self.db, lease_seconds=settings.lease_seconds)
        self.store = StampStore(self.db)
        self.channels = EventChannels()
        self.headers = build_header_source(settings, HeaderStore(self.db), transport)

        def calendar_client(url: str) -> CalendarClient:
            return CalendarClient(url, timeout=settings.calendar_timeout, transport=transport)

        self.adapter = OtsAdapter(
            self.queue,
            self.store,
            FossilizerConfig(
                calendars=settings.calendars,
                min_calendars=settings.min_calendars,
                max_leaves=settings.max_leaves,
                batch_interval=settings.batch_interval,
                calendar_timeout=settings.calendar_timeout,
            ),
            channels=self.channels,
            calendar_factory=calendar_client,
            nonce_source=nonce_source,
        )
        self.upgrader = Upgrader(
            self.store,
            calendar_factory=calendar_client,
            whitelist=calendar_whitelist(settings.calendars, settings.extra_whitelist),
            headers=self.headers,
            channels=self.channels,
            follow_unlisted=settings.follow_unlisted_calendars,
            schedule=upgrade_schedule,
        )

    # Lifecycle.

    def start(self) -> None:
        self.adapter.start()
        self.upgrader.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.adapter.stop(timeout)
        self.upgrader.stop(timeout)

    def close(self) -> None:
        self.stop()
        self.db.close()

    def __enter__(self) -> AmberService:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Stamping.

    def stamp(self, items: Sequence[NewStamp]) -> list[Stamp]:
        return self.adapter.fossilize_many(items)

    def stamp_paths(
        self,
        paths: Sequence[Path],
        *,
        restamp: bool = False,
        progress: ProgressCallback | None = None,
    ) -> StampRequest:
        """Hash files (folders recursively) and queue their digests in one transaction."""
        request = StampRequest()
        hashed: list[tuple[Path, bytes, int]] = []
        for path in collect_files(paths):
            try:
                digest = hash_file(path, progress)
                size = path.stat().st_size
            except (UnreadableFileError, OSError) as error:
                request.unreadable.append((path, str(error)))
                continue
            hashed.append((path, digest, size))
        # One lookup for all of them: a query per file cost more than hashing small files.
        known = {} if restamp else self.store.find_by_digest_many(d for _, d, _ in hashed)
        items: list[NewStamp] = []
        for path, digest, size in hashed:
            if digest in known:
                request.already_stamped.append((path, known[digest][0]))
                continue
            items.append(NewStamp(digest, file_meta(path, size), path.name, str(path.parent), size))
        if items:
            request.queued = self.stamp(items)
        return request

    def submit_pending(self, stamp_ids: Sequence[int], timeout: float) -> bool:
        """Run the fossilizer here until these stamps left the queue, or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        waiting = set(stamp_ids)
        while True:
            # Ids only: reading whole rows (proofs included) each round cost more than the round.
            waiting &= set(self.store.query_ids(states=[StampState.QUEUED]))
            if not waiting:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            outcome = self.adapter.run_once()
            if outcome.popped == 0 or not outcome.reached_quorum:
                time.sleep(min(0.2, max(remaining, 0)))

    def upgrade_now(self) -> UpgradeReport:
        """Ask the calendars at once (on the calling thread), and check again soon after."""
        report = self.upgrader.run_once()
        self.upgrader.schedule.reset()
        return report

    @property
    def next_upgrade_at(self) -> float | None:
        """When the background upgrader next asks the calendars (None: not running)."""
        return self.upgrader.next_run_at

    # Proofs.

    def verify(
        self, proof: bytes, *, file: Path | None = None, digest: bytes | None = None
    ) -> Verdict:
        return verify(proof, file=file, digest=digest, headers=self.headers)

    def import_proof(self, proof: bytes, *, file: Path | None = None, name: str = "") -> Stamp:
        stamp = import_proof(self.store, proof, headers=self.headers, file=file, name=name)
        if stamp.state is StampState.SUBMITTED:
            self.upgrader.trigger()
        return stamp

    def export(
        self, stamp_ids: Sequence[int] | None, out_dir: Path | None, *, force: bool = False
    ) -> ExportReport:
        ids = list(stamp_ids) if stamp_ids else self.store.query_ids(descending=False)
        return export_proofs(self.store.rows(ids), out_dir, force=force)
