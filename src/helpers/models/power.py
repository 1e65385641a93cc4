"""Power to detect an odds ratio between a binary exposure and a binary outcome.

The setting: ``n`` respondents, a share ``q`` exposed (authorities led by
elected officials), an overall outcome prevalence ``p`` (reporting savings)
and a true odds ratio ``OR``. The group risks ``p1`` (exposed) and ``p0``
solve ``q p1 + (1 - q) p0 = p`` and ``odds(p1) / odds(p0) = OR``.

Power is computed by **exact enumeration**, not simulation: the number
exposed is fixed at ``n1 = round(n q)`` (or, with ``random_exposure=True``,
binomial ``(n, q)`` and summed over), the events in each group are
independent binomials, and the power is the total probability of the 2x2
tables whose two-sided test rejects at level ``alpha``:

* ``test="chi2"``: Pearson's chi-square without continuity correction (the
  large-sample score test of ``OR = 1``; tables with an empty margin never
  reject);
* ``test="fisher"``: Fisher's exact test (conditional on the total events;
  two-sided p as R: tables no more likely than the observed one).

The result carries no Monte-Carlo error, so it can be tested against
published sample sizes; the large-sample normal approximation for two
proportions (Fleiss 1981) is :func:`normal_power`. The minimum detectable
odds ratio is the smallest ``OR > 1`` reaching the target power (power is
increasing in ``OR`` for ``OR > 1``), found by root finding on ``log OR``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats


@dataclass(frozen=True)
class GroupRisks:
    """Outcome risk in the exposed (``p1``) and unexposed (``p0``) groups."""

    p1: float
    p0: float


def group_risks(odds_ratio: float, prevalence: float, exposed: float) -> GroupRisks:
    """Group risks with the given odds ratio, overall prevalence and exposed share.

    Raises
    ------
    ValueError
        If a share is outside (0, 1) or the odds ratio not positive.
    """
    _check(odds_ratio, prevalence, exposed)

    def p1_of(p0: float) -> float:
        return odds_ratio * p0 / (1 - p0 + odds_ratio * p0)

    p0 = optimize.brentq(lambda x: exposed * p1_of(x) + (1 - exposed) * x - prevalence, 0.0, 1.0, xtol=1e-15)
    return GroupRisks(p1_of(p0), p0)


def _check(odds_ratio: float, prevalence: float, exposed: float) -> None:
    if not 0 < prevalence < 1:
        raise ValueError(f"prevalence: {prevalence}; expected a share strictly between 0 and 1")
    if not 0 < exposed < 1:
        raise ValueError(f"exposed: {exposed}; expected a share strictly between 0 and 1")
    if not (math.isfinite(odds_ratio) and odds_ratio > 0):
        raise ValueError(f"odds_ratio: {odds_ratio}; expected a finite ratio > 0")


def _rejects_chi2(n1: int, n0: int, alpha: float) -> np.ndarray:
    """(n1+1) x (n0+1) boolean: does Pearson's chi-square reject for x1 events of n1 and x0 of n0?"""
    x1 = np.arange(n1 + 1)[:, None]
    x0 = np.arange(n0 + 1)[None, :]
    n = n1 + n0
    events = x1 + x0
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = n * (x1 * (n0 - x0) - x0 * (n1 - x1)) ** 2 / (n1 * n0 * events * (n - events))
    return np.nan_to_num(chi2, nan=0.0) > stats.chi2.isf(alpha, 1)


def _rejects_fisher(n1: int, n0: int, alpha: float) -> np.ndarray:
    """(n1+1) x (n0+1) boolean: does Fisher's two-sided exact test reject?"""
    reject = np.zeros((n1 + 1, n0 + 1), dtype=bool)
    n = n1 + n0
    for total in range(n + 1):
        x1 = np.arange(max(0, total - n0), min(total, n1) + 1)
        pmf = stats.hypergeom.pmf(x1, n, n1, total)
        # R's fisher.test: sum the tables no more likely than the observed, with relative tolerance 1e-7.
        p = (pmf[None, :] * (pmf[None, :] <= pmf[:, None] * (1 + 1e-7))).sum(axis=1)
        reject[x1, total - x1] = p <= alpha
    return reject


def _power_fixed(n1: int, n0: int, risks: GroupRisks, alpha: float, test: str) -> float:
    if n1 == 0 or n0 == 0:
        return 0.0
    reject = _rejects_chi2(n1, n0, alpha) if test == "chi2" else _rejects_fisher(n1, n0, alpha)
    f1 = stats.binom.pmf(np.arange(n1 + 1), n1, risks.p1)
    f0 = stats.binom.pmf(np.arange(n0 + 1), n0, risks.p0)
    return float(f1 @ reject @ f0)


def power(odds_ratio: float, n: int, prevalence: float, exposed: float, *, alpha: float = 0.05,
          test: str = "chi2", random_exposure: bool = False) -> float:
    """Exact power of a two-sided test of ``OR = 1`` in a 2x2 table.

    Parameters
    ----------
    odds_ratio
        True odds ratio.
    n
        Number of respondents.
    prevalence
        Overall share with the outcome.
    exposed
        Share exposed.
    alpha
        Two-sided significance level.
    test
        ``"chi2"`` (Pearson, uncorrected) or ``"fisher"`` (exact).
    random_exposure
        ``False``: ``round(n * exposed)`` exposed; ``True``: binomial number
        exposed, summed over.

    Returns
    -------
    float
        Probability of rejecting ``OR = 1``.

    Raises
    ------
    ValueError
        For ``n < 2``, shares outside (0, 1), ``alpha`` outside (0, 1) or an
        unknown test.
    """
    if int(n) != n or n < 2:
        raise ValueError(f"n: {n}; expected an integer number of respondents >= 2")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: {alpha}; expected a level strictly between 0 and 1")
    if test not in ("chi2", "fisher"):
        raise ValueError(f"test: {test!r}; expected 'chi2' or 'fisher'")
    risks = group_risks(odds_ratio, prevalence, exposed)
    n = int(n)
    if not random_exposure:
        n1 = int(round(n * exposed))
        return _power_fixed(n1, n - n1, risks, alpha, test)
    sizes = np.arange(n + 1)
    weights = stats.binom.pmf(sizes, n, exposed)
    relevant = weights > 1e-12
    return float(sum(w * _power_fixed(int(k), n - int(k), risks, alpha, test)
                     for k, w in zip(sizes[relevant], weights[relevant])))


def normal_power(odds_ratio: float, n: int, prevalence: float, exposed: float, *, alpha: float = 0.05) -> float:
    """Large-sample power of the two-proportion z test (pooled variance under the null; Fleiss 1981).

    ``Phi((|p1 - p0| sqrt(n1 n0 / n) - z sqrt(pbar (1 - pbar))) / sqrt(p1 q1 n0 / n + p0 q0 n1 / n))``
    with ``n1 = n q``, ``pbar`` the overall prevalence and ``z`` the ``1 -
    alpha/2`` normal quantile.
    """
    risks = group_risks(odds_ratio, prevalence, exposed)
    n1, n0 = n * exposed, n * (1 - exposed)
    pbar = (n1 * risks.p1 + n0 * risks.p0) / n
    z = stats.norm.isf(alpha / 2)
    null_sd = math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n0))
    alt_sd = math.sqrt(risks.p1 * (1 - risks.p1) / n1 + risks.p0 * (1 - risks.p0) / n0)
    return float(stats.norm.cdf((abs(risks.p1 - risks.p0) - z * null_sd) / alt_sd))


def minimum_detectable_odds_ratio(n: int, prevalence: float, exposed: float, *, target: float = 0.8,
                                  alpha: float = 0.05, test: str = "chi2", upper: float = 1000.0) -> float:
    """Smallest odds ratio above 1 detected with probability ``target``.

    Parameters
    ----------
    n, prevalence, exposed, alpha, test
        As in :func:`power` (fixed number exposed).
    target
        Required power.
    upper
        Largest odds ratio searched.

    Returns
    -------
    float
        The minimum detectable odds ratio; ``inf`` when even ``upper`` does
        not reach the target. The exact power is a continuous function of
        ``OR`` (the rejection region is fixed; only the binomial
        probabilities move), so the root is well defined.

    Raises
    ------
    ValueError
        If ``target`` is not between ``alpha`` and 1.
    """
    if not alpha < target < 1:
        raise ValueError(f"target: {target}; expected a power between alpha ({alpha}) and 1")

    def gap(log_or: float) -> float:
        return power(math.exp(log_or), n, prevalence, exposed, alpha=alpha, test=test) - target

    if gap(math.log(upper)) < 0:
        return math.inf
    return math.exp(optimize.brentq(gap, 1e-9, math.log(upper), xtol=1e-6))
