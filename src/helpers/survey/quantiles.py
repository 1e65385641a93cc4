"""Quantiles of a numeric variable on a survey design, with Woodruff's confidence intervals (R ``svyquantile``).

As R ``svyquantile(~y, design, p, na.rm = TRUE)`` of survey 4.1, with its default ``interval.type =
"mean"`` (Woodruff's interval): the quantile ``q`` is read off the weighted distribution function by a rule
(``qrule``), the share ``P(y <= q)`` gets its design-based Wald interval with Student's t on the design
degrees of freedom, and the interval's ends are mapped back through the same rule. The standard error is
the interval's width over ``2 t``, as R reports it.

Rules (R's ``qrule``):

* ``"math"`` (R's default, Hyndman and Fan's type 1): the smallest value whose cumulative weight share
  reaches ``p``. Where even the smallest value's share exceeds ``p``, this is the smallest value; R's
  ``qs`` then returns the second smallest (its ``last()`` falls back to position 1 and the rule steps to
  the next value), a difference the parity test states;
* ``"hf7"`` (type 7, R's ``quantile`` default for unweighted data): linear interpolation between the
  ordered values at cumulative weight shares ``c(0, cumw[-n]) / cumw[n - 1]``.

A bound whose probability falls outside [0, 1] is NaN, as in R.

On a replicate design (R ``svyquantile.svyrep.design``, default ``interval.type = "mean"``) the share's SE is
its replicate SE and the degrees of freedom those of the replicate weights of the units with a known value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from helpers.survey.estimation import Column, Design
from helpers.survey.replicates import ReplicateDesign

QuantileRule = Literal["math", "hf7"]
IntervalType = Literal["mean"]


@dataclass(frozen=True)
class Quantile:
    """One quantile with its Woodruff interval.

    Attributes
    ----------
    p
        The probability.
    estimate
        The quantile.
    ci_low, ci_high
        Woodruff's interval (NaN where its probability leaves [0, 1] or the design has no degrees of
        freedom).
    se
        ``(ci_high - ci_low) / (2 t)``, R's standard error of the quantile.
    n
        Units with a known value and a positive weight in the domain.
    """

    p: float
    estimate: float
    ci_low: float
    ci_high: float
    se: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dictionary (for tables and results files)."""
        return asdict(self)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, p: float, qrule: QuantileRule = "math") -> float:
    """Quantile of weighted values by one of R ``svyquantile``'s rules.

    Parameters
    ----------
    values, weights
        Known values and their weights (units of weight 0 are left out).
    p
        Probability in [0, 1].
    qrule
        ``"math"`` or ``"hf7"`` (see the module docstring).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For another rule, a probability outside [0, 1], no unit of positive weight, or a single one with
        ``"hf7"``.
    """
    if qrule not in ("math", "hf7"):
        raise ValueError(f"qrule={qrule!r}; expected 'math' (R's default) or 'hf7'; R's other rules are not "
                         f"implemented")
    if not 0 <= p <= 1:
        raise ValueError(f"p={p}; expected a probability in [0, 1]")
    keep = weights != 0
    order = np.argsort(values[keep], kind="stable")
    x, w = values[keep][order], weights[keep][order]
    if x.size == 0 or (qrule == "hf7" and x.size < 2):
        raise ValueError(f"quantile: {x.size} unit(s) with a known value and a positive weight; rule {qrule!r} "
                         f"needs at least {1 if qrule == 'math' else 2}")
    cumulative = np.cumsum(w)
    if qrule == "hf7":
        positions = np.concatenate([[0.0], cumulative[:-1]]) / cumulative[-2]
        return float(np.interp(p, positions, x))
    total = math.fsum(w)
    reached = np.flatnonzero(cumulative <= p * total)
    if reached.size == 0:
        return float(x[0])
    low = reached[-1]
    return float(x[low] if p - cumulative[low] / total == 0 else x[min(low + 1, x.size - 1)])


def _numeric(design: Design | ReplicateDesign, y: Column) -> np.ndarray:
    name = y if isinstance(y, str) else str(getattr(y, "name", None) or "y")
    if isinstance(y, str) and y not in design.data.columns:
        raise ValueError(f"{y}: no column {y!r} in the data; expected one of {list(design.data.columns)}")
    values = pd.Series(design.data[y] if isinstance(y, str) else np.asarray(y))
    if len(values) != len(design.data):
        raise ValueError(f"{name}: {len(values)} values for {len(design.data)} units; expected one per unit")
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"{name}: expected a numeric variable, got {values.dtype}")
    return values.to_numpy(dtype=float)


def quantile(design: Design | ReplicateDesign, y: Column, p: float, *, domain: Column | None = None, level: float = 0.95,
             qrule: QuantileRule = "math", interval_type: IntervalType = "mean") -> Quantile:
    """Quantile of ``y`` with Woodruff's interval (R ``svyquantile(~y, design, p, na.rm = TRUE)``).

    Parameters
    ----------
    design
        The survey design, linearised or with replicate weights.
    y
        Column name or array of a numeric variable; missing values are left out (R's ``na.rm = TRUE``).
    p
        Probability (0.5 for the median).
    domain
        Column name or boolean mask of a subpopulation (R's ``subset``).
    level
        Confidence level of the interval.
    qrule
        ``"math"`` (R's default) or ``"hf7"``.
    interval_type
        ``"mean"``, Woodruff's interval (R 4.1's default). R's ``"beta"``, ``"xlogit"``, ``"asin"`` and
        ``"score"`` are not implemented and refused.

    Returns
    -------
    Quantile

    Raises
    ------
    ValueError
        For an unknown rule or interval type, a level outside (0, 1), or too few known values.
    """
    if interval_type != "mean":
        raise ValueError(f"interval_type={interval_type!r}; expected 'mean' (Woodruff's interval, R 4.1's "
                         f"default); R's 'beta', 'xlogit', 'asin' and 'score' are not implemented")
    if not 0 < level < 1:
        raise ValueError(f"level={level}; expected a confidence level in (0, 1)")
    values = _numeric(design, y)
    inset = design.domain_mask(domain)
    known = inset & ~np.isnan(values)
    weights = np.where(known, design.weights, 0.0)
    x = np.where(known, values, 0.0)
    estimate = weighted_quantile(x, weights, p, qrule)
    share = design.mean((x <= estimate).astype(float), domain=known)
    df = design.subset_degrees_of_freedom(known)
    n = int((weights > 0).sum())
    if df < 1:
        return Quantile(p, estimate, math.nan, math.nan, math.nan, n)
    t = float(stats.t.ppf(0.5 + level / 2, df))
    p_low, p_high = share.estimate - t * share.se, share.estimate + t * share.se
    low = math.nan if p_low < 0 else weighted_quantile(x, weights, p_low, qrule)
    high = math.nan if p_high > 1 else weighted_quantile(x, weights, p_high, qrule)
    return Quantile(p, estimate, low, high, (high - low) / (2 * t), n)
