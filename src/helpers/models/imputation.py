"""Multiple imputation by chained equations and Rubin's rules with Barnard-Rubin degrees of freedom.

Imputation (:func:`impute`)
    Fully conditional specification (van Buuren 2018, *Flexible Imputation of
    Missing Data*, ch. 4): starting from random draws of the observed values,
    each incomplete variable is in turn regressed on all the others (the
    completed current values) and its missing entries are redrawn; the cycle
    is repeated ``n_iter`` times per imputed data set. Binary (0/1) variables
    use a logistic model whose coefficients are drawn from their approximate
    posterior ``N(beta_hat, V)`` before drawing the values (a small ridge
    penalty keeps the fit finite under separation, White, Daniel and Royston
    2010); other numeric variables use predictive mean matching (5 donors)
    after a Bayesian linear-regression draw of the coefficients. Categorical
    (non-numeric) columns are used as predictors, dummy-coded, and must be
    complete. Include the outcome among the variables: imputing covariates
    without it biases the exposure effect towards 0.

Pooling (:func:`pool`, :func:`pool_logit`)
    Rubin's rules, ``Qbar = mean(Q)``, ``Ubar = mean(U)``, ``B = var(Q)``,
    ``T = Ubar + (1 + 1/m) B``, with Barnard and Rubin's (1999) small-sample
    degrees of freedom ``nu = (1/nu_old + 1/nu_obs)^-1``, where
    ``lambda = (1 + 1/m) B / T``, ``nu_old = (m - 1) / lambda^2`` and
    ``nu_obs = (nu_com + 1) / (nu_com + 3) nu_com (1 - lambda)`` for the
    complete-data degrees of freedom ``nu_com`` (R ``mice::pool``). With
    ``nu_com = inf`` this is Rubin's ``nu_old``; with ``B = 0`` it is
    ``nu_obs``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from helpers.models.logit import LogitResult
from helpers.survey.coding import dummy_code

RIDGE = 1e-4  # relative to the number of rows: negligible unless the data are separated
DONORS = 5


def _predictors(data: pd.DataFrame, target: str) -> np.ndarray:
    parts = [np.ones((len(data), 1))]
    for column in data.columns.drop(target):
        values = data[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            parts.append(values.to_numpy(dtype=float)[:, None])
        else:
            parts.append(dummy_code(values).to_numpy())
    return np.hstack(parts)


def _is_binary(values: pd.Series) -> bool:
    observed = values.dropna()
    return pd.api.types.is_bool_dtype(values) or (
        pd.api.types.is_numeric_dtype(values) and observed.isin([0, 1]).all())


def _draw_logistic(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, missing: np.ndarray) -> np.ndarray:
    xo, yo = x[~missing], y[~missing]
    penalty = RIDGE * len(yo) * np.eye(x.shape[1])
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        mu = 1 / (1 + np.exp(-xo @ beta))
        info = xo.T @ (xo * (mu * (1 - mu))[:, None]) + penalty
        step = np.linalg.solve(info, xo.T @ (yo - mu) - penalty @ beta)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    draw = rng.multivariate_normal(beta, np.linalg.inv(info), method="cholesky")
    p = 1 / (1 + np.exp(-x[missing] @ draw))
    return (rng.random(p.size) < p).astype(float)


def _draw_pmm(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, missing: np.ndarray) -> np.ndarray:
    xo, yo = x[~missing], y[~missing]
    xtx = xo.T @ xo + RIDGE * np.eye(x.shape[1])
    beta = np.linalg.solve(xtx, xo.T @ yo)
    resid = yo - xo @ beta
    sigma2 = resid @ resid / rng.chisquare(max(len(yo) - x.shape[1], 1))
    draw = rng.multivariate_normal(beta, sigma2 * np.linalg.inv(xtx), method="cholesky")
    # Type 1 matching: observed cases' means at beta_hat, missing cases' at the drawn beta.
    distance = np.abs((x[missing] @ draw)[:, None] - (xo @ beta)[None, :])
    donors = np.argsort(distance, axis=1)[:, :min(DONORS, len(yo))]
    pick = donors[np.arange(donors.shape[0]), rng.integers(0, donors.shape[1], donors.shape[0])]
    return yo[pick]


def impute(data: pd.DataFrame, *, m: int = 20, n_iter: int = 10, seed: int = 0) -> list[pd.DataFrame]:
    """Multiply impute the missing values of ``data`` by chained equations.

    Parameters
    ----------
    data
        The analysis variables (outcome, exposure, covariates), one row per
        unit; numeric (or boolean) columns may have missing values, other
        columns must be complete.
    m
        Number of imputed data sets.
    n_iter
        Cycles through the variables per data set.
    seed
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    list of pandas.DataFrame
        ``m`` completed copies of ``data`` (binary columns as 0.0/1.0 floats).

    Raises
    ------
    ValueError
        If a non-numeric column has missing values, a variable has no
        observed value, or ``m`` or ``n_iter`` is below 1.
    """
    if m < 1 or n_iter < 1:
        raise ValueError(f"m, n_iter: {m}, {n_iter}; expected at least 1 each")
    missing = data.isna()
    incomplete = [c for c in data.columns if missing[c].any()]
    for column in incomplete:
        if not (pd.api.types.is_numeric_dtype(data[column]) or pd.api.types.is_bool_dtype(data[column])):
            raise ValueError(f"{column}: {int(missing[column].sum())} missing value(s) in a non-numeric column; "
                             f"expected complete categorical predictors (impute or recode them first)")
        if missing[column].all():
            raise ValueError(f"{column}: no observed value to impute from")
    rng = np.random.default_rng(seed)
    binary = {c: _is_binary(data[c]) for c in incomplete}
    base = data.copy()
    for column in incomplete:
        base[column] = base[column].astype(float)
    completed = []
    for _ in range(m):
        current = base.copy()
        for column in incomplete:
            observed = current.loc[~missing[column], column].to_numpy()
            current.loc[missing[column], column] = rng.choice(observed, int(missing[column].sum()))
        for _ in range(n_iter):
            for column in incomplete:
                x = _predictors(current, column)
                y = current[column].to_numpy(dtype=float)
                draw = _draw_logistic if binary[column] else _draw_pmm
                current.loc[missing[column], column] = draw(rng, x, y, missing[column].to_numpy())
        completed.append(current)
    return completed


def pool(estimates: Sequence[float] | np.ndarray, variances: Sequence[float] | np.ndarray, *,
         df_complete: float = np.inf, level: float = 0.95) -> pd.DataFrame:
    """Pool estimates from ``m`` imputed data sets by Rubin's rules with Barnard-Rubin df.

    Parameters
    ----------
    estimates
        ``m`` estimates, or an ``m x k`` array for ``k`` parameters.
    variances
        Their squared standard errors, same shape.
    df_complete
        Complete-data degrees of freedom ``nu_com`` (e.g. the design df of a
        survey regression, or ``n - p``); ``inf`` gives Rubin's (1987) df.
    level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``estimate, se, df, ci_low, ci_high, p_value``
        (t test of 0), ``within, between, total`` variances, ``riv`` (relative
        increase in variance), ``lambda`` (share of the variance due to the
        missing data) and ``fmi`` (fraction of missing information).

    Raises
    ------
    ValueError
        For fewer than 2 imputations, mismatched shapes, negative variances
        or ``df_complete`` not positive.
    """
    q = np.asarray(estimates, dtype=float)
    u = np.asarray(variances, dtype=float)
    if q.ndim == 1:
        q, u = q[:, None], u[:, None] if u.ndim == 1 else u
    if q.shape != u.shape or q.shape[0] < 2:
        raise ValueError(f"estimates, variances: shapes {q.shape} and {u.shape}; expected equal shapes with "
                         f"at least 2 imputations")
    if (u < 0).any() or not np.isfinite(u).all() or not np.isfinite(q).all():
        raise ValueError("variances: expected finite values >= 0 (and finite estimates)")
    if not df_complete > 0:
        raise ValueError(f"df_complete: {df_complete}; expected > 0")
    m = q.shape[0]
    qbar, ubar = q.mean(axis=0), u.mean(axis=0)
    between = q.var(axis=0, ddof=1)
    total = ubar + (1 + 1 / m) * between
    lam = (1 + 1 / m) * between / total
    riv = (1 + 1 / m) * between / ubar
    with np.errstate(divide="ignore"):
        df_old = np.where(lam > 0, (m - 1) / lam**2, np.inf)
    if np.isinf(df_complete):
        df = df_old
    else:
        df_obs = (df_complete + 1) / (df_complete + 3) * df_complete * (1 - lam)
        df = np.where(np.isinf(df_old), df_obs, 1 / (1 / df_old + 1 / df_obs))
    se = np.sqrt(total)
    tq = stats.t.ppf(0.5 + level / 2, df)
    fmi = (riv + 2 / (df + 3)) / (riv + 1)
    return pd.DataFrame({"estimate": qbar, "se": se, "df": df, "ci_low": qbar - tq * se, "ci_high": qbar + tq * se,
                         "p_value": 2 * stats.t.sf(np.abs(qbar / se), df), "within": ubar, "between": between,
                         "total": total, "riv": riv, "lambda": lam, "fmi": fmi})


def pool_logit(results: Sequence[LogitResult], *, df_complete: float | None = None,
               level: float = 0.95) -> pd.DataFrame:
    """Pool logistic regressions fitted on each imputed data set.

    Parameters
    ----------
    results
        One fit per imputed data set (:func:`helpers.models.logit.survey_logit` or
        :func:`helpers.models.logit.firth_logit`), with the same terms.
    df_complete
        Complete-data degrees of freedom; by default the fits' own ``df``
        (the design residual df of survey fits, ``inf`` for Firth).
    level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        :func:`pool`'s table indexed by term, plus ``odds_ratio, or_low, or_high``.

    Raises
    ------
    ValueError
        If the fits have different terms or there are fewer than 2.
    """
    if len(results) < 2:
        raise ValueError(f"results: {len(results)} fit(s); expected one per imputed data set (at least 2)")
    terms = list(results[0].table.index)
    if any(list(r.table.index) != terms for r in results):
        raise ValueError("results: the fits have different terms; expected the same model on every data set")
    estimates = np.array([r.table["coef"].to_numpy() for r in results])
    variances = np.array([r.table["se"].to_numpy() ** 2 for r in results])
    df = results[0].df if df_complete is None else df_complete
    table = pool(estimates, variances, df_complete=df, level=level).set_index(pd.Index(terms, name="term"))
    return table.assign(odds_ratio=np.exp(table["estimate"]), or_low=np.exp(table["ci_low"]),
                        or_high=np.exp(table["ci_high"]))
