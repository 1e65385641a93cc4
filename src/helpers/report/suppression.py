"""Small cells: primary suppression of cells resting on few respondents, and secondary suppression of complements.

A cell resting on fewer respondents than the wave's ``report.small_cell_threshold`` is not shown (``s``). When
the table's rows (or columns) add up to a total the report states elsewhere, one hidden cell in a line could
be recovered as the total minus the others: :func:`secondary_suppression` then hides the smallest other cell
of that line too, until no line holds exactly one hidden cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from helpers.report.tracing import TracedText

SUPPRESSED = "s"


def cell_number(cell: Any) -> float:
    """The number a table cell states: a traced text's first value, else the cell parsed as a number."""
    if isinstance(cell, TracedText):
        return cell.values[0]
    return float(pd.to_numeric(cell))


def secondary_suppression(counts: pd.DataFrame, primary: pd.DataFrame | np.ndarray) -> np.ndarray:
    """Cells to hide so that no primarily hidden cell can be derived from its row's or column's total.

    Every row and every column is taken to add up to a published total. While a row or a column holds exactly
    one hidden cell, the smallest of its other cells (the smallest non-zero one when there is one: hiding a
    zero protects nothing) is hidden too; rows are checked before columns, ties go to the first cell.

    Parameters
    ----------
    counts
        The table's counts (numbers only; its totals are not part of it).
    primary
        Same shape, ``True`` where a cell is hidden because it is small.

    Returns
    -------
    numpy.ndarray of bool
        ``True`` for every cell to hide: the primary cells and their complements.

    Raises
    ------
    ValueError
        If ``primary`` does not have the shape of ``counts``.
    """
    values = counts.to_numpy(dtype=float)
    hidden = np.asarray(primary, dtype=bool).copy()
    if hidden.shape != values.shape:
        raise ValueError(f"primary suppression of shape {hidden.shape}; expected the counts' shape {values.shape}")
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):  # each row, then each column
            lines = hidden if axis == 1 else hidden.T
            line_values = values if axis == 1 else values.T
            for index in np.flatnonzero(lines.sum(axis=1) == 1):
                shown = np.flatnonzero(~lines[index])
                if shown.size == 0:
                    continue
                candidates = shown[line_values[index, shown] > 0]
                pool = candidates if candidates.size else shown
                choice = pool[np.argmin(line_values[index, pool])]
                if axis == 1:
                    hidden[index, choice] = True
                else:
                    hidden[choice, index] = True
                changed = True
                break
            if changed:
                break
    return hidden


def _hide(table: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> pd.DataFrame:
    out = table.copy()
    out[columns] = out[columns].astype(object)
    out.loc[rows, columns] = SUPPRESSED
    return out


def _small(table: pd.DataFrame, n_column: str, threshold: int) -> np.ndarray:
    if n_column not in table:
        raise KeyError(f"no column {n_column!r} holding the number of respondents")
    return np.array([cell_number(cell) < threshold for cell in table[n_column]], dtype=bool)


def suppress_small_cells(table: pd.DataFrame, n_column: str, columns: Iterable[str],
                         threshold: int) -> tuple[pd.DataFrame, int]:
    """Replace the cells of rows resting on fewer than ``threshold`` respondents by ``s``.

    Parameters
    ----------
    table
        A table already formatted as text.
    n_column
        Column holding each row's number of respondents (kept visible).
    columns
        Columns to suppress in the small rows.
    threshold
        Smallest number of respondents a cell may rest on.

    Returns
    -------
    (table, rows suppressed)
    """
    small = _small(table, n_column, threshold)
    return _hide(table, small, list(columns)), int(small.sum())


def suppress_with_complements(table: pd.DataFrame, n_column: str, columns: Iterable[str],
                              threshold: int) -> tuple[pd.DataFrame, int, int]:
    """:func:`suppress_small_cells` for rows whose respondents add up to a total the report states.

    The respondents of the small rows are hidden too, and so are the rows of the smallest complementary
    counts (:func:`secondary_suppression` of ``n_column``), so that no hidden count or share can be recovered
    as the total minus the others.

    Returns
    -------
    (table, rows suppressed because small, complementary rows suppressed)
    """
    small = _small(table, n_column, threshold)
    hidden = ~shown_rows([cell_number(cell) for cell in table[n_column]], threshold)
    return _hide(table, hidden, [n_column, *columns]), int(small.sum()), int((hidden & ~small).sum())


def shown_rows(respondents: Iterable[float], threshold: int) -> np.ndarray:
    """Which rows adding up to a stated total may be shown: neither small nor the complement of a small one.

    The rule of :func:`suppress_with_complements`, for a figure that leaves out the rows its table hides.
    """
    counts = pd.DataFrame({"respondents": [float(value) for value in respondents]})
    small = counts["respondents"].to_numpy() < threshold
    return ~secondary_suppression(counts, small[:, None])[:, 0]


def small_cell_note(suppressed: int, threshold: int, lang: str, complementary: int = 0) -> str:
    """The note under a table saying what ``s`` means (and how many rows it hides)."""
    if lang == "fr":
        if not suppressed:
            return f"Aucune case ne repose sur moins de {threshold} répondants."
        extra = (f" et {complementary} ligne(s) complémentaire(s), masquée(s) pour qu'aucune valeur ne puisse être "
                 "déduite du total" if complementary else "")
        return f"s : valeur non diffusée, moins de {threshold} répondants ({suppressed} ligne(s)){extra}. "
    if not suppressed:
        return f"No cell rests on fewer than {threshold} respondents."
    extra = (f" and {complementary} complementary row(s), hidden so that no value can be derived from the total"
             if complementary else "")
    return f"s: not shown, fewer than {threshold} respondents ({suppressed} row(s)){extra}. "
