"""The upgrader: turn pending proofs into Bitcoin-attested, header-checked ones."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from opentimestamps.calendar import DEFAULT_CALENDAR_WHITELIST, UrlWhitelist
from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp

from ..fossilizer import Event, EventChannels, EventType, Fossil, Result
from ..ots.adapter import evidence_for
from ..ots.calendar import CalendarClient, CalendarError
from ..ots.proofs import ProofError, read_proof, read_timestamp, write_proof, write_timestamp
from ..ots.walk import bitcoin_attestations, merge_upgrade, pending_attestations
from ..storage import PendingBatch, ProofUpdate, Stamp, StampState, StampStore
from ..verify import (
    BlockHeader,
    HeaderSource,
    HeaderSourceError,
    VerdictKind,
    judge_timestamp,
    verify,
)

log = logging.getLogger(__name__)

CommitmentKey = tuple[str, bytes]  # (calendar url, commitment)
WRITE_BATCH = 2000  # proof updates per transaction


def calendar_whitelist(configured: Iterable[str], extra: Iterable[str] = ()) -> UrlWhitelist:
    """The calendars Amber follows: the configured ones, extras, and the reference defaults."""
    whitelist = UrlWhitelist(configured)
    for url in extra:
        whitelist.add(url)
    for pattern in DEFAULT_CALENDAR_WHITELIST:
        whitelist.add(pattern.geturl())
    return whitelist


@dataclass
class UpgradeSchedule:
    """Calendars anchor every few hours: check soon after a submission, then back off."""

    first_delay: float = 300.0
    max_delay: float = 3600.0
    factor: float = 2.0
    _delay: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self._delay = self.first_delay

    def after_run(self, made_progress: bool) -> float:
        if made_progress:
            self._delay = self.first_delay
        else:
            self._delay = min(self._delay * self.factor, self.max_delay)
        return self._delay

    def reset(self) -> float:
        self._delay = self.first_delay
        return self._delay


@dataclass
class UpgradeReport:
    requests: int = 0  # calendar requests made: one per (calendar, commitment), not per proof
    upgraded: list[int] = field(default_factory=list)  # stamps whose proof grew
    confirmed: list[Stamp] = field(default_factory=list)
    still_pending: int = 0
    not_followed: set[str] = field(default_factory=set)  # calendars off the whitelist
    errors: dict[str, str] = field(default_factory=dict)  # calendar url -> reason


class _RunHeaders:
    """Headers asked for during one round, kept in memory for that round only."""

    def __init__(self, inner: HeaderSource) -> None:
        self.inner = inner
        self.name = inner.name
        self._seen: dict[int, BlockHeader] = {}

    def header_at(self, height: int) -> BlockHeader:
        if height not in self._seen:
            self._seen[height] = self.inner.header_at(height)  # errors are not remembered
        return self._seen[height]


class _Writes:
    """Proof updates of one round, written WRITE_BATCH at a time in one transaction each (one
    fsync per batch, not per stamp); confirmations are announced once they are stored."""

    def __init__(
        self, store: StampStore, announce: Callable[[Stamp], None], report: UpgradeReport
    ) -> None:
        self.store = store
        self.announce = announce
        self.report = report
        self.updates: list[ProofUpdate] = []
        self.confirming: set[int] = set()

    def add(self, update: ProofUpdate, *, confirmed: bool = False) -> None:
        self.updates.append(update)
        if confirmed:
            self.confirming.add(update.stamp_id)
        if len(self.updates) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        stored = self.store.update_proofs(self.updates)
        for stamp in stored:
            if stamp.id in self.confirming:
                self.report.confirmed.append(stamp)
                self.announce(stamp)
        self.updates = []
        self.confirming = set()


class Upgrader:
    def __init__(
        self,
        store: StampStore,
        *,
        calendar_factory: Callable[[str], CalendarClient],
        whitelist: UrlWhitelist,
        headers: HeaderSource | None,
        channels: EventChannels,
        follow_unlisted: bool = False,
        schedule: UpgradeSchedule | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self._calendar_factory = calendar_factory
        self._clients: dict[str, CalendarClient] = {}
        self.whitelist = whitelist
        self.headers = headers
        self.channels = channels
        self.follow_unlisted = follow_unlisted
        self.schedule = schedule if schedule is not None else UpgradeSchedule()
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.next_run_at: float | None = None
        self.last_report: UpgradeReport | None = None

    def follows(self, url: str) -> bool:
        return self.follow_unlisted or url in self.whitelist

    def run_once(self) -> UpgradeReport:
        with self._lock:  # the thread and "upgrade now" never run at the same time
            report = self._run()
        self.last_report = report
        return report

    def _run(self) -> UpgradeReport:
        report = UpgradeReport()
        writes = _Writes(self.store, self._announce, report)
        # A batch's stamps share everything from the batch root on: that part is upgraded,
        # checked and stored once per batch, not once per stamp.
        roots: dict[int, tuple[PendingBatch, Timestamp]] = {}
        batch_wanted: dict[CommitmentKey, list[int]] = defaultdict(list)
        for batch in self.store.pending_batches():
            try:
                root = read_timestamp(batch.root_proof, batch.root)
            except (ProofError, ValueError) as error:
                report.still_pending += len(batch.stamp_ids)
                self.store.update_batch_proof(batch.batch_id, batch.root_proof, error=str(error))
                continue
            roots[batch.batch_id] = (batch, root)
            if bitcoin_attestations(root):
                continue  # already anchored: only its header check is left
            for url, commitment, _ in pending_attestations(root):
                if self.follows(url):
                    batch_wanted[(url, commitment)].append(batch.batch_id)
                else:
                    report.not_followed.add(url)

        # Stamps whose proof is stored whole (imported ones): one proof at a time.
        proofs: dict[int, tuple[Stamp, DetachedTimestampFile]] = {}
        wanted: dict[CommitmentKey, list[int]] = defaultdict(list)
        for stamp in self.store.pending(batched=False):
            try:
                proof = read_proof(stamp.proof or b"")
            except ProofError as error:
                writes.add(ProofUpdate(stamp.id, stamp.proof or b"", error=str(error)))
                continue
            proofs[stamp.id] = (stamp, proof)
            if bitcoin_attestations(proof.timestamp):
                continue  # already anchored: only its header check is left
            for url, commitment, _ in pending_attestations(proof.timestamp):
                if self.follows(url):
                    wanted[(url, commitment)].append(stamp.id)
                else:
                    report.not_followed.add(url)

        answers = self._ask([*batch_wanted, *wanted], report)
        touched: set[int] = set()
        grown: set[int] = set()  # batches
        for key, upgraded in answers.items():
            _url, commitment = key
            for batch_id in batch_wanted.get(key, ()):
                if merge_upgrade(roots[batch_id][1], commitment, upgraded):
                    grown.add(batch_id)
            for stamp_id in wanted.get(key, ()):
                if merge_upgrade(proofs[stamp_id][1].timestamp, commitment, upgraded):
                    touched.add(stamp_id)

        # Thousands of proofs usually hang from a handful of blocks: ask for each header once.
        headers = _RunHeaders(self.headers) if self.headers is not None else None
        for batch_id, (batch, root) in roots.items():
            if batch_id in grown:
                touched.update(batch.stamp_ids)
            self._settle_batch(batch, root, batch_id in grown, report, headers)
        report.upgraded = sorted(touched)
        for stamp_id, (stamp, proof) in proofs.items():
            self._settle(stamp, proof, stamp_id in touched, report, headers, writes)
        writes.flush()
        return report

    def _ask(
        self, wanted: Iterable[CommitmentKey], report: UpgradeReport
    ) -> dict[CommitmentKey, Timestamp]:
        answers: dict[CommitmentKey, Timestamp] = {}
        failed: set[str] = set()
        for url, commitment in dict.fromkeys(wanted):
            if url in failed or self._stop.is_set():
                continue
            report.requests += 1
            try:
                upgraded = self._client(url).get_timestamp(commitment)
            except CalendarError as error:
                failed.add(url)
                report.errors[url] = error.reason
                self.store.record_calendar_result(url, False, error.reason)
                continue
            self.store.record_calendar_result(url, True)
            if upgraded is None:
                continue
            lie = self._contradicted_by_headers(upgraded)
            if lie:
                report.errors[url] = lie
                self.store.record_calendar_result(url, False, lie)
                continue
            answers[(url, commitment)] = upgraded
        return answers

    def _contradicted_by_headers(self, upgraded: Timestamp) -> str | None:
        """A calendar's Bitcoin claim that a header source refutes is refused outright."""
        if self.headers is None:
            return None
        for height, msg in bitcoin_attestations(upgraded):
            try:
                header = self.headers.header_at(height)
            except HeaderSourceError:
                continue  # cannot tell now; the proof is checked again before it is confirmed
            if header.merkle_root != msg:
                return f"claimed Bitcoin block {height}, but the path does not match its header"
        return None

    def _settle_batch(
        self,
        batch: PendingBatch,
        root: Timestamp,
        grew: bool,
        report: UpgradeReport,
        headers: HeaderSource | None,
    ) -> None:
        """One store call for the whole batch: confirm all its stamps, or keep what it gained."""
        root_proof = write_timestamp(root) if grew else batch.root_proof
        if not bitcoin_attestations(root):
            report.still_pending += len(batch.stamp_ids)
            if grew:
                self.store.update_batch_proof(batch.batch_id, root_proof)
            return
        verdict = judge_timestamp(root, headers)
        if verdict.kind is VerdictKind.ATTESTED and verdict.block is not None:
            confirmed = self.store.confirm_batch(batch.batch_id, root_proof, verdict.block)
            report.confirmed.extend(confirmed)
            if len(self.channels):  # building 10,000 events nobody listens to costs a lot
                for stamp in confirmed:
                    self._announce(stamp)
            return
        report.still_pending += len(batch.stamp_ids)
        self.store.update_batch_proof(batch.batch_id, root_proof, error=verdict.reason)

    def _settle(
        self,
        stamp: Stamp,
        proof: DetachedTimestampFile,
        grew: bool,
        report: UpgradeReport,
        headers: HeaderSource | None,
        writes: _Writes,
    ) -> None:
        if not bitcoin_attestations(proof.timestamp):
            report.still_pending += 1
            if grew:
                writes.add(ProofUpdate(stamp.id, write_proof(proof)))
            return
        verdict = verify(proof, digest=stamp.digest, headers=headers)
        if verdict.kind is VerdictKind.ATTESTED and verdict.block is not None:
            update = ProofUpdate(
                stamp.id, write_proof(proof), state=StampState.CONFIRMED, block=verdict.block
            )
            writes.add(update, confirmed=True)
            return
        report.still_pending += 1
        writes.add(ProofUpdate(stamp.id, write_proof(proof), error=verdict.reason))

    def _announce(self, stamp: Stamp) -> None:
        meta = json.dumps({"name": stamp.name, "folder": stamp.folder}).encode()
        fossil = Fossil(stamp.digest, meta, stamp.fossil_id)
        evidence = evidence_for(stamp)
        self.channels.publish(Event(EventType.DID_CONFIRM, Result(fossil, evidence)))

    def _client(self, url: str) -> CalendarClient:
        if url not in self._clients:
            self._clients[url] = self._calendar_factory(url)
        return self._clients[url]

    # The thread.

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self.next_run_at = self._clock()
        self._thread = threading.Thread(target=self._loop, name="amber-upgrader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def trigger(self) -> None:
        """Run now, and check again soon after."""
        self.schedule.reset()
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.run_once()
                progress = bool(report.upgraded or report.confirmed)
            except Exception:
                log.exception("upgrade round failed")
                progress = False
            delay = self.schedule.after_run(progress)
            self.next_run_at = self._clock() + delay
            self._wake.wait(delay)
            self._wake.clear()
