"""The package's exceptions; only ``helpers.__main__`` turns them into exit statuses and messages.

:class:`InputError` (bad data or configuration) names the file, the place and
what was expected; :class:`UsageError` names the command-line option at
fault; :class:`StepFailed` says which notebook failed, in which cell and why;
:class:`OutputError` names the output folder the run cannot write and why,
:class:`WaveBusy` the run that holds the wave, :class:`Interrupted` where the
interrupted run was kept.
"""

from __future__ import annotations

from pathlib import Path

from helpers.paths import display

__all__ = ["InputError", "Interrupted", "OutputError", "StepFailed", "UsageError", "WaveBusy"]


class InputError(ValueError):
    """Bad input data or configuration.

    Parameters
    ----------
    path
        The file at fault.
    problem
        What is wrong and what was expected.
    row
        1-based line number in the file, when one applies (header is line 1).
    column
        Column or configuration key at fault, when one applies.
    """

    def __init__(self, path: str | Path, problem: str, *, row: int | None = None,
                 column: str | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.row = row
        self.column = column
        where = [display(self.path)]
        if row is not None:
            where.append(f"line {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}")


class UsageError(ValueError):
    """A command-line option holds a value the command cannot use; the message names the option."""


class StepFailed(RuntimeError):
    """A notebook raised, timed out or lost its kernel; the message names the notebook, the cell and the error."""


class OutputError(RuntimeError):
    """The run cannot write its outputs (a read-only folder, a full disk); the message names the folder."""


class WaveBusy(RuntimeError):
    """Another run holds the lock of the wave's output folder; the message names its process and start time."""


class Interrupted(RuntimeError):
    """The run was interrupted (Ctrl-C); the message says where the partial run was kept."""
