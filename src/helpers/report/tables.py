"""Tables as they are shown in the notebooks and the report: numbers formatted as text.

Formatting into plain strings (instead of pandas' ``Styler``, whose HTML
carries a random table id) keeps executed notebooks byte-identical between
runs and lets nbval compare them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def formatted(table: pd.DataFrame, formats: Mapping[object, str] | str, na: str = "–") -> pd.DataFrame:
    """Format the columns of ``table`` with format strings.

    Parameters
    ----------
    table
        The table to show.
    formats
        One format string for every numeric column (``"{:.3f}"``) or a
        format string per column; columns not named are shown as they are.
    na
        What a missing value shows.

    Returns
    -------
    pandas.DataFrame
        The same table with the formatted columns as strings.
    """
    out = table.copy()
    if isinstance(formats, str):
        formats = {column: formats for column in table.columns if pd.api.types.is_numeric_dtype(table[column])}
    for column, pattern in formats.items():
        out[column] = [na if pd.isna(value) else pattern.format(value) for value in table[column]]
    return out
