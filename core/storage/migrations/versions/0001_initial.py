"""The first schema: the fossil queue, the stamp history, calendar status, block headers.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

_seconds = sa.Float(53)


def upgrade() -> None:
    op.create_table(
        "fossil_queue",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("meta", sa.LargeBinary, nullable=False),
        sa.Column("visible_at", _seconds, nullable=False),
        sa.Column("enqueued_at", _seconds, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "stamps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("fossil_id", sa.Integer, nullable=True),
        sa.Column("digest", sa.LargeBinary, nullable=False),
        sa.Column("hash_algo", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("search_key", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=True),
        sa.Column("added_at", _seconds, nullable=False),
        sa.Column("updated_at", _seconds, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("proof", sa.LargeBinary, nullable=True),
        sa.Column("calendars", sa.Text, nullable=False),
        sa.Column("block_height", sa.Integer, nullable=True),
        sa.Column("block_hash", sa.String(64), nullable=True),
        sa.Column("block_time", sa.BigInteger, nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_stamps_fossil_id", "stamps", ["fossil_id"])
    op.create_index("ix_stamps_digest", "stamps", ["digest"])
    op.create_index("ix_stamps_state_added_at", "stamps", ["state", "added_at"])
    op.create_index("ix_stamps_added_at", "stamps", ["added_at"])
    op.create_index("ix_stamps_name", "stamps", ["name"])
    op.create_index("ix_stamps_folder", "stamps", ["folder"])
    op.create_index("ix_stamps_size", "stamps", ["size"])
    op.create_index("ix_stamps_block_height", "stamps", ["block_height"])
    op.create_table(
        "calendar_status",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("last_ok_at", _seconds, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("last_error_at", _seconds, nullable=True),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "block_headers",
        sa.Column("chain", sa.String(32), primary_key=True),
        sa.Column("height", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("block_headers")
    op.drop_table("calendar_status")
    op.drop_table("stamps")
    op.drop_table("fossil_queue")
