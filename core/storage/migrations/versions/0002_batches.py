"""Batches: the proof part every stamp of one submitted batch shares, stored once.

Existing stamps keep their full proofs (``batch_id`` NULL), byte for byte.

Revision ID: 0002_batches
Revises: 0001_initial
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_batches"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_seconds = sa.Float(53)


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("root", sa.LargeBinary, nullable=False),
        sa.Column("root_proof", sa.LargeBinary, nullable=False),
        sa.Column("created_at", _seconds, nullable=False),
        sa.Column("updated_at", _seconds, nullable=False),
        sqlite_autoincrement=True,
    )
    # A plain ADD COLUMN, no table rebuild (which would copy every proof): SQLite takes the
    # REFERENCES clause inline, PostgreSQL gets a named constraint.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE stamps ADD COLUMN batch_id INTEGER REFERENCES batches (id)")
    else:
        op.add_column("stamps", sa.Column("batch_id", sa.Integer, nullable=True))
        op.create_foreign_key("fk_stamps_batch_id", "stamps", "batches", ["batch_id"], ["id"])
    op.create_index("ix_stamps_batch_id_state", "stamps", ["batch_id", "state"])


def downgrade() -> None:
    # Batched stamps get their full proofs back before the shared part is dropped (joined in
    # Python: SQLite's || would turn the bytes into text).
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT stamps.id, stamps.proof, batches.root_proof FROM stamps "
            "JOIN batches ON batches.id = stamps.batch_id"
        )
    ).all()
    update = sa.text("UPDATE stamps SET proof = :proof WHERE id = :id").bindparams(
        sa.bindparam("proof", type_=sa.LargeBinary)
    )
    for stamp_id, prefix, root_proof in rows:
        conn.execute(update, {"id": stamp_id, "proof": bytes(prefix) + bytes(root_proof)})
    op.drop_index("ix_stamps_batch_id_state", table_name="stamps")
    with op.batch_alter_table("stamps") as batch:
        batch.drop_column("batch_id")
    op.drop_table("batches")
