"""The main window: drop files, watch the history, export and verify proofs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from . import export as export_ops
from .formatting import local_time, relative_time
from .gui_exporter import ExporterThread, GuiExporter
from .hashing import HashedFile, HashProgress
from .history_model import SHA_COLUMN, STAMP_ID_ROLE, HistoryModel
from .intake import Intake, IntakeReport
from .resources import app_icon
from .service_api import ServiceLike, new_stamp
from .status import StatusSnapshot, take_snapshot
from .style import STYLE_SHEET
from .tasks import TaskRunner
from .widgets import Banner, ElideLeftDelegate, EmptyHistoryPage, HistoryView, ProgressPanel

log = logging.getLogger(__name__)

STATUS_INTERVAL_MS = 2000
STATE_FILTERS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("All stamps", None),
    ("Waiting (queued or submitted)", ("queued", "submitted")),
    ("Queued", ("queued",)),
    ("Submitted — waiting for Bitcoin", ("submitted",)),
    ("Confirmed", ("confirmed",)),
    ("Failed", ("failed",)),
)


def _paths_from_mime(urls: Sequence[QUrl]) -> list[Path]:
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile() and url.toLocalFile()]


class MainWindow(QMainWindow):
    """Everything the user sees. Reads from ``service.store``; writes go through ``writer``."""

    def __init__(
        self,
        service: ServiceLike,
        *,
        start_exporter: bool = True,
        status_interval_ms: int = STATUS_INTERVAL_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(_window_title(service))
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setStyleSheet(STYLE_SHEET)
        self.resize(1180, 720)
        self._closed = False
        self._busy_count = 0  # long actions running (export, import, upgrade, copy)

        self.writer = TaskRunner("amber-db-writer", 1, self)  # the one thread that writes
        self.reader = TaskRunner("amber-reader", 2, self)  # id lists, status, verify, export
        self.model = HistoryModel(service.store, self.reader, self)
        self.intake = Intake(
            lookup=service.store.find_by_digest_many,
            stamp_files=self._stamp_files,
            writer=self.writer,
            parent=self,
        )
        self.exporter = GuiExporter(self)
        self.exporter.connect_gui(self.on_event)
        self.exporter_thread = ExporterThread(service.adapter, self.exporter)
        self.last_status: StatusSnapshot | None = None
        self._known_counts: dict[str, int] | None = None
        self._expected_total = 0  # stamps in the store, counting the ones this window wrote
        self._status_in_flight = False

        self._build_actions()
        self._build_ui()
        self._connect()
        self._restore_settings()

        self.model.reload()
        if start_exporter:
            self.exporter_thread.start()
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(status_interval_ms)
        self.status_timer.timeout.connect(self.refresh_status)
        self.status_timer.start()
        QTimer.singleShot(0, self.refresh_status)

    # --- construction ----------------------------------------------------------------------
    def _action(
        self, text: str, slot: Callable[[], object], shortcut: Any = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.add_files_action = self._action(
            "Add files…", self.choose_files, key.Open, "Timestamp files"
        )
        self.add_folder_action = self._action(
            "Add folder…", self.choose_folder, "Ctrl+Shift+O", "Timestamp every file in a folder"
        )
        self.verify_action = self._action(
            "Verify…", self.open_verify, "Ctrl+Shift+V", "Check a proof (.ots) or a file"
        )
        self.import_action = self._action(
            "Import proof…", self.import_proof, "Ctrl+I", "Add a proof made elsewhere"
        )
        self.export_action = self._action(
            "Export proofs…", self.export_selected, "Ctrl+E", "Save the selected proofs"
        )
        self.export_beside_action = self._action(
            "Export beside originals",
            self.export_beside,
            "Ctrl+Shift+E",
            "Save each selected proof next to its file",
        )
        self.export_zip_action = self._action(
            "Export all as zip…", self.export_zip, None, "Save every proof into one zip file"
        )
        self.details_action = self._action(
            "Details", self.open_details, "Ctrl+D", "Show the proof of the selected stamp"
        )
        self.upgrade_action = self._action(
            "Upgrade now", self.upgrade_now, "Ctrl+U", "Ask the calendars for Bitcoin proofs now"
        )
        self.settings_action = self._action(
            "Settings…", self.open_settings, key.Preferences, "Calendars, header sources, folder"
        )
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.find_action = self._action("Find", self.focus_search, key.Find)
        self.refresh_action = self._action("Refresh", self.refresh_all, key.Refresh)
        self.cancel_action = self._action("Cancel fingerprinting", self.intake.cancel, "Esc")
        self.quit_action = self._action("Quit", self.close, key.Quit)
        self.about_action = self._action("About Amber", self.show_about)
        self.open_folder_action = self._action(
            "Open containing folder", self.open_folder, None, "Show the original file"
        )
        self.copy_hash_action = self._action(
            "Copy SHA-256", self.copy_hash, "Ctrl+Shift+C", "Copy the fingerprint"
        )

    def _build_ui(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for action in (
            self.add_files_action,
            self.add_folder_action,
            None,
            self.import_action,
            self.export_action,
            self.export_beside_action,
            self.export_zip_action,
            None,
            self.quit_action,
        ):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        stamp_menu = menu.addMenu("&Stamps")
        for action in (
            self.details_action,
            self.verify_action,
            self.upgrade_action,
            None,
            self.copy_hash_action,
            self.open_folder_action,
            None,
            self.find_action,
            self.refresh_action,
        ):
            stamp_menu.addSeparator() if action is None else stamp_menu.addAction(action)
        menu.addMenu("&Settings").addAction(self.settings_action)
        menu.addMenu("&Help").addAction(self.about_action)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.add_files_action,
            self.add_folder_action,
            None,
            self.verify_action,
            self.import_action,
            self.export_action,
            self.details_action,
        ):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("stateFilter")
        for label, _states in STATE_FILTERS:
            self.filter_box.addItem(label)
        self.filter_box.setToolTip("Show only stamps in this state")
        toolbar.addWidget(self.filter_box)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("search")
        self.search_field.setPlaceholderText("Search name, folder or SHA-256…")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(260)
        toolbar.addWidget(self.search_field)
        self.addToolBar(toolbar)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.stack = QStackedWidget()
        self.empty_page = EmptyHistoryPage()
        self.table = HistoryView()
        self.table.setObjectName("history")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSortIndicator(
            self.model.sort_column,
            Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder,
        )
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        metrics = self.table.fontMetrics()
        samples = (
            "Employment contract v2.pdf",
            "",
            "999.9 MB",
            "01234567…89abcdef",
            "2024-12-03 15:26",
            "Submitted — waiting for Bitcoin",
            "Bitcoin block",
            "2024-12-03 15:26",
        )
        for column, sample in enumerate(samples):
            header.resizeSection(column, max(80, metrics.horizontalAdvance(sample) + 36))
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._folder_delegate = ElideLeftDelegate(self.table)
        self.table.setItemDelegateForColumn(1, self._folder_delegate)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (
            self.details_action,
            self.export_action,
            self.export_beside_action,
            self.copy_hash_action,
            self.open_folder_action,
            self.upgrade_action,
        ):
            self.table.addAction(action)
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)
        self.progress_panel = ProgressPanel()
        self.progress_panel.hide()
        layout.addWidget(self.progress_panel)
        self.setCentralWidget(central)

        status = self.statusBar()
        self.busy_bar = QProgressBar()  # shown while export, import or upgrade run
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        status.addWidget(self.busy_bar)
        self.count_label = QLabel("Opening history…")
        self.queue_label = QLabel()
        self.calendar_label = QLabel()
        self.upgrade_label = QLabel()
        self.offline_label = QLabel()
        self.offline_label.setObjectName("offlineBadge")
        self.offline_label.hide()
        for widget in (
            self.count_label,
            self.queue_label,
            self.calendar_label,
            self.upgrade_label,
            self.offline_label,
        ):
            status.addPermanentWidget(widget)

    def _connect(self) -> None:
        self.empty_page.add_files.connect(self.choose_files)
        self.empty_page.add_folder.connect(self.choose_folder)
        self.filter_box.currentIndexChanged.connect(self._on_filter)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(lambda: self.model.set_search(self.search_field.text()))
        self.search_field.textChanged.connect(lambda _text: self._search_timer.start())
        self.model.refreshed.connect(self._update_page)
        self.model.modelReset.connect(self._update_page)
        self.model.rowsInserted.connect(self._update_page)
        self.table.activated.connect(lambda _index: self.open_details())  # Enter, double-click
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.intake.progress.connect(self._on_progress)
        self.intake.busy_changed.connect(self._on_intake_busy)
        self.intake.stamped.connect(self._on_stamped)
        self.intake.finished.connect(self._on_intake_finished)
        self.progress_panel.cancel_requested.connect(self.intake.cancel)
        self.banner.accepted.connect(self._on_banner_accepted)
        self._banner_files: list[HashedFile] = []
        self._update_actions()

    # --- drag and drop ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _paths_from_mime(event.mimeData().urls()):
            event.acceptProposedAction()
            self.stack.setProperty("dropping", True)
            self._repolish(self.stack)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: Any) -> None:
        self.stack.setProperty("dropping", False)
        self._repolish(self.stack)

    def dropEvent(self, event: QDropEvent) -> None:
        self.stack.setProperty("dropping", False)
        self._repolish(self.stack)
        paths = _paths_from_mime(event.mimeData().urls())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_paths(paths)

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    # --- adding files -------------------------------------------------------------------
    def add_paths(self, paths: Sequence[Path]) -> None:
        self.banner.hide()
        self.intake.add_paths(list(paths))

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Timestamp files", self._last_dir())
        if files:
            self._remember_dir(Path(files[0]).parent)
            self.add_paths([Path(f) for f in files])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Timestamp a folder", self._last_dir())
        if folder:
            self._remember_dir(Path(folder))
            self.add_paths([Path(folder)])

    def _stamp_files(self, files: Sequence[HashedFile]) -> list[Any]:
        """Runs on the writer thread."""
        items = [new_stamp(f.path, f.digest, f.size) for f in files]
        return self.service.stamp(items)

    def _on_progress(self, progress: HashProgress) -> None:
        self.progress_panel.show_progress(progress, self.intake.queued_drops)

    def _on_intake_busy(self, busy: bool) -> None:
        self.progress_panel.setVisible(busy)
        if busy:
            self.progress_panel.show_progress(HashProgress(0, 0, 0, 0, scanning=True))

    def _on_stamped(self, stamps: list[Any]) -> None:
        self._expected_total += len(stamps)
        self.model.add_stamps(stamps)
        self._schedule_status()

    def _on_intake_finished(self, report: IntakeReport) -> None:
        parts = []
        if report.stamped:
            parts.append(f"{report.stamped:,} file(s) added and queued for timestamping")
        if report.cancelled:
            parts.append("fingerprinting was cancelled")
        if report.failures:
            parts.append(f"{len(report.failures):,} could not be read")
        if parts:
            self.statusBar().showMessage("; ".join(parts).capitalize() + ".", 8000)
        if report.duplicates:
            self._offer_restamp(report.duplicates)
        elif report.failures or report.write_errors:
            lines = [f"{f.path.name}: {f.reason}" for f in report.failures[:5]]
            lines += [f"could not save: {e}" for e in report.write_errors[:3]]
            more = len(report.failures) - 5
            if more > 0:
                lines.append(f"and {more:,} more")
            self.banner.show_message(
                "Some files were not timestamped — " + "; ".join(lines), None, "warning"
            )

    def _offer_restamp(self, files: list[HashedFile]) -> None:
        self._banner_files = files
        first = files[0]
        earliest = min(first.already, key=lambda s: s.added_at)
        when = local_time(earliest.added_at)
        if len(files) == 1:
            text = f"“{first.name}” is already stamped (added on {when}); it was not stamped again."
        else:
            text = (
                f"{len(files):,} files are already in your history (for example “{first.name}”, "
                f"stamped on {when}); they were not stamped again."
            )
        self.banner.show_message(text, "Stamp again", "info")

    def _on_banner_accepted(self) -> None:
        files, self._banner_files = self._banner_files, []
        self.intake.stamp_anyway(files)

    # --- events from the fossilizer (GUI thread, via the exporter) ----------------------
    def on_event(self, event: Any) -> None:
        result = getattr(event, "data", None)
        evidence = getattr(result, "evidence", None)
        extra = getattr(evidence, "extra", None) or {}
        stamp_id = extra.get("stamp_id")
        if isinstance(stamp_id, int):
            if not self.model.knows(stamp_id):
                self.model.stamps_added()
            self.model.stamps_changed([stamp_id])
        else:
            self.model.invalidate_rows()
        self._schedule_status()

    def _schedule_status(self) -> None:
        if not hasattr(self, "_status_soon"):
            self._status_soon = QTimer(self)
            self._status_soon.setSingleShot(True)
            self._status_soon.setInterval(250)
            self._status_soon.timeout.connect(self.refresh_status)
        if not self._status_soon.isActive():
            self._status_soon.start()

    # --- status bar ---------------------------------------------------------------------
    def refresh_status(self) -> None:
        if self._status_in_flight or self._closed:
            return
        self._status_in_flight = True
        service = self.service
        self.reader.submit(lambda: take_snapshot(service), self._on_status, self._on_status_failed)

    def _on_status_failed(self, error: BaseException) -> None:
        self._status_in_flight = False
        log.warning("status refresh failed: %s", error)

    def _on_status(self, snap: StatusSnapshot) -> None:
        self._status_in_flight = False
        self.last_status = snap
        total = sum(snap.counts.values())
        confirmed = snap.counts.get("confirmed", 0)
        self.count_label.setText(f"{total:,} stamps · {confirmed:,} confirmed")
        self.queue_label.setText(
            "Queue empty" if snap.queue_depth == 0 else f"{snap.queue_depth:,} in queue"
        )
        self.calendar_label.setText(snap.calendar_text)
        self.calendar_label.setToolTip(snap.calendar_details)
        if snap.pending and snap.next_upgrade_at is not None:
            self.upgrade_label.setText(
                "Next Bitcoin check " + relative_time(snap.next_upgrade_at - time.time())
            )
        else:
            self.upgrade_label.setText("")
        self.upgrade_label.setVisible(bool(self.upgrade_label.text()))
        self.offline_label.setVisible(snap.offline)
        self.offline_label.setText("Offline — stamps wait in the queue")
        if self._known_counts is not None:
            # another process (the CLI, a second window) may have changed the history
            own = self._expected_total - sum(self._known_counts.values())
            only_ours = {**self._known_counts, "queued": self._known_counts.get("queued", 0) + own}
            if total != self._expected_total:
                self.model.stamps_added()
            if snap.counts != only_ours:
                self.refresh_shown_rows()
        self._known_counts = dict(snap.counts)
        self._expected_total = total

    # --- filter, search, selection ------------------------------------------------------
    def _on_filter(self, index: int) -> None:
        self.model.set_states(STATE_FILTERS[index][1])

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def refresh_all(self) -> None:
        self.model.reload()
        self.model.invalidate_rows()
        self.refresh_status()

    def refresh_shown_rows(self) -> None:
        """Re-read the rows on screen (off the GUI thread); repaint the ones that changed."""
        first = self.table.rowAt(0)
        if first < 0:
            return
        last = self.table.rowAt(self.table.viewport().height() - 1)
        self.model.refresh_rows(first, last if last >= 0 else self.model.rowCount() - 1)

    def _update_page(self, *_args: Any) -> None:
        filtered = bool(self.search_field.text().strip()) or self.filter_box.currentIndex() > 0
        has_rows = self.model.rowCount() > 0
        self.stack.setCurrentWidget(self.table if has_rows or filtered else self.empty_page)
        self._update_actions()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [i for i in (self.model.stamp_id_at(r) for r in rows) if i is not None]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row()):
            return self.model.data(index, STAMP_ID_ROLE)
        ids = self.selected_ids()
        return ids[0] if ids else None

    def select_ids(self, ids: Sequence[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for stamp_id in ids:
            row = self.model.row_of(stamp_id)
            if row is not None:
                selection.select(self.model.index(row, 0), flags)

    def _update_actions(self, *_args: Any) -> None:
        has_selection = self.table.selectionModel().hasSelection()
        for action in (
            self.export_action,
            self.export_beside_action,
            self.details_action,
            self.copy_hash_action,
            self.open_folder_action,
        ):
            action.setEnabled(has_selection)
        self.export_zip_action.setEnabled(self.model.rowCount() > 0)

    def copy_hash(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        store = self.service.store
        self._busy("Reading fingerprints…")
        self.reader.submit(
            lambda: [s.digest.hex() for s in store.rows(ids)],
            self._on_hashes_read,
            lambda error: self._failed("Copy failed", error),
        )

    def _on_hashes_read(self, hashes: list[str]) -> None:
        from PySide6.QtWidgets import QApplication

        self._idle()
        QApplication.clipboard().setText("\n".join(hashes))
        self.statusBar().showMessage(f"Copied {len(hashes):,} SHA-256 fingerprint(s).", 4000)

    def open_folder(self) -> None:
        stamp_id = self.current_id()
        stamp = self.service.store.get(stamp_id) if stamp_id is not None else None
        if stamp is not None and stamp.folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(stamp.folder))

    # --- dialogs and long work ----------------------------------------------------------
    def open_details(self) -> None:
        from .details_dialog import DetailsDialog

        stamp_id = self.current_id()
        if stamp_id is None:
            return
        stamp = self.service.store.get(stamp_id)
        if stamp is None:
            return
        dialog = DetailsDialog(stamp, self)
        dialog.export_requested.connect(lambda: self.export_selected([stamp_id]))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.details_dialog = dialog

    def open_verify(self, paths: Sequence[Path] = ()) -> Any:
        from .verify_dialog import VerifyDialog

        dialog = VerifyDialog(self.service, self.reader, self.writer, self)
        dialog.history_changed.connect(self.model.stamps_added)
        dialog.history_changed.connect(self.model.invalidate_rows)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        if paths:
            dialog.add_paths(list(paths))
        self.verify_dialog = dialog
        return dialog

    def open_settings(self) -> Any:
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.service.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.settings_dialog = dialog
        return dialog

    def import_proof(self) -> None:
        proofs, _ = QFileDialog.getOpenFileNames(
            self, "Import proofs", self._last_dir(), "OpenTimestamps proofs (*.ots);;All files (*)"
        )
        if proofs:
            self.import_paths([Path(p) for p in proofs])

    def import_paths(self, proofs: Sequence[Path]) -> None:
        service = self.service
        self._busy("Importing proofs…")
        self.writer.submit(
            lambda: export_ops.import_proofs(service, proofs),
            self._on_imported,
            lambda error: self._failed("Import failed", error),
        )

    def _on_imported(self, outcome: export_ops.ImportOutcome) -> None:
        self._idle()
        self.model.stamps_added()
        self.refresh_status()
        message = f"Imported {len(outcome.stamps)} proof(s)."
        if outcome.errors:
            message += " Not imported: " + "; ".join(outcome.errors[:5])
            self.banner.show_message(message, None, "warning")
        self.statusBar().showMessage(message, 8000)

    def export_selected(self, ids: Sequence[int] | None = None) -> None:
        ids = list(ids) if ids is not None else self.selected_ids()
        if not ids:
            return
        folder = QFileDialog.getExistingDirectory(
            self, f"Save {len(ids)} proof(s) into folder", self._last_dir()
        )
        if folder:
            self._remember_dir(Path(folder))
            self.export_to(ids, Path(folder))

    def export_beside(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.export_to(ids, None)

    def export_zip(self) -> None:
        ids = self.selected_ids() or self.model.ids
        if not ids:
            return
        target, _ = QFileDialog.getSaveFileName(
            self,
            "Save proofs as zip",
            str(Path(self._last_dir()) / "amber-proofs.zip"),
            "Zip archive (*.zip)",
        )
        if target:
            self.export_zip_to(ids, Path(target))

    def export_to(self, ids: Sequence[int], folder: Path | None) -> None:
        service = self.service
        self._busy("Exporting proofs…")
        self.reader.submit(
            lambda: export_ops.export_proofs(service, ids, folder),
            self._on_exported,
            lambda error: self._failed("Export failed", error),
        )

    def export_zip_to(self, ids: Sequence[int], target: Path) -> None:
        store = self.service.store
        self._busy("Writing zip…")
        self.reader.submit(
            lambda: export_ops.export_zip(store, ids, target),
            self._on_exported,
            lambda error: self._failed("Export failed", error),
        )

    def _on_exported(self, outcome: export_ops.ExportOutcome) -> None:
        self._idle()
        self.last_export = outcome
        message = outcome.summary()
        if outcome.skipped:
            self.banner.show_message(message, None, "warning")
        self.statusBar().showMessage(message, 10000)

    def upgrade_now(self) -> None:
        service = self.service
        self._busy("Asking the calendars for Bitcoin proofs…")
        self.reader.submit(
            lambda: export_ops.upgrade_now(service),
            self._on_upgraded,
            lambda error: self._failed("Upgrade failed", error),
        )

    def _on_upgraded(self, summary: str) -> None:
        self._idle()
        self.model.invalidate_rows()
        self.statusBar().showMessage(summary, 10000)
        self.refresh_status()

    def _busy(self, text: str) -> None:
        self._busy_count += 1
        self.busy_bar.setToolTip(text)
        self.busy_bar.show()
        self.statusBar().showMessage(text)
        self.setCursor(Qt.CursorShape.BusyCursor)

    def _idle(self) -> None:
        self._busy_count = max(0, self._busy_count - 1)
        if self._busy_count:
            return
        self.busy_bar.hide()
        self.unsetCursor()
        self.statusBar().clearMessage()

    def _failed(self, what: str, error: BaseException) -> None:
        self._idle()
        log.warning("%s: %s", what, error)
        self.banner.show_message(f"{what}: {error}", None, "error")

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Amber",
            "<b>Amber</b><br>Proves that a file existed at a point in time, sealed into Bitcoin "
            "through OpenTimestamps. Only salted fingerprints leave this computer; proofs are "
            "standard .ots files that any OpenTimestamps tool can check.",
        )

    # --- settings and closing -----------------------------------------------------------
    def _qsettings(self) -> QSettings:
        return QSettings()

    def _last_dir(self) -> str:
        return str(self._qsettings().value("paths/last_dir", str(Path.home())))

    def _remember_dir(self, path: Path) -> None:
        self._qsettings().setValue("paths/last_dir", str(path))

    def _restore_settings(self) -> None:
        settings = self._qsettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop every background thread; queued work stays in the database."""
        if self._closed:
            return
        self._closed = True
        settings = self._qsettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/header", self.table.horizontalHeader().saveState())
        self.status_timer.stop()
        self.intake.cancel()
        self.intake.wait_idle(int(timeout * 1000))
        self.exporter_thread.stop(timeout)
        self.writer.wait(int(timeout * 1000))
        self.reader.wait(int(timeout * 1000))
        try:
            self.service.stop(timeout)
        except Exception:
            log.exception("stopping the service failed")


def _window_title(service: ServiceLike) -> str:
    data_dir = getattr(getattr(service, "settings", None), "data_dir", None)
    return f"Amber — {data_dir}" if data_dir else "Amber"


__all__ = ["SHA_COLUMN", "MainWindow"]
