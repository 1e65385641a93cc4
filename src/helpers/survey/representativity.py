"""R-indicators and partial R-indicators of the representativeness of response.

Response propensities ``rho_i`` are estimated by a logistic regression of the
response indicator on categorical frame variables (design-weighted when
weights are given), over all eligible sampled units. With design weights
``d_i``, ``N = sum d_i`` and ``rho_bar = sum d_i rho_i / N``:

* ``S(rho)^2 = sum d_i (rho_i - rho_bar)^2 / (N - 1)`` and the R-indicator
  ``R = 1 - 2 S(rho)`` (Schouten, Cobben and Bethlehem 2009, Survey
  Methodology 35(1)); R = 1 when every unit is equally likely to respond.
  This is the plug-in ("unadjusted") estimator, without the bias correction
  of Shlomo, Skinner and Schouten (2012).
* ``CV = S(rho) / rho_bar``, the coefficient of variation of the
  propensities.
* ``B_max = (1 - R) / (2 rho_bar)``: the bias of the unadjusted respondent
  mean of any variable y is ``Cov(y, rho) / rho_bar`` (Bethlehem 1988), and
  by Cauchy-Schwarz ``|Cov(y, rho)| <= S(y) S(rho) = S(y) (1 - R) / 2``, so
  ``B_max`` bounds the absolute bias in units of ``S(y)`` (Schouten, Cobben
  and Bethlehem 2009, section 3). Algebraically it equals ``CV``.

Partial R-indicators (Schouten, Shlomo and Skinner 2011, Journal of Official
Statistics 27(2); computed as in the RISQ tools, with divisor N):

* unconditional, category k of variable Z:
  ``P_u(Z, k) = sqrt(N_k / N) (rho_bar_k - rho_bar)`` (signed: negative
  when the category is under-represented); at variable level
  ``P_u(Z) = sqrt(sum_k P_u(Z, k)^2)``, the between-category standard
  deviation of the propensities;
* conditional on the other model variables X:
  ``P_c(Z, k) = sqrt(sum_{i in k} d_i (rho_i - rho_bar_{c(i)})^2 / N)``
  where ``c(i)`` is the cell of unit i in the cross-classification of the
  other variables; ``P_c(Z) = sqrt(sum_k P_c(Z, k)^2)``, the within-cell
  standard deviation. It is (close to) 0 when Z adds nothing to the other
  variables in explaining response.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.survey import weighting
from helpers.survey.validation import cell_codes, check_weights


@dataclass(frozen=True)
class Representativity:
    """R-indicator, CV, maximal bias and partial R-indicators of one response model.

    Attributes
    ----------
    r_indicator
        ``1 - 2 S(rho)``.
    s_rho
        Weighted standard deviation of the propensities (divisor N - 1).
    mean_propensity
        Weighted mean propensity (the weighted response rate).
    cv
        ``S(rho) / rho_bar``.
    b_max
        Maximal absolute bias of an unadjusted respondent mean, in units of
        the standard deviation of the variable: ``(1 - R) / (2 rho_bar)``.
    n
        Number of units (respondents and non-respondents).
    variables
        One row per variable: ``unconditional``, ``conditional``.
    categories
        One row per (variable, category): ``weighted_count``,
        ``mean_propensity``, ``unconditional`` (signed), ``conditional``.
    propensities
        Estimated propensity of every unit.
    """

    r_indicator: float
    s_rho: float
    mean_propensity: float
    cv: float
    b_max: float
    n: int
    variables: pd.DataFrame
    categories: pd.DataFrame
    propensities: np.ndarray


def r_indicator(propensities: object, weights: object | None = None) -> tuple[float, float, float]:
    """R-indicator from given propensities.

    Parameters
    ----------
    propensities
        Response propensity of every eligible sampled unit.
    weights
        Design weights; equal weights when omitted.

    Returns
    -------
    tuple of float
        ``(R, S(rho), rho_bar)``.
    """
    rho = np.asarray(propensities, dtype=float)
    d = np.ones_like(rho) if weights is None else check_weights(weights)
    size = d.sum()
    mean = np.sum(d * rho) / size
    s = np.sqrt(np.sum(d * (rho - mean) ** 2) / (size - 1))
    return float(1 - 2 * s), float(s), float(mean)


def representativity(data: pd.DataFrame, respondent: str, covariates: Sequence[str],
                     weights: object | None = None, *, propensities: object | None = None) -> Representativity:
    """R-indicator and partial R-indicators for a logistic response model.

    Parameters
    ----------
    data
        All eligible sampled units, respondents and non-respondents.
    respondent
        Column of booleans (or 0/1), True for respondents.
    covariates
        Categorical frame variables of the response model (main effects);
        numeric codes are treated as categories.
    weights
        Design weights (inclusion weights of the sample); the propensity
        model and all indicators are then design-weighted.
    propensities
        The fitted propensities of a response model on ``covariates`` already
        fitted for these units (:attr:`helpers.survey.comparison.PropensityModel.propensities`,
        say), so that one model serves every analysis; fitted here when
        omitted.

    Returns
    -------
    Representativity

    Raises
    ------
    ValueError
        If a covariate has missing values or the response indicator is not
        binary.
    """
    covariates = list(covariates)
    if not covariates:
        raise ValueError("representativity: expected at least one covariate")
    d = np.ones(len(data)) if weights is None else check_weights(weights)
    if propensities is None:
        frame = data[[respondent]].copy()
        for variable in covariates:
            frame[variable] = data[variable].astype("category")
        rho = weighting.response_model(frame, respondent, covariates, weights=d).propensities
    else:
        rho = np.asarray(propensities, dtype=float)
        if rho.shape != (len(data),):
            raise ValueError(f"propensities: {rho.size} values for {len(data)} units; expected one per unit")
    r, s, mean = r_indicator(rho, d)
    size = d.sum()
    codes = {v: cell_codes(data[v], len(data))[:2] for v in covariates}
    variable_rows, category_rows = [], []
    for variable in covariates:
        var_codes, labels = codes[variable]
        k = len(labels)
        count = np.bincount(var_codes, weights=d, minlength=k)
        category_mean = np.bincount(var_codes, weights=d * rho, minlength=k) / count
        unconditional = np.sqrt(count / size) * (category_mean - mean)
        others = [v for v in covariates if v != variable]
        if others:
            cell = pd.factorize(pd.MultiIndex.from_arrays([codes[v][0] for v in others]))[0]
            cell_mean = (np.bincount(cell, weights=d * rho) / np.bincount(cell, weights=d))[cell]
        else:
            cell_mean = np.full(rho.shape, mean)
        conditional = np.sqrt(np.bincount(var_codes, weights=d * (rho - cell_mean) ** 2, minlength=k) / size)
        variable_rows.append({"variable": variable, "unconditional": np.sqrt(np.sum(unconditional**2)),
                              "conditional": np.sqrt(np.sum(conditional**2))})
        category_rows.extend({"variable": variable, "category": label, "weighted_count": count[j],
                              "mean_propensity": category_mean[j], "unconditional": unconditional[j],
                              "conditional": conditional[j]} for j, label in enumerate(labels))
    return Representativity(
        r_indicator=r, s_rho=s, mean_propensity=mean, cv=s / mean, b_max=(1 - r) / (2 * mean), n=len(data),
        variables=pd.DataFrame(variable_rows).set_index("variable"),
        categories=pd.DataFrame(category_rows).set_index(["variable", "category"]),
        propensities=rho,
    )
