"""SqlFossilsQueue: a durable, leasing FossilsQueue on SQLite or PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from amber.core.fossilizer import Fossil
from sqlalchemy import Connection, Update, delete, func, insert, select, update

from .database import Database, open_database
from .limits import (
    check_lease_seconds,
    check_pop_count,
    check_pushable,
    check_retry_after,
    queued_ids,
)
from .schema import fossil_queue as t

# Ids per DELETE/UPDATE ... WHERE id IN (...): well under SQLite's and PostgreSQL's parameter
# limits, large enough that a batch of acks is a handful of statements.
IDS_PER_STATEMENT = 5_000
DEFAULT_LEASE_SECONDS = 300.0


class SqlFossilsQueue:
    """FIFO by id. ``pop`` leases: a leased fossil is invisible until acked, released or its lease
    runs out. On PostgreSQL concurrent poppers skip each other's rows (``FOR UPDATE SKIP
    LOCKED``); on SQLite the write lock serialises them. Either way no two consumers hold one
    fossil at once (until a lease expires: then it is the new holder's).

    ``push_many``, ``ack`` and ``release`` accept ``conn=`` to join a caller's write transaction.
    """

    def __init__(
        self,
        db: Database | str,
        *,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        check_lease_seconds(lease_seconds)
        self._owns_db = isinstance(db, str)
        self.db = open_database(db) if isinstance(db, str) else db
        self.lease_seconds = float(lease_seconds)
        self._clock = clock

    def push(self, fossil: Fossil) -> int:
        return self.push_many([fossil])[0]

    def push_many(self, fossils: Sequence[Fossil], *, conn: Connection | None = None) -> list[int]:
        """Append ``fossils`` in order, in one transaction; returns their ids, in order."""
        check_pushable(fossils)
        if not fossils:
            return []
        now = self._clock()
        with self._writing(conn) as c:
            if c.dialect.name == "sqlite":
                return _sqlite_insert(c, fossils, now)
            rows = [
                {
                    "data": bytes(f.data),
                    "meta": bytes(f.meta),
                    "visible_at": now,
                    "enqueued_at": now,
                    "attempts": 0,
                }
                for f in fossils
            ]
            statement = insert(t).returning(t.c.id, sort_by_parameter_order=True)
            return list(c.execute(statement, rows).scalars())

    def pop(self, n: int) -> list[Fossil]:
        """Lease up to ``n`` visible fossils, oldest first, for ``lease_seconds``."""
        check_pop_count(n)
        now = self._clock()
        lease_until = now + self.lease_seconds
        # A lease lost in a power cut only makes the fossil visible again: no fsync needed.
        with self.db.write(durable=False) as c:
            if c.dialect.name == "sqlite":
                result = c.exec_driver_sql(_SQLITE_POP, (lease_until, now, n))
            else:
                result = c.execute(self._pop_statement(n, now, lease_until))
            rows = sorted(result.fetchall(), key=_by_id)  # RETURNING promises no order
        return [Fossil(data, meta, fossil_id) for fossil_id, data, meta in rows]

    @staticmethod
    def _pop_statement(n: int, now: float, lease_until: float) -> Update:
        # The subquery's FOR UPDATE SKIP LOCKED lets concurrent poppers on PostgreSQL pass each
        # other's rows instead of waiting for them.
        oldest_visible = (
            select(t.c.id)
            .where(t.c.visible_at <= now)
            .order_by(t.c.id)
            .limit(n)
            .with_for_update(skip_locked=True)
        )
        return (
            update(t)
            .where(t.c.id.in_(oldest_visible.scalar_subquery()))
            .values(visible_at=lease_until, attempts=t.c.attempts + 1)
            .returning(t.c.id, t.c.data, t.c.meta)
        )

    def ack(self, fossils: Sequence[Fossil], *, conn: Connection | None = None) -> None:
        """Remove ``fossils`` for good. Acking a fossil that is already gone does nothing."""
        ids = queued_ids(fossils)
        if not ids:
            return
        with self._writing(conn) as c:
            if c.dialect.name == "sqlite":
                c.exec_driver_sql(_SQLITE_ACK, [(i,) for i in ids])
                return
            for chunk in _chunks(ids):
                c.execute(delete(t).where(t.c.id.in_(chunk)))

    def release(
        self,
        fossils: Sequence[Fossil],
        retry_after: float = 0.0,
        *,
        conn: Connection | None = None,
    ) -> None:
        """Give ``fossils`` back: visible again after ``retry_after`` seconds (0: at once)."""
        check_retry_after(retry_after)
        ids = queued_ids(fossils)
        if not ids:
            return
        visible_at = self._clock() + retry_after
        with self._writing(conn) as c:
            for chunk in _chunks(ids):
                c.execute(update(t).where(t.c.id.in_(chunk)).values(visible_at=visible_at))

    def depth(self) -> int:
        """Fossils not yet acked, leased or not."""
        with self.db.read() as c:
            return int(c.execute(select(func.count()).select_from(t)).scalar_one())

    def close(self) -> None:
        """Close the database if this queue opened it from a URL."""
        if self._owns_db:
            self.db.close()

    def _writing(self, conn: Connection | None) -> AbstractContextManager[Connection]:
        return nullcontext(conn) if conn is not None else self.db.write()


# The hot paths on SQLite go through the driver: SQLAlchemy's per-row work would cost more than
# SQLite's own. The scan for the oldest visible rows walks the primary key, so it is quick as
# long as few leased rows sit at the head of the queue (they are bounded by the work in flight).
_SQLITE_POP = (
    f"UPDATE {t.name} SET visible_at = ?, attempts = attempts + 1 WHERE id IN"
    f" (SELECT id FROM {t.name} WHERE visible_at <= ? ORDER BY id LIMIT ?)"
    " RETURNING id, data, meta"
)
_SQLITE_ACK = f"DELETE FROM {t.name} WHERE id = ?"
_SQLITE_INSERT = (
    f"INSERT INTO {t.name} (data, meta, visible_at, enqueued_at, attempts) VALUES (?, ?, ?, ?, 0)"
)


def _sqlite_insert(c: Connection, fossils: Sequence[Fossil], now: float) -> list[int]:
    # Inside one write transaction (the write lock is held) with AUTOINCREMENT, the rows get
    # consecutive ids ending at last_insert_rowid().
    c.exec_driver_sql(_SQLITE_INSERT, [(bytes(f.data), bytes(f.meta), now, now) for f in fossils])
    last = int(c.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
    return list(range(last - len(fossils) + 1, last + 1))


def _by_id(row: Any) -> int:
    return int(row[0])


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield list(ids[start : start + IDS_PER_STATEMENT])
