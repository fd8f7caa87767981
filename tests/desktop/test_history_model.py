"""The ids-only history model over a real StampStore."""

from __future__ import annotations

from typing import Any

import pytest
from amber.core import BlockAttestation
from amber.core.storage import NewStamp, StampState
from amber.desktop.history_model import COLUMNS, STAMP_ID_ROLE, HistoryModel
from amber.desktop.tasks import TaskRunner
from PySide6.QtCore import Qt

from .history import populate


class CountingStore:
    """The real store, counting how many rows the model asked for."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.rows_requested = 0

    def query_ids(self, **kwargs: Any) -> list[int]:
        return self.store.query_ids(**kwargs)

    def rows(self, ids: Any) -> list[Any]:
        self.rows_requested += len(ids)
        return self.store.rows(ids)


def cell(model: HistoryModel, row: int, title: str) -> str:
    column = [c.title for c in COLUMNS].index(title)
    return model.data(model.index(row, column))


def test_model_passes_qtmodeltester(qtmodeltester: Any, service: Any) -> None:
    populate(service, 30)
    model = HistoryModel(service.store)
    model.reload()
    assert model.rowCount() == 30
    qtmodeltester.check(model, force_py=True)


def test_rows_load_lazily_in_pages(service: Any) -> None:
    populate(service, 300)
    store = CountingStore(service.store)
    model = HistoryModel(store)
    model.reload()
    assert model.rowCount() == 300
    assert store.rows_requested == 0  # nothing read before a cell is shown
    cell(model, 0, "Name")
    assert 0 < store.rows_requested <= 256
    before = store.rows_requested
    for row in range(50):
        cell(model, row, "State")
    assert store.rows_requested == before  # the page is cached


def test_newest_first_with_plain_words(service: Any) -> None:
    populate(service, 36)
    model = HistoryModel(service.store)
    model.reload()
    states = {cell(model, row, "State") for row in range(model.rowCount())}
    assert "Submitted — waiting for Bitcoin" in states
    assert "Confirmed in Bitcoin" in states
    assert "Queued" in states
    assert any(s.startswith("Failed: ") for s in states)
    added = [model.stamp_at(r).added_at for r in range(model.rowCount())]
    assert added == sorted(added, reverse=True)
    confirmed = next(r for r in range(36) if cell(model, r, "State") == "Confirmed in Bitcoin")
    assert cell(model, confirmed, "Bitcoin block").replace(",", "").isdigit()
    assert len(cell(model, confirmed, "SHA-256")) == 64


def test_sort_filter_and_search_go_to_the_store(service: Any) -> None:
    populate(service, 36)
    model = HistoryModel(service.store)
    model.reload()
    model.sort([c.title for c in COLUMNS].index("Name"), Qt.SortOrder.AscendingOrder)
    names = [model.stamp_at(r).name for r in range(model.rowCount())]
    assert names == sorted(names)
    model.set_states(["confirmed"])
    assert model.rowCount() > 0
    assert all(model.stamp_at(r).state is StampState.CONFIRMED for r in range(model.rowCount()))
    model.set_states(None)
    model.set_search("invoice")
    assert model.rowCount() >= 2
    assert all("Invoice" in model.stamp_at(r).name for r in range(model.rowCount()))
    digest = service.store.rows([model.stamp_id_at(0)])[0].digest.hex()
    model.set_search(digest[:10])
    assert model.rowCount() == 1


def test_an_event_repaints_only_its_row(qtbot: Any, service: Any) -> None:
    ids = populate(service, 20)
    model = HistoryModel(service.store)
    model.reload()
    target = next(i for i in ids if service.store.get(i).state is StampState.SUBMITTED)
    row = model.row_of(target)
    assert cell(model, row, "State") == "Submitted — waiting for Bitcoin"
    stamp = service.store.get(target)
    service.store.update_proof(
        target,
        stamp.proof,
        state=StampState.CONFIRMED,
        block=BlockAttestation(880_000, "00" * 32, 1_733_000_000),
    )
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=(): changes.append((a.row(), b.row())))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        model.stamps_changed([target])
    assert changes == [(row, row)]
    assert not resets
    assert cell(model, row, "State") == "Confirmed in Bitcoin"
    assert cell(model, row, "Bitcoin block") == "880,000"


def test_new_stamps_are_inserted_not_reset(qtbot: Any, service: Any) -> None:
    populate(service, 10)
    reader = TaskRunner("test-reader", 1)
    model = HistoryModel(service.store, reader)
    with qtbot.waitSignal(model.refreshed, timeout=3000):
        model.reload()
    assert model.rowCount() == 10
    first_id = model.stamp_id_at(0)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    service.stamp([NewStamp(b"\x01" * 32, b"{}", "new.txt", "/tmp", 3)])
    with qtbot.waitSignal(model.rowsInserted, timeout=3000) as blocker:
        model.stamps_added()
    assert blocker.args[1:] == [0, 0]
    assert not resets
    assert model.rowCount() == 11
    assert model.data(model.index(1, 0), STAMP_ID_ROLE) == first_id
    assert cell(model, 0, "Name") == "new.txt"


@pytest.mark.parametrize("count", [0, 1])
def test_small_histories(qtmodeltester: Any, service: Any, count: int) -> None:
    populate(service, count)
    model = HistoryModel(service.store)
    model.reload()
    qtmodeltester.check(model, force_py=True)


class QueryCountingStore(CountingStore):
    def __init__(self, store: Any) -> None:
        super().__init__(store)
        self.queries = 0

    def query_ids(self, **kwargs: Any) -> list[int]:
        self.queries += 1
        return super().query_ids(**kwargs)


def test_stamps_written_here_go_on_top_without_asking_the_store(qtbot: Any, service: Any) -> None:
    populate(service, 5)
    store = QueryCountingStore(service.store)
    model = HistoryModel(store)
    model.reload()
    queries, rows_read = store.queries, store.rows_requested
    new = service.stamp(
        [NewStamp(bytes([i]) * 32, b"{}", f"new-{i}.txt", "/tmp", i) for i in range(1, 4)]
    )
    with qtbot.waitSignal(model.rowsInserted, timeout=3000) as blocker:
        model.add_stamps(new)
    assert blocker.args[1:] == [0, 2]  # one insert of three rows, on top
    assert [cell(model, r, "Name") for r in range(3)] == ["new-3.txt", "new-2.txt", "new-1.txt"]
    assert (store.queries, store.rows_requested) == (queries, rows_read)
    assert model.row_of(new[0].id) == 2 and model.rowCount() == 8


def test_a_stamp_that_changes_before_its_row_appears_shows_its_new_state(
    qtbot: Any, service: Any
) -> None:
    model = HistoryModel(service.store)
    model.reload()
    (stamp,) = service.stamp([NewStamp(b"\x07" * 32, b"{}", "early.txt", "/tmp", 1)])
    model.add_stamps([stamp])
    assert model.knows(stamp.id)
    service.store.update_proof(stamp.id, b"proof", state=StampState.FAILED, error="refused")
    model.stamps_changed([stamp.id])  # the event arrives before the insert
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert cell(model, 0, "State") == "Failed: refused"


def test_a_change_made_elsewhere_repaints_only_the_rows_that_changed(
    qtbot: Any, service: Any
) -> None:
    ids = populate(service, 12)
    reader = TaskRunner("test-reader", 1)
    model = HistoryModel(service.store, reader)
    with qtbot.waitSignal(model.refreshed, timeout=3000):
        model.reload()
    for row in range(model.rowCount()):
        cell(model, row, "State")  # on screen: cached
    target = next(i for i in ids if service.store.get(i).state is StampState.SUBMITTED)
    stamp = service.store.get(target)
    service.store.update_proof(  # as `amber upgrade` in another process would
        target, stamp.proof, state=StampState.CONFIRMED, block=BlockAttestation(1, "00" * 32, 1)
    )
    with qtbot.waitSignal(model.dataChanged, timeout=3000) as blocker:
        model.refresh_rows(0, model.rowCount() - 1)
    row = model.row_of(target)
    assert (blocker.args[0].row(), blocker.args[1].row()) == (row, row)
    assert cell(model, row, "State") == "Confirmed in Bitcoin"
