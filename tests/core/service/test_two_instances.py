"""Two Ambers on one data folder (say the window and `amber stamp`) share it without harm."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from amber.core.service import AmberService
from amber.core.settings import Settings
from amber.core.storage import NewStamp, StampState
from amber.core.testing.calendar_server import LocalCalendar


def test_two_services_stamping_at_once_record_every_stamp_once(tmp_path: Path) -> None:
    with LocalCalendar() as calendar:
        settings = Settings(
            data_dir=tmp_path, calendars=(calendar.url,), min_calendars=1, batch_interval=0.01
        )
        with AmberService(settings) as first, AmberService(settings) as second:
            first.start()
            second.start()

            def stamp(service: AmberService, offset: int) -> None:
                for i in range(offset, offset + 60, 6):
                    service.stamp(
                        [NewStamp(bytes([n]) * 32, name=f"f{n}") for n in range(i, i + 6)]
                    )

            writers = [
                threading.Thread(target=stamp, args=(first, 0)),
                threading.Thread(target=stamp, args=(second, 60)),
            ]
            for writer in writers:
                writer.start()
            for writer in writers:
                writer.join(30)
            everything = first.store.query_ids()
            assert first.submit_pending(everything, timeout=30)

            stamps = second.store.rows(second.store.query_ids())
            assert sorted(s.digest[0] for s in stamps) == list(range(120))
            assert {s.state for s in stamps} == {StampState.SUBMITTED}
            assert first.queue.depth() == 0

    with sqlite3.connect(tmp_path / "amber.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
