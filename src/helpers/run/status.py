"""``python -m helpers status --year YEAR``: what the last runs of a wave left, and whether its outputs are whole.

Unless a run is going, it first completes the publish of a run killed while
publishing (:func:`helpers.run.publish.complete_interrupted`), as the next
run would; it writes nothing otherwise, so that a read-only copy of the
outputs can be checked. It then says whether a run holds the wave's lock,
whether the published folders are exactly what their run's ``run.json`` lists (whole,
and of one run), and which failed runs are kept under ``.runs/``.
"""

from __future__ import annotations

import argparse
import errno
from pathlib import Path

from helpers import paths
from helpers.errors import WaveBusy
from helpers.run.lock import WaveLock, describe, holder, is_held, lock_path
from helpers.run.manifest import checksums, read_manifest
from helpers.run.publish import complete_interrupted, journal_path
from helpers.run.staging import failed_runs

__all__ = ["configure_parser", "main", "wave_status"]


def _outputs(processed: Path, reports: Path) -> tuple[bool, str]:
    """Whether the published folders are whole and of one run, and a line saying so."""
    where = f"{paths.display(processed)} and {paths.display(reports)}"
    if not processed.is_dir() and not reports.is_dir():
        return True, f"outputs: none yet ({where})"
    manifest = read_manifest(reports)
    if manifest is None:
        return False, f"outputs: {where} have no run.json: they cannot be checked"
    differ = sorted(f"{label}/{name}" for label, folder in (("processed", processed), ("reports", reports))
                    for name in checksums(folder).keys() ^ manifest[label].keys()
                    | {name for name, digest in checksums(folder).items() if manifest[label].get(name) != digest})
    if differ:
        return False, (f"outputs: {len(differ)} file(s) of {where} differ from their run's run.json "
                       f"(changed, added or missing since it was published): {', '.join(differ[:5])}")
    files = len(manifest["processed"]) + len(manifest["reports"])
    return True, f"outputs: {where}, {files} files, whole and of one run"


def _complete_publish(out_root: Path, year: int, lines: list[str]) -> str:
    """Complete an interrupted publish under the wave's lock; return the ``publish:`` line.

    Status writes nothing otherwise (a read-only copy of the outputs can be checked); when a run took the lock
    meanwhile, the last of ``lines`` (the lock's) says so instead.
    """
    journal = journal_path(out_root, year)
    if not journal.is_file():
        return "publish: no interrupted publish"
    try:
        with WaveLock(out_root, year, quiet=True):
            recovered = complete_interrupted(out_root, year)
    except WaveBusy as busy:  # a run started meanwhile
        lines[-1] = f"lock: {busy}"
        return "publish: left to the run in progress"
    except OSError as error:
        problem = f"{error.strerror or error} ({errno.errorcode.get(error.errno, 'error')})"
        # A move that fails rolls the publish back and removes the journal; a lock that cannot be taken leaves it.
        then = "the next run completes it" if journal.is_file() else "the previous outputs are back"
        return f"publish: interrupted, and cannot be completed here: {problem}; {then}"
    return f"publish: {recovered}" if recovered else "publish: no interrupted publish"


def wave_status(year: int, out_root: Path) -> tuple[bool, list[str]]:
    """Check the wave's outputs under ``out_root``; return whether they are sound, and the lines to print."""
    lines = [f"wave {year} under {paths.display(out_root)}"]
    lock = lock_path(out_root, year)
    if is_held(lock):
        lines.append(f"lock: held by a run in progress ({describe(holder(lock))})")
    else:
        left = holder(lock)
        if left:
            lines.append(f"lock: left by a run that ended without releasing it ({describe(left)}); the next run "
                         "takes it over")
        else:
            lines.append("lock: free")
        lines.append(_complete_publish(out_root, year, lines))
    sound, line = _outputs(out_root / "data" / "processed" / str(year), out_root / "reports" / str(year))
    lines.append(line)
    kept = failed_runs(out_root, year)
    lines.append(f"failed runs kept: {', '.join(map(paths.display, kept))}" if kept else "failed runs kept: none")
    return sound, lines


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m helpers status``."""
    parser.add_argument("--year", type=int, required=True, help="survey wave, e.g. 2012")
    parser.add_argument("--out-dir", help="folder under which the run wrote (default: the project root)")


def main(args: argparse.Namespace) -> int:
    """Print the wave's status; 0 when its outputs are whole and of one run (or absent), 1 otherwise."""
    sound, lines = wave_status(args.year, paths.resolve(args.out_dir, paths.ROOT))
    print("\n".join(lines))
    return 0 if sound else 1
