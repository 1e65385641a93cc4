"""Dummy (indicator) coding of a categorical variable, with its reference level stated.

Every model matrix of the package (response propensities, calibration,
logistic models, imputation models) codes its categorical variables here, so
that the level a coefficient is compared with is always the one the caller
names: the first level in sorted order unless another is passed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def most_frequent(values: pd.Series) -> object:
    """The most frequent non-missing level of ``values`` (the first in ``value_counts`` order on ties)."""
    return values.value_counts().index[0]


def dummy_code(values: pd.Series, *, reference: object | None = None, name: str | None = None) -> pd.DataFrame:
    """One 0/1 column per level of a categorical variable, except the reference level.

    Parameters
    ----------
    values
        The categorical variable, one value per unit.
    reference
        The level left out, against which the coefficients of the other
        levels are read; ``None``: the first level in sorted order (R's
        ``model.matrix`` default).
    name
        Prefix of the column names, ``"name[level]"``; ``values.name`` by
        default.

    Returns
    -------
    pandas.DataFrame
        Float columns, one per level other than ``reference`` in sorted
        order, index of ``values``; a missing value leaves its row missing
        (NaN) in every column.

    Raises
    ------
    ValueError
        If ``reference`` is not a level of ``values``.
    """
    codes, levels = pd.factorize(values, sort=True)
    levels = list(levels)
    name = str(values.name) if name is None else name
    base = levels[0] if reference is None and levels else reference
    if base not in levels:
        raise ValueError(f"reference: level {base!r} of {name!r} does not occur; expected one of {levels}")
    missing = codes < 0
    columns = {}
    for k, level in enumerate(levels):
        if level != base:
            column = (codes == k).astype(float)
            column[missing] = np.nan
            columns[f"{name}[{level}]"] = column
    return pd.DataFrame(columns, index=values.index, dtype=float)
