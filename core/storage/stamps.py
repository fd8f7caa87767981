"""StampStore: the history of every stamp, the only writer of ``stamps`` and ``calendar_status``."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from amber.core.fossilizer import BlockAttestation, Fossil
from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)

from .database import Database
from .errors import NotFoundError
from .queue import IDS_PER_STATEMENT, SqlFossilsQueue
from .schema import batches, calendar_status, stamps

DIGEST_SIZES = {"sha256": 32, "sha1": 20, "ripemd160": 20}
MAX_SEARCH_CHARS = 200
MAX_NAME_CHARS = 4096
_SEARCH_SEPARATOR = "\x1f"  # between name and folder in search_key, so no match spans both


class StampState(StrEnum):
    QUEUED = "queued"
    SUBMITTED = "submitted"
    CONFIRMED = "confirmed"
    FAILED = "failed"


class Origin(StrEnum):
    AMBER = "amber"
    IMPORTED = "imported"


@dataclass(frozen=True)
class Stamp:
    id: int
    fossil_id: int | None
    digest: bytes
    hash_algo: str
    name: str
    folder: str
    size: int | None
    added_at: float
    updated_at: float
    state: StampState
    last_error: str | None
    proof: bytes | None
    calendars: tuple[str, ...]
    block_height: int | None
    block_hash: str | None
    block_time: int | None
    origin: str
    batch_id: int | None = None  # the batch whose shared proof part this stamp's proof ends with

    @property
    def digest_hex(self) -> str:
        return self.digest.hex()

    @property
    def block(self) -> BlockAttestation | None:
        if self.block_height is None or self.block_hash is None or self.block_time is None:
            return None
        return BlockAttestation(self.block_height, self.block_hash, self.block_time)


@dataclass(frozen=True)
class NewStamp:
    """A file (or bare digest) to stamp. ``meta`` travels with the fossil through the queue."""

    digest: bytes
    meta: bytes = b""
    name: str = ""
    folder: str = ""
    size: int | None = None


@dataclass(frozen=True)
class ProofUpdate:
    """One stamp's new proof for :meth:`StampStore.update_proofs` (as :meth:`update_proof`)."""

    stamp_id: int
    proof: bytes
    state: StampState | None = None
    block: BlockAttestation | None = None
    error: str | None = None


@dataclass(frozen=True)
class SubmittedBatch:
    """The part of a batch's proofs that every leaf shares, for :meth:`StampStore.record_submitted`.

    ``root_proof`` is the serialized timestamp of ``root`` (no header); each leaf's full proof is
    its own prefix followed by ``root_proof``.
    """

    root: bytes
    root_proof: bytes


@dataclass(frozen=True)
class PendingBatch:
    """A batch with stamps still waiting for Bitcoin (state submitted)."""

    batch_id: int
    root: bytes
    root_proof: bytes
    stamp_ids: tuple[int, ...]


@dataclass(frozen=True)
class CalendarStatus:
    url: str
    last_ok_at: float | None
    last_error: str | None
    last_error_at: float | None
    consecutive_failures: int


SORT_COLUMNS = {
    "added_at": stamps.c.added_at,
    "name": stamps.c.name,
    "folder": stamps.c.folder,
    "size": stamps.c.size,
    "state": stamps.c.state,
    "block_height": stamps.c.block_height,
    "digest": stamps.c.digest,
}


class StampStore:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._clock = clock

    # -- writing ---------------------------------------------------------------------------

    def enqueue(self, queue: SqlFossilsQueue, items: Sequence[NewStamp]) -> list[Stamp]:
        """Queue one fossil per item and record a stamp for it, all in ONE transaction."""
        for item in items:
            _check_digest(item.digest, "sha256")
            _check_text(item.name, "name")
            _check_text(item.folder, "folder")
        if not items:
            return []
        now = self._clock()
        with self.db.write() as conn:
            fossil_ids = queue.push_many(
                [Fossil(bytes(item.digest), bytes(item.meta)) for item in items], conn=conn
            )
            rows = [
                _new_row(
                    digest=item.digest,
                    hash_algo="sha256",
                    name=item.name,
                    folder=item.folder,
                    size=item.size,
                    now=now,
                    state=StampState.QUEUED,
                    origin=Origin.AMBER,
                    fossil_id=fossil_id,
                )
                for item, fossil_id in zip(items, fossil_ids, strict=True)
            ]
            # A plain executemany, then the new ids by fossil id (each fossil is new, so unique):
            # INSERT ... RETURNING in parameter order runs one statement per row on SQLite.
            conn.execute(insert(stamps), rows)
            ids: dict[int, int] = {}
            for chunk in _chunks(fossil_ids):
                found = select(stamps.c.fossil_id, stamps.c.id).where(stamps.c.fossil_id.in_(chunk))
                ids.update((fossil_id, stamp_id) for fossil_id, stamp_id in conn.execute(found))
        return [_stamp_from_values(ids[row["fossil_id"]], row) for row in rows]

    def record_submitted(
        self,
        queue: SqlFossilsQueue,
        done: Sequence[tuple[Fossil, bytes, tuple[str, ...]]],
        *,
        batch: SubmittedBatch | None = None,
    ) -> list[Stamp]:
        """In ONE transaction: the queued stamps of these fossils become submitted with their
        proof and calendars, and the fossils are acked. A fossil recorded before (or whose stamp
        is no longer queued) changes nothing; only the rows that changed are returned, in the
        order of ``done``.

        With ``batch``, each proof in ``done`` is only its leaf's prefix: the batch's shared part
        is stored once (a ``batches`` row, in the same transaction) and the returned stamps (and
        every later read) carry the full proof, prefix + ``batch.root_proof``."""
        if not done:
            return []
        now = self._clock()
        answers: dict[int, tuple[bytes, str]] = {}
        for fossil, proof, calendars in done:
            if fossil.id is None:
                raise ValueError("record_submitted needs fossils that came out of the queue")
            answers[fossil.id] = (bytes(proof), _encode_calendars(calendars))
        root_proof = b"" if batch is None else bytes(batch.root_proof)
        batch_id: int | None = None
        with self.db.write() as conn:
            queued: list[Stamp] = []
            for chunk in _chunks(list(answers)):
                statement = select(stamps).where(
                    stamps.c.fossil_id.in_(chunk), stamps.c.state == StampState.QUEUED
                )
                queued.extend(_stamp(row) for row in conn.execute(statement))
            if queued and batch is not None:
                batch_row = {
                    "root": bytes(batch.root),
                    "root_proof": root_proof,
                    "created_at": now,
                    "updated_at": now,
                }
                inserted = insert(batches).values(batch_row).returning(batches.c.id)
                batch_id = int(conn.execute(inserted).scalar_one())
            if queued:
                # One executemany instead of one UPDATE ... RETURNING per fossil.
                conn.execute(
                    update(stamps)
                    .where(stamps.c.id == bindparam("b_id"))
                    .values(
                        state=StampState.SUBMITTED,
                        proof=bindparam("b_proof"),
                        calendars=bindparam("b_calendars"),
                        last_error=None,
                        updated_at=now,
                        batch_id=batch_id,
                    ),
                    [
                        {
                            "b_id": stamp.id,
                            "b_proof": answers[stamp.fossil_id or 0][0],
                            "b_calendars": answers[stamp.fossil_id or 0][1],
                        }
                        for stamp in queued
                    ],
                )
            queue.ack([fossil for fossil, _, _ in done], conn=conn)
        order = {fossil_id: i for i, fossil_id in enumerate(answers)}
        queued.sort(key=lambda stamp: (order[stamp.fossil_id or 0], stamp.id))
        return [
            replace(
                stamp,
                state=StampState.SUBMITTED,
                proof=answers[stamp.fossil_id or 0][0] + root_proof,
                calendars=tuple(json.loads(answers[stamp.fossil_id or 0][1])),
                last_error=None,
                updated_at=now,
                batch_id=batch_id,
            )
            for stamp in queued
        ]

    def record_failure(self, fossil_ids: Sequence[int], reason: str) -> None:
        """Note why these fossils failed; their stamps stay queued (the fossils will retry)."""
        if not fossil_ids:
            return
        now = self._clock()
        with self.db.write() as conn:
            for chunk in _chunks(fossil_ids):
                conn.execute(
                    update(stamps)
                    .where(stamps.c.fossil_id.in_(chunk), stamps.c.state == StampState.QUEUED)
                    .values(last_error=reason, updated_at=now)
                )

    def add_imported(
        self,
        *,
        digest: bytes,
        hash_algo: str,
        proof: bytes,
        name: str = "",
        folder: str = "",
        state: StampState,
        calendars: tuple[str, ...] = (),
        block: BlockAttestation | None = None,
    ) -> Stamp:
        """Record a proof made elsewhere (or by an earlier Amber) that was imported."""
        _check_digest(digest, hash_algo)
        _check_text(name, "name")
        _check_text(folder, "folder")
        row = _new_row(
            digest=digest,
            hash_algo=hash_algo,
            name=name,
            folder=folder,
            size=None,
            now=self._clock(),
            state=StampState(state),
            origin=Origin.IMPORTED,
            fossil_id=None,
        )
        row.update(proof=bytes(proof), calendars=_encode_calendars(calendars), **_block(block))
        with self.db.write() as conn:
            return _stamp(conn.execute(insert(stamps).values(row).returning(*stamps.c)).one())

    def update_proof(
        self,
        stamp_id: int,
        proof: bytes,
        *,
        state: StampState | None = None,
        block: BlockAttestation | None = None,
        error: str | None = None,
    ) -> Stamp:
        """Store an upgraded proof. ``last_error`` becomes ``error`` (None clears it); the
        state and block change only when given."""
        values: dict[str, Any] = {
            "proof": bytes(proof),
            "last_error": error,
            "updated_at": self._clock(),
            "batch_id": None,  # a proof stored whole no longer shares its batch's part
        }
        if state is not None:
            values["state"] = StampState(state)
        if block is not None:
            values.update(_block(block))
        with self.db.write() as conn:
            statement = (
                update(stamps).where(stamps.c.id == stamp_id).values(values).returning(*stamps.c)
            )
            row = conn.execute(statement).one_or_none()
        if row is None:
            raise NotFoundError(f"no stamp with id {stamp_id}")
        return _stamp(row)

    def update_proofs(self, updates: Sequence[ProofUpdate]) -> list[Stamp]:
        """Many :meth:`update_proof` calls in ONE transaction (one fsync, not one per stamp).
        Returns the updated stamps in the order of ``updates``; an unknown id changes nothing
        and raises NotFoundError."""
        if not updates:
            return []
        now = self._clock()
        ids = [u.stamp_id for u in updates]
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for u in updates:
            values: dict[str, Any] = {
                "proof": bytes(u.proof),
                "last_error": u.error,
                "batch_id": None,
            }
            if u.state is not None:
                values["state"] = StampState(u.state).value
            values.update(_block(u.block))
            groups.setdefault(tuple(values), []).append(
                {"b_id": u.stamp_id, **{f"b_{k}": v for k, v in values.items()}}
            )
        with self.db.write() as conn:
            known: set[int] = set()
            for chunk in _chunks(sorted(set(ids))):
                known.update(
                    conn.execute(select(stamps.c.id).where(stamps.c.id.in_(chunk))).scalars()
                )
            missing = [i for i in ids if i not in known]
            if missing:
                raise NotFoundError(f"no stamp with id {missing[0]}")
            for columns, params in groups.items():
                statement = (
                    update(stamps)
                    .where(stamps.c.id == bindparam("b_id"))
                    .values({**{c: bindparam(f"b_{c}") for c in columns}, "updated_at": now})
                )
                conn.execute(statement, params)
            found: dict[int, Stamp] = {}
            for chunk in _chunks(sorted(known)):
                for row in conn.execute(_select_stamps().where(stamps.c.id.in_(chunk))):
                    found[row.id] = _stamp(row)
        return [found[i] for i in ids]

    def pending_batches(self) -> list[PendingBatch]:
        """Batches with at least one stamp still submitted, with those stamps' ids, by id."""
        waiting: dict[int, list[int]] = {}
        statement = (
            select(stamps.c.batch_id, stamps.c.id)
            .where(stamps.c.state == StampState.SUBMITTED, stamps.c.batch_id.is_not(None))
            .order_by(stamps.c.batch_id, stamps.c.id)
        )
        found: list[PendingBatch] = []
        with self.db.read() as conn:
            for batch_id, stamp_id in conn.execute(statement):
                waiting.setdefault(batch_id, []).append(stamp_id)
            for chunk in _chunks(list(waiting)):
                rows = conn.execute(
                    select(batches).where(batches.c.id.in_(chunk)).order_by(batches.c.id)
                )
                found.extend(
                    PendingBatch(
                        batch_id=row.id,
                        root=bytes(row.root),
                        root_proof=bytes(row.root_proof),
                        stamp_ids=tuple(waiting[row.id]),
                    )
                    for row in rows
                )
        return found

    def update_batch_proof(
        self, batch_id: int, root_proof: bytes, *, error: str | None = None
    ) -> None:
        """Store a batch's grown shared part; its submitted stamps get ``last_error`` = ``error``
        (None clears it). ONE transaction, one UPDATE per table."""
        now = self._clock()
        with self.db.write() as conn:
            self._set_batch_proof(conn, batch_id, root_proof, now)
            conn.execute(
                update(stamps)
                .where(stamps.c.batch_id == batch_id, stamps.c.state == StampState.SUBMITTED)
                .values(last_error=error, updated_at=now)
            )

    def confirm_batch(
        self, batch_id: int, root_proof: bytes, block: BlockAttestation
    ) -> list[Stamp]:
        """Store a batch's Bitcoin-attested shared part and confirm all its submitted stamps in
        ONE transaction. Returns the stamps it confirmed (full proofs), by id."""
        now = self._clock()
        with self.db.write() as conn:
            self._set_batch_proof(conn, batch_id, root_proof, now)
            waiting = select(stamps.c.id).where(
                stamps.c.batch_id == batch_id, stamps.c.state == StampState.SUBMITTED
            )
            ids = set(conn.execute(waiting).scalars())
            conn.execute(
                update(stamps)
                .where(stamps.c.batch_id == batch_id, stamps.c.state == StampState.SUBMITTED)
                .values(
                    state=StampState.CONFIRMED,
                    last_error=None,
                    updated_at=now,
                    **_block(block),
                )
            )
            rows = conn.execute(
                _select_stamps().where(stamps.c.batch_id == batch_id).order_by(stamps.c.id)
            )
            return [_stamp(row) for row in rows if row.id in ids]

    @staticmethod
    def _set_batch_proof(conn: Connection, batch_id: int, root_proof: bytes, now: float) -> None:
        changed = conn.execute(
            update(batches)
            .where(batches.c.id == batch_id)
            .values(root_proof=bytes(root_proof), updated_at=now)
        ).rowcount
        if changed != 1:
            raise NotFoundError(f"no batch with id {batch_id}")

    def record_calendar_result(self, url: str, ok: bool, error: str | None = None) -> None:
        now = self._clock()
        c = calendar_status.c
        with self.db.write() as conn:
            if conn.execute(select(c.url).where(c.url == url)).first() is None:
                conn.execute(insert(calendar_status).values(url=url, consecutive_failures=0))
            values: dict[str, Any] = (
                {"last_ok_at": now, "consecutive_failures": 0}
                if ok
                else {
                    "last_error": error or "failed",
                    "last_error_at": now,
                    "consecutive_failures": c.consecutive_failures + 1,
                }
            )
            conn.execute(update(calendar_status).where(c.url == url).values(values))

    # -- reading ---------------------------------------------------------------------------

    def get(self, stamp_id: int) -> Stamp | None:
        return _first(self._select(stamps.c.id == stamp_id))

    def by_fossil_id(self, fossil_id: int) -> Stamp | None:
        return _first(self._select(stamps.c.fossil_id == fossil_id))

    def find_by_digest(self, digest: bytes) -> list[Stamp]:
        return self._select(stamps.c.digest == bytes(digest))

    def find_by_digest_many(self, digests: Iterable[bytes]) -> dict[bytes, list[Stamp]]:
        """The stamps of each of these digests (by id), in one read; digests never stamped are
        left out. One query per few thousand digests instead of one per digest."""
        wanted = list(dict.fromkeys(bytes(d) for d in digests))
        found: dict[bytes, list[Stamp]] = {}
        with self.db.read() as conn:
            for start in range(0, len(wanted), IDS_PER_STATEMENT):
                chunk = wanted[start : start + IDS_PER_STATEMENT]
                statement = _select_stamps().where(stamps.c.digest.in_(chunk)).order_by(stamps.c.id)
                for row in conn.execute(statement):
                    stamp = _stamp(row)
                    found.setdefault(stamp.digest, []).append(stamp)
        return found

    def pending(self, *, batched: bool | None = None) -> list[Stamp]:
        """Stamps submitted to calendars and waiting for a Bitcoin attestation; ``batched``
        False: only those whose proof is stored whole (imported, or not from a batch)."""
        condition = stamps.c.state == StampState.SUBMITTED
        if batched is not None:
            batch = stamps.c.batch_id
            condition = and_(condition, batch.is_not(None) if batched else batch.is_(None))
        return self._select(condition)

    def query_ids(
        self,
        *,
        states: Collection[StampState] | None = None,
        search: str = "",
        sort: str = "added_at",
        descending: bool = True,
    ) -> list[int]:
        """Ids of the stamps to show, in display order (ties broken by id)."""
        if sort not in SORT_COLUMNS:
            raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(SORT_COLUMNS)}")
        if len(search) > MAX_SEARCH_CHARS:
            raise ValueError(f"search text is longer than {MAX_SEARCH_CHARS} characters")
        conditions: list[ColumnElement[bool]] = []
        if states is not None:
            conditions.append(stamps.c.state.in_([StampState(s).value for s in states]))
        term = search.strip()
        if term:
            conditions.append(_search_condition(term))
        column = SORT_COLUMNS[sort]
        order = (column.desc(), stamps.c.id.desc()) if descending else (column, stamps.c.id)
        statement = select(stamps.c.id).where(*conditions).order_by(*order)
        with self.db.read() as conn:
            return list(conn.execute(statement).scalars())

    def rows(self, ids: Sequence[int]) -> list[Stamp]:
        """The stamps with these ids, in the same order; ids that do not exist are left out."""
        found: dict[int, Stamp] = {}
        with self.db.read() as conn:
            for chunk in _chunks(ids):
                for row in conn.execute(_select_stamps().where(stamps.c.id.in_(chunk))):
                    found[row.id] = _stamp(row)
        return [found[i] for i in ids if i in found]

    def counts(self) -> dict[StampState, int]:
        result = dict.fromkeys(StampState, 0)
        statement = select(stamps.c.state, func.count()).group_by(stamps.c.state)
        with self.db.read() as conn:
            for state, count in conn.execute(statement):
                result[StampState(state)] = int(count)
        return result

    def calendar_statuses(self) -> list[CalendarStatus]:
        with self.db.read() as conn:
            rows = conn.execute(select(calendar_status).order_by(calendar_status.c.url)).all()
        return [
            CalendarStatus(
                url=r.url,
                last_ok_at=r.last_ok_at,
                last_error=r.last_error,
                last_error_at=r.last_error_at,
                consecutive_failures=int(r.consecutive_failures),
            )
            for r in rows
        ]

    def _select(self, condition: ColumnElement[bool]) -> list[Stamp]:
        with self.db.read() as conn:
            rows = conn.execute(_select_stamps().where(condition).order_by(stamps.c.id)).all()
        return [_stamp(row) for row in rows]


def _select_stamps() -> Select[Any]:
    """Stamp rows with their batch's shared proof part, to give every reader full proofs."""
    return select(*stamps.c, batches.c.root_proof.label("batch_root_proof")).select_from(
        stamps.outerjoin(batches, stamps.c.batch_id == batches.c.id)
    )


def _search_condition(term: str) -> ColumnElement[bool]:
    folded = term.casefold()
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    condition: ColumnElement[bool] = stamps.c.search_key.like(f"%{escaped}%", escape="\\")
    prefix = _hex_prefix_range(term)
    if prefix is not None:
        low, high = prefix
        in_range = (
            stamps.c.digest >= low
            if high is None
            else and_(stamps.c.digest >= low, stamps.c.digest < high)
        )
        condition = or_(condition, in_range)
    return condition


def _hex_prefix_range(term: str) -> tuple[bytes, bytes | None] | None:
    """Digests starting with hex ``term`` are exactly those in [low, high) (bytewise order),
    which an index on ``digest`` answers on both SQLite and PostgreSQL."""
    text = term.lower()
    if not text or len(text) > 128 or any(ch not in "0123456789abcdef" for ch in text):
        return None
    low = bytes.fromhex(text + "0" * (len(text) % 2))
    top = bytes.fromhex(text + "f" * (len(text) % 2))
    value = int.from_bytes(top, "big") + 1
    if value >= 1 << (8 * len(top)):
        return low, None
    return low, value.to_bytes(len(top), "big")


def _new_row(
    *,
    digest: bytes,
    hash_algo: str,
    name: str,
    folder: str,
    size: int | None,
    now: float,
    state: StampState,
    origin: Origin,
    fossil_id: int | None,
) -> dict[str, Any]:
    return {
        "fossil_id": fossil_id,
        "digest": bytes(digest),
        "hash_algo": hash_algo,
        "name": name,
        "folder": folder,
        "search_key": f"{name}{_SEARCH_SEPARATOR}{folder}".casefold(),
        "size": size,
        "added_at": now,
        "updated_at": now,
        "state": state.value,
        "last_error": None,
        "proof": None,
        "calendars": "[]",
        "block_height": None,
        "block_hash": None,
        "block_time": None,
        "origin": origin.value,
    }


def _check_digest(digest: bytes, hash_algo: str) -> None:
    if hash_algo not in DIGEST_SIZES:
        raise ValueError(f"unknown hash algorithm {hash_algo!r}; use one of {list(DIGEST_SIZES)}")
    if not isinstance(digest, bytes | bytearray):
        raise TypeError(f"a digest is bytes, not {type(digest).__name__}")
    if len(digest) != DIGEST_SIZES[hash_algo]:
        raise ValueError(
            f"a {hash_algo} digest is {DIGEST_SIZES[hash_algo]} bytes, this one is {len(digest)}"
        )


def _check_text(value: str, what: str) -> None:
    if len(value) > MAX_NAME_CHARS:
        raise ValueError(f"{what} is longer than {MAX_NAME_CHARS} characters")


def _block(block: BlockAttestation | None) -> dict[str, Any]:
    if block is None:
        return {}
    return {"block_height": block.height, "block_hash": block.block_hash, "block_time": block.time}


def _encode_calendars(calendars: Iterable[str]) -> str:
    return json.dumps(list(calendars))


_STATES = {state.value: state for state in StampState}


@functools.lru_cache(maxsize=256)
def _decode_calendars(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))  # thousands of stamps share a handful of calendar lists


def _stamp(row: Row[Any]) -> Stamp:
    """A Stamp from a row of ``stamps`` columns in schema order, optionally followed by the
    batch's shared proof part (:func:`_select_stamps`). By position: thousands are read at once."""
    (
        stamp_id,
        fossil_id,
        digest,
        hash_algo,
        name,
        folder,
        _search_key,
        size,
        added_at,
        updated_at,
        state,
        last_error,
        proof,
        calendars,
        block_height,
        block_hash,
        block_time,
        origin,
        batch_id,
        *shared,
    ) = tuple(row)
    if proof is not None:
        proof = bytes(proof)
        if shared and shared[0] is not None:
            proof += bytes(shared[0])  # a batched stamp stores only its prefix
    return Stamp(
        id=stamp_id,
        fossil_id=fossil_id,
        digest=bytes(digest),
        hash_algo=hash_algo,
        name=name,
        folder=folder,
        size=size,
        added_at=added_at,
        updated_at=updated_at,
        state=_STATES[state],
        last_error=last_error,
        proof=proof,
        calendars=_decode_calendars(calendars),
        block_height=block_height,
        block_hash=block_hash,
        block_time=block_time,
        origin=origin,
        batch_id=batch_id,
    )


def _stamp_from_values(stamp_id: int, row: dict[str, Any]) -> Stamp:
    """The Stamp that inserting ``row`` (a :func:`_new_row`) created, without reading it back."""
    return Stamp(
        id=stamp_id,
        fossil_id=row["fossil_id"],
        digest=row["digest"],
        hash_algo=row["hash_algo"],
        name=row["name"],
        folder=row["folder"],
        size=row["size"],
        added_at=row["added_at"],
        updated_at=row["updated_at"],
        state=StampState(row["state"]),
        last_error=row["last_error"],
        proof=row["proof"],
        calendars=() if row["calendars"] == "[]" else tuple(json.loads(row["calendars"])),
        block_height=row["block_height"],
        block_hash=row["block_hash"],
        block_time=row["block_time"],
        origin=row["origin"],
    )


def _first(found: list[Stamp]) -> Stamp | None:
    return found[0] if found else None


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield list(ids[start : start + IDS_PER_STATEMENT])
