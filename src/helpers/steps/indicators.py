"""Indicators: shares of respondents answering given codes, from the codebook's definitions.

An indicator's value for a respondent is 1 when the answer is one of the
indicator's codes (or its option is ticked), 0 for any other valid answer,
and missing when the question was not asked, not answered, answered "ne sait
pas" or not applicable: a share is always a share of valid answers, and
its number of respondents says how many.

Intervals are Korn and Graubard's (1998) for a proportion from a complex
survey, as R's ``svyciprop(method = "beta")``
(:meth:`helpers.survey.estimation.Design.proportion`): a Clopper-Pearson
interval at the effective sample size ``p (1 - p) / SE^2`` (adjusted for the
degrees of freedom of the domain's own design, as ``svyby``). Unlike Wald
intervals they stay within [0, 1] and do not collapse to a point when a small
domain's share is 0 or 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.inputs.codebook import Codebook
from helpers.survey.estimation import Design


def indicator_values(answers: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One column per indicator: 1.0, 0.0 or NaN for each row of ``answers``."""
    columns = {}
    for indicator in codebook.indicators.values():
        values = answers[indicator.column].astype("Float64")
        columns[indicator.id] = values.isin(indicator.codes).astype("float64").where(values.notna(), np.nan)
    return pd.DataFrame(columns, index=answers.index)


EMPTY = {"estimate": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0, "deff": np.nan,
         "n_eff": np.nan}


def _share(design: Design, indicator: str, level: float, domain: pd.Series | None = None) -> dict:
    estimate = design.proportion(indicator, domain=domain, level=level)
    deff = design.deff(indicator, domain=domain)
    return {"estimate": estimate.estimate, "se": estimate.se, "ci_low": estimate.ci_low,
            "ci_high": estimate.ci_high, "n": estimate.n, "deff": deff,
            "n_eff": estimate.n / deff if deff > 0 else np.nan}


def estimate_shares(design: Design, indicators: list[str], level: float = 0.95) -> pd.DataFrame:
    """Estimate each indicator's share with its standard error, interval and respondents.

    Parameters
    ----------
    design
        A design whose data hold the indicator columns.
    indicators
        Indicator identifiers (columns of the design's data).
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator: ``estimate, se, ci_low, ci_high, n``, the
        design effect ``deff`` (against simple random sampling without
        replacement of as many respondents, R ``svymean(deff = TRUE)``) and
        the effective number of respondents ``n_eff = n / deff``; an
        indicator nobody answered gets missing values and ``n = 0``.
    """
    rows = {}
    for indicator in indicators:
        if design.data[indicator].notna().sum() == 0:
            rows[indicator] = EMPTY
            continue
        rows[indicator] = _share(design, indicator, level)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["n"] = table["n"].astype(int)
    return table.rename_axis("indicator")


def estimate_by_domain(design: Design, indicators: list[str], domain: str, level: float = 0.95) -> pd.DataFrame:
    """Domain estimates of each indicator (R ``svyby(..., svyciprop, method = "beta")``).

    Standard errors keep the full design (zero influence outside the
    domain); the Korn-Graubard interval uses the domain's own size and
    degrees of freedom, as ``svyby`` evaluates ``svyciprop`` on the domain's
    subset of the design.

    Returns
    -------
    pandas.DataFrame
        Indexed by (indicator, domain): ``estimate, se, ci_low, ci_high, n,
        deff, n_eff`` (as :func:`estimate_shares`; the domain's design effect
        as ``svyby(..., deff = TRUE)``).
    """
    parts = {}
    for indicator in indicators:
        rows = {}
        for value in sorted(design.data[domain].unique()):
            mask = (design.data[domain] == value).to_numpy()
            if design.data.loc[mask, indicator].notna().sum() == 0:
                rows[value] = EMPTY
            else:
                rows[value] = _share(design, indicator, level, pd.Series(mask))
        parts[indicator] = pd.DataFrame.from_dict(rows, orient="index")
    table = pd.concat(parts, names=["indicator", domain])
    table["n"] = table["n"].astype(int)
    return table


def over_population(values: pd.Series, reasons: pd.Series, population: pd.Index,
                    cells: pd.Series | None = None) -> pd.Series:
    """An indicator's values over every eligible unit, for non-response sensitivity analyses.

    Parameters
    ----------
    values
        The indicator for the respondents (1, 0 or NaN), indexed by unit.
    reasons
        The question's missing reasons for the respondents.
    population
        Every eligible unit.
    cells
        Weighting cell of every eligible unit; when given, the units of a cell
        where no respondent is within the question's scope (library
        reservations in régions, say) are taken as out of scope too.

    Returns
    -------
    pandas.Series
        1 or 0 where known, NaN for non-respondents and for respondents who
        did not answer or did not know; respondents outside the question's
        scope (not asked, not applicable) are left out.
    """
    outside = reasons.isin(["not_asked", "not_applicable"]).fillna(False).astype(bool)
    in_scope = population.difference(values.index[outside.reindex(values.index, fill_value=False)])
    known = values.reindex(in_scope)
    if cells is not None:
        known = known[known.notna().groupby(cells.loc[known.index]).transform("any")]
    return known
