"""The child process of test_kill: pushes, pops, acks and releases until it is SIGKILLed.

It logs to a file, fsynced, AFTER each push commits ("P id data-hex"), BEFORE each ack
("I id": the fossil may be gone from now on) and AFTER each ack commits ("A id").
Run: python kill_child.py <database url> <log path> <seed>, or as a multiprocessing target.
"""

from __future__ import annotations

import os
import random
import sys

from amber.core.fossilizer import Fossil
from amber.core.storage import SqlFossilsQueue, open_database


def main(url: str, log_path: str, seed: int) -> None:
    rng = random.Random(seed)
    queue = SqlFossilsQueue(open_database(url), lease_seconds=3600)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def record(lines: list[str]) -> None:
        os.write(log, "".join(f"{line}\n" for line in lines).encode())
        os.fsync(log)

    counter = 0
    while True:
        batch = []
        for _ in range(rng.randint(1, 20)):
            counter += 1
            batch.append(Fossil(f"s{seed}-{counter}".encode(), f"m{counter}".encode()))
        ids = queue.push_many(batch)
        record([f"P {i} {f.data.hex()}" for i, f in zip(ids, batch, strict=True)])
        popped = queue.pop(rng.randint(1, 20))
        what = rng.random()
        if what < 0.6:
            record([f"I {f.id}" for f in popped])
            queue.ack(popped)
            record([f"A {f.id}" for f in popped])
        elif what < 0.8:
            queue.release(popped)
        # else: keep the lease, as a worker that dies before finishing would


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
