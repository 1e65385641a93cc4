"""The unadjusted 2x2 table: Fisher's exact test with the conditional maximum-likelihood odds ratio.

:func:`fisher_exact_or` gives the two-sided Fisher exact p-value, the
conditional maximum-likelihood odds ratio and its exact interval (R
``fisher.test``); scipy's ``fisher_exact`` alone returns the sample
cross-product ratio instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.stats.contingency import odds_ratio as _scipy_odds_ratio


@dataclass(frozen=True)
class FisherResult:
    """Fisher exact test of a 2x2 table.

    Attributes
    ----------
    odds_ratio
        Conditional maximum-likelihood odds ratio (not the sample cross-product).
    ci_low, ci_high
        Exact confidence interval of the odds ratio.
    p_value
        Two-sided p-value (sum of the probabilities of the tables no more
        likely than the observed one, as R ``fisher.test``).
    n, events
        Total count and count of the first column (the outcome "yes").
    """

    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    events: int


def fisher_exact_or(table: Sequence[Sequence[int]] | np.ndarray, *, level: float = 0.95) -> FisherResult:
    """Fisher exact test with the conditional MLE odds ratio and its exact interval.

    Parameters
    ----------
    table
        2x2 counts, rows exposure (exposed first), columns outcome (yes first).
    level
        Confidence level of the exact interval.

    Returns
    -------
    FisherResult

    Raises
    ------
    ValueError
        If ``table`` is not a 2x2 array of non-negative integers.
    """
    counts = np.asarray(table)
    if counts.shape != (2, 2) or not np.issubdtype(counts.dtype, np.number):
        raise ValueError(f"table: expected a 2x2 array of counts, got shape {counts.shape}")
    if (counts < 0).any() or (counts != np.round(counts)).any():
        raise ValueError(f"table: expected non-negative integer counts, got {counts.tolist()}")
    counts = counts.astype(np.int64)
    p_value = stats.fisher_exact(counts, alternative="two-sided").pvalue
    result = _scipy_odds_ratio(counts, kind="conditional")
    ci = result.confidence_interval(confidence_level=level)
    return FisherResult(float(result.statistic), float(ci.low), float(ci.high), float(p_value),
                        int(counts.sum()), int(counts[:, 0].sum()))
