"""The history table: an ids-only model that loads stamp rows lazily, in pages.

Like Anki's browser table the model holds only the ordered stamp ids; rows are read from the
store a page at a time when the view asks for them, so 100,000 stamps open at once. The id list
is (re)computed off the GUI thread; events refresh just the rows they touch.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
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

PAGE_SIZE = 256
ADDED_COALESCE_MS = 250
CACHE_PAGES = 40  # at most ~10,000 rows in memory
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


class HistoryModel(QAbstractTableModel):
    """Rows are stamps in the order of ``store.query_ids(...)``; cells are read lazily."""

    refreshed = Signal()  # after the id list was (re)loaded and applied

    def __init__(self, store: StampSource, reader: TaskRunner | None = None, parent: Any = None):
        super().__init__(parent)
        self._store = store
        self._reader = reader
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None  # built on demand
        self._pages: OrderedDict[int, dict[int, Any]] = OrderedDict()  # page -> {id: stamp}
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
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

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

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if not (0 <= index.column() < len(COLUMNS)):
            return None
        if role == STAMP_ID_ROLE:
            return self._ids[index.row()]
        if role not in _ROLES_WITH_DATA:
            return None
        stamp = self.stamp_at(index.row())
        if stamp is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(stamp)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(stamp) if column.tooltip else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column.monospace:
            return self._mono
        if role == STATE_ROLE:
            return state_value(stamp)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == STATE_COLUMN:
            return QColor(STATE_COLOURS.get(state_value(stamp), "#8a8f98"))
        if role == Qt.ItemDataRole.DecorationRole and index.column() == STATE_COLUMN:
            return _state_dot(state_value(stamp))
        if role == Qt.ItemDataRole.FontRole and index.column() == 0:
            font = QFont()
            font.setWeight(QFont.Weight.Medium)
            return font
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(COLUMNS)):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # --- lazily loaded rows -------------------------------------------------------------
    def stamp_at(self, row: int) -> Any | None:
        if not (0 <= row < len(self._ids)):
            return None
        stamp_id = self._ids[row]
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None or stamp_id not in page:
            page = self._load_page(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page.get(stamp_id)

    def _load_page(self, page_no: int) -> dict[int, Any]:
        ids = self._ids[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
        page = {stamp.id: stamp for stamp in self._store.rows(ids) if stamp is not None}
        self._pages[page_no] = page
        self._pages.move_to_end(page_no)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        return page

    def stamp_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, stamp_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {stamp_id: row for row, stamp_id in enumerate(self._ids)}
        return self._row_of.get(stamp_id)

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
        self._row_of = None
        self._pages.clear()  # page numbers shift when rows are inserted

    # --- live updates -------------------------------------------------------------------
    def stamps_changed(self, stamp_ids: Collection[int]) -> None:
        """Some stamps changed in the store: repaint their rows, coalesced every 50 ms."""
        self._dirty_ids.update(stamp_ids)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def invalidate_rows(self) -> None:
        """Forget every cached row; the view re-reads only the rows it shows."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            )

    def stamps_added(self) -> None:
        """New stamps are in the store: fetch the new id list and insert the rows.

        Coalesced: while thousands of files stream in, the list is fetched a few times a second.
        """
        if not self._added_timer.isActive():
            self._added_timer.start()

    def _flush_dirty(self) -> None:
        dirty, self._dirty_ids = self._dirty_ids, set()
        needs_requery = self._states is not None or COLUMNS[self._sort_column].sort_key in (
            "state",
            "block_height",
        )
        rows = sorted(r for r in (self.row_of(i) for i in dirty) if r is not None)
        for page in self._pages.values():
            for stamp_id in dirty.intersection(page):
                del page[stamp_id]
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


_ROLES_WITH_DATA = {
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ForegroundRole,
    STATE_ROLE,
}


def _as_store_states(states: Collection[str]) -> list[Any]:
    try:
        from amber.core.storage import StampState
    except ImportError:  # storage not installed: plain strings compare equal to a StrEnum
        return list(states)
    return [StampState(s) for s in states if s in {m.value for m in StampState}]


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
