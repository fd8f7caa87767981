"""Alembic environment for Amber. Used at start-up (a connection is passed in
``config.attributes["connection"]``) and by the `alembic` command (``sqlalchemy.url``)."""

from __future__ import annotations

from alembic import context
from amber.core.storage.schema import metadata
from sqlalchemy import Connection

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from amber.core.storage.database import open_database

    db = open_database(config.get_main_option("sqlalchemy.url") or "", migrate=False)
    try:
        with db.write() as conn:
            _run(conn)
    finally:
        db.close()


def _run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
