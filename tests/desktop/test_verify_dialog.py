"""The verify flow gives each verdict, in plain words, on real OpenTimestamps proofs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from amber.core.testing.esplora import FakeEsplora
from amber.desktop.tasks import TaskRunner
from amber.desktop.verify_dialog import VerifyDialog, VerifyOutcome

HELLO_DIGEST = "03ba204e50d126e4674c005e04d82e84c21366780af1f43bd54a37816b6ab340"


@pytest.fixture
def esplora_358391(vectors: Path) -> Iterator[FakeEsplora]:
    raw = bytes.fromhex((vectors / "block-headers" / "358391.hex").read_text().strip())
    with FakeEsplora(headers={358391: raw}) as esplora:
        yield esplora


@pytest.fixture
def dialog(qtbot: Any, make_service: Any, esplora_358391: FakeEsplora) -> VerifyDialog:
    service = make_service(esplora=(esplora_358391.url,))
    reader, writer = TaskRunner("test-reader", 2), TaskRunner("test-writer", 1)
    dialog = VerifyDialog(service, reader, writer)
    dialog._keep = (reader, writer)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def check(qtbot: Any, dialog: VerifyDialog, *paths: Path, digest: str = "") -> VerifyOutcome:
    with qtbot.waitSignal(dialog.verified, timeout=10_000) as blocker:
        if digest:
            dialog.proof_edit.setText(str(paths[0]) if paths else "")
            dialog.file_edit.clear()
            dialog.digest_edit.setText(digest)
            dialog.verify()
        else:
            dialog.add_paths(list(paths))
    return blocker.args[0]


def test_file_and_proof_attested(qtbot: Any, dialog: VerifyDialog, vectors: Path) -> None:
    proofs = vectors / "proofs"
    outcome = check(qtbot, dialog, proofs / "hello-world.txt", proofs / "hello-world.txt.ots")
    assert outcome.kind == "attested"
    assert dialog.headline.text() == (
        "This file existed on 28 May 2015 at 15:41 UTC — Bitcoin block 358,391"
    )
    assert "Bitcoin block 358391 attests existence as of 2015-05-28 15:41:18 UTC" in (
        dialog.details.text()
    )
    assert dialog.import_button.isVisible()  # a proof from elsewhere can join the history
    assert not dialog.upgrade_button.isVisible()


def test_proof_alone_finds_the_file_beside_it(
    qtbot: Any, dialog: VerifyDialog, vectors: Path
) -> None:
    outcome = check(qtbot, dialog, vectors / "proofs" / "hello-world.txt.ots")
    assert outcome.request.file == vectors / "proofs" / "hello-world.txt"
    assert outcome.kind == "attested"


def test_proof_alone_without_its_file_asks_for_it(
    qtbot: Any, dialog: VerifyDialog, vectors: Path, tmp_path: Path
) -> None:
    lonely = tmp_path / "hello-world.txt.ots"
    shutil.copy(vectors / "proofs" / "hello-world.txt.ots", lonely)
    outcome = check(qtbot, dialog, lonely)
    assert outcome.request.file is None
    assert outcome.kind == "attested"
    assert dialog.headline.text().startswith("This fingerprint existed on 28 May 2015")
    assert "was not found next to the proof" in dialog.next_step.text()
    assert "Choose it" in dialog.next_step.text()


def test_pending_offers_upgrade(qtbot: Any, dialog: VerifyDialog, vectors: Path) -> None:
    proofs = vectors / "proofs"
    outcome = check(qtbot, dialog, proofs / "two-calendars.txt", proofs / "two-calendars.txt.ots")
    assert outcome.kind == "pending"
    assert "not in Bitcoin yet" in dialog.headline.text()
    assert "Upgrade now" in dialog.next_step.text()
    assert dialog.upgrade_button.isVisible()


def test_wrong_file_is_a_mismatch(qtbot: Any, dialog: VerifyDialog, vectors: Path) -> None:
    proofs = vectors / "proofs"
    outcome = check(qtbot, dialog, proofs / "incomplete.txt", proofs / "hello-world.txt.ots")
    assert outcome.kind == "mismatch"
    assert dialog.headline.text() == "This is not the file that was stamped"


def test_bad_stamp_is_not_trusted(qtbot: Any, dialog: VerifyDialog, vectors: Path) -> None:
    proofs = vectors / "proofs"
    outcome = check(qtbot, dialog, proofs / "bad-stamp.txt", proofs / "bad-stamp.txt.ots")
    assert outcome.kind in ("invalid", "mismatch")
    assert not dialog.headline.text().startswith("This file existed")


def test_damaged_proof_is_invalid_with_the_reason(
    qtbot: Any, dialog: VerifyDialog, vectors: Path
) -> None:
    outcome = check(qtbot, dialog, vectors / "invalid" / "bad-major-version.ots")
    assert outcome.kind == "invalid"
    assert dialog.headline.text() == "This proof is not valid"
    assert "version" in dialog.details.text().lower()


def test_without_a_header_source_it_is_unchecked(
    qtbot: Any, make_service: Any, vectors: Path
) -> None:
    service = make_service()
    reader, writer = TaskRunner("r", 1), TaskRunner("w", 1)
    dialog = VerifyDialog(service, reader, writer)
    qtbot.addWidget(dialog)
    proofs = vectors / "proofs"
    outcome = check(qtbot, dialog, proofs / "hello-world.txt", proofs / "hello-world.txt.ots")
    assert outcome.kind == "unchecked"
    assert "Settings" in dialog.next_step.text()


def test_typed_digest_and_file_from_history(
    qtbot: Any, dialog: VerifyDialog, vectors: Path
) -> None:
    proofs = vectors / "proofs"
    outcome = check(qtbot, dialog, digest=HELLO_DIGEST)
    assert outcome.verdict is None
    assert "not in your history" in dialog.details.text()
    # import it, then the file alone and the digest alone are enough
    check(qtbot, dialog, proofs / "hello-world.txt", proofs / "hello-world.txt.ots")
    with qtbot.waitSignal(dialog.history_changed, timeout=10_000):
        dialog.import_button.click()
    outcome = check(qtbot, dialog, proofs / "hello-world.txt")
    assert outcome.kind == "attested"
    assert outcome.request.proof is None
    outcome = check(qtbot, dialog, digest=HELLO_DIGEST)
    assert outcome.kind == "attested"
    assert dialog.headline.text().startswith("This fingerprint existed on 28 May 2015")


def test_a_malformed_digest_is_explained(qtbot: Any, dialog: VerifyDialog) -> None:
    outcome = check(qtbot, dialog, digest="not-hex")
    assert outcome.verdict is None
    assert "64 hexadecimal characters" in dialog.details.text()
