"""What the leadership-and-savings step needs beyond the models: bootstrap strata and its results section."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.models.bootstrap import BootstrapResult
from helpers.models.evalue import EValue
from helpers.models.fisher import FisherResult
from helpers.models.logit import LogitResult
from helpers.steps.adjustment import cell_labels
from helpers.survey.estimation import Estimate


def replicate_strata(population: pd.DataFrame, cells: Sequence[str]) -> pd.Series:
    """Bootstrap strata: the weighting cells crossed with response.

    The variance model of the weighting treats the respondents of each cell
    as a simple random sample of it; resampling within cell and response
    status keeps respondents in every cell of every replicate.

    Parameters
    ----------
    population
        Every eligible unit, with the cell variables and a boolean ``respondent``.
    cells
        The weighting cells' variables (``weighting.cells`` of the wave).

    Returns
    -------
    pandas.Series
        ``"<cell> | r"`` or ``"<cell> | nr"`` for each unit.
    """
    return cell_labels(population, list(cells)) + " | " + population["respondent"].map({True: "r", False: "nr"})


def leadership_section(*, outcome: pd.Series, exposure: pd.Series, term: str, covariates: Sequence[str],
                       events_per_parameter: float, fisher: FisherResult, survey_fit: LogitResult,
                       firth: LogitResult, risk_difference: Estimate, bootstrap: BootstrapResult,
                       replicates: int, pooled: pd.Series, imputations: int, power: pd.Series,
                       minimum_detectable_odds_ratio: float, e_value: EValue, level: float) -> dict[str, Any]:
    """The ``leadership_savings`` section of ``results.json``: the numbers the report states.

    Parameters
    ----------
    outcome, exposure
        The complete cases' 0/1 outcome (savings) and exposure (elected leadership).
    term
        The exposure's term in the models.
    covariates
        The adjustment set of the models.
    events_per_parameter
        Of the model (:func:`helpers.models.logit.events_per_parameter`).
    fisher, survey_fit, firth
        The unadjusted table and the two logistic models; the survey-weighted
        fit is the primary estimate.
    risk_difference
        The average marginal effect of the exposure.
    bootstrap, replicates
        The bootstrap result and its number of replicates.
    pooled, imputations
        The exposure's row of the pooled multiple-imputation table and the
        number of imputed data sets.
    power, minimum_detectable_odds_ratio
        Power at the wave's odds ratios, and the odds ratio detected with 80% power.
    e_value
        E-values of the primary estimate.
    level
        Confidence level of every interval.

    Returns
    -------
    dict
        Ready for :func:`helpers.report.results.write_section`; an unbounded
        bootstrap upper limit is ``None``.
    """
    primary = survey_fit.odds_ratio(term)
    firth_row = firth.table.loc[term]
    return {
        "n": int(len(outcome)), "events": int(outcome.sum()), "exposed": int(exposure.sum()),
        "events_per_parameter": events_per_parameter, "covariates": list(covariates),
        "fisher": {"odds_ratio": fisher.odds_ratio, "ci_low": fisher.ci_low, "ci_high": fisher.ci_high,
                   "p_value": fisher.p_value},
        "survey_logit": {"odds_ratio": primary.estimate, "ci_low": primary.ci_low, "ci_high": primary.ci_high,
                         "p_value": float(survey_fit.table.at[term, "p_value"])},
        "firth": {"odds_ratio": firth_row["odds_ratio"], "ci_low": firth_row["or_low"],
                  "ci_high": firth_row["or_high"], "p_value": firth_row["p_value"]},
        "risk_difference": {"estimate": risk_difference.estimate, "ci_low": risk_difference.ci_low,
                            "ci_high": risk_difference.ci_high},
        "bootstrap": {"odds_ratio": bootstrap.odds_ratio, "ci_low": bootstrap.ci_low,
                      "ci_high": None if np.isinf(bootstrap.ci_high) else bootstrap.ci_high,
                      "replicates": replicates, "separated": bootstrap.failed},
        "multiple_imputation": {"odds_ratio": pooled["odds_ratio"], "ci_low": pooled["or_low"],
                                "ci_high": pooled["or_high"], "df": pooled["df"], "fmi": pooled["fmi"],
                                "m": imputations},
        "power": power, "minimum_detectable_odds_ratio": minimum_detectable_odds_ratio,
        "e_value": {"point": e_value.point, "ci": e_value.ci},
        "odds_ratio": primary.estimate, "ci_low": primary.ci_low, "ci_high": primary.ci_high,
        "method": "survey_logit", "level": level,
    }
