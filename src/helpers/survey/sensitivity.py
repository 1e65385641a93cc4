"""Sensitivity of a yes/no share to non-ignorable non-response: bounds and delta adjustment.

* :func:`share_bounds`: worst and best cases (Manski bounds) -- every
  unit whose answer is unknown (non-respondent or item non-response)
  answers "no", or every one answers "yes";
* :func:`delta_adjusted_share`: a pattern-mixture (delta-adjustment)
  curve. Within each weighting cell ``c`` the non-respondents' odds of
  "yes" are ``delta`` times the respondents' odds:
  ``p_nr = delta p_r / (1 - p_r + delta p_r)``, and the population share
  is ``sum_c (W_rc p_rc + W_nc p_nc) / sum_c (W_rc + W_nc)`` with ``W``
  the design-weighted counts of respondents and non-respondents. With
  ``delta = 1`` this is the weighting-class (cell-adjusted) estimate;
  ``delta -> 0`` and ``delta -> inf`` approach the bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.survey.validation import cell_codes, check_weights

DEFAULT_DELTAS = (0.25, 1 / 3, 0.5, 2 / 3, 1.0, 1.5, 2.0, 3.0, 4.0)


@dataclass(frozen=True)
class ShareBounds:
    """Worst/best-case bounds of a population share under non-response.

    Attributes
    ----------
    lower, upper
        Share if every unknown answer were "no" / "yes".
    estimate
        Share among the known answers (weighted when weights are given).
    n_known, n_unknown
        Units with a known answer, and non-respondents plus item non-response.
    """

    lower: float
    estimate: float
    upper: float
    n_known: int
    n_unknown: int


def _answers(answer: object, weights: object | None) -> tuple[np.ndarray, np.ndarray]:
    y = pd.Series(answer).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    known = np.isfinite(y)
    if not np.isin(y[known], (0.0, 1.0)).all():
        raise ValueError("answer: expected 0/1 (or boolean) answers with NaN where unknown")
    w = np.ones(y.size) if weights is None else check_weights(weights)
    if w.shape != y.shape:
        raise ValueError(f"weights: {w.size} values for {y.size} units; expected one per unit")
    return y, w


def share_bounds(answer: object, weights: object | None = None) -> ShareBounds:
    """Worst- and best-case share of "yes" over all eligible sampled units.

    Parameters
    ----------
    answer
        One entry per eligible sampled unit: 1/0 (or True/False) for a known
        answer, NaN for a non-respondent or an item non-response.
    weights
        Design weights of all units (equal weights by default).

    Returns
    -------
    ShareBounds

    Raises
    ------
    ValueError
        If answers are not binary, weights misaligned, or no answer is known.
    """
    y, w = _answers(answer, weights)
    known = np.isfinite(y)
    if not known.any():
        raise ValueError("answer: no known answer; expected at least one respondent")
    total = w.sum()
    yes = w[known] @ y[known]
    unknown = w[~known].sum()
    return ShareBounds(float(yes / total), float(yes / w[known].sum()), float((yes + unknown) / total),
                       int(known.sum()), int((~known).sum()))


def delta_adjusted_share(answer: object, cells: pd.Series | pd.DataFrame | None = None,
                         weights: object | None = None, deltas: Sequence[float] = DEFAULT_DELTAS) -> pd.DataFrame:
    """Population share of "yes" when non-respondents' odds differ from respondents' by ``delta``.

    Parameters
    ----------
    answer
        One entry per eligible sampled unit: 1/0 for a known answer, NaN for
        a non-respondent (or item non-response, treated alike).
    cells
        Weighting cells (named Series or DataFrame of crossed variables);
        one cell when ``None``.
    weights
        Design weights of all units (equal weights by default).
    deltas
        Odds ratios (non-respondents vs respondents) to evaluate, > 0.

    Returns
    -------
    pandas.DataFrame
        Columns ``delta`` and ``share``, one row per delta; ``delta = 1`` is
        the weighting-class estimate.

    Raises
    ------
    ValueError
        For non-positive deltas, a cell without a known answer, or misaligned
        inputs.
    """
    y, w = _answers(answer, weights)
    grid = np.asarray(deltas, dtype=float)
    if grid.ndim != 1 or not (np.isfinite(grid) & (grid > 0)).all():
        raise ValueError(f"deltas: expected finite odds ratios > 0, got {list(deltas)}")
    if cells is None:
        cells = pd.Series(np.zeros(y.size, dtype=int), name="cells")
    codes, labels, name = cell_codes(cells, y.size)
    known = np.isfinite(y)
    k = len(labels)
    w_known = np.bincount(codes, weights=w * known, minlength=k)
    empty = np.flatnonzero(w_known <= 0)
    if empty.size:
        raise ValueError(f"{name}: no known answer in cell(s) {[labels[i] for i in empty]}; collapse cells")
    w_unknown = np.bincount(codes, weights=w * ~known, minlength=k)
    p_r = np.bincount(codes, weights=w * np.where(known, y, 0.0), minlength=k) / w_known
    p_nr = grid[:, None] * p_r / (1 - p_r + grid[:, None] * p_r)
    share = (w_known * p_r + w_unknown * p_nr).sum(axis=1) / w.sum()
    return pd.DataFrame({"delta": grid, "share": share})
