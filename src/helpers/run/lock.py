"""One run of a wave at a time: a lock per output folder and wave.

The lock is ``<out>/.runs/<year>.lock``, held with :func:`fcntl.flock` for as
long as the run lasts and holding the process id, start time and command of
its holder. The kernel releases a flock when its process dies, however it
dies, so a lock is never left held by a dead process; the file it leaves
behind (a killed run cannot remove it) only says who held it last, and the
next run takes it over, saying so.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sys
import time
from pathlib import Path

from helpers import paths
from helpers.errors import WaveBusy

__all__ = ["WaveLock", "holder", "lock_path"]

LOG = logging.getLogger("helpers.run.lock")


def lock_path(out_root: Path, year: int) -> Path:
    """``<out>/.runs/<year>.lock``."""
    return Path(out_root) / ".runs" / f"{year}.lock"


def holder(path: Path) -> dict | None:
    """What the lock file says of its last holder (``pid``, ``started``, ``command``), or None."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        return json.loads(text) if text.strip() else None
    except (OSError, json.JSONDecodeError):
        return None


def describe(info: dict | None) -> str:
    """``pid 1234, started 2026-12-01 12:03:04 UTC (python -m helpers run --year 2012)``."""
    if not info:
        return "a process that wrote nothing"
    return f"pid {info.get('pid')}, started {info.get('started')} ({info.get('command')})"


def is_held(path: Path) -> bool:
    """Whether a live process holds the lock at ``path``."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


class WaveLock:
    """The lock of one wave's outputs under one output folder, as a context manager.

    Parameters
    ----------
    out_root
        The run's output folder (``--out-dir``).
    year
        The wave.
    wait
        Wait for the holder to finish instead of raising :class:`helpers.errors.WaveBusy`.
    quiet
        Take a lock left by a dead run over without logging it (``status``, which reports it itself).
    """

    def __init__(self, out_root: Path, year: int, wait: bool = False, quiet: bool = False) -> None:
        self.path = lock_path(out_root, year)
        self.year = year
        self.wait = wait
        self.quiet = quiet
        self._handle: int | None = None

    def __enter__(self) -> WaveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                self._take(handle)
            except BaseException:
                os.close(handle)
                raise
            # The previous holder removes the file when it releases the lock: if it did so while this process
            # waited, the lock now held is on a removed file, and the run must lock the file that is there.
            if os.path.exists(self.path) and os.stat(self.path).st_ino == os.fstat(handle).st_ino:
                break
            os.close(handle)
        self._handle = handle
        previous = holder(self.path)
        if previous and previous.get("pid") != os.getpid() and not self.quiet:
            LOG.warning("wave %s: took over the lock left by a run that ended without releasing it (%s)",
                        self.year, describe(previous))
        os.ftruncate(handle, 0)
        os.write(handle, json.dumps({
            "pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "command": " ".join(["python -m helpers", *sys.argv[1:]])}).encode())
        return self

    def _take(self, handle: int) -> None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            busy = describe(holder(self.path))
        if not self.wait:
            raise WaveBusy(f"wave {self.year}: another run is writing {paths.display(self.path.parent.parent)} "
                           f"({busy}); wait for it to end, or pass --wait")
        LOG.info("wave %s: waiting for the run holding the lock (%s)", self.year, busy)
        fcntl.flock(handle, fcntl.LOCK_EX)

    def __exit__(self, *exc_info: object) -> None:
        # Removed while still held, so that a waiting run sees the file gone and locks the next one.
        self.path.unlink(missing_ok=True)
        os.close(self._handle)
        self._handle = None
