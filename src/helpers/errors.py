"""Errors raised for bad input: each names the file, the place and what was expected."""

from __future__ import annotations

from pathlib import Path

from helpers.paths import display


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
