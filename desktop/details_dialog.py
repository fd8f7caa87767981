"""One stamp in full: what it is, where it stands, and its proof tree."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .formatting import human_size, state_text, utc_time


def proof_tree(proof: bytes | None) -> str:
    if not proof:
        return "No proof yet: this stamp is still in the queue, waiting to reach the calendars."
    try:
        from amber.core.ots.proofs import describe_proof, read_proof

        return describe_proof(read_proof(proof))
    except Exception as error:  # a damaged proof is shown, not fatal
        return f"This proof cannot be read: {error}"


def attestation_lines(stamp: Any) -> list[str]:
    lines = []
    if stamp.block_height is not None:
        lines.append(
            f"Bitcoin block {stamp.block_height:,} ({utc_time(stamp.block_time)}), "
            f"hash {stamp.block_hash}"
        )
    for url in stamp.calendars:
        lines.append(f"Calendar {url}")
    return lines or ["None yet."]


class DetailsDialog(QDialog):
    export_requested = Signal()

    def __init__(self, stamp: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stamp = stamp
        self.setWindowTitle(f"Amber — {stamp.name or stamp.digest.hex()[:16]}")
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        layout.addWidget(tabs)

        summary = QWidget()
        form = QFormLayout(summary)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        def add(label: str, value: str, monospace: bool = False) -> QLabel:
            field = QLabel(value)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if monospace:
                field.setFont(mono)
            form.addRow(f"<b>{escape(label)}</b>", field)
            return field

        add("Name", stamp.name or "(a digest, no file name)")
        add("Folder", stamp.folder or "—")
        add("Size", human_size(stamp.size) or "—")
        add(f"{stamp.hash_algo.upper()}", stamp.digest.hex(), True)
        add("Added", utc_time(stamp.added_at))
        self.state_label = add("State", state_text(stamp))
        if stamp.last_error:
            add("Last problem", stamp.last_error)
        add("Origin", "Imported proof" if stamp.origin == "imported" else "Stamped by Amber")
        add("Attestations", "\n".join(attestation_lines(stamp)))
        add("What next", _next_step(stamp))
        tabs.addTab(summary, "Summary")

        self.tree = QPlainTextEdit(proof_tree(stamp.proof))
        self.tree.setReadOnly(True)
        self.tree.setFont(mono)
        self.tree.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        tabs.addTab(self.tree, "Proof")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        export = buttons.addButton("Export proof…", QDialogButtonBox.ButtonRole.ActionRole)
        export.setEnabled(bool(stamp.proof))
        export.clicked.connect(self.export_requested)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def _next_step(stamp: Any) -> str:
    state = str(getattr(stamp.state, "value", stamp.state))
    if state == "confirmed":
        return "Nothing: the proof is complete. Export it and keep it with the file."
    if state == "submitted":
        return (
            "Wait: calendars put their commitments into Bitcoin every few hours; Amber checks "
            "in the background and the state turns to confirmed by itself."
        )
    if state == "queued":
        return "Amber sends it to the calendars as soon as they can be reached."
    return "Stamp the file again, or check your calendar settings."
