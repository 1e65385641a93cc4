"""Input validation shared by the survey statistics: weight vectors and categorical cells.

Each function checks one kind of argument, raises a :class:`ValueError` that
names the argument, the position or category at fault and what was expected,
and returns the argument in the form the computations use (as scikit-learn's
``utils.validation``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def check_weights(weights: object, name: str = "weights") -> np.ndarray:
    """A weight vector as a float array, checked finite and non-negative.

    Parameters
    ----------
    weights
        One weight per unit.
    name
        What the error messages call the argument.

    Returns
    -------
    numpy.ndarray
        The weights, one-dimensional, dtype float.

    Raises
    ------
    ValueError
        If the array is not one-dimensional, or a weight is missing,
        infinite or negative (naming the first position at fault).
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1:
        raise ValueError(f"{name}: expected a one-dimensional array of weights, got shape {w.shape}")
    bad = ~np.isfinite(w)
    if bad.any():
        raise ValueError(f"{name}: {int(bad.sum())} missing or infinite weight(s), first at position "
                         f"{int(np.flatnonzero(bad)[0])}; expected finite values")
    if (w < 0).any():
        first = int(np.flatnonzero(w < 0)[0])
        raise ValueError(f"{name}: {int((w < 0).sum())} negative weight(s), first at position {first} "
                         f"({w[first]!r}); expected weights >= 0")
    return w


def cell_codes(cells: pd.Series | pd.DataFrame, n: int) -> tuple[np.ndarray, list[object], str]:
    """Integer cell codes of one categorical variable, or of several crossed ones.

    Parameters
    ----------
    cells
        A named Series, or a DataFrame whose columns are crossed (its cells
        are the combinations that occur).
    n
        The number of units expected.

    Returns
    -------
    tuple
        ``(codes, labels, name)``: one code per unit, ``0 .. len(labels) - 1``
        in the sorted order of the labels (tuples for crossed variables),
        the labels, and a printable name of the variable(s) (``"a x b"``).

    Raises
    ------
    ValueError
        If there are not ``n`` values, or a unit has no category (naming the
        variable and the first position).
    """
    if isinstance(cells, pd.DataFrame):
        name = " x ".join(map(str, cells.columns))
        frame = cells
    else:
        name = str(cells.name) if cells.name is not None else "cells"
        frame = cells.to_frame(name)
    if len(frame) != n:
        raise ValueError(f"{name}: {len(frame)} values for {n} weights; expected one value per unit")
    for column in frame.columns:
        missing = frame[column].isna().to_numpy()
        if missing.any():
            raise ValueError(f"{column}: {int(missing.sum())} missing value(s), first at position "
                             f"{int(np.flatnonzero(missing)[0])}; every unit needs a category")
    if frame.shape[1] == 1:
        codes, uniques = pd.factorize(frame.iloc[:, 0], sort=True)
    else:
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame), sort=True)
    return np.asarray(codes), list(uniques), name
