"""What a reviewer needs to trace a number back to its inputs: checksums of files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from helpers.paths import display


def sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_table(files: dict[str, Path], relative_to: Path | None = None) -> pd.DataFrame:
    """One row per file: its role, path, size and SHA-256.

    Parameters
    ----------
    files
        Role -> path.
    relative_to
        Show paths relative to this folder; by default from the project root.
    """
    def shown(path: Path) -> str:
        return path.relative_to(relative_to).as_posix() if relative_to is not None else display(path)

    return pd.DataFrame(
        [{"role": role, "path": shown(path), "bytes": path.stat().st_size, "sha256": sha256(path)}
         for role, path in files.items()]
    ).set_index("role")
