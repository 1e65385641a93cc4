"""Rescaled (Rao-Wu) bootstrap of an odds ratio that redoes the weighting on every replicate.

* :func:`rao_wu_weights` -- replicate weights resampling PSUs within strata
  (R ``as.svrepdesign(type="subbootstrap")``);
* :func:`batched_logit` -- weighted logistic regressions of one outcome under
  many weight vectors at once (Newton-Raphson);
* :func:`bootstrap_odds_ratio` -- the percentile interval of an odds ratio,
  the non-response weighting redone on each replicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.models.logit import model_inputs
from helpers.survey import replicates


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap percentile interval of an odds ratio.

    Attributes
    ----------
    odds_ratio
        Full-sample estimate.
    ci_low, ci_high
        Percentile interval of the replicate odds ratios.
    se_log
        Standard deviation of the finite replicate log odds ratios.
    replicates
        Replicate log odds ratios (``+-inf`` where the replicate sample is
        separated in the exposure).
    failed
        Replicates whose fit did not converge or was separated, or whose
        reweighting failed (these last are left out of the interval).
    n
        Units in the full-sample fit.
    """

    odds_ratio: float
    ci_low: float
    ci_high: float
    se_log: float
    replicates: np.ndarray = field(repr=False)
    failed: int
    n: int


def rao_wu_weights(weights: object, strata: object | None = None, clusters: object | None = None, *,
                   n_replicates: int = 1000, seed: int = 0) -> np.ndarray:
    """Rao-Wu rescaled bootstrap replicate weights (R ``as.svrepdesign(type="subbootstrap")``).

    In each stratum with ``n_h`` PSUs, ``n_h - 1`` PSUs are drawn with
    replacement and a PSU drawn ``m`` times has its units' weights multiplied
    by ``m n_h / (n_h - 1)``; this choice of resample size makes the bootstrap
    variance of a linear statistic equal the with-replacement design variance.
    The finite population correction is ignored (conservative). These are
    :func:`helpers.survey.replicates.rao_wu` without fpc.

    Parameters
    ----------
    weights
        Base weights of every sampled unit (respondents and non-respondents
        when the weighting is to be redone per replicate).
    strata, clusters
        Stratum and PSU labels per unit; ``None`` for one stratum / units as PSUs.
    n_replicates
        Number of replicates.
    seed
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    numpy.ndarray
        ``n_replicates x n`` replicate weights.

    Raises
    ------
    ValueError
        If a stratum has a single PSU or labels are missing.
    """
    w = np.asarray(weights, dtype=float)
    factors = replicates.rao_wu(strata, n=w.size, clusters=clusters, replicates=n_replicates, seed=seed).factors
    return factors * w[None, :]


def batched_logit(y: np.ndarray, x: np.ndarray, weights: np.ndarray, *, max_iter: int = 50,
                  tol: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logistic regressions of one outcome under many weight vectors (Newton-Raphson).

    Parameters
    ----------
    y
        n outcomes (0/1).
    x
        n x p design matrix.
    weights
        R x n weight vectors.
    max_iter, tol
        Iteration limit and convergence tolerance on the largest step, relative to
        ``1 + |coefficient|`` (an absolute tolerance is never met by rounding noise
        when a covariate such as log population is far from 0).

    Returns
    -------
    tuple of numpy.ndarray
        R x p coefficients and a boolean array of length R, True where the
        fit converged to finite coefficients (separated replicates diverge).
    """
    # Columns scaled to at most 1 in absolute value, so that a clipped Newton step cannot throw the
    # linear predictor far (log population is about 12); coefficients are scaled back at the end.
    scale = np.abs(x).max(axis=0)
    scale[scale == 0] = 1.0
    x = x / scale
    beta = np.zeros((weights.shape[0], x.shape[1]))
    converged = np.zeros(weights.shape[0], dtype=bool)
    active = np.ones(weights.shape[0], dtype=bool)
    ridge = 1e-12 * np.eye(x.shape[1])
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        eta = beta[idx] @ x.T
        mu = 1 / (1 + np.exp(-eta))
        w = weights[idx]
        score = (w * (y - mu)) @ x
        info = np.einsum("rn,np,nq->rpq", w * mu * (1 - mu), x, x) + ridge
        step = np.linalg.solve(info, score[..., None])[..., 0]
        step = np.clip(step, -5.0, 5.0)  # damp early overshoot, as logistf/firthmodels' max_step
        beta[idx] += step
        done = (np.abs(step) / (1 + np.abs(beta[idx]))).max(axis=1) < tol
        converged[idx[done]] = True
        active[idx[done]] = False
    beta /= scale
    converged &= np.abs(beta).max(axis=1) < 25  # |log OR| > 25: the replicate is separated
    return beta, converged


def bootstrap_odds_ratio(y: object, x: pd.DataFrame, exposure: str, weights: object, *,
                         strata: object | None = None, clusters: object | None = None,
                         reweight: Callable[[np.ndarray], np.ndarray] | None = None,
                         n_replicates: int = 1000, seed: int = 0, level: float = 0.95) -> BootstrapResult:
    """Percentile bootstrap interval of an odds ratio, redoing the weighting on every replicate.

    Units are resampled within strata by the Rao-Wu rescaled bootstrap
    (:func:`rao_wu_weights`). When ``reweight`` is given, the replicate base
    weights of *all* sampled units (respondents and non-respondents) are passed
    to it and it returns the final weights (0 for non-respondents), so the
    non-response adjustment or calibration is re-estimated in each replicate;
    otherwise the replicate weights are used directly. Each replicate fits the
    weighted logistic regression of ``y`` on ``x`` (complete cases with a
    positive weight) by batched Newton-Raphson.

    Parameters
    ----------
    y
        Outcome (0/1, NaN for non-respondents and item non-response), one per
        sampled unit.
    x
        Design matrix over the same units (NaN allowed where ``y`` is unused).
    exposure
        Column of ``x`` whose odds ratio is bootstrapped.
    weights
        Base weights (input of ``reweight``) or final weights (without it).
    strata, clusters
        Stratum and PSU labels per unit.
    reweight
        Function from base weights (array of length n) to final weights.
    n_replicates, seed, level
        Number of replicates, seed and confidence level.

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ValueError
        If ``exposure`` is not a column of ``x``, or inputs are misaligned.
    """
    if exposure not in x.columns:
        raise ValueError(f"exposure: no column {exposure!r} in x; expected one of {list(x.columns)}")
    outcome, matrix, names, complete = model_inputs(y, x)
    base = np.asarray(weights, dtype=float)
    if base.shape != outcome.shape:
        raise ValueError(f"weights: {base.size} values for {outcome.size} units; expected one per unit")
    final = reweight(base) if reweight is not None else base
    replicate = rao_wu_weights(base, strata, clusters, n_replicates=n_replicates, seed=seed)
    reweighted = np.ones(n_replicates, dtype=bool)
    if reweight is not None:
        replicate, reweighted = _reweight_replicates(replicate, reweight)
    j = names.index(exposure)
    keep = complete & (final > 0)
    full, ok = batched_logit(outcome[keep], matrix[keep], final[keep][None, :])
    if not ok[0]:
        # Said of the data (a small wave), not of the functions: the analyst cannot act on "use firth_logit".
        raise ValueError(f"{exposure}: the weighted logistic fit on the {int(keep.sum())} complete case(s) is "
                         "separated (a combination of the covariates predicts the outcome perfectly), so its odds "
                         "ratio has no bootstrap interval; a wave this small needs more respondents for the model")
    beta, ok = batched_logit(outcome[keep], matrix[keep], replicate[reweighted][:, keep])
    log_or = np.where(ok, beta[:, j], np.sign(beta[:, j]) * np.inf)
    alpha = (1 - level) / 2
    # inverted_cdf never interpolates between an infinite (separated) replicate and a finite one.
    low, high = np.quantile(log_or, [alpha, 1 - alpha], method="inverted_cdf")
    failed = int((~ok).sum() + (~reweighted).sum())
    return BootstrapResult(float(np.exp(full[0, j])), float(np.exp(low)), float(np.exp(high)),
                           float(np.std(log_or[ok], ddof=1)), log_or, failed, int(keep.sum()))


def _reweight_replicates(replicate: np.ndarray, reweight: Callable[[np.ndarray], np.ndarray]
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Redo the weighting on each replicate; a replicate the weighting rejects (say, a margin category
    left without respondent) is flagged, not fatal, and counted as failed."""
    rows, usable = [], []
    for base in replicate:
        try:
            rows.append(reweight(base))
            usable.append(True)
        except ValueError:
            rows.append(np.zeros_like(base))
            usable.append(False)
    return np.vstack(rows), np.array(usable)
