"""Small widgets of the main window: the empty-history page, the progress panel, the banner."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .formatting import human_size
from .hashing import HashProgress
from .priority import GUI_PRIORITY, GuiPriority
from .resources import drop_pixmap


class EmptyHistoryPage(QWidget):
    """What a new user sees first: where to drop, and what will happen."""

    add_files = Signal()
    add_folder = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyPage")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        picture = QLabel()
        picture.setPixmap(drop_pixmap(112))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture)
        title = QLabel("Drop files or folders here")
        title.setObjectName("emptyTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        text = QLabel(
            "Amber fingerprints each file on this computer — nothing is uploaded — and seals "
            "the fingerprint into Bitcoin through OpenTimestamps. A few hours later you hold a "
            "proof that the file existed, unchanged, on that day."
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setObjectName("emptyText")
        text.setFixedWidth(500)  # a readable measure; word wrap alone picks a narrow one
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        files = QPushButton("Add files…")
        files.clicked.connect(self.add_files)
        folder = QPushButton("Add folder…")
        folder.clicked.connect(self.add_folder)
        buttons.addWidget(files)
        buttons.addWidget(folder)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(3)


class ProgressPanel(QFrame):
    """Overall and per-file hashing progress, with Cancel."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        top = QHBoxLayout()
        self.summary = QLabel("Preparing…")
        self.summary.setObjectName("progressSummary")
        # fixed-size labels: a new text must not re-layout the window 20 times a second
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        top.addWidget(self.summary, 1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        top.addWidget(self.cancel_button)
        layout.addLayout(top)
        self.overall = QProgressBar()
        self.overall.setRange(0, 1000)
        self.overall.setTextVisible(False)
        self.overall.setMaximumHeight(10)
        layout.addWidget(self.overall)
        bottom = QHBoxLayout()
        self.current = QLabel("")
        self.current.setObjectName("progressCurrent")
        self.current.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        bottom.addWidget(self.current, 1)
        self.file_bar = QProgressBar()
        self.file_bar.setRange(0, 1000)
        self.file_bar.setTextVisible(False)
        self.file_bar.setMaximumSize(160, 8)
        bottom.addWidget(self.file_bar)
        layout.addLayout(bottom)
        self.last: HashProgress | None = None

    def show_progress(self, progress: HashProgress, waiting: int = 0) -> None:
        self.last = progress
        more = f" — {waiting} more drop(s) waiting" if waiting else ""
        if progress.scanning:
            self.summary.setText(f"Looking for files…{more}")
            self.overall.setRange(0, 0)
            self.current.setText("")
            self.file_bar.setValue(0)
            return
        self.overall.setRange(0, 1000)
        self.overall.setValue(int(progress.fraction * 1000))
        self.summary.setText(
            f"Fingerprinting {progress.files_done:,} of {progress.files_total:,} files · "
            f"{human_size(progress.bytes_done)} of {human_size(progress.bytes_total)}{more}"
        )
        if progress.current:
            self.current.setText(progress.current)
            total = progress.current_total or 1
            self.file_bar.setValue(int(1000 * progress.current_done / total))
        else:
            self.current.setText("")
            self.file_bar.setValue(0)


class Banner(QFrame):
    """A message above the table with up to two actions; it stays until dismissed."""

    accepted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.action = QPushButton()
        self.action.clicked.connect(self._accept)
        layout.addWidget(self.action)
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.clicked.connect(self.hide)
        layout.addWidget(self.dismiss)
        self.hide()

    def show_message(self, text: str, action: str | None = None, kind: str = "info") -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        self.action.setVisible(bool(action))
        self.action.setText(action or "")
        self.show()

    def _accept(self) -> None:
        self.hide()
        self.accepted.emit()


class ElideLeftDelegate(QStyledItemDelegate):
    """For folders: the end of a path says more than its start."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


class HistoryView(QTableView):
    """The history table; background workers pause while it paints (see priority.py)."""

    def __init__(self, parent: QWidget | None = None, priority: GuiPriority = GUI_PRIORITY):
        super().__init__(parent)
        self._priority = priority

    def paintEvent(self, event: QPaintEvent) -> None:
        with self._priority.painting():
            super().paintEvent(event)
