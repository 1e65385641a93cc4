"""Showing report content in a notebook: figures with their alternative text, HTML tables, small-cell suppression."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, display

from helpers.report.formatting import NBSP
from helpers.steps import figures

SUPPRESSED = "s"


def finish_figure(fig: Any, ax: Any, lang: str, **labels: str) -> None:
    """:func:`helpers.steps.figures.finish` with the source line introduced in the report's language."""
    figures.finish(fig, ax, **labels)
    if lang == "fr":
        line = fig.texts[-1]
        line.set_text(line.get_text().replace("Source: ", f"Source{NBSP}: ", 1))


def show_figure(fig: Any) -> None:
    """Display a finished figure with its title as the image's alternative text, then close it.

    The rendered report then describes every figure to screen readers, instead of nbconvert's
    "No description has been provided for this image".
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", metadata=figures.PNG_METADATA)
    title = fig._suptitle.get_text().replace("\n", " ") if fig._suptitle is not None else ""
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png", alt=title))


def table_html(table: pd.DataFrame, note: str = "") -> str:
    """A text table as HTML without its index, with an optional note under it."""
    body = table.to_html(index=False, border=0, classes="report-table", escape=True)
    return body + (f'\n<p class="note">{html.escape(note)}</p>' if note else "")


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
    if n_column not in table:
        raise KeyError(f"no column {n_column!r} holding the number of respondents")
    out = table.copy()
    small = pd.to_numeric(table[n_column]).lt(threshold).to_numpy()
    columns = list(columns)
    out[columns] = out[columns].astype(object)
    out.loc[small, columns] = SUPPRESSED
    return out, int(small.sum())


def small_cell_note(suppressed: int, threshold: int, lang: str) -> str:
    """The note under a table saying what ``s`` means (and how many rows it hides)."""
    if lang == "fr":
        return (f"s : valeur non diffusée, moins de {threshold} répondants ({suppressed} ligne(s)). "
                if suppressed else f"Aucune case ne repose sur moins de {threshold} répondants.")
    return (f"s: not shown, fewer than {threshold} respondents ({suppressed} row(s)). "
            if suppressed else f"No cell rests on fewer than {threshold} respondents.")
