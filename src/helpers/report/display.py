"""Showing report content in a notebook: figures with their text alternative and data, and HTML tables."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import HTML, display

from helpers.report.formatting import NBSP
from helpers.report.tracing import html_text
from helpers.steps import figures


def finish_figure(fig: Any, ax: Any, lang: str, **labels: str) -> None:
    """:func:`helpers.steps.figures.finish` with the source line introduced in the report's language."""
    figures.finish(fig, ax, **labels)
    if lang == "fr":
        line = fig.texts[-1]
        line.set_text(line.get_text().replace("Source: ", f"Source{NBSP}: ", 1))


@dataclass(frozen=True)
class Chart:
    """A report figure with what it shows: its data as a table and a sentence saying what it shows.

    Attributes
    ----------
    figure
        The finished matplotlib figure.
    name
        File name of its data (``figure-<name>.csv``), letters, digits and ``_``.
    data
        The plotted values, one row per point (cells formatted, traced to results keys where read from them).
    description
        What the figure shows, for its text alternative (after the title).
    lang
        The report's language.
    """

    figure: Any
    name: str
    data: pd.DataFrame
    description: str
    lang: str


def show_figure(chart: Chart) -> None:
    """Display a report figure with its text alternative and its data, then close it.

    The image's alternative text is the figure's title followed by the chart's description (instead of
    nbconvert's "No description has been provided for this image"); the chart's data follow as a collapsible
    table (``<details>``) named ``figure-<name>``, which the rendering writes to CSV.
    """
    title = figures.title_of(chart.figure)
    figures.show(chart.figure, chart.description)
    summary = {"fr": "Données de la figure", "en": "Data of the figure"}[chart.lang]
    caption = f"{summary}{NBSP}: {title}" if chart.lang == "fr" else f"{summary}: {title}"
    display(HTML(f'<details class="figure-data"><summary>{summary}</summary>\n'
                 f'{table_html(chart.data, name=f"figure-{chart.name}", caption=caption)}\n</details>'))


def table_html(table: pd.DataFrame, note: str = "", name: str | None = None, caption: str = "") -> str:
    """A text table as HTML without its index, with an optional note under it.

    Parameters
    ----------
    table
        The table, cells formatted as text; a :class:`helpers.report.tracing.TracedText` cell becomes a
        ``span`` naming its results keys.
    note
        Shown under the table.
    name
        The table's file name (letters, digits, ``_`` and ``-``): the rendering writes it to
        ``tables/<name>.csv`` and to a sheet of ``report.xlsx``.
    caption
        The table's title, when the heading of its section is not (a figure's data).
    """
    if name is not None and not re.fullmatch(r"[\w-]+", name):
        raise ValueError(f"table name {name!r}; expected letters, digits, '_' or '-'")
    named = f' data-name="{name}"' if name else ""
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in table.columns)
    rows = "\n".join("<tr>" + "".join(f"<td>{html_text(cell)}</td>" for cell in row) + "</tr>"
                     for row in table.itertuples(index=False))
    title = f"<caption>{html.escape(caption)}</caption>\n" if caption else ""
    body = (f'<table class="report-table"{named}>\n{title}<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n'
            f"</tbody>\n</table>")
    return body + (f'\n<p class="note">{html.escape(note)}</p>' if note else "")
