"""Who answered: respondents beside the whole frame, and the odds ratios of the response-propensity model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers.survey import weighting
from helpers.survey.coding import most_frequent
from helpers.survey.estimation import Design


def compare_categorical(population: pd.DataFrame, variable: str, respondent: str = "respondent") -> pd.DataFrame:
    """Distribution of a categorical frame variable among respondents and in the whole frame.

    Parameters
    ----------
    population
        Every eligible frame unit.
    variable
        The categorical variable.
    respondent
        Boolean column, True for respondents.

    Returns
    -------
    pandas.DataFrame
        One row per category: ``frame_n``, ``frame_pct``, ``respondents_n``,
        ``respondents_pct``, ``response_rate_pct`` and the standardised
        difference ``std_diff`` of the category's share between respondents
        and non-respondents (difference over the pooled standard deviation,
        ``(p1 - p0) / sqrt((p1 (1 - p1) + p0 (1 - p0)) / 2)``).
    """
    resp = population[respondent].astype(bool)
    frame_n = population[variable].value_counts().sort_index()
    resp_n = population.loc[resp, variable].value_counts().reindex(frame_n.index, fill_value=0)
    non_n = frame_n - resp_n
    p1, p0 = resp_n / resp_n.sum(), non_n / non_n.sum()
    pooled = np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    return pd.DataFrame({
        "frame_n": frame_n, "frame_pct": 100 * frame_n / frame_n.sum(),
        "respondents_n": resp_n, "respondents_pct": 100 * p1,
        "response_rate_pct": 100 * resp_n / frame_n,
        "std_diff": (p1 - p0).div(pooled.where(pooled > 0)).fillna(0.0),
    }).rename_axis(variable)


def association_tests(population: pd.DataFrame, categorical: Sequence[str], numeric: Sequence[str] = (),
                      respondent: str = "respondent") -> pd.DataFrame:
    """Test each frame variable's association with response.

    Categorical variables get Pearson's chi-square test of the variable by
    response table (with the largest absolute standardised difference);
    numeric ones the design-based t test of respondents against
    non-respondents (R ``svyttest`` on the units taken as a design of equal
    weights, each its own PSU), with the standardised difference of means.

    Returns
    -------
    pandas.DataFrame
        One row per variable: ``test``, ``statistic``, ``df``, ``p_value``,
        ``max_abs_std_diff``.
    """
    resp = population[respondent].astype(bool)
    rows = {}
    for variable in categorical:
        table = pd.crosstab(population[variable], resp)
        statistic, p_value, dof, _ = stats.chi2_contingency(table, correction=False)
        largest = compare_categorical(population, variable, respondent)["std_diff"].abs().max()
        rows[variable] = {"test": "chi-square", "statistic": statistic, "df": float(dof), "p_value": p_value,
                          "max_abs_std_diff": largest}
    for variable in numeric:
        x1, x0 = population.loc[resp, variable], population.loc[~resp, variable]
        result = Design(population, np.ones(len(population))).ttest(population[variable], resp)
        pooled = np.sqrt((x1.var() + x0.var()) / 2)
        rows[variable] = {"test": "design-based t", "statistic": result.statistic, "df": float(result.df),
                          "p_value": result.p_value, "max_abs_std_diff": abs(x1.mean() - x0.mean()) / pooled}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("variable")


@dataclass(frozen=True)
class PropensityModel:
    """A logistic response-propensity model.

    Attributes
    ----------
    odds_ratios
        One row per term: ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``.
    auc
        Area under the ROC curve of the fitted propensities (0.5: no
        discrimination between respondents and non-respondents).
    n, respondents
        Units in the model, and respondents among them.
    propensities
        Fitted propensity of each unit.
    """

    odds_ratios: pd.DataFrame
    auc: float
    n: int
    respondents: int
    propensities: pd.Series


def auc(scores: np.ndarray, outcome: np.ndarray) -> float:
    """Area under the ROC curve: the probability that a random positive outranks a random negative.

    Ties count one half (the Mann-Whitney statistic over the product of the group sizes).
    """
    outcome = np.asarray(outcome, dtype=bool)
    ranks = stats.rankdata(scores)
    positives = outcome.sum()
    negatives = outcome.size - positives
    if positives == 0 or negatives == 0:
        raise ValueError("auc: expected both respondents and non-respondents")
    return float((ranks[outcome].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def propensity_model(population: pd.DataFrame, covariates: Sequence[str], respondent: str = "respondent",
                     level: float = 0.95) -> PropensityModel:
    """Fit the logistic regression of response on frame variables, and read its odds ratios.

    The model is :func:`helpers.survey.weighting.response_model`, the one
    the R-indicators (:func:`helpers.survey.representativity.representativity`
    with ``propensities=``) and the propensity weighting reuse. Its odds
    ratios are read against the most frequent category of each categorical
    covariate (the contrasts of the fitted coefficients, with their Wald
    intervals and p-values); numeric covariates enter linearly.

    Parameters
    ----------
    population
        Every eligible unit, respondents and non-respondents.
    covariates
        Frame variables of the model.
    respondent
        Boolean column, True for respondents.
    level
        Confidence level of the odds ratios' intervals.

    Returns
    -------
    PropensityModel

    Raises
    ------
    ValueError
        If a covariate has missing values or the response indicator is not
        binary.
    """
    fit = weighting.response_model(population, respondent, covariates)
    contrasts: dict[str, dict[str, float]] = {}
    for variable in covariates:
        column = population[variable]
        if variable in fit.coefficients.index:
            contrasts[variable] = {variable: 1.0}
            continue
        levels = list(pd.factorize(column, sort=True)[1])
        reference = most_frequent(column)
        for category in levels:
            if category == reference:
                continue
            # Coefficients are against the first sorted level (0 for it): category minus reference.
            contrast = {f"{variable}[{category}]": 1.0} if category != levels[0] else {}
            if reference != levels[0]:
                contrast[f"{variable}[{reference}]"] = -1.0
            contrasts[f"{variable}[{category}] vs {reference}"] = contrast
    matrix = pd.DataFrame.from_dict(contrasts, orient="index").reindex(columns=fit.coefficients.index).fillna(0.0)
    estimate = matrix.to_numpy() @ fit.coefficients.to_numpy()
    se = np.sqrt(np.einsum("ij,jk,ik->i", matrix.to_numpy(), fit.covariance.to_numpy(), matrix.to_numpy()))
    z = stats.norm.ppf(0.5 + level / 2)
    table = pd.DataFrame({"odds_ratio": np.exp(estimate), "ci_low": np.exp(estimate - z * se),
                          "ci_high": np.exp(estimate + z * se), "p_value": 2 * stats.norm.sf(np.abs(estimate / se))},
                         index=matrix.index)
    outcome = population[respondent].astype(float)
    fitted = pd.Series(fit.propensities, index=population.index, name="propensity")
    return PropensityModel(table.rename_axis("term"), auc(fitted.to_numpy(), outcome.to_numpy()),
                           int(len(outcome)), int(outcome.sum()), fitted)
