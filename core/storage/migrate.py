"""Alembic, run programmatically: the migrations ship inside the package, no alembic.ini."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from .database import Database
from .errors import StorageError

SCRIPT_LOCATION = "amber.core.storage:migrations"
# Any constant works; it only has to be the same for every Amber process on one PostgreSQL.
_PG_MIGRATION_LOCK_KEY = 0x616D626572  # "amber"


def migration_config(url: str | None = None) -> Config:
    """An Alembic config for Amber's migrations; ``url`` is for the `alembic` command line."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(migration_config()).get_current_head()
    assert head is not None, "Amber ships at least one migration"
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(db: Database) -> None:
    """Bring ``db`` to the newest schema. Safe when several processes open one fresh database at
    once: the upgrade runs inside the write lock (SQLite) or an advisory lock (PostgreSQL)."""
    head = head_revision()
    with db.write() as conn:
        if db.dialect_name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK_KEY})")
        current = current_revision(conn)
        if current == head:
            return  # another process upgraded it while we waited for the lock
        script = ScriptDirectory.from_config(migration_config())
        known = {revision.revision for revision in script.walk_revisions()}
        if current is not None and current not in known:
            raise StorageError(
                f"the database schema {current!r} is newer than this version of Amber knows "
                f"(newest known: {head!r}); update Amber to open it"
            )
        config = migration_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
