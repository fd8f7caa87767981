"""Migration 0002 (batches): a history made by the first schema keeps every proof byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from amber.core.storage import StampState, StampStore, head_revision, migration_config
from amber.core.storage.database import open_database
from amber.core.storage.migrate import current_revision
from amber.core.testing.postgres import PostgresServer

PROOFS = [bytes(range(256)) * 3, b"\x00\xce\x00proof\x00", b"\xff" * 40]


def _old_history(url: str) -> None:
    """A database at 0001 holding stamps with proofs, written as that Amber wrote them."""
    command.upgrade(migration_config(url), "0001_initial")
    engine = sa.create_engine(url)
    insert = sa.text(
        "INSERT INTO stamps (fossil_id, digest, hash_algo, name, folder, search_key, size, "
        "added_at, updated_at, state, last_error, proof, calendars, block_height, block_hash, "
        "block_time, origin) VALUES (NULL, :digest, 'sha256', :name, '', :name, NULL, 1.0, 1.0, "
        ":state, NULL, :proof, '[\"https://cal\"]', NULL, NULL, NULL, 'imported')"
    ).bindparams(
        sa.bindparam("proof", type_=sa.LargeBinary), sa.bindparam("digest", type_=sa.LargeBinary)
    )
    with engine.begin() as conn:
        for i, proof in enumerate(PROOFS):
            state = StampState.SUBMITTED if i else StampState.CONFIRMED
            conn.execute(
                insert,
                {"digest": bytes([i]) * 32, "name": f"f{i}", "state": state.value, "proof": proof},
            )
    engine.dispose()


def _check_upgraded(url: str) -> None:
    with open_database(url) as db:
        with db.read() as conn:
            assert current_revision(conn) == head_revision()
        store = StampStore(db)
        found = store.rows(store.query_ids(sort="name", descending=False))
        assert [s.proof for s in found] == PROOFS
        assert all(s.batch_id is None for s in found)
        assert [s.id for s in store.pending(batched=False)] == [found[1].id, found[2].id]
        assert store.pending_batches() == []


def test_a_sqlite_history_from_0001_upgrades_and_keeps_its_proofs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    _old_history(url)
    _check_upgraded(url)


@pytest.mark.postgres
def test_a_postgres_history_from_0001_upgrades_and_keeps_its_proofs(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.create_database()
    _old_history(url)
    _check_upgraded(url)


def test_downgrading_gives_batched_stamps_their_full_proofs_back(tmp_path: Path) -> None:
    from amber.core.storage import NewStamp, SqlFossilsQueue, SubmittedBatch

    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    with open_database(url) as db:
        store, queue = StampStore(db), SqlFossilsQueue(db)
        store.enqueue(queue, [NewStamp(b"\x01" * 32)])
        done = [(f, b"\x00prefix\x00", ("https://cal",)) for f in queue.pop(1)]
        (stamp,) = store.record_submitted(queue, done, batch=SubmittedBatch(b"r" * 32, b"\xffroot"))
    command.downgrade(migration_config(url), "0001_initial")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        proofs = conn.execute(sa.text("SELECT proof FROM stamps")).scalars().all()
    engine.dispose()
    assert proofs == [b"\x00prefix\x00\xffroot"] == [stamp.proof]
