"""Did the weight adjustment change an estimate? The test of ``nrba::t_test_of_weight_adjustment``.

The same variable's mean under two sets of replicate weights of overlapping samples (the original weights,
say the design weights of the respondents, and the adjusted ones, after the nonresponse adjustment and
calibration, perhaps on fewer rows): the difference of the two means, its standard error from the replicate
estimates of the difference (each replicate computes both means, so their covariance is taken into account),
and Student's t on the degrees of freedom of the two replicate designs stacked, minus one (Lohr and Riddles
2016; nrba 0.3.1 stacks the designs with ``svrep::stack_replicate_designs`` and uses ``degf(stacked) - 1``).

nrba reports Original minus Adjusted; :class:`WeightAdjustmentTest` reports the adjusted (weighted) mean minus
the original (unweighted) one, so its difference and statistic have the opposite sign and the same p-value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers.survey.replicates import ReplicateDesign


@dataclass(frozen=True)
class WeightAdjustmentTest:
    """The difference adjusted minus original of a mean, with its replicate SE and t test.

    Attributes
    ----------
    original, adjusted
        The variable's mean under the original and the adjusted weights.
    difference, se
        ``adjusted - original`` and its replicate standard error.
    statistic, df, p_value
        ``(difference - null_difference) / se``, the degrees of freedom (stacked designs' minus one) and the
        two-sided p-value (NaN when the SE and the difference from the null are both 0).
    n_original, n_adjusted
        Units with a known value and a positive weight in each design.
    """

    original: float
    adjusted: float
    difference: float
    se: float
    statistic: float
    df: int
    p_value: float
    n_original: int
    n_adjusted: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dictionary (for tables and results files)."""
        return asdict(self)


def _replicate_means(design: ReplicateDesign, y: str) -> tuple[np.ndarray, int]:
    if y not in design.data.columns:
        raise ValueError(f"{y}: no column {y!r} in the design's data; expected one of {list(design.data.columns)}")
    values = pd.Series(design.data[y])
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(float)
    if not pd.api.types.is_numeric_dtype(values):
        raise ValueError(f"{y}: expected a numeric (or 0/1) variable, got {values.dtype}")
    values = values.to_numpy(dtype=float)
    known = ~np.isnan(values)
    weights = np.vstack([design.weights, design.replicate_weights]) * known
    sizes = weights.sum(axis=1)
    means = np.divide(weights @ np.where(known, values, 0.0), sizes, out=np.full(sizes.shape, np.nan),
                      where=sizes > 0)
    return means, int((known & (design.weights > 0)).sum())


def weight_adjustment_test(original: ReplicateDesign, adjusted: ReplicateDesign, y: str, *,
                           null_difference: float = 0.0) -> WeightAdjustmentTest:
    """Test whether a weight adjustment changed the mean of ``y`` (``nrba::t_test_of_weight_adjustment``).

    Parameters
    ----------
    original, adjusted
        Replicate designs before and after the adjustment, with the same replicates (count, ``scale``,
        ``rscales``, ``mse``); their rows may differ (the adjusted one may keep only respondents).
    y
        Column of both designs' data: a numeric or 0/1 variable; missing values are left out of each mean.
    null_difference
        The difference ``adjusted - original`` under the null hypothesis.

    Returns
    -------
    WeightAdjustmentTest

    Raises
    ------
    ValueError
        If the designs' replicates do not match, ``y`` is missing or not numeric, or either design has no
        unit with a known value.
    """
    if (original.replicate_weights.shape[0] != adjusted.replicate_weights.shape[0]
            or original.scale != adjusted.scale or original.mse != adjusted.mse
            or not np.array_equal(original.rscales, adjusted.rscales)):
        raise ValueError("weight_adjustment_test: the two designs have different replicates (count, scale, rscales "
                         "or mse); expected the adjusted design to be built from the original's replicates")
    before, n_before = _replicate_means(original, y)
    after, n_after = _replicate_means(adjusted, y)
    if np.isnan(before[0]) or np.isnan(after[0]):
        raise ValueError(f"{y}: no unit with a known value and a positive weight in the "
                         f"{'original' if np.isnan(before[0]) else 'adjusted'} design")
    differences = after - before
    se = float(np.sqrt(original.variance(differences[0], differences[1:])))
    stacked = ReplicateDesign(pd.DataFrame(index=range(len(original.data) + len(adjusted.data))),
                              np.concatenate([original.weights, adjusted.weights]),
                              np.hstack([original.replicate_weights, adjusted.replicate_weights]),
                              scale=original.scale, rscales=original.rscales, mse=original.mse)
    df = stacked.degrees_of_freedom - 1
    with np.errstate(divide="ignore", invalid="ignore"):  # SE 0: infinite statistic, or NaN at the null
        statistic = float(np.float64(differences[0] - null_difference) / se)
    return WeightAdjustmentTest(float(before[0]), float(after[0]), float(differences[0]), se, statistic, df,
                                float(2 * stats.t.sf(abs(statistic), df)), n_before, n_after)
