"""Drop → submitted (local calendar) → confirmed (regtest block) → exported proof verifies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from amber.core.storage import StampState
from amber.core.verify import VerdictKind
from amber.desktop.main_window import MainWindow

from .test_main_window import drop_files, make_files


def states(window: MainWindow) -> list[str]:
    model = window.model
    return [model.data(model.index(r, 5)) for r in range(model.rowCount())]


def test_drop_until_confirmed_in_a_block(
    qtbot: Any,
    make_service: Any,
    local_calendar: Any,
    regtest_node: Any,
    fake_esplora: Any,
    tmp_path: Path,
) -> None:
    service = make_service(
        calendars=(local_calendar.url,),
        esplora=(fake_esplora.url,),
        chain="regtest",
        batch_interval=0.05,
    )
    service.start()
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    files = make_files(tmp_path / "docs", 3, "report")

    drop_files(window, files)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    submitted = "Submitted — waiting for Bitcoin"
    qtbot.waitUntil(lambda: states(window) == [submitted] * 3, timeout=15_000)
    assert local_calendar.requests["digest"] >= 1

    height = local_calendar.anchor(regtest_node)
    window.upgrade_now()  # what the user's Ctrl+U does; the upgrader would do it on its own
    qtbot.waitUntil(lambda: states(window) == ["Confirmed in Bitcoin"] * 3, timeout=15_000)
    stamp = window.model.stamp_at(0)
    assert stamp.state is StampState.CONFIRMED
    assert stamp.block_height == height
    assert window.model.data(window.model.index(0, 6)) == f"{height:,}"

    window.export_to(window.model.ids, None)  # beside the originals
    qtbot.waitUntil(lambda: hasattr(window, "last_export"), timeout=10_000)
    for path in files:
        proof = path.with_name(path.name + ".ots")
        assert proof.is_file()
        verdict = service.verify(proof.read_bytes(), file=path)
        assert verdict.kind is VerdictKind.ATTESTED
        assert verdict.block is not None and verdict.block.height == height
    window.close()
