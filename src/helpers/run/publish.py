"""Publishing a staged run: ``data/processed/<year>/`` and ``reports/<year>/`` replaced as one step.

Two folders under two parents cannot be replaced by one rename, so the
publish is journaled: ``<out>/.runs/<year>.publish.json`` lists the moves
before the first one (:func:`helpers.atomic.swap_in`), and is removed only
once both folders and ``reports/index.html`` are the new ones and the run's
staging folders are gone. A run killed
in between leaves the journal; the next run of the wave and
``python -m helpers status`` complete the moves before anything else
(:func:`complete_interrupted`), so that the outputs are the new run's, whole.
The staged run is complete before the journal is written, which is why an
interrupted publish is completed rather than rolled back; a move that fails
(a folder made read-only in between) rolls everything back instead.

The environment variable ``HELPERS_PUBLISH_PAUSE`` set to one of
:data:`POINTS` pauses the publish there (a test kills the runner at each).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from helpers import atomic, paths, report
from helpers.run.staging import RunLayout

__all__ = ["PAUSE_ENV", "POINTS", "complete_interrupted", "journal_path", "publish_run"]

PAUSE_ENV = "HELPERS_PUBLISH_PAUSE"
# After the journal, each move of the two folders (previous set aside, new moved in), the index, and the removal
# of the run's folders (the previous outputs among them).
POINTS = ("journal", "aside 1", "in 1", "aside 2", "in 2", "index", "cleaned")


def journal_path(out_root: Path, year: int) -> Path:
    """``<out>/.runs/<year>.publish.json``."""
    return Path(out_root) / ".runs" / f"{year}.publish.json"


def _checkpoint(point: str) -> None:
    if os.environ.get(PAUSE_ENV) == point:
        print(f"publish: paused at {point!r} ({PAUSE_ENV})", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)


@contextmanager
def _not_interruptible():
    """Ignore Ctrl-C while the folders move: the run is complete by then, and the moves take milliseconds."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _finish(journal: Path, reports_root: Path, run_folders) -> None:
    report.write_index(reports_root)
    _checkpoint("index")
    # The journal goes last: a run killed while its folders are removed is completed by the next one, rather than
    # leaving a half-removed folder that ``status`` would list as a failed run.
    for folder in run_folders:
        shutil.rmtree(folder, ignore_errors=True)
    _checkpoint("cleaned")
    journal.unlink()


def publish_run(layout: RunLayout, out_root: Path, year: int) -> None:
    """Replace the wave's output folders by the staged ones, then remove the run's staging folders.

    Raises
    ------
    OSError
        If a move failed; the previous folders are then back in place.
    """
    journal = journal_path(out_root, year)
    with _not_interruptible():
        atomic.swap_in([(layout.staged_processed, layout.processed), (layout.staged_reports, layout.reports)],
                       journal, _checkpoint)
        _finish(journal, layout.reports.parent, layout.run_folders)


def complete_interrupted(out_root: Path, year: int) -> str | None:
    """Complete the publish of a run killed while publishing; return what was done, or None if nothing was.

    The caller holds the wave's lock (:class:`helpers.run.lock.WaveLock`), so the journal is not that of a
    publish still going.
    """
    journal = journal_path(out_root, year)
    if not journal.is_file():
        return None
    with _not_interruptible():
        pairs = atomic.resume_swap(journal)
        run_folders = dict.fromkeys(staged.parent for staged, _ in pairs)
        _finish(journal, Path(out_root) / "reports", run_folders)
    names = ", ".join(sorted({folder.name for folder in run_folders}))
    return (f"wave {year}: completed the publish of run {names}, interrupted before it ended; "
            f"{paths.display(pairs[0][1])} and {paths.display(pairs[1][1])} are that run's outputs")
