"""E-values: how strong an unmeasured confounder would have to be to explain an association away.

An E-value (VanderWeele and Ding 2017, Annals of Internal Medicine
167:268-274) is the minimum strength of association, on the risk-ratio scale,
that an unmeasured confounder would need with both the exposure and the outcome
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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


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
