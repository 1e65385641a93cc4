"""Atomic file writes and folder swaps: a reader never sees a half-written file or a half-published folder.

:func:`write_bytes` and :func:`write_text` write into a temporary file in the
destination's own folder (so that the final rename stays on one file
system), flush it to disk and rename it over the destination with
:func:`os.replace`, which POSIX makes atomic. :func:`update_text` reads,
changes and rewrites a file that steps running side by side share, one
process at a time. :func:`swap_in`
publishes staged folders in place of the previous ones and puts every
previous folder back when one move fails.

Standard library only: every stage of the package may import it.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["swap_in", "update_text", "write_bytes", "write_text"]


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, creating its folder when missing.

    Parameters
    ----------
    path
        Destination; an existing file is replaced only once the new content
        is complete on disk.
    data
        The file's content.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    # os.open with mode 0o666 lets the umask set the permissions, as a plain open() would.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically, without newline translation.

    Parameters
    ----------
    path
        Destination, as for :func:`write_bytes`.
    text
        The file's content; its line ends are written as they are.
    encoding
        Text encoding of the file.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return write_bytes(path, text.encode(encoding))


def update_text(path: str | Path, change: Callable[[str | None], str], encoding: str = "utf-8") -> Path:
    """Read, change and rewrite a file atomically, one process at a time.

    While it holds an exclusive lock on the file's folder (:func:`fcntl.flock`,
    so that no lock file is left beside the outputs), it reads ``path``,
    passes its text to ``change`` and writes what ``change`` returns with
    :func:`write_text`. Two processes updating the same file through this
    function therefore never lose each other's change; readers need no lock,
    since the file is replaced whole.

    Parameters
    ----------
    path
        The file; its folder is created when missing.
    change
        Takes the current text (``None`` when the file does not exist) and
        returns the new text.
    encoding
        Text encoding of the file.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        current = path.read_text(encoding=encoding) if path.is_file() else None
        return write_text(path, change(current), encoding)
    finally:
        os.close(folder)  # closing the descriptor releases the lock


def swap_in(pairs: Sequence[tuple[Path, Path]], holding: Path) -> None:
    """Move each staged folder to its final place; on failure, put every previous folder back.

    Each final folder that exists is first renamed into ``holding`` (as
    ``previous-<parent>-<name>``), then its staged folder is renamed in its
    place. Renames within one file system are atomic, so each final folder
    is at every moment either the previous or the new one; if a move fails,
    the folders already moved go back to their staged place and the previous
    ones return, so that the set of final folders is never half new.

    Parameters
    ----------
    pairs
        (staged folder, final folder) pairs, published in order; the staged
        folder, the final one and ``holding`` must be on one file system.
    holding
        Folder that receives the previous final folders; it must exist. The
        caller deletes it (and the previous folders in it) once done.

    Raises
    ------
    OSError
        The first move that failed, after the rollback.
    """
    moved: list[tuple[Path, Path, Path | None]] = []
    try:
        for staged, final in pairs:
            staged, final = Path(staged), Path(final)
            final.parent.mkdir(parents=True, exist_ok=True)
            previous = Path(holding) / f"previous-{final.parent.name}-{final.name}"
            if final.exists():
                final.rename(previous)
            moved.append((staged, final, previous if previous.exists() else None))
            staged.rename(final)
    except OSError:
        for staged, final, previous in reversed(moved):
            if final.exists() and not staged.exists():
                final.rename(staged)
            if previous is not None:
                previous.rename(final)
        raise
