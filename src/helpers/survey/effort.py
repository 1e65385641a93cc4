"""Level of effort: cumulative response over fieldwork and a design-based test of a linear trend on effort.

The cumulative response rate at day ``d`` is the number of respondents who
answered by the end of day ``d`` over the rate's denominator (for AAPOR RR2,
every eligible unit and every unit of unknown eligibility), so that its last
point is the final rate.

The trend test is the slope of a linear regression of a variable on the
effort level among the respondents, estimated with the design's weights, its
standard error from the design (sandwich of the influence values through
:meth:`helpers.survey.estimation.Design.variance`, calibration residuals
included), as R ``survey::svyglm(y ~ effort, design)`` (gaussian family),
and a t test on the residual degrees of freedom of the units with both values
(PSUs minus strata with complete cases, minus one). Units with a missing value
are left out of the fit and kept in the variance at zero influence (a domain,
as :meth:`helpers.survey.estimation.Design.mean` treats missing values), which
is what R does for a calibrated design; for an uncalibrated design R drops
them from the design, and its standard errors then differ by the change in the
strata's ``n_h / (n_h - 1)`` and finite population corrections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers.survey.estimation import Design


def cumulative_response(days: pd.Series, denominator: float, horizon: int) -> pd.DataFrame:
    """The cumulative response rate by day of fieldwork.

    Parameters
    ----------
    days
        The day (0 = first day of fieldwork) of each respondent's submission.
    denominator
        The rate's denominator (for RR2: eligible and unknown-eligibility units).
    horizon
        The last day of fieldwork (days run from 0 to ``horizon``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``day`` (0 to ``horizon``): ``respondents`` (by the end of that day), ``denominator`` and
        ``rate``.

    Raises
    ------
    ValueError
        If a day is missing, not a whole number or outside ``[0, horizon]``, or the denominator is not
        positive.
    """
    values = pd.Series(days, dtype="float64")
    if values.isna().any():
        raise ValueError(f"days: {int(values.isna().sum())} missing value(s); expected one day per respondent")
    if ((values % 1) != 0).any() or ((values < 0) | (values > horizon)).any():
        raise ValueError(f"days: expected whole days between 0 and {horizon}")
    if not denominator > 0:
        raise ValueError(f"denominator {denominator!r}; expected a positive count")
    counts = np.bincount(values.to_numpy(dtype=int), minlength=horizon + 1).cumsum()
    return pd.DataFrame({"respondents": counts, "denominator": float(denominator), "rate": counts / denominator},
                        index=pd.RangeIndex(horizon + 1, name="day"))


@dataclass(frozen=True)
class Trend:
    """A design-based linear trend: the slope of ``y`` per unit of ``x``.

    Attributes
    ----------
    slope, se
        The slope and its design-based standard error.
    ci_low, ci_high
        Its confidence interval (t on ``df``).
    t, df, p_value
        The t statistic, its degrees of freedom and the two-sided p-value.
    n
        Units with both values.
    """

    slope: float
    se: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p_value: float
    n: int


def linear_trend(design: Design, y: str, x: np.ndarray | pd.Series, level: float = 0.95) -> Trend:
    """Test a linear trend of ``y`` on ``x`` (R ``svyglm(y ~ x, design)``, the slope's row of ``summary``).

    Parameters
    ----------
    design
        The survey design; its data hold ``y``.
    y
        The variable (for a share, 0 or 1, missing where not answered).
    x
        The effort level of each unit of the design (aligned with its data; missing: left out).
    level
        Confidence level of the slope's interval.

    Returns
    -------
    Trend

    Raises
    ------
    ValueError
        If fewer than two distinct values of ``x`` have a value of ``y`` or the design leaves no residual
        degree of freedom.
    """
    data = design.data
    yv = data[y].to_numpy(dtype=float)
    xv = np.asarray(x, dtype=float)
    if xv.shape != (len(data),):
        raise ValueError(f"x: {xv.shape[0] if xv.ndim else 0} values for {len(data)} units; expected one per unit")
    w = design.weights
    use = ~np.isnan(yv) & ~np.isnan(xv) & (w > 0)
    if np.unique(xv[use]).size < 2:
        raise ValueError(f"effort: fewer than two distinct values with an answer to {y}; no trend to test")
    X = np.column_stack([np.ones(use.sum()), xv[use]])
    bread = np.linalg.inv(X.T @ (w[use, None] * X))
    beta = bread @ X.T @ (w[use] * yv[use])
    residual = yv[use] - X @ beta
    z = np.zeros((len(data), 1))
    z[use, 0] = w[use] * residual * (X @ bread[1])
    se = float(np.sqrt(design.variance(z)[0]))
    df = design.subset_degrees_of_freedom(use) - 1
    if df < 1:
        raise ValueError(f"{y}: no residual degree of freedom left by the design")
    t = float(beta[1] / se) if se > 0 else np.inf * np.sign(beta[1])
    q = stats.t.ppf(0.5 + level / 2, df)
    return Trend(float(beta[1]), se, float(beta[1] - q * se), float(beta[1] + q * se), t, df,
                 float(2 * stats.t.sf(abs(t), df)), int(use.sum()))

