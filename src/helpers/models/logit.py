"""Models for "do authorities led by elected officials more often report savings?".

Logistic regressions of a binary outcome on a binary exposure and covariates,
returning odds ratios with their intervals, the number of units and the
number of events (the unadjusted table is :mod:`helpers.models.fisher`, the
bootstrap :mod:`helpers.models.bootstrap`):

* :func:`survey_logit` -- design-based (survey-weighted) logistic regression
  (R ``svyglm(family=quasibinomial)``). Coefficients solve the weighted score
  equations (statsmodels GLM with ``var_weights``); the covariance is the
  sandwich ``A^-1 V(U) A^-1`` where ``A = sum w mu (1 - mu) x x'`` and ``V(U)``
  is the design variance of the total of the scores ``w (y - mu) x``, computed
  by :class:`helpers.survey.estimation.Design` (strata, clusters, finite population
  correction and calibration residuals as R ``svyrecvar``). Units with a
  missing value are dropped as a domain (zero influence, full design kept),
  as R does for ``svyglm`` on a design. R's ``glm.fit`` stops one IRLS step
  short and ``svyglm`` builds its sandwich from that step's working
  weights, so its printed SEs differ from the converged sandwich by about
  1e-5 (relative); ``engine="r"`` replays R's iterations and reproduces them.
* :func:`firth_logit` -- Firth's penalised likelihood (R ``logistf``) via the
  ``firthmodels`` package, with profile penalised-likelihood intervals and
  penalised likelihood-ratio tests; robust to (quasi-)separation in a sample
  of about a hundred respondents with about twenty events;
* :func:`average_marginal_effect` -- the risk difference of the exposure,
  with a design-based standard error for a survey fit;
* :func:`events_per_parameter` -- how many events each coefficient rests on.

Degrees of freedom (checked against the ``survey`` sources): ``summary`` of a
quasibinomial ``svyglm`` computes p-values from Student's t with
``df.residual = degf(design) + 1 - p`` (``p`` coefficients; ``degf`` of the
design restricted to the complete cases: the PSUs minus the strata holding a
complete case with a positive weight), but ``confint.svyglm`` defaults to ``ddf = Inf``, i.e. normal
quantiles. Here both the p-values and the intervals use t with
``df.residual`` by default (consistent and slightly conservative with about
120 respondents); ``ddf=numpy.inf`` reproduces R's ``confint``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from firthmodels import FirthLogisticRegression
from scipy import stats
from sklearn.exceptions import ConvergenceWarning

from helpers.survey.coding import dummy_code
from helpers.survey.estimation import Design, Estimate

INTERCEPT = "(Intercept)"
FIRTH_TOLERANCE = 1e-6  # logistf's printed digits need tighter convergence than firthmodels' 1e-4 default


# --- model matrices -------------------------------------------------------------------

def model_matrix(data: pd.DataFrame, terms: Sequence[str], *,
                 reference: dict[str, object] | None = None) -> pd.DataFrame:
    """Design matrix with an intercept, numeric terms and dummy-coded categorical terms.

    Parameters
    ----------
    data
        One row per unit.
    terms
        Column names. Numeric and boolean columns enter as they are; other
        columns give one indicator ``"name[level]"`` per level except the
        reference.
    reference
        Reference level per categorical term (see
        :func:`helpers.survey.coding.dummy_code`); the first sorted level
        otherwise.

    Returns
    -------
    pandas.DataFrame
        Float columns, ``"(Intercept)"`` first, index of ``data``; a missing
        value leaves the row's columns for that term missing (NaN).

    Raises
    ------
    ValueError
        If a term is not a column or a reference level does not occur.
    """
    reference = reference or {}
    parts: list[pd.Series | pd.DataFrame] = [pd.Series(1.0, index=data.index, name=INTERCEPT)]
    for term in terms:
        if term not in data.columns:
            raise ValueError(f"terms: no column {term!r} in the data; expected one of {list(data.columns)}")
        column = data[term]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            parts.append(column.astype(float).rename(term))
        else:
            parts.append(dummy_code(column, reference=reference.get(term), name=term))
    return pd.concat(parts, axis=1)


def model_inputs(y: object, x: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """The checked inputs of a logistic fit: outcome, design matrix, term names and complete cases.

    Parameters
    ----------
    y
        Binary outcome (0/1 or boolean, NaN for missing), one per row of ``x``.
    x
        Design matrix (see :func:`model_matrix`); an intercept column
        ``"(Intercept)"`` is put first when absent; array columns are named
        ``x0, x1, ...``.

    Returns
    -------
    tuple
        ``(outcome, matrix, names, complete)``: float outcome (NaN where
        missing), float matrix with the intercept, term names, and the mask
        of rows with a known outcome and finite covariates.

    Raises
    ------
    ValueError
        If the lengths differ, the outcome is not binary, or there are no
        more complete rows than coefficients.
    """
    if isinstance(x, pd.DataFrame):
        names = [str(c) for c in x.columns]
        matrix = x.to_numpy(dtype=float)
    else:
        matrix = np.asarray(x, dtype=float)
        if matrix.ndim == 1:
            matrix = matrix[:, None]
        names = [f"x{j}" for j in range(matrix.shape[1])]
    if INTERCEPT not in names:
        matrix = np.column_stack([np.ones(matrix.shape[0]), matrix])
        names = [INTERCEPT, *names]
    outcome = np.asarray(pd.Series(y).astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    if outcome.shape[0] != matrix.shape[0]:
        raise ValueError(f"y: {outcome.shape[0]} values for {matrix.shape[0]} rows of X; expected one per row")
    complete = np.isfinite(outcome) & np.isfinite(matrix).all(axis=1)
    if not np.isin(outcome[complete], (0.0, 1.0)).all():
        raise ValueError("y: expected a binary outcome coded 0/1 (or boolean), with NaN for missing")
    if complete.sum() <= matrix.shape[1]:
        raise ValueError(f"X: {int(complete.sum())} complete rows for {matrix.shape[1]} coefficients; "
                         f"expected more rows than coefficients")
    return outcome, matrix, names, complete


# --- results --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Fit:
    """What the marginal-effect computation needs from a fitted model."""

    x: np.ndarray            # full-length design matrix (rows outside the fit may hold NaN)
    keep: np.ndarray         # units used in the fit
    weights: np.ndarray      # analysis weights (full length)
    beta: np.ndarray
    vcov: np.ndarray
    influence: np.ndarray | None = None  # full-length coefficient influence values (design-based fits)
    design: Design | None = None


@dataclass(frozen=True)
class LogitResult:
    """A fitted logistic regression.

    Attributes
    ----------
    table
        One row per term: ``coef, se, ci_low, ci_high`` (log-odds scale),
        ``odds_ratio, or_low, or_high`` and ``p_value``.
    vcov
        Covariance matrix of the coefficients.
    n
        Units in the fit (complete cases with a positive weight).
    events
        Units in the fit with outcome 1.
    df
        Degrees of freedom of the reference t distribution (``inf`` for normal
        or chi-square based inference).
    method
        ``"survey"`` (design-based sandwich) or ``"firth"``.
    level
        Confidence level of the intervals.
    global_lr
        Firth only: ``(statistic, df, p)`` of the penalised likelihood-ratio
        test of all terms but the intercept (logistf's "Likelihood ratio test").
    """

    table: pd.DataFrame
    vcov: pd.DataFrame
    n: int
    events: int
    df: float
    method: str
    level: float
    global_lr: tuple[float, int, float] | None = None
    _fit: _Fit | None = field(default=None, repr=False, compare=False)

    def odds_ratio(self, term: str) -> Estimate:
        """Odds ratio of ``term`` with its interval (``se`` is that of the log odds ratio)."""
        if term not in self.table.index:
            raise ValueError(f"term: {term!r} is not in the model; expected one of {list(self.table.index)}")
        row = self.table.loc[term]
        return Estimate(float(row["odds_ratio"]), float(row["se"]), float(row["or_low"]),
                        float(row["or_high"]), self.n)


def _table(names: list[str], beta: np.ndarray, se: np.ndarray, low: np.ndarray, high: np.ndarray,
           p_value: np.ndarray) -> pd.DataFrame:
    table = pd.DataFrame({"coef": beta, "se": se, "ci_low": low, "ci_high": high}, index=pd.Index(names, name="term"))
    table["odds_ratio"] = np.exp(beta)
    table["or_low"] = np.exp(low)
    table["or_high"] = np.exp(high)
    table["p_value"] = p_value
    return table


# --- survey-weighted logistic regression ------------------------------------------------

def design_covariance(design: Design, z: np.ndarray) -> np.ndarray:
    """Design-based covariance matrix of the totals of the columns of ``z``.

    :meth:`Design.variance` returns the variance of each column; as it is a
    quadratic form, the covariances follow by polarisation,
    ``cov(a, b) = (V(a + b) - V(a) - V(b)) / 2``.

    Parameters
    ----------
    design
        The survey design (rows aligned with ``z``).
    z
        n x k influence values (zero outside the analysed domain).

    Returns
    -------
    numpy.ndarray
        k x k covariance matrix.
    """
    k = z.shape[1]
    variances = design.variance(z)
    cov = np.diag(variances)
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    if pairs:
        sums = design.variance(np.column_stack([z[:, i] + z[:, j] for i, j in pairs]))
        for (i, j), total in zip(pairs, sums):
            cov[i, j] = cov[j, i] = (total - variances[i] - variances[j]) / 2
    return cov


def _r_irls(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R ``glm.fit``'s IRLS for the logit link, with its start values and stopping rule.

    Returns the final coefficients, the score weights ``w mu (1 - mu)`` and the
    information weights. R stops when the relative deviance change is below
    1e-8 and keeps the working weights of the *last iteration's start*, one
    step behind the coefficients; ``svyglm`` builds its sandwich from those,
    which moves its standard errors by about 1e-5 (relative) from the
    converged sandwich.
    """
    def deviance(mu: np.ndarray) -> float:
        return float(-2 * np.sum(w * (y * np.log(mu) + (1 - y) * np.log1p(-mu))))

    mu = (w * y + 0.5) / (w + 1)
    eta = np.log(mu / (1 - mu))
    old = deviance(mu)
    for _ in range(25):
        info_weights = w * mu * (1 - mu)
        z = eta + (y - mu) / (mu * (1 - mu))
        beta = np.linalg.solve(x.T @ (x * info_weights[:, None]), x.T @ (info_weights * z))
        eta = x @ beta
        mu = 1 / (1 + np.exp(-eta))
        new = deviance(mu)
        if abs(new - old) / (abs(new) + 0.1) < 1e-8:
            break
        old = new
    # R's estfun: working residual (y - mu) / (mu (1 - mu)) at the final fit times the lagged weights.
    return beta, info_weights * (y - mu) / (mu * (1 - mu)), info_weights


def survey_logit(y: object, x: pd.DataFrame | np.ndarray, design: Design | None = None, *,
                 ddf: float | None = None, level: float = 0.95, engine: str = "statsmodels") -> LogitResult:
    """Survey-weighted logistic regression with a design-based sandwich covariance.

    Parameters
    ----------
    y
        Binary outcome (0/1 or boolean, NaN for missing), one per row of ``x``.
    x
        Design matrix (see :func:`model_matrix`); an intercept is added when
        no ``"(Intercept)"`` column is present.
    design
        The survey design over the same rows (weights, strata, clusters, fpc,
        calibration). ``None``: equal weights, one stratum, no fpc -- the
        sandwich then equals HC0 times ``n / (n - 1)``.
    ddf
        Degrees of freedom of the t reference for p-values and intervals;
        default ``df + 1 - p`` (R ``svyglm``'s ``df.residual``), where ``df``
        counts the PSUs minus the strata that hold a complete case; pass
        ``numpy.inf`` for normal quantiles (R ``confint.svyglm``'s default).
    level
        Confidence level.
    engine
        ``"statsmodels"``: GLM with ``var_weights`` iterated to convergence,
        sandwich at the solution. ``"r"``: R ``glm.fit``'s iterations and
        stopping rule with its one-step-lagged working weights, which
        reproduces ``svyglm``'s printed standard errors to all digits (they
        differ from the converged ones by about 1e-5, relative).

    Returns
    -------
    LogitResult

    Raises
    ------
    ValueError
        For a non-binary outcome, rows of ``x`` and ``design`` that differ,
        fewer complete rows than coefficients, or an unknown ``engine``.
    """
    outcome, matrix, names, complete = model_inputs(y, x)
    n = matrix.shape[0]
    design = design if design is not None else Design(pd.DataFrame(index=range(n)), np.ones(n))
    if len(design.data) != n:
        raise ValueError(f"design: {len(design.data)} units for {n} rows of X; expected the same rows")
    w = design.weights
    keep = complete & (w > 0)
    xk, yk, wk = matrix[keep], outcome[keep], w[keep]
    # Weights divided by their mean over every row of the design (svyglm's rescaling, before it drops the
    # incomplete cases): neither estimate nor sandwich changes, but R's stopping rule does, and IRLS stays
    # well scaled.
    scaled = wk / w.mean()
    if engine == "statsmodels":
        fit = sm.GLM(yk, xk, family=sm.families.Binomial(), var_weights=scaled).fit(tol=1e-12)
        beta = np.asarray(fit.params)
        mu = np.asarray(fit.fittedvalues)
        score_weights, info_weights = scaled * (yk - mu), scaled * mu * (1 - mu)
    elif engine == "r":
        beta, score_weights, info_weights = _r_irls(xk, yk, scaled)
    else:
        raise ValueError(f"engine: {engine!r}; expected 'statsmodels' or 'r'")
    bread = np.linalg.inv(xk.T @ (xk * info_weights[:, None]))
    influence = np.zeros((n, len(names)))
    influence[keep] = (xk * score_weights[:, None]) @ bread
    vcov = design_covariance(design, influence)
    df = float(design.subset_degrees_of_freedom(keep) + 1 - len(names)) if ddf is None else float(ddf)
    if df <= 0:
        raise ValueError(f"ddf: {df:g} degrees of freedom; the design has too few PSUs for {len(names)} "
                         f"coefficients")
    se = np.sqrt(np.diag(vcov))
    q = stats.t.ppf(0.5 + level / 2, df)
    p_value = 2 * stats.t.sf(np.abs(beta / se), df)
    table = _table(names, beta, se, beta - q * se, beta + q * se, p_value)
    return LogitResult(table, pd.DataFrame(vcov, index=names, columns=names), int(keep.sum()),
                       int(yk.sum()), df, "survey", level,
                       _fit=_Fit(matrix, keep, w, beta, vcov, influence, design))


# --- Firth ------------------------------------------------------------------------------

def _firth_null_loglik(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """Penalised log-likelihood with every slope fixed at 0, penalty from the full design (as logistf).

    With all slopes 0 the fitted probability ``p`` is common, ``log det(X'WX)``
    is ``k log(p(1-p)) + log det(X' diag(w) X)``, and the penalised score
    ``sum w (y - p) + (k/2)(1 - 2p) = 0`` gives ``p`` in closed form.
    """
    k = x.shape[1]
    p = (w @ y + k / 2) / (w.sum() + k)
    logdet = np.linalg.slogdet(x.T @ (x * w[:, None]))[1]
    return float(w @ (y * np.log(p) + (1 - y) * np.log1p(-p)) + 0.5 * (k * np.log(p * (1 - p)) + logdet))


def firth_logit(y: object, x: pd.DataFrame | np.ndarray, *, weights: object | None = None,
                level: float = 0.95, profile: Sequence[str] | None = None,
                lr_tests: Sequence[str] | None = None) -> LogitResult:
    """Firth penalised logistic regression (R ``logistf``) via ``firthmodels``.

    Parameters
    ----------
    y
        Binary outcome (0/1 or boolean, NaN for missing).
    x
        Design matrix (see :func:`model_matrix`); intercept added if absent.
    weights
        Case weights (R ``logistf(weights=)``): they multiply each unit's
        log-likelihood contribution. Survey weights here give
        pseudo-likelihood point estimates, but the intervals stay model-based;
        use :func:`survey_logit` or :func:`bootstrap_odds_ratio` for
        design-based inference.
    level
        Confidence level.
    profile
        Terms that get profile penalised-likelihood intervals (default: all);
        other terms get Wald intervals.
    lr_tests
        Terms whose p-value is the penalised likelihood-ratio test (default:
        all); other terms get Wald p-values. A failed constrained fit leaves
        the Wald p-value and a warning.

    Returns
    -------
    LogitResult
        With ``global_lr``, ``df = inf``; ``table`` has a ``ci_method`` and a
        ``p_method`` column.

    Raises
    ------
    ValueError
        For a non-binary outcome, a term not in the model, or an outcome
        without both values.
    """
    outcome, matrix, names, complete = model_inputs(y, x)
    w = np.ones(matrix.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != outcome.shape or not (np.isfinite(w) & (w >= 0)).all():
        raise ValueError("weights: expected one finite weight >= 0 per row of X")
    keep = complete & (w > 0)
    xk, yk, wk = matrix[keep], outcome[keep], w[keep]
    if yk.min() == yk.max():
        raise ValueError("y: every complete case has the same outcome; expected both 0 and 1")
    slopes = [j for j, name in enumerate(names) if name != INTERCEPT]
    fitted = _fit_firth(xk[:, slopes], yk, wk)
    # firthmodels orders [slopes..., intercept]; map back to the order of ``names``.
    order = np.empty(len(names), dtype=int)
    order[slopes] = np.arange(len(slopes))
    order[names.index(INTERCEPT)] = len(slopes)
    beta = np.append(fitted.coef_, fitted.intercept_)[order]
    se = np.asarray(fitted.bse_)[order]
    z = stats.norm.ppf(0.5 + level / 2)
    low, high = beta - z * se, beta + z * se
    ci_method = np.full(len(names), "wald", dtype=object)
    for term in _check_terms(profile, names, "profile"):
        j = names.index(term)
        bounds = fitted.conf_int(alpha=1 - level, method="pl", features=int(order[j]), tol=FIRTH_TOLERANCE,
                                 max_iter=100)[order[j]]
        if np.isfinite(bounds).all():
            low[j], high[j] = bounds
            ci_method[j] = "profile"
    p_value = 2 * stats.norm.sf(np.abs(beta / se))
    p_method = np.full(len(names), "wald", dtype=object)
    tested = _check_terms(lr_tests, names, "lr_tests")
    if tested:
        fitted.lrt([int(order[names.index(t)]) for t in tested])
        for term in tested:
            j = names.index(term)
            if np.isfinite(fitted.lrt_pvalues_[order[j]]):
                p_value[j] = fitted.lrt_pvalues_[order[j]]
                p_method[j] = "lr"
    design = np.column_stack([xk[:, slopes], np.ones(len(yk))])
    statistic = max(0.0, 2 * (fitted.loglik_ - _firth_null_loglik(design, yk, wk)))
    table = _table(names, beta, se, low, high, p_value).assign(ci_method=ci_method, p_method=p_method)
    # firthmodels keeps the inverse penalised information privately (None when singular).
    cov = fitted._cov if fitted._cov is not None else np.full((len(names), len(names)), np.nan)
    vcov = np.asarray(cov)[np.ix_(order, order)]
    return LogitResult(table, pd.DataFrame(vcov, index=names, columns=names), int(keep.sum()), int(yk.sum()),
                       math.inf, "firth", level,
                       global_lr=(statistic, len(slopes), float(stats.chi2.sf(statistic, len(slopes)))),
                       _fit=_Fit(matrix, keep, w, beta, vcov))


def _fit_firth(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> FirthLogisticRegression:
    """Fit at FIRTH_TOLERANCE; if step-halving stalls there (rounding noise near the optimum), refit at 1e-4."""
    for tolerance in (FIRTH_TOLERANCE, 1e-4):
        fitted = FirthLogisticRegression(gtol=tolerance, xtol=tolerance, max_iter=200)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fitted.fit(x, y, sample_weight=w)
        if fitted.converged_:
            return fitted
    warnings.warn("firth_logit: the penalised likelihood did not converge; estimates are unreliable",
                  ConvergenceWarning, stacklevel=3)
    return fitted


def _check_terms(terms: Sequence[str] | None, names: list[str], what: str) -> list[str]:
    if terms is None:
        return list(names)
    unknown = [t for t in terms if t not in names]
    if unknown:
        raise ValueError(f"{what}: terms {unknown} are not in the model; expected some of {names}")
    return list(terms)


# --- average marginal effect ------------------------------------------------------------

def average_marginal_effect(result: LogitResult, exposure: str, *, level: float | None = None) -> Estimate:
    """Average marginal effect (risk difference) of a binary exposure.

    The weighted mean over the fitted units of ``P(y=1 | x, exposure=1) -
    P(y=1 | x, exposure=0)``: the difference in the share reporting savings if
    every authority were led by elected officials versus none, standardised to
    the (weighted) covariate distribution.

    For a :func:`survey_logit` fit the standard error is design-based: the
    influence value of each unit is ``w_i (d_i - AME) / sum(w) + g' z_i`` with
    ``d_i`` its predicted difference, ``g`` the gradient of the AME in the
    coefficients and ``z_i`` the coefficient influence values, and its design
    variance is computed like any other. For a Firth fit it is the delta method
    ``g' V g`` with the model-based covariance, conditional on the covariates.

    Parameters
    ----------
    result
        A fit from :func:`survey_logit` or :func:`firth_logit`.
    exposure
        Name of the 0/1 exposure term.
    level
        Confidence level; that of the fit by default.

    Returns
    -------
    Estimate
        Risk difference, its standard error and interval (t with the fit's
        degrees of freedom, normal for Firth), and the number of units.

    Raises
    ------
    ValueError
        If ``exposure`` is not a term or not coded 0/1.
    """
    fit = result._fit
    names = list(result.table.index)
    if fit is None or exposure not in names:
        raise ValueError(f"exposure: {exposure!r} is not a term of this fit; expected one of {names}")
    j = names.index(exposure)
    x = fit.x[fit.keep]
    if not np.isin(x[:, j], (0.0, 1.0)).all():
        raise ValueError(f"exposure: {exposure!r} must be coded 0/1")
    x1, x0 = x.copy(), x.copy()
    x1[:, j], x0[:, j] = 1.0, 0.0
    p1, p0 = 1 / (1 + np.exp(-x1 @ fit.beta)), 1 / (1 + np.exp(-x0 @ fit.beta))
    w = fit.weights[fit.keep]
    total = w.sum()
    diff = p1 - p0
    ame = float(w @ diff / total)
    gradient = ((x1 * (w * p1 * (1 - p1))[:, None]) - (x0 * (w * p0 * (1 - p0))[:, None])).sum(axis=0) / total
    if fit.design is not None:
        z = fit.influence @ gradient
        z[fit.keep] += w * (diff - ame) / total
        variance = float(fit.design.variance(z[:, None])[0])
    else:
        variance = float(gradient @ fit.vcov @ gradient)
    se = math.sqrt(variance)
    level = result.level if level is None else level
    q = stats.t.ppf(0.5 + level / 2, result.df)
    return Estimate(ame, se, float(ame - q * se), float(ame + q * se), result.n)


# --- events per parameter ---------------------------------------------------------------

def events_per_parameter(y: object, n_parameters: int) -> float:
    """Events per candidate parameter: ``min(events, non-events) / parameters``.

    Peduzzi et al. (1996) flag logistic models below about 10; with about
    twenty events and 4 slopes (elected, two tier indicators, log population)
    the barometer sits near 5, which is why Firth and exact analyses are run
    beside the weighted model.

    Parameters
    ----------
    y
        Binary outcome; missing values are ignored.
    n_parameters
        Number of estimated coefficients excluding the intercept.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``n_parameters`` is below 1 or ``y`` is not binary.
    """
    if n_parameters < 1:
        raise ValueError(f"n_parameters: {n_parameters}; expected at least 1 (slopes, not the intercept)")
    values = pd.Series(y).dropna().astype(float)
    if not values.isin([0.0, 1.0]).all():
        raise ValueError("y: expected a binary outcome coded 0/1")
    events = float(values.sum())
    return min(events, len(values) - events) / n_parameters
