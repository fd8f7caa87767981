"""The tables Amber keeps. Migrations in ``migrations/versions`` create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# Float(53) is a double on every backend: epoch seconds with sub-millisecond precision.
Seconds = Float(53)

fossil_queue = Table(
    "fossil_queue",
    metadata,
    # AUTOINCREMENT: an id is never reused, so a stale fossil id can never match a newer fossil.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("data", LargeBinary, nullable=False),
    Column("meta", LargeBinary, nullable=False),
    Column("visible_at", Seconds, nullable=False),
    Column("enqueued_at", Seconds, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    sqlite_autoincrement=True,
)

# One row per batch the fossilizer submitted: the part every proof of the batch shares. A
# batched stamp's ``proof`` column holds only its own prefix (header, digest, path to the root);
# its full proof is that prefix followed by the batch's ``root_proof``.
batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("root", LargeBinary, nullable=False),
    Column("root_proof", LargeBinary, nullable=False),
    Column("created_at", Seconds, nullable=False),
    Column("updated_at", Seconds, nullable=False),
    sqlite_autoincrement=True,
)

stamps = Table(
    "stamps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fossil_id", Integer, nullable=True),
    Column("digest", LargeBinary, nullable=False),
    Column("hash_algo", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("folder", Text, nullable=False),
    Column("search_key", Text, nullable=False),  # casefolded name + folder, for search
    Column("size", BigInteger, nullable=True),
    Column("added_at", Seconds, nullable=False),
    Column("updated_at", Seconds, nullable=False),
    Column("state", String(16), nullable=False),
    Column("last_error", Text, nullable=True),
    Column("proof", LargeBinary, nullable=True),
    Column("calendars", Text, nullable=False),  # JSON list of calendar URLs
    Column("block_height", Integer, nullable=True),
    Column("block_hash", String(64), nullable=True),
    Column("block_time", BigInteger, nullable=True),
    Column("origin", String(16), nullable=False),
    Column(
        "batch_id",
        Integer,
        ForeignKey("batches.id", name="fk_stamps_batch_id"),
        nullable=True,
    ),
    sqlite_autoincrement=True,
)
Index("ix_stamps_fossil_id", stamps.c.fossil_id)
Index("ix_stamps_digest", stamps.c.digest)
Index("ix_stamps_state_added_at", stamps.c.state, stamps.c.added_at)
Index("ix_stamps_added_at", stamps.c.added_at)
Index("ix_stamps_name", stamps.c.name)
Index("ix_stamps_folder", stamps.c.folder)
Index("ix_stamps_size", stamps.c.size)
Index("ix_stamps_block_height", stamps.c.block_height)
Index("ix_stamps_batch_id_state", stamps.c.batch_id, stamps.c.state)

calendar_status = Table(
    "calendar_status",
    metadata,
    Column("url", Text, primary_key=True),
    Column("last_ok_at", Seconds, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_error_at", Seconds, nullable=True),
    Column("consecutive_failures", Integer, nullable=False, server_default="0"),
)

block_headers = Table(
    "block_headers",
    metadata,
    Column("chain", String(32), primary_key=True),
    Column("height", Integer, primary_key=True, autoincrement=False),
    Column("raw", LargeBinary, nullable=False),
)
