"""What a published run was made of: ``reports/<year>/run.json``, the checksums of its inputs and outputs.

The runner writes it into the staged reports before publishing: SHA-256 of
each raw input, of the wave's settings and codebook, of the earlier waves' results and answers the year on
year read, and of every file of the processed and reports folders. ``--only STEP`` reads it to refuse a step whose upstream
outputs no longer match the raw inputs, and ``python -m helpers status``
to check that the published folders are whole and of one run. It holds no
time or path, so that a rerun on the same inputs writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpers import atomic
from helpers.checksums import sha256

__all__ = ["MANIFEST_NAME", "checksums", "input_checksums", "read_manifest", "step_inputs", "write_manifest"]

MANIFEST_NAME = "run.json"
# Files a step writes for people rather than for the steps after it.
_NOT_STEP_INPUTS = (".ipynb", ".html", ".pdf")


def checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (but the manifest), by path relative to it."""
    folder = Path(folder)
    return {path.relative_to(folder).as_posix(): sha256(path) for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name != MANIFEST_NAME}


def step_inputs(processed: Path, reports: Path) -> dict[str, str]:
    """Checksums of what the steps read from each other: every processed file, and the results, figures and
    tables under the reports (not the executed notebooks and the pages rendered from them)."""
    found = {f"processed/{name}": digest for name, digest in checksums(processed).items()}
    found.update({f"reports/{name}": digest for name, digest in checksums(reports).items()
                  if not name.endswith(_NOT_STEP_INPUTS)})
    return found


def input_checksums(inputs: dict[str, Path], settings: dict, codebook: Path,
                    earlier: dict[str, Path] | None = None) -> dict[str, str]:
    """SHA-256 of each raw input (by its wave key), of the wave's validated settings (so that a comment or
    the layout of the wave file does not count as a change), of the codebook the wave names (the later waves'
    series read an earlier wave with it, :func:`helpers.steps.series.read_wave`) and of the ``earlier`` waves'
    files the year on year reads (by name)."""
    text = json.dumps(settings, sort_keys=True, default=str).encode()
    return {**{f"raw.{name}": sha256(path) for name, path in sorted(inputs.items())},
            "wave settings": hashlib.sha256(text).hexdigest(), "codebook": sha256(codebook),
            **{name: sha256(path) for name, path in sorted((earlier or {}).items())}}


def write_manifest(processed: Path, reports: Path, inputs: dict[str, str]) -> Path:
    """Write ``run.json`` into ``reports``: the run's ``inputs`` (:func:`input_checksums`) and outputs."""
    manifest = {"inputs": inputs, "processed": checksums(processed), "reports": checksums(reports)}
    return atomic.write_text(Path(reports) / MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def read_manifest(reports: Path) -> dict | None:
    """The manifest of the run published in ``reports``, or None when there is none (or it is unreadable)."""
    try:
        return json.loads((Path(reports) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
