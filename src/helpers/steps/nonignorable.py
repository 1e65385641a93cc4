"""What weighting cannot correct: the indicators' shares if non-response is not ignorable.

For each indicator, over every eligible unit within the question's scope
(:func:`helpers.steps.indicators.over_population`): the worst and best cases
(:func:`helpers.survey.sensitivity.share_bounds`) and the delta-adjusted share
within the weighting cells (:func:`helpers.survey.sensitivity.delta_adjusted_share`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers.inputs.codebook import Codebook
from helpers.steps.adjustment import cell_labels
from helpers.steps.indicators import over_population
from helpers.survey.sensitivity import delta_adjusted_share, share_bounds


@dataclass(frozen=True)
class Nonignorable:
    """Bounds and delta curves of several indicators.

    Attributes
    ----------
    bounds
        One row per indicator: ``lower``, ``respondents`` (the share among
        known answers), ``upper``, ``units known``, ``units unknown``.
    curves
        One row per indicator, one column per delta (a float): the share of
        all eligible units in scope.
    """

    bounds: pd.DataFrame
    curves: pd.DataFrame


def nonignorable_shares(data: pd.DataFrame, answers: pd.DataFrame, population: pd.DataFrame,
                        indicators: Sequence[str], codebook: Codebook, cells: Sequence[str],
                        deltas: Sequence[float]) -> Nonignorable:
    """Bounds and delta-adjusted shares of ``indicators`` over the eligible units.

    Parameters
    ----------
    data
        The respondents' indicator values (columns named by indicator), indexed by unit.
    answers
        The respondents' recoded answers, with each question's ``<question>__missing`` reasons.
    population
        Every eligible unit, with the weighting-cell variables.
    indicators
        Indicator identifiers of the codebook.
    codebook
        The codebook (which question each indicator reads).
    cells
        The weighting cells' variables (``weighting.cells`` of the wave).
    deltas
        Odds ratios of "yes", non-respondents over respondents (``estimation.delta_grid``).

    Returns
    -------
    Nonignorable

    Raises
    ------
    ValueError
        As :func:`helpers.survey.sensitivity.delta_adjusted_share`, for a
        cell without a known answer.
    """
    labels = cell_labels(population, list(cells)).rename("cells")
    bounds, curves = {}, {}
    for indicator in indicators:
        question = codebook.indicators[indicator].question
        known = over_population(data[indicator], answers[f"{question}__missing"].reindex(data.index),
                                population.index, labels)
        bound = share_bounds(known)
        bounds[indicator] = {"lower": bound.lower, "respondents": bound.estimate, "upper": bound.upper,
                             "units known": bound.n_known, "units unknown": bound.n_unknown}
        curves[indicator] = delta_adjusted_share(known, labels.loc[known.index], deltas=deltas).set_index(
            "delta")["share"]
    return Nonignorable(pd.DataFrame.from_dict(bounds, orient="index"), pd.DataFrame(curves).T)
