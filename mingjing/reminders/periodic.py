"""The periodic reminder run inside `mingjing serve`, for units that have no cron.

Each server process may start the thread; only the one holding the lock file in the data directory
runs reminders (the others keep trying, so another takes over when that process ends). The run itself
is idempotent, so even two runs at once (cron and the server) send nothing twice.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import close_old_connections, connections

log = logging.getLogger("mingjing.reminders")
FIRST_RUN_AFTER = 60  # seconds after start-up: the server answers pages first


def _try_lock(path: Path) -> IO | None:
    """An exclusive lock held for the life of the process, or None when another process holds it."""
    handle = open(path, "a+b")  # noqa: SIM115 - kept open while the lock is held
    try:
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # Windows: one waitress process, but lock all the same
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        handle.close()
        return None
    return handle


def run_once() -> None:
    from mingjing.reminders.services import remind

    close_old_connections()
    try:
        result = remind(actor=None)
        if result.created or result.emails:
            log.info("reminders: %s stored, %s e-mails sent", result.created, result.emails)
    except Exception:  # noqa: BLE001 - the server keeps serving; the next round tries again
        log.exception("periodic reminder run failed")
    finally:
        connections.close_all()


class Round:
    """One process's share of the periodic run: it runs reminders only while it holds the lock."""

    def __init__(self, lock_path: Path, run=None) -> None:
        self.lock_path = lock_path
        self.lock: IO | None = None
        self.run = run or run_once

    def tick(self) -> bool:
        """Run reminders if this process holds (or can now take) the lock; True when it ran."""
        if self.lock is None:
            self.lock = _try_lock(self.lock_path)
        if self.lock is None:
            return False
        self.run()
        return True

    def release(self) -> None:
        if self.lock is not None:
            self.lock.close()
            self.lock = None


def _loop(stop: threading.Event, interval: int, first_after: float, lock_path: Path) -> None:
    round_ = Round(lock_path)
    wait = first_after
    while not stop.wait(wait):
        wait = interval
        round_.tick()
    round_.release()


def start(*, interval: int | None = None, first_after: float = FIRST_RUN_AFTER) -> threading.Event | None:
    """Start the background thread; returns the event that stops it (None when switched off)."""
    interval = settings.REMIND_INTERVAL if interval is None else interval
    if interval <= 0:
        return None
    stop = threading.Event()
    lock_path = Path(settings.DATA_DIR) / "remind.lock"
    thread = threading.Thread(
        target=_loop, args=(stop, interval, first_after, lock_path), name="mingjing-remind", daemon=True
    )
    thread.start()
    return stop
