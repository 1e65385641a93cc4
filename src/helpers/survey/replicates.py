"""Replicate-weight variance: jackknife, bootstrap and BRR replicates, and estimation from them.

Construction (each returns :class:`Replicates`, multiplicative factors of the
base weights, one row per replicate, with R ``survey``'s scale factors):

* :func:`jk1` -- delete-one-PSU jackknife of an unstratified design (R
  ``as.svrepdesign(type="JK1")``): ``scale = (1 - f)(n - 1)/n``;
* :func:`jkn` -- the stratified jackknife, one replicate per PSU, the other
  PSUs of its stratum reweighted by ``n_h/(n_h - 1)`` (``type="JKn"``):
  ``rscales_h = (1 - f_h)(n_h - 1)/n_h``;
* :func:`rao_wu` -- the Rao-Wu rescaling bootstrap: in each stratum ``n_h - 1``
  PSUs are drawn with replacement and a PSU drawn ``m`` times gets the factor
  ``1 - lambda_h + lambda_h m n_h/(n_h - 1)``, ``lambda_h = sqrt(1 - f_h)``
  (Rao, Wu and Yue 1992); without fpc that is ``m n_h/(n_h - 1)``, R's
  ``type="subbootstrap"``; ``scale = 1/(R - 1)``;
* :func:`brr` -- balanced repeated replication for strata of exactly two PSUs,
  half-samples from the columns of a Sylvester-Hadamard matrix (optionally
  Fay's variant): ``scale = 1/(R (1 - rho)^2)``.

Estimation (:class:`ReplicateDesign`) follows R ``svrepdesign(...,
combined.weights = TRUE)``: an estimate is computed with the full-sample
weights and with every replicate's, and its variance is
``scale * sum_r rscales_r (theta_r - centre)^2``, the centre being the
full-sample estimate when ``mse`` is true and the mean of the replicate
estimates otherwise (R's default). A replicate whose estimate is undefined
(a domain left without weight) is dropped, as R's ``na.action`` does.
The replicate weights need not be factors times the full-sample weights:
when the weighting is redone on each replicate (the step
:mod:`helpers.steps.replication`) they are the reweighted replicates.

Strata with a single PSU (``lonely_psu``): ``"fail"`` raises, ``"remove"``
gives them no replicate (jackknife) or factor 1 (bootstrap), so they
contribute nothing to the variance (R ``survey.lonely.psu = "remove"``).
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
from scipy import linalg, stats

from helpers.survey.estimation import Column, Distribution, Estimate, srswor_variance
from helpers.survey.validation import check_weights

Lonely = Literal["fail", "remove"]


@dataclass(frozen=True)
class Replicates:
    """Replicate factors with the scale factors of their variance formula.

    Attributes
    ----------
    factors
        ``R x n`` multipliers of the base weights, one row per replicate.
    scale, rscales
        R ``svrepdesign``'s overall and per-replicate scale factors.
    kind
        R's ``type``: ``"JK1"``, ``"JKn"``, ``"subbootstrap"`` (Rao-Wu; R's
        name for the rescaled bootstrap) or ``"BRR"`` (``"Fay"`` with rho > 0).
    """

    factors: np.ndarray
    scale: float
    rscales: np.ndarray
    kind: str

    @property
    def count(self) -> int:
        """Number of replicates."""
        return int(self.factors.shape[0])

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", float(self.scale))

    def weights(self, base: object) -> np.ndarray:
        """Replicate weights: the factors times ``base`` (one weight per unit)."""
        w = check_weights(base)
        if w.size != self.factors.shape[1]:
            raise ValueError(f"base weights: {w.size} values for {self.factors.shape[1]} units; expected one per "
                             f"unit")
        return self.factors * w[None, :]


@dataclass(frozen=True)
class _Layout:
    """PSUs of a design: their codes per unit, their strata, and each stratum's sampling fraction."""

    psu: np.ndarray
    psu_stratum: np.ndarray
    stratum_labels: list[object]
    fraction: np.ndarray

    def members(self, h: int) -> np.ndarray:
        return np.flatnonzero(self.psu_stratum == h)


def _labels(values: object | None, n: int, what: str) -> np.ndarray | None:
    if values is None:
        return None
    series = pd.Series(np.asarray(values))
    if len(series) != n:
        raise ValueError(f"{what}: {len(series)} values for {n} units; expected one per unit")
    if series.isna().any():
        first = int(np.flatnonzero(series.isna().to_numpy())[0])
        raise ValueError(f"{what}: {int(series.isna().sum())} missing label(s), first at position {first}; every "
                         f"unit needs one")
    return series.to_numpy()


def _layout(n: int, strata: object | None, clusters: object | None, fpc: object | None) -> _Layout:
    if n < 1:
        raise ValueError("replicates: no unit; expected at least one")
    strata_values = _labels(strata, n, "strata")
    stratum, labels = (np.zeros(n, dtype=int), [None]) if strata_values is None else pd.factorize(
        pd.Series(strata_values), sort=True)
    cluster_values = _labels(clusters, n, "clusters")
    psu = (np.arange(n) if cluster_values is None
           else pd.factorize(pd.MultiIndex.from_arrays([stratum, cluster_values]))[0])
    psu_stratum = np.zeros(psu.max() + 1, dtype=int)
    psu_stratum[psu] = stratum
    n_h = np.bincount(psu_stratum, minlength=len(labels))
    fraction = np.zeros(len(labels))
    if fpc is not None:
        population = np.asarray(fpc, dtype=float)
        if population.shape != (n,) or not np.isfinite(population).all():
            raise ValueError(f"fpc: expected one finite population count of PSUs per unit ({n})")
        for h in range(len(labels)):
            values = np.unique(population[stratum == h])
            where = "" if labels[h] is None else f" in stratum {labels[h]!r}"
            if values.size > 1:
                raise ValueError(f"fpc: population count varies{where} ({values.tolist()}); expected one value "
                                 f"per stratum")
            if values[0] < n_h[h]:
                raise ValueError(f"fpc: population count {values[0]:g}{where} is below its {n_h[h]} sampled PSUs; "
                                 f"expected the stratum's population size")
            fraction[h] = n_h[h] / values[0]
    return _Layout(np.asarray(psu), psu_stratum, list(labels), fraction)


def _lonely(layout: _Layout, lonely_psu: Lonely) -> list[int]:
    if lonely_psu not in ("fail", "remove"):
        raise ValueError(f"lonely_psu={lonely_psu!r}; expected 'fail' or 'remove'")
    sizes = np.bincount(layout.psu_stratum, minlength=len(layout.stratum_labels))
    lonely = [h for h in range(sizes.size) if sizes[h] == 1]
    if lonely and lonely_psu == "fail":
        names = [layout.stratum_labels[h] for h in lonely]
        raise ValueError(f"strata: {names} have a single PSU; collapse strata or pass lonely_psu='remove'")
    return lonely


def jk1(n: int, *, clusters: object | None = None, fpc: float | None = None) -> Replicates:
    """Delete-one-PSU jackknife of an unstratified design (R ``as.svrepdesign(type="JK1")``).

    Parameters
    ----------
    n
        Number of units.
    clusters
        PSU label per unit; ``None`` when every unit is its own PSU.
    fpc
        Population number of PSUs (R's ``fpc``); ``None`` for with-replacement.

    Returns
    -------
    Replicates
        One replicate per PSU; ``scale = (1 - f)(n - 1)/n``, ``rscales = 1``.

    Raises
    ------
    ValueError
        If there are fewer than two PSUs, or ``fpc`` is below their number.
    """
    layout = _layout(n, None, clusters, None if fpc is None else np.full(n, float(fpc)))
    m = layout.psu_stratum.size
    if m < 2:
        raise ValueError(f"jk1: {m} PSU; the jackknife needs at least two")
    psu_factors = np.full((m, m), m / (m - 1))
    np.fill_diagonal(psu_factors, 0.0)
    return Replicates(psu_factors[:, layout.psu], (1 - layout.fraction[0]) * (m - 1) / m, np.ones(m), "JK1")


def jkn(strata: object, *, clusters: object | None = None, fpc: object | None = None,
        lonely_psu: Lonely = "fail") -> Replicates:
    """Stratified delete-one-PSU jackknife (R ``as.svrepdesign(type="JKn")``).

    Parameters
    ----------
    strata
        Stratum label per unit.
    clusters
        PSU label per unit (within strata); ``None`` when units are PSUs.
    fpc
        Population number of PSUs of the unit's stratum, per unit.
    lonely_psu
        Strata with one PSU: ``"fail"`` or ``"remove"`` (no replicate).

    Returns
    -------
    Replicates
        One replicate per PSU (in stratum order); ``scale = 1``,
        ``rscales = (1 - f_h)(n_h - 1)/n_h``.

    Raises
    ------
    ValueError
        For missing labels, a lonely PSU with ``lonely_psu="fail"``, or fpc
        varying within a stratum or below its sampled PSUs.
    """
    n = len(np.asarray(strata))
    layout = _layout(n, strata, clusters, fpc)
    lonely = set(_lonely(layout, lonely_psu))
    rows, rscales = [], []
    for h in range(len(layout.stratum_labels)):
        if h in lonely:
            continue
        members = layout.members(h)
        size = members.size
        for dropped in members:
            psu_factor = np.ones(layout.psu_stratum.size)
            psu_factor[members] = size / (size - 1)
            psu_factor[dropped] = 0.0
            rows.append(psu_factor[layout.psu])
            rscales.append((1 - layout.fraction[h]) * (size - 1) / size)
    if not rows:
        raise ValueError("jkn: every stratum has a single PSU; no replicate can be formed")
    return Replicates(np.vstack(rows), 1.0, np.array(rscales), "JKn")


def rao_wu(strata: object | None = None, *, n: int | None = None, clusters: object | None = None,
           fpc: object | None = None, replicates: int = 200, seed: int = 0,
           lonely_psu: Lonely = "fail") -> Replicates:
    """Rao-Wu rescaling bootstrap (R ``as.svrepdesign(type="subbootstrap")`` without fpc).

    In each stratum ``n_h - 1`` of its ``n_h`` PSUs are drawn with
    replacement; a PSU drawn ``m`` times gets the factor
    ``1 - lambda_h + lambda_h m n_h/(n_h - 1)`` with
    ``lambda_h = sqrt(1 - f_h)``, so that the bootstrap variance of a linear
    estimator equals its design variance with finite population correction
    (Rao, Wu and Yue 1992). Every factor is >= 0 and the factors of a stratum
    add up to its number of PSUs.

    Parameters
    ----------
    strata
        Stratum label per unit; ``None`` for one stratum (then give ``n``).
    n
        Number of units, when ``strata`` is ``None``.
    clusters, fpc
        As for :func:`jkn`.
    replicates
        Number of replicates, at least 2.
    seed
        Seed of ``numpy.random.default_rng``; the draws are made stratum by
        stratum in sorted label order, ``replicates x (n_h - 1)`` at a time.
    lonely_psu
        Strata with one PSU: ``"fail"`` or ``"remove"`` (factor 1).

    Returns
    -------
    Replicates
        ``scale = 1/(replicates - 1)``, ``rscales = 1``.
    """
    if replicates < 2:
        raise ValueError(f"replicates: {replicates}; the bootstrap needs at least 2")
    if strata is None and n is None:
        raise ValueError("rao_wu: give the strata or the number of units n")
    size_n = len(np.asarray(strata)) if strata is not None else int(n)
    layout = _layout(size_n, strata, clusters, fpc)
    lonely = set(_lonely(layout, lonely_psu))
    rng = np.random.default_rng(seed)
    psu_factors = np.ones((replicates, layout.psu_stratum.size))
    for h in range(len(layout.stratum_labels)):
        if h in lonely:
            continue
        members = layout.members(h)
        size = members.size
        draws = rng.integers(0, size, size=(replicates, size - 1))
        counts = np.apply_along_axis(np.bincount, 1, draws, minlength=size)
        lam = np.sqrt(1 - layout.fraction[h])
        psu_factors[:, members] = 1 - lam + lam * counts * size / (size - 1)
    return Replicates(psu_factors[:, layout.psu], 1 / (replicates - 1), np.ones(replicates), "subbootstrap")


def brr(strata: object, *, clusters: object | None = None, fay_rho: float = 0.0) -> Replicates:
    """Balanced repeated replication for designs with two PSUs in every stratum.

    Replicate ``r`` keeps, in stratum ``h``, the first PSU (in order of
    appearance) when entry ``(r, h + 1)`` of a Sylvester-Hadamard matrix of
    order ``R`` (the smallest power of two above the number of strata) is +1
    and the second otherwise, with factor 2 (``2 - rho`` and ``rho`` for Fay's
    variant); full orthogonal balance makes the variance of a linear
    estimator equal its with-replacement design variance.

    Parameters
    ----------
    strata
        Stratum label per unit.
    clusters
        PSU label per unit; ``None`` when units are PSUs.
    fay_rho
        Fay's perturbation, in [0, 1); 0 for plain BRR.

    Returns
    -------
    Replicates
        ``scale = 1/(R (1 - rho)^2)``, ``rscales = 1``.

    Raises
    ------
    ValueError
        If a stratum does not have exactly two PSUs (naming them), or
        ``fay_rho`` is outside [0, 1).
    """
    if not 0 <= fay_rho < 1:
        raise ValueError(f"fay_rho: {fay_rho!r}; expected a value in [0, 1)")
    n = len(np.asarray(strata))
    layout = _layout(n, strata, clusters, None)
    sizes = np.bincount(layout.psu_stratum, minlength=len(layout.stratum_labels))
    wrong = {layout.stratum_labels[h]: int(sizes[h]) for h in np.flatnonzero(sizes != 2)}
    if wrong:
        raise ValueError(f"brr: every stratum needs exactly two PSUs; PSUs per stratum found: {wrong}. Use the "
                         f"jackknife or the bootstrap, or pair PSUs into pseudo-strata")
    strata_count = sizes.size
    order = 1 << int(np.ceil(np.log2(strata_count + 1)))
    hadamard = linalg.hadamard(order)[:, 1:strata_count + 1]
    psu_factors = np.empty((order, layout.psu_stratum.size))
    for h in range(strata_count):
        first, second = layout.members(h)
        keep_first = hadamard[:, h] > 0
        psu_factors[:, first] = np.where(keep_first, 2 - fay_rho, fay_rho)
        psu_factors[:, second] = np.where(keep_first, fay_rho, 2 - fay_rho)
    return Replicates(psu_factors[:, layout.psu], 1 / (order * (1 - fay_rho) ** 2), np.ones(order),
                      "BRR" if fay_rho == 0 else "Fay")


def qr_rank(matrix: np.ndarray, tol: float = 1e-5) -> int:
    """Rank of a matrix as R's ``qr(matrix, tol)$rank`` finds it (LINPACK ``dqrdc2``).

    Householder QR with R's limited pivoting: a column whose norm, reduced by
    the reflections so far, falls below ``tol`` times its original norm is
    moved to the right-hand edge and not counted. The rank can differ from
    a singular-value count at the same tolerance when columns are nearly
    dependent, and R's degrees of freedom of replicate designs are this one.

    Parameters
    ----------
    matrix
        An n x p matrix.
    tol
        R's tolerance (``degf`` uses 1e-5).

    Returns
    -------
    int
    """
    x = np.array(matrix, dtype=float, order="F")
    n, p = x.shape
    if n == 0 or p == 0:
        return 0
    qraux = np.linalg.norm(x, axis=0)
    original = np.where(qraux == 0, 1.0, qraux)
    k = p + 1
    for l in range(min(n, p)):
        while l + 1 < k and qraux[l] < original[l] * tol:
            x[:, l:] = np.roll(x[:, l:], -1, axis=1)
            qraux[l:] = np.roll(qraux[l:], -1)
            original[l:] = np.roll(original[l:], -1)
            k -= 1
        if l == n - 1:
            continue
        norm = float(np.linalg.norm(x[l:, l]))
        if norm == 0:
            continue
        if x[l, l] != 0:
            norm = math.copysign(norm, x[l, l])
        x[l:, l] /= norm
        x[l, l] += 1.0
        if l + 1 < p:
            rest = x[l:, l + 1:]
            rest += np.outer(x[l:, l], -(x[l:, l] @ rest) / x[l, l])
            nonzero = qraux[l + 1:] != 0
            shrink = np.maximum(1.0 - (np.abs(rest[0]) / np.where(nonzero, qraux[l + 1:], 1.0)) ** 2, 0.0)
            recompute = nonzero & (shrink < 1e-6)
            updated = np.where(nonzero, qraux[l + 1:] * np.sqrt(shrink), qraux[l + 1:])
            if recompute.any():
                updated[recompute] = np.linalg.norm(rest[1:, recompute], axis=0)
            qraux[l + 1:] = updated
        qraux[l] = x[l, l]
        x[l, l] = -norm
    return min(k - 1, n)


class ReplicateDesign:
    """A design with replicate weights (R ``svrepdesign(..., combined.weights = TRUE)``).

    Parameters
    ----------
    data
        The sample, one row per unit.
    weights
        Full-sample (final) weights, >= 0.
    replicate_weights
        ``R x n`` replicate weights (final weights of every replicate);
        finite, and negative only where a linear calibration of the
        replicate made them so.
    scale, rscales
        The overall and per-replicate scale factors of the variance
        (:class:`Replicates` gives them for each construction).
    mse
        Centre the squared deviations on the full-sample estimate (True) or
        on the mean of the replicate estimates (False, R's default).

    Raises
    ------
    ValueError
        For weights of the wrong shape or missing, full-sample weights
        below 0, or ``rscales`` not one per replicate.
    """

    def __init__(self, data: pd.DataFrame, weights: object, replicate_weights: np.ndarray, *, scale: float,
                 rscales: object, mse: bool = False) -> None:
        self.data = data
        self._weights = check_weights(weights)
        if self._weights.size != len(data):
            raise ValueError(f"weights: {self._weights.size} values for {len(data)} units; expected one per unit")
        replicate = np.asarray(replicate_weights, dtype=float)
        if replicate.ndim != 2 or replicate.shape[1] != len(data):
            raise ValueError(f"replicate_weights: shape {replicate.shape}; expected (replicates, {len(data)})")
        if not np.isfinite(replicate).all():
            raise ValueError("replicate_weights: missing or infinite weights; expected finite values")
        self._replicates = replicate
        self._rscales = np.asarray(rscales, dtype=float)
        if self._rscales.shape != (replicate.shape[0],):
            raise ValueError(f"rscales: {self._rscales.size} values for {replicate.shape[0]} replicates; expected "
                             f"one per replicate")
        self.scale = float(scale)
        self.mse = bool(mse)

    @property
    def weights(self) -> np.ndarray:
        """Full-sample weights, a copy."""
        return self._weights.copy()

    @property
    def replicate_weights(self) -> np.ndarray:
        """Replicate weights, ``R x n``, a copy."""
        return self._replicates.copy()

    @property
    def rscales(self) -> np.ndarray:
        """Per-replicate scale factors, a copy."""
        return self._rscales.copy()

    @cached_property
    def degrees_of_freedom(self) -> int:
        """Rank of the replicate weights minus one (R ``degf`` of an ``svyrep.design``).

        The rank is R's ``qr(weights(design, "analysis"), tol = 1e-5)$rank``
        (see :func:`qr_rank`).
        """
        return self.subset_degrees_of_freedom(np.ones(len(self.data), dtype=bool))

    def subset_degrees_of_freedom(self, rows: np.ndarray) -> int:
        """Degrees of freedom of the design restricted to ``rows`` (R's ``degf(design[rows, ])``)."""
        return qr_rank(self._replicates[:, np.asarray(rows, dtype=bool)].T) - 1

    def proportion(self, y: Column, *, domain: Column | None = None, level: float = 0.95) -> Estimate:
        """Proportion of a 0/1 variable with Korn and Graubard's interval (R ``svyciprop(method = "beta")``).

        As R on a replicate design subset to the domain's units with a known
        value (``svyby(~y, ~d, subset(design, !is.na(y)), svyciprop, method =
        "beta")``, which drops the other rows): a Clopper-Pearson interval at
        the effective size ``p (1 - p) / SE^2``, scaled by
        ``(t(n - 1) / t(df))^2`` with ``n`` those units and ``df`` their
        :meth:`subset_degrees_of_freedom`. A share of 0 or 1 (SE 0) gets
        Clopper-Pearson's interval for 0 (or all) of its respondents, where R
        returns NaN.

        Returns
        -------
        helpers.survey.estimation.Estimate
            The share, its replicate SE, the interval and the respondents.
        """
        estimate = self.mean(y, domain=domain, level=level)
        known = self._mask(self._values(y), domain)
        share, alpha = estimate.estimate, 1 - level
        if estimate.se > 0:
            df = max(self.subset_degrees_of_freedom(known), 1)
            n_eff = share * (1 - share) / estimate.se ** 2
            n_eff *= (stats.t.ppf(alpha / 2, int(known.sum()) - 1) / stats.t.ppf(alpha / 2, df)) ** 2
        else:
            n_eff = float(estimate.n)
        low = 0.0 if share <= 0 else float(stats.beta.ppf(alpha / 2, n_eff * share, n_eff * (1 - share) + 1))
        high = 1.0 if share >= 1 else float(stats.beta.ppf(1 - alpha / 2, n_eff * share + 1, n_eff * (1 - share)))
        return Estimate(share, estimate.se, low, high, estimate.n)

    def deff(self, y: Column, *, domain: Column | None = None) -> float:
        """Design effect of the mean of ``y`` against simple random sampling without replacement (R
        ``svymean(..., deff = TRUE)`` on a replicate design).

        The replicate variance of the mean over
        :func:`helpers.survey.estimation.srswor_variance` of the domain's
        units with a known value and a positive weight; NaN where that is
        not defined.
        """
        values = self._values(y)
        known = self._mask(values, domain) & (self._weights > 0)
        srs = srswor_variance(values[known], self._weights[known])
        return float(self.mean(y, domain=domain).se ** 2 / srs) if srs > 0 else float("nan")

    def domain_mask(self, domain: Column | None) -> np.ndarray:
        """The boolean mask of a domain given as a column name or an array (every unit when ``None``).

        Raises
        ------
        ValueError
            If the values are not a complete boolean mask, one per unit.
        """
        if domain is None:
            return np.ones(len(self.data), dtype=bool)
        values = domain if not isinstance(domain, str) else self.data[domain]
        selected = pd.Series(np.asarray(values))
        if len(selected) != len(self.data) or selected.isna().any() or not pd.api.types.is_bool_dtype(selected):
            raise ValueError(f"domain: expected a complete boolean mask of {len(self.data)} units")
        return selected.to_numpy(dtype=bool)

    def _masked_weights(self, mask: np.ndarray) -> np.ndarray:
        # The full-sample weights, then each replicate's, zero outside the mask: row 0 gives the estimate.
        return np.vstack([self._weights, self._replicates]) * mask

    def _mask(self, y: np.ndarray, domain: Column | None) -> np.ndarray:
        return ~np.isnan(y) & self.domain_mask(domain)

    def _values(self, y: Column) -> np.ndarray:
        values = pd.Series(self.data[y] if isinstance(y, str) else np.asarray(y))
        if len(values) != len(self.data):
            raise ValueError(f"y: {len(values)} values for {len(self.data)} units; expected one per unit")
        if pd.api.types.is_bool_dtype(values):
            values = values.astype(float)
        if not pd.api.types.is_numeric_dtype(values):
            raise ValueError(f"{y if isinstance(y, str) else 'y'}: expected a numeric variable, got {values.dtype}")
        return values.to_numpy(dtype=float)

    def variance(self, estimate: float, replicate_estimates: np.ndarray) -> float:
        """Replicate variance of an estimate from its replicate estimates (R ``svrVar``).

        Replicates whose estimate is missing are dropped (with their
        ``rscales``), as R's ``na.action``.
        """
        thetas = np.asarray(replicate_estimates, dtype=float)[:, None]
        return float(self.covariance(np.atleast_1d(estimate), thetas)[0, 0])

    def covariance(self, estimates: np.ndarray, replicate_estimates: np.ndarray) -> np.ndarray:
        """Replicate covariance matrix of several estimates (R ``svrVar`` of a matrix of replicates).

        Parameters
        ----------
        estimates
            The ``k`` full-sample estimates.
        replicate_estimates
            ``R x k``: each replicate's estimates. A replicate with any
            estimate missing is dropped (with its ``rscales``), as R's
            ``na.omit``.

        Returns
        -------
        numpy.ndarray
            ``k x k``; all NaN when no replicate is left.
        """
        thetas = np.asarray(replicate_estimates, dtype=float)
        centre_full = np.asarray(estimates, dtype=float)
        keep = ~np.isnan(thetas).any(axis=1)
        if not keep.any():
            return np.full((centre_full.size, centre_full.size), np.nan)
        thetas, rscales = thetas[keep], self._rscales[keep]
        centre = centre_full if self.mse else thetas[rscales > 0].mean(axis=0)
        deviations = thetas - centre
        return self.scale * (deviations * rscales[:, None]).T @ deviations

    def mean_covariance(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Replicate covariance matrix of the weighted means of several variables in a domain (R
        ``attr(svymean(~a + b, design[mask, ]), "var")``).

        Parameters
        ----------
        values
            ``n x k`` values, rows aligned with ``data`` (only the rows of
            ``mask`` are read).
        mask
            Boolean mask of the units the means are taken over.

        Returns
        -------
        numpy.ndarray
            ``k x k``.
        """
        mask = np.asarray(mask, dtype=bool)
        filled = np.where(mask[:, None], np.asarray(values, dtype=float), 0.0)
        weights = self._masked_weights(mask)
        sizes = weights.sum(axis=1)
        means = np.divide(weights @ filled, sizes[:, None], out=np.full((len(sizes), filled.shape[1]), np.nan),
                          where=sizes[:, None] > 0)
        return self.covariance(means[0], means[1:])

    def _estimate(self, y: Column, domain: Column | None, level: float, dist: Distribution,
                  ratio: bool) -> Estimate:
        values = self._values(y)
        mask = self._mask(values, domain)
        filled = np.where(mask, values, 0.0)
        weights = self._masked_weights(mask)
        totals = weights @ filled
        if ratio:
            sizes = weights.sum(axis=1)
            thetas = np.divide(totals, sizes, out=np.full(totals.shape, np.nan), where=sizes > 0)
        else:
            thetas = totals
        n = int((mask & (self._weights > 0)).sum())
        return self._interval(float(thetas[0]), np.sqrt(self.variance(thetas[0], thetas[1:])), level, dist, n)

    def ratio(self, y: Column, x: Column, *, domain: Column | None = None, level: float = 0.95,
              dist: Distribution = "normal") -> Estimate:
        """Ratio of two totals, ``sum w y / sum w x``, with its replicate SE (R ``svyratio``, ``na.rm = TRUE``).

        Units missing either variable are left out (R drops their rows); each
        replicate's ratio is that of its own weighted totals.

        Parameters and returns as :meth:`mean`.

        Raises
        ------
        ValueError
            If the denominator's full-sample total is 0.
        """
        num, den = self._values(y), self._values(x)
        mask = self._mask(num, domain) & ~np.isnan(den)
        weights = self._masked_weights(mask)
        numerators, denominators = weights @ np.where(mask, num, 0.0), weights @ np.where(mask, den, 0.0)
        if denominators[0] == 0:
            raise ValueError(f"{x if isinstance(x, str) else 'x'}: weighted total 0; a ratio needs a non-zero "
                             f"denominator")
        thetas = np.divide(numerators, denominators, out=np.full(numerators.shape, np.nan), where=denominators != 0)
        n = int((mask & (self._weights > 0)).sum())
        return self._interval(float(thetas[0]), np.sqrt(self.variance(thetas[0], thetas[1:])), level, dist, n)

    def _interval(self, estimate: float, se: float, level: float, dist: Distribution, n: int) -> Estimate:
        q = (stats.norm.ppf(0.5 + level / 2) if dist == "normal"
             else stats.t.ppf(0.5 + level / 2, max(self.degrees_of_freedom, 1)))
        return Estimate(estimate, float(se), float(estimate - q * se), float(estimate + q * se), n)

    def mean(self, y: Column, *, domain: Column | None = None, level: float = 0.95,
             dist: Distribution = "normal") -> Estimate:
        """Weighted mean of ``y`` with its replicate standard error (R ``svymean``), optionally in a domain.

        Units whose ``y`` is missing are left out (R's ``na.rm = TRUE``).

        Parameters
        ----------
        y
            Column name or array of a numeric (or boolean) variable.
        domain
            Column name or boolean array selecting the subpopulation.
        level
            Confidence level of the Wald interval.
        dist
            ``"normal"`` or ``"t"`` with :attr:`degrees_of_freedom`.

        Returns
        -------
        helpers.survey.estimation.Estimate
        """
        return self._estimate(y, domain, level, dist, ratio=True)

    def total(self, y: Column, *, domain: Column | None = None, level: float = 0.95,
              dist: Distribution = "normal") -> Estimate:
        """Weighted total of ``y`` with its replicate standard error (R ``svytotal``), optionally in a domain.

        Parameters and returns as :meth:`mean`.
        """
        return self._estimate(y, domain, level, dist, ratio=False)
