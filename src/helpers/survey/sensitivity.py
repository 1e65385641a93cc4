"""Sensitivity analyses: unmeasured confounding (E-values) and non-ignorable non-response.

E-values (VanderWeele and Ding 2017, Annals of Internal Medicine 167:268-274)
    The minimum strength of association, on the risk-ratio scale, that an
    unmeasured confounder would need with both the exposure and the outcome
    to explain away an observed risk ratio ``RR`` (>= 1):
    ``E = RR + sqrt(RR (RR - 1))``; a protective ``RR < 1`` is inverted
    first. The E-value of the confidence interval uses the limit nearer the
    null, and is 1 when the interval includes it. Odds ratios are first
    turned into approximate risk ratios: ``RR ~ OR`` for a rare outcome
    (prevalence under about 15% at all exposure levels) and, for a common one,
    ``RR ~ sqrt(OR)`` (VanderWeele 2017, Biometrics 73:1-5; the square root
    lies between the OR and the RR for prevalences from about 20% to 80%).
    About one respondent in five reports savings, so the square-root
    approximation is the default for odds ratios here.

Non-ignorable non-response of a yes/no share
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

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.survey import weighting

DEFAULT_DELTAS = (0.25, 1 / 3, 0.5, 2 / 3, 1.0, 1.5, 2.0, 3.0, 4.0)


@dataclass(frozen=True)
class EValue:
    """E-values of an estimate and of its confidence limit nearer the null.

    Attributes
    ----------
    risk_ratio, limit
        The (approximate) risk ratio and the confidence limit nearer 1
        (``None`` when no interval was given), on the risk-ratio scale.
    point, ci
        E-value of the estimate and of that limit (1 when the interval
        includes the null; ``None`` without an interval).
    """

    risk_ratio: float
    limit: float | None
    point: float
    ci: float | None


def _e(rr: float) -> float:
    rr = 1 / rr if rr < 1 else rr
    return rr + math.sqrt(rr * (rr - 1))


def e_value(estimate: float, lower: float | None = None, upper: float | None = None, *,
            measure: str = "RR", rare: bool = False) -> EValue:
    """E-value of a risk ratio or odds ratio and of its confidence interval.

    Parameters
    ----------
    estimate
        Risk ratio or odds ratio (> 0).
    lower, upper
        Its confidence limits (both or neither).
    measure
        ``"RR"`` or ``"OR"``.
    rare
        For odds ratios: ``True`` takes ``RR = OR`` (rare outcome), ``False``
        the square-root approximation ``RR = sqrt(OR)`` (common outcome).

    Returns
    -------
    EValue

    Raises
    ------
    ValueError
        For non-positive values, limits that do not bracket the estimate, or
        an unknown ``measure``.
    """
    if measure not in ("RR", "OR"):
        raise ValueError(f"measure: {measure!r}; expected 'RR' or 'OR'")
    if (lower is None) != (upper is None):
        raise ValueError("lower, upper: give both confidence limits or neither")
    values = [v for v in (estimate, lower, upper) if v is not None]
    if not all(np.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"estimate, lower, upper: expected finite positive ratios, got {values}")
    if lower is not None and not lower <= estimate <= upper:
        raise ValueError(f"lower, upper: ({lower}, {upper}) do not bracket the estimate {estimate}")

    def to_rr(value: float) -> float:
        return value if measure == "RR" or rare else math.sqrt(value)

    rr = to_rr(estimate)
    if lower is None:
        return EValue(rr, None, _e(rr), None)
    low, high = to_rr(lower), to_rr(upper)
    if low <= 1 <= high:
        return EValue(rr, 1.0, _e(rr), 1.0)
    limit = low if rr > 1 else high
    return EValue(rr, limit, _e(rr), _e(limit))


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
    w = np.ones(y.size) if weights is None else weighting._as_weights(weights)
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
    codes, labels, name = weighting._cell_codes(cells, y.size)
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
