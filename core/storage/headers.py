"""HeaderStore: a cache of block headers already checked; the only writer of ``block_headers``."""

from __future__ import annotations

from sqlalchemy import select, update

from .database import Database
from .schema import block_headers as t

HEADER_SIZE = 80
MAX_CHAIN_NAME_CHARS = 32


class HeaderStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, chain: str, height: int) -> bytes | None:
        """The raw 80-byte header at ``height`` on ``chain``, if it was stored."""
        with self.db.read() as conn:
            raw = conn.execute(
                select(t.c.raw).where(t.c.chain == chain, t.c.height == height)
            ).scalar_one_or_none()
        return None if raw is None else bytes(raw)

    def put(self, chain: str, height: int, raw: bytes) -> None:
        """Store (or replace, after a reorganisation) the header at ``height``.

        A read-only history keeps no new headers: the cache only saves a lookup next time."""
        if not chain or len(chain) > MAX_CHAIN_NAME_CHARS:
            raise ValueError(f"chain name must be 1-{MAX_CHAIN_NAME_CHARS} characters")
        if height < 0:
            raise ValueError(f"block height must be >= 0, got {height}")
        if len(raw) != HEADER_SIZE:
            raise ValueError(f"a block header is {HEADER_SIZE} bytes, got {len(raw)}")
        if self.db.read_only:
            return
        values = {"chain": chain, "height": height, "raw": bytes(raw)}
        with self.db.write() as conn:
            # Imported here: the PostgreSQL dialect costs every `amber` command ~50 ms to load.
            if self.db.dialect_name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as pg_insert

                statement = pg_insert(t).values(values)
                statement = statement.on_conflict_do_update(
                    index_elements=[t.c.chain, t.c.height], set_={"raw": statement.excluded.raw}
                )
                conn.execute(statement)
            elif self.db.dialect_name == "sqlite":
                from sqlalchemy.dialects.sqlite import insert as sqlite_insert

                lite = sqlite_insert(t).values(values)
                conn.execute(
                    lite.on_conflict_do_update(
                        index_elements=[t.c.chain, t.c.height], set_={"raw": lite.excluded.raw}
                    )
                )
            else:  # pragma: no cover - open_database only makes sqlite and postgresql engines
                changed = conn.execute(
                    update(t).where(t.c.chain == chain, t.c.height == height).values(raw=raw)
                )
                if not changed.rowcount:
                    conn.execute(t.insert().values(values))
