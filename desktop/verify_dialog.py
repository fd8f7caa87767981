"""Verify: a file with its proof, a proof alone, a file from the history, or a typed digest."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from amber.core import UnreadableFileError, hash_file
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .export import MAX_IMPORT_BYTES, upgrade_now
from .tasks import TaskRunner

STATE_RANK = {"confirmed": 0, "submitted": 1, "queued": 2, "failed": 3}


@dataclass(frozen=True)
class VerifyRequest:
    proof: Path | None = None
    file: Path | None = None
    digest_hex: str = ""


@dataclass(frozen=True)
class VerifyOutcome:
    request: VerifyRequest
    verdict: Any | None = None  # amber.core.verify.Verdict
    problem: str = ""  # when nothing could be verified, why, in plain words
    proof: bytes | None = None
    in_history: tuple[Any, ...] = ()  # stamps with this digest
    upgrade_summary: str = ""

    @property
    def kind(self) -> str:
        if self.verdict is None:
            return "problem"
        return str(getattr(self.verdict.kind, "value", self.verdict.kind))


def parse_digest(text: str) -> bytes:
    cleaned = "".join(text.split()).lower()
    if len(cleaned) != 64 or any(c not in "0123456789abcdef" for c in cleaned):
        raise ValueError("a SHA-256 fingerprint is 64 hexadecimal characters")
    return bytes.fromhex(cleaned)


def _best(stamps: Sequence[Any]) -> Any | None:
    with_proof = [s for s in stamps if s.proof]
    if not with_proof:
        return None
    return min(with_proof, key=lambda s: (STATE_RANK.get(str(s.state), 9), -s.updated_at))


def run_verify(service: Any, request: VerifyRequest) -> VerifyOutcome:
    """Runs on a worker thread. Never raises for a user mistake: the outcome says what is wrong."""
    store = service.store
    try:
        digest = parse_digest(request.digest_hex) if request.digest_hex.strip() else None
    except ValueError as error:
        return VerifyOutcome(request, problem=str(error).capitalize() + ".")
    try:
        if request.proof is not None:
            size = request.proof.stat().st_size
            if size > MAX_IMPORT_BYTES:
                return VerifyOutcome(request, problem="This file is far too large to be a proof.")
            proof = request.proof.read_bytes()
            verdict = service.verify(
                proof, file=request.file, digest=None if request.file else digest
            )
            found = tuple(store.find_by_digest(verdict.digest)) if verdict.digest else ()
            return VerifyOutcome(request, verdict, proof=proof, in_history=found)
        if request.file is not None:
            digest = hash_file(request.file)
        if digest is None:
            return VerifyOutcome(request, problem="Drop a file or a proof, or type a fingerprint.")
        found = tuple(store.find_by_digest(digest))
        stamp = _best(found)
        if stamp is None:
            what = "This file" if request.file else "This fingerprint"
            hint = (
                " It is queued and gets its proof as soon as the calendars answer."
                if found
                else " Drop its .ots proof together with it to check that proof."
            )
            return VerifyOutcome(
                request, problem=f"{what} is not in your history yet.{hint}", in_history=found
            )
        verdict = service.verify(
            stamp.proof, file=request.file, digest=None if request.file else digest
        )
        return VerifyOutcome(request, verdict, proof=stamp.proof, in_history=found)
    except UnreadableFileError as error:
        return VerifyOutcome(request, problem=f"Amber cannot read {error.path}: {error.reason}.")
    except OSError as error:
        return VerifyOutcome(request, problem=f"Amber cannot read the proof: {error.strerror}.")


def upgrade_and_verify(service: Any, outcome: VerifyOutcome) -> VerifyOutcome:
    """ "Upgrade now": put the proof in the history if needed, ask the calendars, verify again."""
    request = outcome.request
    stamps = list(outcome.in_history)
    if not any(s.proof for s in stamps) and outcome.proof is not None:
        name = (
            request.file.name
            if request.file
            else (request.proof.with_suffix("").name if request.proof else "")
        )
        stamps.append(service.import_proof(outcome.proof, file=request.file, name=name))
    summary = upgrade_now(service)
    fresh = [s for s in service.store.rows([s.id for s in stamps]) if s.proof]
    stamp = _best(fresh)
    if stamp is None:
        return replace(outcome, upgrade_summary=summary)
    digest = None if request.file else getattr(outcome.verdict, "digest", None)
    verdict = service.verify(stamp.proof, file=request.file, digest=digest)
    return VerifyOutcome(request, verdict, stamp.proof, tuple(fresh), summary)


def describe(outcome: VerifyOutcome) -> tuple[str, str, str]:
    """(headline, details, what to do next) in plain words."""
    verdict = outcome.verdict
    if verdict is None:
        return (
            "Nothing to verify yet" if not outcome.problem else "Cannot verify",
            outcome.problem,
            "",
        )
    kind = outcome.kind
    subject = "This file" if outcome.request.file else "This fingerprint"
    message = verdict.message()
    if kind == "attested" and verdict.block is not None:
        when = _dt.datetime.fromtimestamp(verdict.block.time, _dt.UTC)
        day = when.strftime("%-d %B %Y at %H:%M UTC")
        headline = f"{subject} existed on {day} — Bitcoin block {verdict.block.height:,}"
        return headline, message, "Nothing to do: the proof is complete and can be shared."
    if kind == "pending":
        return (
            f"{subject} is stamped, but not in Bitcoin yet",
            message,
            "Calendars put their stamps into Bitcoin every few hours. Wait, then upgrade the "
            "proof (Upgrade now) to complete it.",
        )
    if kind == "unchecked":
        return (
            "Bitcoin attests it, but Amber could not check the block",
            message,
            "Add an Esplora server or a Bitcoin node in Settings so Amber can check the block "
            "header, then verify again.",
        )
    if kind == "mismatch":
        return (
            "This is not the file that was stamped",
            message,
            "Check that you chose the right file: changing even one byte changes its "
            "fingerprint. The proof itself may be fine for the original file.",
        )
    return (
        "This proof is not valid",
        message,
        "The .ots file is damaged or is not an OpenTimestamps proof. Ask whoever gave it to "
        "you for the original proof file.",
    )


class VerifyDialog(QDialog):
    verified = Signal(object)  # VerifyOutcome, after each check
    history_changed = Signal()

    def __init__(
        self, service: Any, reader: TaskRunner, writer: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._reader = reader
        self._writer = writer
        self.outcome: VerifyOutcome | None = None
        self.setWindowTitle("Amber — Verify a proof")
        self.setAcceptDrops(True)
        self.resize(680, 460)
        layout = QVBoxLayout(self)

        self.drop_area = QFrame()
        self.drop_area.setObjectName("dropArea")
        drop_layout = QVBoxLayout(self.drop_area)
        hint = QLabel(
            "<b>Drop a file and its .ots proof here</b><br>— or the proof alone, a file from "
            "your history, or type its SHA-256 fingerprint below."
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        drop_layout.addWidget(hint)
        layout.addWidget(self.drop_area)

        form = QFormLayout()
        self.proof_edit = QLineEdit()
        self.proof_edit.setPlaceholderText("the .ots proof (optional for files in your history)")
        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("the stamped file")
        self.digest_edit = QLineEdit()
        self.digest_edit.setPlaceholderText("or its SHA-256 fingerprint, 64 hex characters")
        form.addRow("Proof", self._with_browse(self.proof_edit, self.choose_proof))
        form.addRow("File", self._with_browse(self.file_edit, self.choose_file))
        form.addRow("Fingerprint", self.digest_edit)
        layout.addLayout(form)

        self.result = QFrame()
        self.result.setObjectName("verdict")
        result_layout = QVBoxLayout(self.result)
        self.headline = QLabel("Drop something to verify.")
        self.headline.setObjectName("verdictHeadline")
        self.headline.setWordWrap(True)
        self.details = QLabel("")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_step = QLabel("")
        self.next_step.setWordWrap(True)
        self.busy = QProgressBar()  # indeterminate: verify and upgrade run off the GUI thread
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        for widget in (self.headline, self.busy, self.details, self.next_step):
            result_layout.addWidget(widget)
        layout.addWidget(self.result, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.verify_button = buttons.addButton("Verify", QDialogButtonBox.ButtonRole.ActionRole)
        self.verify_button.setDefault(True)
        self.upgrade_button = buttons.addButton(
            "Upgrade now", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button = buttons.addButton(
            "Add to history", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.upgrade_button.hide()
        self.import_button.hide()
        self.verify_button.clicked.connect(self.verify)
        self.upgrade_button.clicked.connect(self.upgrade)
        self.import_button.clicked.connect(self.import_into_history)
        buttons.rejected.connect(self.reject)
        self.digest_edit.returnPressed.connect(self.verify)
        layout.addWidget(buttons)

    def _with_browse(self, edit: QLineEdit, slot: Any) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit, 1)
        button = QPushButton("Choose…")
        button.clicked.connect(slot)
        box.addWidget(button)
        return row

    # --- input ------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    def add_paths(self, paths: Sequence[Path]) -> None:
        proofs = [p for p in paths if p.suffix.lower() == ".ots"]
        files = [p for p in paths if p.suffix.lower() != ".ots"]
        self.proof_edit.setText(str(proofs[0]) if proofs else "")
        self.file_edit.setText(str(files[0]) if files else "")
        self.digest_edit.clear()
        if proofs and not files:
            beside = proofs[0].with_suffix("")
            if beside.is_file():
                self.file_edit.setText(str(beside))
        self.verify()

    def choose_proof(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a proof", "", "OpenTimestamps proofs (*.ots);;All files (*)"
        )
        if path:
            self.proof_edit.setText(path)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the stamped file")
        if path:
            self.file_edit.setText(path)
            self.verify()

    def request(self) -> VerifyRequest:
        proof = self.proof_edit.text().strip()
        file = self.file_edit.text().strip()
        return VerifyRequest(
            Path(proof) if proof else None,
            Path(file) if file else None,
            self.digest_edit.text().strip(),
        )

    # --- work -------------------------------------------------------------------------
    def verify(self) -> None:
        request = self.request()
        self._working("Checking…")
        service = self.service
        self._reader.submit(lambda: run_verify(service, request), self._show, self._failed)

    def upgrade(self) -> None:
        if self.outcome is None:
            return
        outcome, service = self.outcome, self.service
        self._working("Asking the calendars whether Bitcoin has it now…")
        self._writer.submit(
            lambda: upgrade_and_verify(service, outcome), self._upgraded, self._failed
        )

    def import_into_history(self) -> None:
        outcome = self.outcome
        if outcome is None or outcome.proof is None:
            return
        service, request, proof = self.service, outcome.request, outcome.proof
        name = (
            request.file.name
            if request.file
            else (request.proof.with_suffix("").name if request.proof else "")
        )
        self._working("Adding the proof to your history…")
        self._writer.submit(
            lambda: service.import_proof(proof, file=request.file, name=name),
            lambda stamp: self._imported(outcome, stamp),
            self._failed,
        )

    def _imported(self, outcome: VerifyOutcome, stamp: Any) -> None:
        self.history_changed.emit()
        self._show(replace(outcome, in_history=(*outcome.in_history, stamp)))
        self.next_step.setText("Added to your history. " + self.next_step.text())

    def _upgraded(self, outcome: VerifyOutcome) -> None:
        self.history_changed.emit()
        self._show(outcome)
        if outcome.upgrade_summary:
            self.details.setText(f"{self.details.text()}\n{outcome.upgrade_summary}")

    def _working(self, text: str) -> None:
        self.busy.show()
        self.headline.setText(text)
        self.details.clear()
        self.next_step.clear()
        for button in (self.verify_button, self.upgrade_button, self.import_button):
            button.setEnabled(False)

    def _failed(self, error: BaseException) -> None:
        self.busy.hide()
        self._set_kind("invalid")
        self.headline.setText("Something went wrong")
        self.details.setText(str(error) or type(error).__name__)
        self.verify_button.setEnabled(True)

    def _show(self, outcome: VerifyOutcome) -> None:
        self.busy.hide()
        self.outcome = outcome
        headline, details, next_step = describe(outcome)
        request = outcome.request
        alone = request.proof is not None and request.file is None and not request.digest_hex
        if alone and outcome.verdict is not None and outcome.kind != "invalid":
            next_step = (
                f"The file it stamps was not found next to the proof "
                f"(looked for {request.proof.with_suffix('').name}). Choose it to check it "
                f"is the same file; without it, this checks the proof for its fingerprint "
                f"{outcome.verdict.digest.hex() if outcome.verdict.digest else ''}. " + next_step
            )
        self._set_kind(outcome.kind)
        self.headline.setText(headline)
        self.details.setText(details)
        self.next_step.setText(next_step)
        self.verify_button.setEnabled(True)
        self.upgrade_button.setEnabled(True)
        self.import_button.setEnabled(True)
        self.upgrade_button.setVisible(outcome.kind == "pending")
        self.import_button.setVisible(
            outcome.verdict is not None
            and outcome.kind != "invalid"
            and not outcome.in_history
            and outcome.proof is not None
        )
        self.verified.emit(outcome)

    def _set_kind(self, kind: str) -> None:
        self.result.setProperty("kind", kind)
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
