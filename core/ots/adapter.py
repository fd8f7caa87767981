"""The OpenTimestamps adapter: queue digests, batch them, submit each batch's root to calendars."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass, field
from typing import Any

from opentimestamps.core.timestamp import Timestamp

from ..fossilizer import BlockAttestation, Event, EventChannels, EventType, Evidence, Fossil, Result
from ..storage import NewStamp, SqlFossilsQueue, Stamp, StampStore, SubmittedBatch
from .batch import Batch, attach_calendar_answer, leaf_prefixes, make_batch
from .calendar import CalendarClient, CalendarError
from .proofs import write_proof, write_timestamp

log = logging.getLogger(__name__)

BACKEND = "opentimestamps"
DIGEST_LENGTH = 32  # Amber stamps SHA-256 digests
MAX_META_BYTES = 64 * 1024
MAX_NAME_CHARS = 1024
MAX_FOLDER_CHARS = 4096

CalendarFactory = Callable[[str], CalendarClient]


@dataclass(frozen=True)
class FossilizerConfig:
    calendars: tuple[str, ...]
    min_calendars: int = 2
    max_leaves: int = 4096
    batch_interval: float = 1.0  # how long to gather digests before submitting a batch
    poll_interval: float = 5.0  # how often an idle fossilizer looks for expired leases
    calendar_timeout: float = 10.0
    retry_first: float = 5.0  # backoff after a batch that missed the quorum
    retry_max: float = 600.0

    def __post_init__(self) -> None:
        if not self.calendars:
            raise ValueError("at least one calendar is needed")
        if not 1 <= self.min_calendars <= len(self.calendars):
            raise ValueError("min_calendars must be between 1 and the number of calendars")


@dataclass(frozen=True)
class BatchOutcome:
    """What one round of the fossilizer did."""

    popped: int = 0
    submitted: list[Stamp] = field(default_factory=list)
    accepted_by: tuple[str, ...] = ()
    failures: dict[str, str] = field(default_factory=dict)  # calendar url -> reason
    retry_after: float = 0.0

    @property
    def reached_quorum(self) -> bool:
        return self.popped > 0 and self.retry_after == 0.0


def parse_meta(meta: bytes) -> dict[str, Any]:
    """Amber's own metadata is a JSON object; anything else is kept but not interpreted."""
    if not meta or len(meta) > MAX_META_BYTES:
        return {}
    try:
        value = json.loads(meta)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _printable(value: object) -> str:
    """Names from metadata lose control characters (PostgreSQL refuses NUL in text)."""
    return "".join(ch for ch in str(value) if ch.isprintable())


def new_stamp(data: bytes, meta: bytes) -> NewStamp:
    if len(data) != DIGEST_LENGTH:
        raise ValueError(f"Amber stamps SHA-256 digests of {DIGEST_LENGTH} bytes, not {len(data)}")
    if len(meta) > MAX_META_BYTES:
        raise ValueError(f"metadata is larger than {MAX_META_BYTES} bytes")
    info = parse_meta(meta)
    size = info.get("size")
    return NewStamp(
        digest=bytes(data),
        meta=bytes(meta),
        name=_printable(info.get("name", ""))[:MAX_NAME_CHARS],
        folder=_printable(info.get("folder", ""))[:MAX_FOLDER_CHARS],
        size=size if isinstance(size, int) and size >= 0 else None,
    )


def evidence_for(stamp: Stamp) -> Evidence:
    block = None
    if stamp.block_height is not None and stamp.block_hash and stamp.block_time is not None:
        block = BlockAttestation(stamp.block_height, stamp.block_hash, stamp.block_time)
    return Evidence(
        backend=BACKEND,
        provider=",".join(stamp.calendars),
        proof=stamp.proof or b"",
        state="confirmed" if block is not None else "pending",
        calendars=stamp.calendars,
        block=block,
        extra={"stamp_id": stamp.id},
    )


def split_batch_proofs(batch: Batch) -> tuple[bytes, list[bytes]] | None:
    """The batch's shared part (its root timestamp, serialized) and each leaf's own prefix.

    Every node on a leaf's path to the root has one op and no attestation, so a leaf's proof is
    its prefix followed by the root's serialization (checked on the first leaf). None when that
    does not hold (a batch built by hand): the proofs are then stored whole.
    """
    if batch.root_timestamp is None or not batch.proofs:
        return None
    root_proof = write_timestamp(batch.root_timestamp)
    prefixes = leaf_prefixes(batch)
    if prefixes is None:
        log.warning("a batch proof is not a bare chain to the batch root; stored whole")
        return None
    if write_proof(batch.proofs[0]) != prefixes[0] + root_proof:
        log.warning("a batch proof is not its prefix followed by the batch root; stored whole")
        return None
    return root_proof, prefixes


class OtsAdapter:
    """An ``Adapter``: ``fossilize`` queues durably; a fossilizer thread does the rest."""

    def __init__(
        self,
        queue: SqlFossilsQueue,
        store: StampStore,
        config: FossilizerConfig,
        *,
        channels: EventChannels | None = None,
        calendar_factory: CalendarFactory | None = None,
        nonce_source: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self.queue = queue
        self.store = store
        self.config = config
        self.channels = channels if channels is not None else EventChannels()
        self._clients = {
            url: (calendar_factory or self._default_client)(url) for url in config.calendars
        }
        self._nonce_source = nonce_source
        self._executor = ThreadPoolExecutor(
            max_workers=len(config.calendars), thread_name_prefix="amber-calendar"
        )
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._consecutive_failures = 0
        self.last_outcome: BatchOutcome | None = None

    def _default_client(self, url: str) -> CalendarClient:
        return CalendarClient(url, timeout=self.config.calendar_timeout)

    # The Adapter protocol.

    def get_info(self) -> dict[str, Any]:
        return {
            "name": BACKEND,
            "description": "Amber's OpenTimestamps fossilizer: batches digests into Bitcoin",
            "version": "0.1.0",
            "calendars": list(self.config.calendars),
            "min_calendars": self.config.min_calendars,
        }

    def add_fossilizer_event_chan(self, channel: Any) -> None:
        self.channels.add(channel)

    def remove_fossilizer_event_chan(self, channel: Any) -> None:
        self.channels.remove(channel)

    def fossilize(self, data: bytes, meta: bytes) -> int:
        """Queue one digest durably and return its fossil id."""
        (stamp,) = self.fossilize_many([new_stamp(data, meta)])
        assert stamp.fossil_id is not None
        return stamp.fossil_id

    def fossilize_batch(self, items: Sequence[tuple[bytes, bytes]]) -> list[int]:
        """Queue many (data, meta) pairs in one transaction; their fossil ids, in order."""
        stamps = self.fossilize_many([new_stamp(data, meta) for data, meta in items])
        return [s.fossil_id for s in stamps if s.fossil_id is not None]

    def fossilize_many(self, items: Sequence[NewStamp]) -> list[Stamp]:
        stamps = self.store.enqueue(self.queue, items)
        self._wake.set()
        return stamps

    # The fossilizer.

    def run_once(self) -> BatchOutcome:
        """Pop one batch, submit its root, and store the proofs or put the batch back."""
        fossils = self.queue.pop(self.config.max_leaves)
        if not fossils:
            return BatchOutcome()
        try:
            outcome = self._submit(fossils)
        except BaseException:
            self.queue.release(fossils)
            raise
        self.last_outcome = outcome
        return outcome

    def _submit(self, fossils: list[Fossil]) -> BatchOutcome:
        batch = make_batch([f.data for f in fossils], nonce_source=self._nonce_source)
        answers, failures = self._ask_calendars(batch.root)
        for url in self.config.calendars:
            self.store.record_calendar_result(url, url in answers, failures.get(url))
        if len(answers) < self.config.min_calendars:
            return self._missed_quorum(fossils, answers, failures)
        for answer in answers.values():
            attach_calendar_answer(batch, answer)
        accepted = tuple(url for url in self.config.calendars if url in answers)
        shared = split_batch_proofs(batch)
        if shared is None:
            proofs = [write_proof(proof) for proof in batch.proofs]
            done = [(f, proof, accepted) for f, proof in zip(fossils, proofs, strict=True)]
            stamps = self.store.record_submitted(self.queue, done)
        else:
            root_proof, prefixes = shared
            done = [(f, prefix, accepted) for f, prefix in zip(fossils, prefixes, strict=True)]
            stored = SubmittedBatch(root=batch.root, root_proof=root_proof)
            stamps = self.store.record_submitted(self.queue, done, batch=stored)
        self._consecutive_failures = 0
        by_fossil = {f.id: f for f in fossils}
        for stamp in stamps:
            fossil = by_fossil[stamp.fossil_id]
            result = Result(fossil, evidence_for(stamp))
            self.channels.publish(Event(EventType.DID_FOSSILIZE, result))
        return BatchOutcome(len(fossils), stamps, accepted, failures)

    def _missed_quorum(
        self, fossils: list[Fossil], answers: dict[str, Timestamp], failures: dict[str, str]
    ) -> BatchOutcome:
        self._consecutive_failures += 1
        delay = min(
            self.config.retry_first * 2 ** (self._consecutive_failures - 1), self.config.retry_max
        )
        reason = (
            f"only {len(answers)} of {len(self.config.calendars)} calendars accepted "
            f"(need {self.config.min_calendars}): "
            + "; ".join(f"{url}: {why}" for url, why in failures.items())
        )
        ids = [f.id for f in fossils if f.id is not None]
        self.store.record_failure(ids, reason)
        self.queue.release(fossils, retry_after=delay)
        log.warning("batch of %d put back for %.0f s: %s", len(fossils), delay, reason)
        return BatchOutcome(len(fossils), [], tuple(answers), failures, retry_after=delay)

    def _ask_calendars(self, root: bytes) -> tuple[dict[str, Timestamp], dict[str, str]]:
        futures = {
            url: self._executor.submit(client.submit, root) for url, client in self._clients.items()
        }
        # Each client enforces its own timeout; the margin only guards against a stuck thread.
        wait_for_futures(futures.values(), timeout=self.config.calendar_timeout + 5.0)
        answers: dict[str, Timestamp] = {}
        failures: dict[str, str] = {}
        for url, future in futures.items():
            if not future.done():
                failures[url] = f"no answer within {self.config.calendar_timeout:.0f} s"
                continue
            error = future.exception()
            if error is None:
                answers[url] = future.result()
            elif isinstance(error, CalendarError):
                failures[url] = error.reason
            else:
                failures[url] = f"unexpected error: {error}"
        return answers, failures

    # The thread.

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="amber-fossilizer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._executor.shutdown(wait=False, cancel_futures=True)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        # Start by looking: work queued before a crash or by another process waits for us.
        self._wake.set()
        while not self._stop.is_set():
            self._wake.wait(self.config.poll_interval)
            self._wake.clear()
            if self._stop.wait(self.config.batch_interval):
                return
            self._drain()

    def _drain(self) -> None:
        while not self._stop.is_set():
            try:
                outcome = self.run_once()
            except Exception:
                log.exception("fossilizer round failed; the batch was put back")
                if self._stop.wait(self.config.retry_first):
                    return
                continue
            if outcome.popped == 0 or not outcome.reached_quorum:
                return
