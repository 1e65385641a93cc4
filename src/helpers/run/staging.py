"""Where a run is staged, whether its output folders can take it, and how many failed runs are kept.

A run is staged in ``<out>/.runs/<year>-<time>-<pid>/`` (``processed/`` and
``reports/``), on the file system of its output folders so that publishing
is a rename: an output folder mounted elsewhere (``reports/`` on its own
disk, or bind-mounted from another folder) gets its staged folder in a
``.runs/`` of its own parent. A failed run
stays there for debugging; only the last ``run.keep_failed_runs`` of a wave
are kept.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from helpers import paths
from helpers.errors import OutputError

__all__ = ["MIN_FREE_BYTES", "RunLayout", "check_writable", "failed_runs", "new_layout", "prune_failed_runs",
           "runs_dirs"]

# Free space a run needs at least: the outputs of a demo wave take about 15 MB, staged once beside the previous.
MIN_FREE_BYTES = 50 * 2**20


@dataclass(frozen=True)
class RunLayout:
    """Where a run reads and writes.

    Attributes
    ----------
    raw
        The wave's raw inputs.
    processed, reports
        The final output folders, replaced only when the whole run succeeds.
    stage
        The run's staging folder, holding ``processed/`` and ``reports/``.
    stages
        The folders holding the staged ``processed/`` and ``reports/`` when they are not ``stage`` (an output
        folder on another file system than ``stage``).
    """

    raw: Path
    processed: Path
    reports: Path
    stage: Path
    stages: tuple[Path, Path] | None = None

    @property
    def staged_processed(self) -> Path:
        return (self.stages[0] if self.stages else self.stage) / "processed"

    @property
    def staged_reports(self) -> Path:
        return (self.stages[1] if self.stages else self.stage) / "reports"

    @property
    def run_folders(self) -> tuple[Path, ...]:
        """Every folder of this run under a ``.runs/`` (one, unless an output is on another file system)."""
        return tuple(dict.fromkeys((self.stage, *(self.stages or ()))))


def runs_dirs(out_root: Path, year: int) -> tuple[Path, ...]:
    """Every ``.runs/`` folder that may hold runs of the wave: the output root's, and those beside outputs
    mounted on another file system."""
    candidates = [out_root / ".runs", out_root / "data" / "processed" / ".runs", out_root / "reports" / ".runs"]
    return tuple(folder for folder in candidates if folder == candidates[0] or folder.is_dir())


def _existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def _renames_into(source: Path, target: Path) -> bool:
    """Whether a folder made under ``source`` can be renamed into ``target`` (the nearest existing folders).

    Not only the same file system: a bind mount of the same disk has the same device number and still refuses the
    rename (EXDEV), so an empty folder is tried. A folder that cannot be written is taken as renamable:
    :func:`check_writable` names it.
    """
    source, target = _existing(source), _existing(target)
    if source.stat().st_dev != target.stat().st_dev:
        return False
    try:
        probe = Path(tempfile.mkdtemp(prefix=".rename-check-", dir=source))
    except OSError:
        return True
    try:
        probe.rename(target / probe.name)
    except OSError as error:
        probe.rmdir()
        return error.errno != errno.EXDEV
    (target / probe.name).rmdir()
    return True


def new_layout(year: int, raw: Path, out_root: Path) -> RunLayout:
    """The layout of a new run of ``year`` writing under ``out_root`` (only an empty folder is made, and removed,
    to try a rename into each output folder's parent)."""
    processed = out_root / "data" / "processed" / str(year)
    reports = out_root / "reports" / str(year)
    name = f"{year}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    stage = out_root / ".runs" / name
    own = [stage if _renames_into(stage.parent, final.parent) else final.parent / ".runs" / name
           for final in (processed, reports)]
    return RunLayout(raw=raw, processed=processed, reports=reports, stage=stage,
                     stages=None if own == [stage, stage] else (own[0], own[1]))


def _problem(error: OSError) -> str:
    return f"{error.strerror or error} ({errno.errorcode.get(error.errno, 'error')})"


def check_writable(layout: RunLayout) -> None:
    """Check, before the first step, that every folder the run writes can take a file and has room for the run.

    A run needs the size of the previous outputs free, and at least :data:`MIN_FREE_BYTES`.

    Raises
    ------
    helpers.errors.OutputError
        Naming the first folder that is read-only, not creatable or too full.
    """
    previous = sum(path.stat().st_size for folder in (layout.processed, layout.reports) if folder.is_dir()
                   for path in folder.rglob("*") if path.is_file())
    needed = max(previous, MIN_FREE_BYTES)
    for folder in dict.fromkeys(path.parent for path in (*layout.run_folders, layout.processed, layout.reports)):
        probe = folder / f".write-check-{secrets.token_hex(4)}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"x")
            probe.unlink()
        except OSError as error:
            raise OutputError(f"cannot write to {paths.display(folder)}: {_problem(error)}") from error
        free = shutil.disk_usage(folder).free
        if free < needed:
            raise OutputError(f"cannot write to {paths.display(folder)}: only {free / 2**20:.1f} MB free, the run "
                              f"needs {needed / 2**20:.0f} MB (the previous outputs' size, at least "
                              f"{MIN_FREE_BYTES // 2**20} MB)")


def failed_runs(out_root: Path, year: int) -> list[Path]:
    """The run folders of the wave left under ``.runs/`` (failed, interrupted or killed runs), oldest first."""
    found = [folder for runs in runs_dirs(out_root, year) if runs.is_dir()
             for folder in runs.glob(f"{year}-*") if folder.is_dir()]
    return sorted(found, key=lambda folder: folder.name)


def prune_failed_runs(out_root: Path, year: int, keep: int, current: str | None = None) -> list[Path]:
    """Delete all but the last ``keep`` run folders of the wave under ``.runs/``; return the folders deleted.

    The folder named ``current`` (the run that just failed, whose message names it) is one of those kept
    whatever its name sorts after: folders are named by local time, which a clock or a change of daylight-saving
    time can set back. Called while the run holds the wave's lock, so that no folder of a run still going is
    deleted.
    """
    folders = failed_runs(out_root, year)
    others = sorted(dict.fromkeys(folder.name for folder in folders if folder.name != current))
    room = keep - (current is not None)
    kept = {*(others[len(others) - room:] if room > 0 else ()), current}
    removed = [folder for folder in folders if folder.name not in kept]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
