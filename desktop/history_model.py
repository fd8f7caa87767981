"""The history table: an ids-only model that loads stamp rows lazily, in pages.

Like Anki's browser table the model holds only the ordered stamp ids; rows are read from the
store a page at a time when the view asks for them, so 100,000 stamps open at once. The id list
is (re)computed off the GUI thread; events refresh just the rows they touch.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter, QPixmap

from .formatting import STATE_COLOURS, human_size, local_time, state_text, state_value, utc_time
from .tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE_SIZE = 256
ADDED_COALESCE_MS = 250
ARRIVED_COALESCE_MS = 500  # while files stream in, the table takes new rows twice a second
CACHE_ROWS = 10_000  # stamps kept in memory, least recently shown dropped first
NEWEST_FIRST_COLUMN = 4  # "Added": new stamps go on top without asking the store again
STAMP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


class StampSource(Protocol):
    """What the model needs from amber.core.storage.StampStore."""

    def query_ids(
        self,
        *,
        states: Collection[Any] | None = None,
        search: str = "",
        sort: str = "added_at",
        descending: bool = True,
    ) -> list[int]: ...

    def rows(self, ids: Sequence[int]) -> list[Any]: ...


@dataclass(frozen=True)
class Column:
    title: str
    sort_key: str
    value: Callable[[Any], str]
    tooltip: Callable[[Any], str] | None = None
    align_right: bool = False
    monospace: bool = False


def _block(stamp: Any) -> str:
    height = getattr(stamp, "block_height", None)
    return f"{height:,}" if height is not None else ""


def _folder_tip(stamp: Any) -> str:
    return f"{stamp.folder}/{stamp.name}" if stamp.folder else stamp.name


def _state_tip(stamp: Any) -> str:
    error = getattr(stamp, "last_error", None)
    text = state_text(stamp)
    return f"{text}\nLast error: {error}" if error and error not in text else text


COLUMNS: tuple[Column, ...] = (
    Column("Name", "name", lambda s: s.name or "(digest only)", _folder_tip),
    Column("Folder", "folder", lambda s: s.folder, _folder_tip),
    Column("Size", "size", lambda s: human_size(s.size), align_right=True),
    Column("SHA-256", "digest", lambda s: s.digest.hex(), lambda s: s.digest.hex(), monospace=True),
    Column("Added", "added_at", lambda s: local_time(s.added_at), lambda s: utc_time(s.added_at)),
    Column("State", "state", state_text, _state_tip),
    Column("Bitcoin block", "block_height", _block, lambda s: s.block_hash or "", True),
    Column(
        "Block time",
        "block_height",
        lambda s: local_time(s.block_time),
        lambda s: utc_time(s.block_time),
    ),
)
SHA_COLUMN = 3
STATE_COLUMN = 5
_COLUMN_COUNT = len(COLUMNS)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_ALIGNMENTS = tuple(_RIGHT if c.align_right else _LEFT for c in COLUMNS)


class _Row:
    """A stamp whose cells are formatted the first time it is shown, then only looked up.

    Thousands of stamps arrive while a folder is hashed; only the few on screen are formatted.
    """

    __slots__ = ("_texts", "stamp")

    def __init__(self, stamp: Any) -> None:
        self.stamp = stamp
        self._texts: tuple[str, ...] | None = None

    @property
    def texts(self) -> tuple[str, ...]:
        if self._texts is None:
            self._texts = tuple(c.value(self.stamp) for c in COLUMNS)
        return self._texts

    @property
    def state(self) -> str:
        return state_value(self.stamp)

    @property
    def colour(self) -> QColor:
        return _STATE_COLOURS.get(self.state, _OTHER_COLOUR)


_STATE_COLOURS = {state: QColor(colour) for state, colour in STATE_COLOURS.items()}
_OTHER_COLOUR = QColor("#8a8f98")


class HistoryModel(QAbstractTableModel):
    """Rows are stamps in the order of ``store.query_ids(...)``; cells are read lazily."""

    refreshed = Signal()  # after the id list was (re)loaded and applied

    def __init__(self, store: StampSource, reader: TaskRunner | None = None, parent: Any = None):
        super().__init__(parent)
        self._store = store
        self._reader = reader
        self._ids: list[int] = []
        # id -> position counted from the END of _ids: stays true when rows go on top
        self._from_end: dict[int, int] | None = None  # built on demand
        self._cache: OrderedDict[int, _Row] = OrderedDict()  # id -> formatted row, LRU
        self._arrived: dict[int, Any] = {}  # new stamps waiting to be inserted on top
        self._states: frozenset[str] | None = None
        self._search = ""
        self._sort_column = 4
        self._descending = True
        self._generation = 0
        self._loading = False
        self._reload_again = False
        self._dirty_ids: set[int] = set()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(50)
        self._flush_timer.timeout.connect(self._flush_dirty)
        self._added_timer = QTimer(self)
        self._added_timer.setSingleShot(True)
        self._added_timer.setInterval(ADDED_COALESCE_MS)
        self._added_timer.timeout.connect(self.reload)
        self._arrived_timer = QTimer(self)
        self._arrived_timer.setSingleShot(True)
        self._arrived_timer.setInterval(ARRIVED_COALESCE_MS)
        self._arrived_timer.timeout.connect(self._insert_arrived)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        name = QFont()
        name.setWeight(QFont.Weight.Medium)
        self._fonts = tuple(
            mono if c.monospace else name if i == 0 else None for i, c in enumerate(COLUMNS)
        )

    # --- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section].align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        # Called ~1,500 times per paint (every role of every visible cell): plain ints and
        # per-column tuples, the formatted texts cached per stamp.
        column = index.column()
        if not 0 <= column < _COLUMN_COUNT:
            return None
        if role == _DISPLAY:
            row = self._row(index.row())
            return None if row is None else row.texts[column]
        if role == _ALIGNMENT:
            return _ALIGNMENTS[column]
        if role == _FONT:
            return self._fonts[column]
        if role == _FOREGROUND:
            if column != STATE_COLUMN:
                return None
            row = self._row(index.row())
            return None if row is None else row.colour
        if role == _DECORATION:
            if column != STATE_COLUMN:
                return None
            row = self._row(index.row())
            return None if row is None else _state_dot(row.state)
        if role == STAMP_ID_ROLE:
            return self.stamp_id_at(index.row())
        if role == STATE_ROLE:
            row = self._row(index.row())
            return None if row is None else row.state
        if role == _TOOLTIP:
            stamp = self.stamp_at(index.row())
            tooltip = COLUMNS[column].tooltip
            return tooltip(stamp) if stamp is not None and tooltip is not None else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(COLUMNS)):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # --- lazily loaded rows -------------------------------------------------------------
    def stamp_at(self, row: int) -> Any | None:
        cached = self._row(row)
        return None if cached is None else cached.stamp

    def _row(self, row: int) -> _Row | None:
        if not 0 <= row < len(self._ids):
            return None
        stamp_id = self._ids[row]
        cached = self._cache.get(stamp_id)
        if cached is None:
            return self._load_page(row // PAGE_SIZE).get(stamp_id)
        self._cache.move_to_end(stamp_id)
        return cached

    def _load_page(self, page_no: int) -> dict[int, _Row]:
        """Read the rows of one page that are not cached yet (one query)."""
        ids = self._ids[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
        missing = [i for i in ids if i not in self._cache]
        try:
            stamps = self._store.rows(missing)
        except Exception:  # the store went away (closing): show blank cells, do not raise
            log.warning("could not read %d history rows", len(missing), exc_info=True)
            return {}
        return self._remember(s for s in stamps if s is not None)

    def _remember(self, stamps: Iterable[Any]) -> dict[int, _Row]:
        cache = self._cache
        added = {}
        for stamp in stamps:
            added[stamp.id] = cache[stamp.id] = _Row(stamp)
            cache.move_to_end(stamp.id)
        while len(cache) > CACHE_ROWS:
            cache.popitem(last=False)
        return added

    def stamp_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, stamp_id: int) -> int | None:
        from_end = self._index().get(stamp_id)
        return None if from_end is None else len(self._ids) - 1 - from_end

    def knows(self, stamp_id: int) -> bool:
        """Whether the stamp is a row, or about to become one."""
        return stamp_id in self._arrived or self.row_of(stamp_id) is not None

    def _index(self) -> dict[int, int]:
        if self._from_end is None:
            last = len(self._ids) - 1
            self._from_end = {stamp_id: last - row for row, stamp_id in enumerate(self._ids)}
        return self._from_end

    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    # --- filter, search, sort ----------------------------------------------------------
    def set_states(self, states: Collection[str] | None) -> None:
        self._states = frozenset(states) if states else None
        self.reload()

    def set_search(self, text: str) -> None:
        self._search = text.strip()
        self.reload()

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def descending(self) -> bool:
        return self._descending

    def _query(self) -> list[int]:
        states = _as_store_states(self._states) if self._states is not None else None
        return self._store.query_ids(
            states=states,
            search=self._search,
            sort=COLUMNS[self._sort_column].sort_key,
            descending=self._descending,
        )

    def reload(self) -> None:
        """Recompute the id list (off the GUI thread when a reader is given)."""
        if self._reader is None:
            self._generation += 1
            self._apply_ids(self._query())
            return
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        self._generation += 1
        generation = self._generation
        self._reader.submit(
            self._query,
            lambda ids: self._on_ids(generation, ids),
            lambda error: self._on_ids_failed(generation, error),
        )

    def _on_ids(self, generation: int, ids: list[int]) -> None:
        self._loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        if generation == self._generation:
            self._apply_ids(ids)

    def _on_ids_failed(self, generation: int, error: BaseException) -> None:
        self._loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _apply_ids(self, ids: list[int]) -> None:
        old = self._ids
        if ids == old:
            self.refreshed.emit()
            return
        added = len(ids) - len(old)
        if old and added > 0 and ids[added:] == old:
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._ids = ids
            self._reindex()
            self.endInsertRows()
        elif old and added > 0 and ids[: len(old)] == old:
            self.beginInsertRows(QModelIndex(), len(old), len(ids) - 1)
            self._ids = ids
            self._reindex()
            self.endInsertRows()
        else:
            self.beginResetModel()
            self._ids = ids
            self._reindex()
            self.endResetModel()
        self.refreshed.emit()

    def _reindex(self) -> None:
        self._from_end = None  # rows moved; cached stamps are still right (keyed by id)

    # --- live updates -------------------------------------------------------------------
    def stamps_changed(self, stamp_ids: Collection[int]) -> None:
        """Some stamps changed in the store: repaint their rows, coalesced every 50 ms."""
        self._dirty_ids.update(stamp_ids)
        for stamp_id in stamp_ids:
            self._cache.pop(stamp_id, None)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def invalidate_rows(self) -> None:
        """Forget every cached row; the view re-reads only the rows it shows."""
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            )

    def refresh_rows(self, first: int, last: int) -> None:
        """Re-read rows ``first..last`` (the ones on screen) off the GUI thread and repaint
        those that changed; forget the other cached rows. For changes made elsewhere (the CLI,
        another window) that no event announced."""
        ids = self._ids[max(0, first) : last + 1]
        shown = set(ids)
        for stamp_id in [i for i in self._cache if i not in shown]:
            del self._cache[stamp_id]
        if not ids:
            return
        if self._reader is None:
            self._on_fresh_rows(self._store.rows(ids))
            return
        self._reader.submit(lambda: self._store.rows(ids), self._on_fresh_rows, _ignore)

    def _on_fresh_rows(self, stamps: Sequence[Any]) -> None:
        changed = []
        for stamp in stamps:
            cached = self._cache.get(stamp.id)
            if cached is None or cached.stamp != stamp:
                changed.append(stamp.id)
        if not changed:
            return
        fresh = set(changed)
        self._remember(s for s in stamps if s.id in fresh)
        rows = sorted(r for r in (self.row_of(i) for i in changed) if r is not None)
        for first, last in _runs(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(last, _COLUMN_COUNT - 1))
        if self._order_depends_on_state():
            self.reload()

    def stamps_added(self) -> None:
        """New stamps are in the store: fetch the new id list and insert the rows.

        Coalesced: while thousands of files stream in, the list is fetched a few times a second.
        """
        if not self._added_timer.isActive():
            self._added_timer.start()

    def add_stamps(self, stamps: Sequence[Any]) -> None:
        """Stamps this window just wrote: show them without re-reading the store.

        In the default order (newest first, no filter or search) they go on top, in one insert
        every 500 ms however many arrive; any other view asks the store for its ids again.
        """
        if not stamps:
            return
        self._remember(stamps)
        if not self._newest_first_unfiltered():
            self.stamps_added()
            return
        for stamp in stamps:
            self._arrived[stamp.id] = stamp
        if not self._arrived_timer.isActive():
            self._arrived_timer.start()

    def _newest_first_unfiltered(self) -> bool:
        return (
            self._sort_column == NEWEST_FIRST_COLUMN
            and self._descending
            and self._states is None
            and not self._search
        )

    def _insert_arrived(self) -> None:
        arrived, self._arrived = self._arrived, {}
        if not self._newest_first_unfiltered():
            self.reload()
            return
        index = self._index()  # built once; inserting on top keeps it up to date
        fresh = [s for s in arrived.values() if s.id not in index]
        if not fresh:
            return
        fresh.sort(key=lambda s: (s.added_at, s.id), reverse=True)
        if self._loading:  # an id list read before these rows were written is out of date
            self._generation += 1
            self._reload_again = True
        count = len(fresh)
        base = len(self._ids)
        self.beginInsertRows(QModelIndex(), 0, count - 1)
        self._ids = [s.id for s in fresh] + self._ids
        for offset, stamp in enumerate(fresh):
            index[stamp.id] = base + count - 1 - offset
        self.endInsertRows()
        self.refreshed.emit()

    def _order_depends_on_state(self) -> bool:
        """Whether a stamp changing state can move it, or take it in or out of the view."""
        sort_key = COLUMNS[self._sort_column].sort_key
        return self._states is not None or sort_key in ("state", "block_height")

    def _flush_dirty(self) -> None:
        dirty, self._dirty_ids = self._dirty_ids, set()
        needs_requery = self._order_depends_on_state()
        rows = sorted(r for r in (self.row_of(i) for i in dirty) if r is not None)
        for first, last in _runs(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        if needs_requery:
            self.reload()


_DOTS: dict[str, QPixmap] = {}


def _state_dot(state: str) -> QPixmap:
    if state not in _DOTS:
        pixmap = QPixmap(10, 10)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(STATE_COLOURS.get(state, "#8a8f98")))
        painter.drawEllipse(1, 1, 8, 8)
        painter.end()
        _DOTS[state] = pixmap
    return _DOTS[state]


def _as_store_states(states: Collection[str]) -> list[Any]:
    try:
        from amber.core.storage import StampState
    except ImportError:  # storage not installed: plain strings compare equal to a StrEnum
        return list(states)
    return [StampState(s) for s in states if s in {m.value for m in StampState}]


def _ignore(_error: BaseException) -> None:
    """A refresh that failed changes nothing; the next one will try again."""


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Group sorted row numbers into (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


__all__ = ["COLUMNS", "STAMP_ID_ROLE", "STATE_ROLE", "HistoryModel", "StampSource"]
