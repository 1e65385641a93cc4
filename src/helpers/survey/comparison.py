"""Who answered: respondents beside the whole frame, and a response-propensity model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats


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
    numeric ones Welch's t test of respondents against non-respondents
    (with the standardised difference of means).

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
        result = stats.ttest_ind(x1, x0, equal_var=False)
        pooled = np.sqrt((x1.var() + x0.var()) / 2)
        rows[variable] = {"test": "Welch t", "statistic": result.statistic, "df": float(result.df),
                          "p_value": result.pvalue, "max_abs_std_diff": abs(x1.mean() - x0.mean()) / pooled}
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
    """Fit a logistic regression of response on frame variables.

    Categorical covariates are dummy-coded with their most frequent category
    as reference; numeric ones enter linearly.

    Returns
    -------
    PropensityModel
    """
    parts = []
    for variable in covariates:
        column = population[variable]
        if pd.api.types.is_numeric_dtype(column):
            parts.append(column.astype(float).rename(variable))
            continue
        reference = column.value_counts().index[0]
        categories = [c for c in sorted(column.unique()) if c != reference]
        parts.append(pd.DataFrame({f"{variable}[{c}] vs {reference}": (column == c).astype(float)
                                   for c in categories}, index=population.index))
    design = sm.add_constant(pd.concat(parts, axis=1), prepend=True)
    outcome = population[respondent].astype(float)
    fit = sm.Logit(outcome, design).fit(disp=False)
    interval = fit.conf_int(alpha=1 - level)
    table = pd.DataFrame({"odds_ratio": np.exp(fit.params), "ci_low": np.exp(interval[0]),
                          "ci_high": np.exp(interval[1]), "p_value": fit.pvalues}).drop(index="const")
    fitted = pd.Series(fit.predict(design), index=population.index, name="propensity")
    return PropensityModel(table.rename_axis("term"), auc(fitted.to_numpy(), outcome.to_numpy()),
                           int(len(outcome)), int(outcome.sum()), fitted)
