from __future__ import annotations

import pytest
from amber.core.fossilizer import BlockAttestation, Fossil
from amber.core.storage import (
    Database,
    NewStamp,
    NotFoundError,
    SqlFossilsQueue,
    StampState,
    StampStore,
)
from amber.core.testing.conformance import FakeClock

D1, D2, D3 = (bytes([n]) * 32 for n in (0xA1, 0xB2, 0xC3))
BLOCK = BlockAttestation(height=358391, block_hash="00" * 32, time=1432827678)


def _enqueue(store: StampStore, queue: SqlFossilsQueue, *items: NewStamp) -> list:
    return store.enqueue(queue, list(items))


def test_enqueue_queues_a_fossil_and_records_a_stamp_per_item(
    store: StampStore, queue: SqlFossilsQueue, clock: FakeClock
) -> None:
    stamps = _enqueue(
        store,
        queue,
        NewStamp(D1, b'{"n": 1}', "report.pdf", "/home/ann/docs", 1234),
        NewStamp(D2, name="b.txt"),
    )
    assert [s.state for s in stamps] == [StampState.QUEUED] * 2
    assert stamps[0].name == "report.pdf" and stamps[0].size == 1234
    assert stamps[0].digest_hex == D1.hex() and stamps[0].hash_algo == "sha256"
    assert stamps[0].added_at == clock() and stamps[0].origin == "amber"
    fossils = queue.pop(10)
    assert [(f.id, f.data, f.meta) for f in fossils] == [
        (stamps[0].fossil_id, D1, b'{"n": 1}'),
        (stamps[1].fossil_id, D2, b""),
    ]
    assert store.by_fossil_id(fossils[1].id or 0) == stamps[1]
    assert store.get(stamps[0].id) == stamps[0]


def test_enqueue_is_one_transaction(
    store: StampStore, queue: SqlFossilsQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    import amber.core.storage.stamps as stamps_module

    def fail(**_: object) -> dict:
        raise RuntimeError("disk full")

    monkeypatch.setattr(stamps_module, "_new_row", fail)
    with pytest.raises(RuntimeError):
        _enqueue(store, queue, NewStamp(D1))
    assert queue.depth() == 0, "the fossil push was rolled back with the stamps"


def test_enqueue_refuses_digests_of_the_wrong_size(
    store: StampStore, queue: SqlFossilsQueue
) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        _enqueue(store, queue, NewStamp(b"short"))
    assert queue.depth() == 0


def test_record_submitted_records_once_and_acks(
    store: StampStore, queue: SqlFossilsQueue, clock: FakeClock
) -> None:
    first, second = _enqueue(store, queue, NewStamp(D1), NewStamp(D2))
    fossils = queue.pop(2)
    clock.advance(5)
    done = [(f, b"proof-" + f.data[:1], ("https://a.example",)) for f in fossils]
    changed = store.record_submitted(queue, done)
    assert [s.id for s in changed] == [first.id, second.id]
    assert changed[0].state is StampState.SUBMITTED
    assert changed[0].proof == b"proof-" + D1[:1]
    assert changed[0].calendars == ("https://a.example",)
    assert changed[0].updated_at == first.added_at + 5
    assert queue.depth() == 0, "the fossils were acked in the same transaction"
    assert store.record_submitted(queue, done) == [], "a second submission changes nothing"
    assert store.pending() == changed


def test_record_failure_keeps_the_stamp_queued_with_the_reason(
    store: StampStore, queue: SqlFossilsQueue
) -> None:
    (stamp,) = _enqueue(store, queue, NewStamp(D1))
    store.record_failure([stamp.fossil_id or 0], "all calendars down")
    again = store.get(stamp.id)
    assert again is not None
    assert again.state is StampState.QUEUED and again.last_error == "all calendars down"
    store.record_failure([], "nothing")  # a no-op


def test_imported_stamps_and_proof_updates(store: StampStore) -> None:
    imported = store.add_imported(
        digest=D3[:20],
        hash_algo="sha1",
        proof=b"ots",
        name="old.ots",
        state=StampState.CONFIRMED,
        calendars=("https://b.example",),
        block=BLOCK,
    )
    assert imported.origin == "imported" and imported.fossil_id is None
    assert imported.block == BLOCK and imported.calendars == ("https://b.example",)
    with pytest.raises(ValueError, match="unknown hash algorithm"):
        store.add_imported(digest=D1, hash_algo="md5", proof=b"", state=StampState.SUBMITTED)

    pending = store.add_imported(
        digest=D1, hash_algo="sha256", proof=b"p1", state=StampState.SUBMITTED
    )
    failed = store.update_proof(pending.id, b"p1", error="calendar unreachable")
    assert failed.last_error == "calendar unreachable" and failed.state is StampState.SUBMITTED
    confirmed = store.update_proof(pending.id, b"p2", state=StampState.CONFIRMED, block=BLOCK)
    assert confirmed.proof == b"p2" and confirmed.state is StampState.CONFIRMED
    assert confirmed.block == BLOCK and confirmed.last_error is None
    with pytest.raises(NotFoundError):
        store.update_proof(10**9, b"p")


def test_find_by_digest_rows_and_counts(store: StampStore, queue: SqlFossilsQueue) -> None:
    a, _, c = _enqueue(store, queue, NewStamp(D1), NewStamp(D2), NewStamp(D1, name="copy"))
    assert [s.id for s in store.find_by_digest(D1)] == [a.id, c.id]
    assert store.find_by_digest(D3) == []
    assert [s.id for s in store.rows([c.id, 10**9, a.id])] == [c.id, a.id]
    store.record_submitted(queue, [(queue.pop(1)[0], b"p", ())])
    assert store.counts() == {
        StampState.QUEUED: 2,
        StampState.SUBMITTED: 1,
        StampState.CONFIRMED: 0,
        StampState.FAILED: 0,
    }
    assert store.get(10**9) is None and store.by_fossil_id(10**9) is None


def _digest(prefix_hex: str) -> bytes:
    return bytes.fromhex(prefix_hex.ljust(64, "0"))


@pytest.fixture
def catalogue(store: StampStore, queue: SqlFossilsQueue, clock: FakeClock) -> dict[str, int]:
    ids = {}
    items = {
        "report": NewStamp(_digest("abcd"), name="Report.PDF", folder="/Docs", size=30),
        "resume": NewStamp(_digest("abce"), name="Résumé.odt", folder="/CV", size=10),
        "photo": NewStamp(_digest("ff" * 32), name="photo_1%.jpg", folder="/Pics", size=20),
    }
    for key, item in items.items():
        (stamp,) = store.enqueue(queue, [item])
        ids[key] = stamp.id
        clock.advance(1)
    return ids


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("report", {"report"}),
        ("RÉSUMÉ", {"resume"}),
        ("docs", {"report"}),
        ("/", {"report", "resume", "photo"}),
        ("1%", {"photo"}),
        ("_", {"photo"}),
        ("abc", {"report", "resume"}),
        ("ABCD", {"report"}),
        ("abcd0", {"report"}),
        ("ff", {"photo"}),
        ("fff", {"photo"}),
        ("0", set()),
        ("nothing", set()),
        ("  ", {"report", "resume", "photo"}),
    ],
)
def test_search_by_name_folder_or_digest_prefix(
    store: StampStore, catalogue: dict[str, int], search: str, expected: set[str]
) -> None:
    found = set(store.query_ids(search=search))
    assert found == {catalogue[k] for k in expected}


def test_query_sorts_filters_and_breaks_ties_by_id(
    store: StampStore, queue: SqlFossilsQueue, catalogue: dict[str, int]
) -> None:
    r, c, p = catalogue["report"], catalogue["resume"], catalogue["photo"]
    assert store.query_ids() == [p, c, r], "newest first by default"
    assert store.query_ids(sort="added_at", descending=False) == [r, c, p]
    assert store.query_ids(sort="size", descending=False) == [c, p, r]
    assert store.query_ids(sort="digest", descending=False) == [r, c, p]
    assert store.query_ids(sort="name", descending=False) == [r, c, p]
    assert store.query_ids(sort="state") == [p, c, r]
    store.record_submitted(queue, [(queue.pop(1)[0], b"p", ())])
    assert store.query_ids(states={StampState.SUBMITTED}) == [r]
    assert store.query_ids(states={StampState.QUEUED}, search="o") == [p, c]
    assert store.query_ids(states=set()) == []
    with pytest.raises(ValueError, match="cannot sort by"):
        store.query_ids(sort="proof")
    with pytest.raises(ValueError, match="longer than"):
        store.query_ids(search="x" * 10_000)


def test_calendar_status_counts_consecutive_failures(store: StampStore, clock: FakeClock) -> None:
    store.record_calendar_result("https://a.example", ok=False, error="timeout")
    clock.advance(1)
    store.record_calendar_result("https://a.example", ok=False, error="503")
    store.record_calendar_result("https://b.example", ok=True)
    a, b = store.calendar_statuses()
    assert (a.url, a.consecutive_failures, a.last_error, a.last_ok_at) == (
        "https://a.example",
        2,
        "503",
        None,
    )
    assert b.last_ok_at == clock() and b.consecutive_failures == 0
    store.record_calendar_result("https://a.example", ok=True)
    assert store.calendar_statuses()[0].consecutive_failures == 0
    assert store.calendar_statuses()[0].last_error == "503", "the last error stays visible"


def test_one_database_serves_both_stores(db: Database) -> None:
    store, queue = StampStore(db), SqlFossilsQueue(db)
    (stamp,) = store.enqueue(queue, [NewStamp(D1)])
    assert queue.pop(1) == [Fossil(D1, b"", stamp.fossil_id)]


def test_a_hundred_thousand_stamps_query_fast(sqlite_url: str) -> None:
    import time

    from amber.core.storage import open_database
    from amber.core.storage.stamps import Origin, _new_row

    with open_database(sqlite_url) as db:
        rows = [
            _new_row(
                digest=i.to_bytes(32, "big"),
                hash_algo="sha256",
                name=f"file-{i}.txt",
                folder=f"/data/{i % 100}",
                size=i,
                now=float(i),
                state=StampState.SUBMITTED if i % 3 else StampState.CONFIRMED,
                origin=Origin.AMBER,
                fossil_id=None,
            )
            for i in range(100_000)
        ]
        columns = list(rows[0])
        insert = (
            f"INSERT INTO stamps ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        with db.write() as conn:  # through the driver: SQLAlchemy's executemany is slower
            conn.exec_driver_sql(insert, [tuple(row[c] for c in columns) for row in rows])
        store = StampStore(db)
        began = time.perf_counter()
        assert len(store.query_ids()) == 100_000
        assert len(store.query_ids(states={StampState.CONFIRMED}, sort="name")) == 33_334
        assert len(store.query_ids(search="file-9999")) == 11
        assert store.query_ids(search=(99_999).to_bytes(32, "big").hex()) == [100_000]  # id = i + 1
        page = store.rows(store.query_ids(sort="size")[:200])
        assert [s.size for s in page[:2]] == [99_999, 99_998]
        assert store.counts()[StampState.CONFIRMED] == 33_334
        elapsed = time.perf_counter() - began
        assert elapsed < 3.0, f"browsing the history took {elapsed:.2f}s"
