"""A kill -9 at any instant while stamping loses nothing and records nothing twice."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from amber.core.ots.proofs import read_proof
from amber.core.service import AmberService
from amber.core.settings import Settings
from amber.core.storage import StampState
from amber.core.testing.calendar_server import LocalCalendar

TRIALS = 12
DIGESTS = [i.to_bytes(4, "big") * 8 for i in range(300)]

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from amber.core.service import AmberService
    from amber.core.settings import Settings
    from amber.core.storage import NewStamp, StampState

    data_dir, calendar, digests_file = sys.argv[1:4]
    digests = [bytes.fromhex(line) for line in Path(digests_file).read_text().split()]
    settings = Settings(data_dir=Path(data_dir), calendars=(calendar,), min_calendars=1,
                        lease_seconds=0.3, batch_interval=0.05)
    with AmberService(settings) as service:
        store = service.store
        known = {s.digest for s in store.rows(store.query_ids())}
        todo = [d for d in digests if d not in known]
        for start in range(0, len(todo), 20):
            chunk = todo[start:start + 20]
            service.stamp([NewStamp(d, b"", d.hex()[:8]) for d in chunk])
            service.adapter.run_once()
        queued = store.query_ids(states=[StampState.QUEUED])
        assert service.submit_pending(queued, timeout=20), "queue did not drain"
    print("done")
    """
)


def settings_for(data_dir: Path, calendar: LocalCalendar) -> Settings:
    return Settings(data_dir=data_dir, calendars=(calendar.url,), min_calendars=1)


def test_sigkill_at_random_moments_then_every_digest_has_exactly_one_proof(tmp_path: Path) -> None:
    digests_file = tmp_path / "digests.txt"
    digests_file.write_text("\n".join(d.hex() for d in DIGESTS))
    data_dir = tmp_path / "data"
    rng = random.Random(20261203)
    with LocalCalendar() as calendar:
        args = [sys.executable, "-c", CHILD, str(data_dir), calendar.url, str(digests_file)]
        for _ in range(TRIALS):
            child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                child.wait(timeout=rng.uniform(0.3, 1.2))  # the random instant of the kill
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
        final = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert final.returncode == 0, final.stderr
        submitted_to_calendar = len(calendar.submitted)

    with AmberService(settings_for(data_dir, calendar)) as service:
        stamps = service.store.rows(service.store.query_ids())
        assert sorted(s.digest for s in stamps) == sorted(DIGESTS)  # each exactly once
        assert {s.state for s in stamps} == {StampState.SUBMITTED}
        for stamp in stamps:
            assert read_proof(stamp.proof or b"").file_digest == stamp.digest
        assert service.queue.depth() == 0
    assert submitted_to_calendar >= 1
