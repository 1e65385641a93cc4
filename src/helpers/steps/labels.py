"""Codes shown as words: the step notebooks' tables with the labels of :data:`helpers.vocabulary.DISPLAY_LABELS`.

Only what a reader sees changes: the data files and results keep the codes.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.vocabulary import DISPLAY_LABELS, VARIABLE_LABELS, display_label

_TERM = re.compile(r"(?P<variable>\w+)\[(?P<category>[^\]]+)\](?: vs (?P<reference>.+))?")


def category_label(variable: str, code: object) -> str:
    """Label of a category of ``variable``; the code (as text) for a variable without a vocabulary."""
    return display_label(variable, code) if variable in DISPLAY_LABELS else str(code)


def term_label(term: str) -> str:
    """A model term in words: ``variable[category]``, with `` vs reference`` if named, or a frame variable's name
    (other terms unchanged).

    >>> term_label("size_band[>=500k] vs <100k")
    'population band: 500,000 inhabitants or more vs Under 100,000 inhabitants'
    >>> term_label("log_population")
    'population (log)'
    """
    match = _TERM.fullmatch(term)
    if match is None:
        return VARIABLE_LABELS.get(term, term)
    variable = match["variable"]
    if variable not in DISPLAY_LABELS:
        return term
    shown = f"{VARIABLE_LABELS.get(variable, variable)}: {category_label(variable, match['category'])}"
    return shown if match["reference"] is None else f"{shown} vs {category_label(variable, match['reference'])}"


def _index(index: pd.Index) -> pd.Index:
    """An index with every level named by a vocabulary in words, variables and their categories and model terms
    labelled."""
    names = list(index.names)
    levels = {k: list(index.get_level_values(k)) for k in range(index.nlevels)}
    position = {name: k for k, name in enumerate(names) if isinstance(name, str)}
    for name, k in position.items():
        if name in DISPLAY_LABELS:
            levels[k] = [display_label(name, code) for code in levels[k]]
        elif name == "term":
            levels[k] = [term_label(str(term)) for term in levels[k]]
    if "variable" in position:
        variables = levels[position["variable"]]
        if "category" in position:
            k = position["category"]
            levels[k] = [category_label(v, c) for v, c in zip(variables, levels[k])]
        levels[position["variable"]] = [VARIABLE_LABELS.get(v, v) for v in variables]
    shown = [VARIABLE_LABELS.get(name, name) if isinstance(name, str) else name for name in names]
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_arrays(list(levels.values()), names=shown)
    return pd.Index(levels[0], name=shown[0])


def labelled(table: pd.DataFrame, index: str | None = None, columns: str | None = None) -> pd.DataFrame:
    """``table`` as a reader sees it: codes of known variables replaced by their English labels.

    Index and column levels named by a variable of :data:`helpers.vocabulary.DISPLAY_LABELS` are labelled,
    a (``variable``, ``category``) pair of levels labels each category by its variable, a ``term`` level's
    model terms (``size_band[>=500k] vs <100k``) are spelt out, and level names of
    :data:`helpers.vocabulary.VARIABLE_LABELS` become their names in words. Columns holding a variable's codes
    are labelled too. Numbers are untouched.

    Parameters
    ----------
    table
        The table to show.
    index, columns
        A variable whose codes the index (or the columns) hold, for an axis not named after it (its name stays).

    Returns
    -------
    pandas.DataFrame
        A labelled copy.
    """
    out = table.copy()
    if index is not None:
        out = out.rename_axis(index=index)
    if columns is not None:
        out = out.rename_axis(columns=columns)
    for column in out.columns:
        if isinstance(column, str) and column in DISPLAY_LABELS:
            out[column] = [display_label(column, code) for code in out[column]]
    out.index = _index(out.index)
    out.columns = _index(out.columns)
    # A variable named by the caller labels the axis's codes only: the axis keeps its own name.
    if index is not None:
        out = out.rename_axis(index=table.index.name)
    if columns is not None:
        out = out.rename_axis(columns=table.columns.name)
    return out
