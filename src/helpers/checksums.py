"""SHA-256 checksums of files: what the provenance tables, the run manifest and the series compare.

Standard library only: every stage of the package may import it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["sha256"]


def sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes (read in blocks of 1 MiB)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
