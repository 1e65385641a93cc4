"""Atomic file writes and folder swaps: a reader never sees a half-written file or a half-published folder.

:func:`write_bytes` and :func:`write_text` write into a temporary file in the
destination's own folder (so that the final rename stays on one file
system), flush it to disk and rename it over the destination with
:func:`os.replace`, which POSIX makes atomic. :func:`update_text` reads,
changes and rewrites a file that steps running side by side share, one
process at a time. :func:`swap_in`
publishes staged folders in place of the previous ones, puts every
previous folder back when one move fails, and writes a journal from which
:func:`resume_swap` completes a swap whose process was killed.

Standard library only: every stage of the package may import it.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["resume_swap", "swap_in", "update_text", "write_bytes", "write_text"]


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


def swap_in(pairs: Sequence[tuple[Path, Path]], journal: Path | None = None,
            checkpoint: Callable[[str], None] | None = None) -> None:
    """Move each staged folder to its final place; on failure, put every previous folder back.

    Each final folder that exists is first renamed to ``previous-<name>``
    beside its staged folder, then the staged folder is renamed in its place.
    Renames within one file system are atomic, so each final folder is at
    every moment either the previous or the new one; if a move fails, the
    folders already moved go back and the previous ones return, so that the
    set of final folders is never half new. A process killed between two
    moves cannot roll back: with a ``journal``, the moves are written down
    first and :func:`resume_swap` completes them.

    Parameters
    ----------
    pairs
        (staged folder, final folder) pairs, published in order; each staged
        folder must be on the file system of its final folder. The caller
        deletes the staged folders' parents (and the previous folders in
        them) once done.
    journal
        File that records the moves before the first one; it is left in
        place after the last move (the caller removes it once its own
        follow-up work is done), and removed after a rollback.
    checkpoint
        Called with ``"journal"``, then ``"aside <k>"`` and ``"in <k>"``
        (``k`` from 1) after each move; a test hook.

    Raises
    ------
    OSError
        The first move that failed, after the rollback.
    """
    moves = [(Path(staged), Path(final), Path(staged).with_name(f"previous-{Path(staged).name}"))
             for staged, final in pairs]
    step = checkpoint or (lambda point: None)
    if journal is not None:
        write_text(journal, json.dumps({"moves": [[str(path) for path in move] for move in moves]}, indent=1))
        step("journal")
    try:
        for number, (staged, final, previous) in enumerate(moves, start=1):
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                final.rename(previous)
                step(f"aside {number}")
            staged.rename(final)
            step(f"in {number}")
    except OSError:
        _roll_back(moves, journal)
        raise


def resume_swap(journal: Path) -> list[tuple[Path, Path]]:
    """Complete the moves of a :func:`swap_in` that was killed; return its (staged, final) pairs.

    Every move the journal records and that had not happened yet is made, so
    that every final folder is the new one; if a move fails, everything is
    rolled back to the previous folders, as :func:`swap_in` does. The journal
    is left in place, as :func:`swap_in` leaves it.

    Raises
    ------
    OSError
        The first move that failed, after the rollback (the journal is then removed).
    """
    moves = [tuple(Path(path) for path in move) for move in json.loads(Path(journal).read_text("utf-8"))["moves"]]
    try:
        for staged, final, previous in moves:
            if staged.exists():  # not moved in yet
                if final.exists():
                    final.rename(previous)
                staged.rename(final)
    except OSError:
        _roll_back(moves, journal)
        raise
    return [(staged, final) for staged, final, _ in moves]


def _roll_back(moves: Sequence[tuple[Path, Path, Path]], journal: Path | None) -> None:
    for staged, final, previous in reversed(moves):
        if final.exists() and not staged.exists():
            final.rename(staged)
        if previous.exists():
            previous.rename(final)
    if journal is not None:
        Path(journal).unlink(missing_ok=True)
