"""Design-based tests and quantiles of step 02: Rao-Scott tests, quantiles with Woodruff intervals, and the
test of the weight adjustment.

* :func:`frame_tests`: respondents against non-respondents on each frame variable, Rao and Scott's corrected
  chi-square (R ``svychisq``) on the eligible frame taken as a design of equal weights;
* :func:`cross_tables`: each indicator by a frame variable among the respondents, on the weighted design
  (linearised or with replicate weights, as the wave's ``estimation.variance``);
* :func:`numeric_quantiles`: quantiles of numeric answers on several designs side by side (R ``svyquantile``);
* :func:`weight_adjustment_tests`: each indicator's weighted minus unweighted share with its replicate SE
  (``nrba::t_test_of_weight_adjustment``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from helpers.survey.estimation import Design
from helpers.survey.quantiles import QuantileRule, quantile
from helpers.survey.replicates import ReplicateDesign
from helpers.survey.reweighting import weight_adjustment_test
from helpers.survey.tables import rao_scott

TEST_COLUMNS = ["F", "ndf", "ddf", "p_value", "pearson", "mean_deff", "p_first_order", "n", "note"]


def _test_row(design: Design | ReplicateDesign, rows: str, cols: str | pd.Series) -> dict:
    try:
        second = rao_scott(design, rows, cols, statistic="F")
        first = rao_scott(design, rows, cols, statistic="Chisq")
    except ValueError as error:
        return {**dict.fromkeys(TEST_COLUMNS[:-2], np.nan), "n": 0, "note": str(error)}
    return {"F": second.statistic, "ndf": second.ndf, "ddf": second.ddf, "p_value": second.p_value,
            "pearson": second.pearson, "mean_deff": second.mean_deff, "p_first_order": first.p_value,
            "n": second.n, "note": ""}


def frame_tests(population: pd.DataFrame, variables: Sequence[str], respondent: str = "respondent") -> pd.DataFrame:
    """Rao-Scott tests of respondents against non-respondents on each frame variable.

    The eligible frame is taken as a design of equal weights, every unit its own PSU (the response as a
    random draw from the frame), so the test is Pearson's up to the design effects of that design.

    Parameters
    ----------
    population
        The eligible frame units, with the variables and a boolean ``respondent`` column.
    variables
        Categorical frame variables.
    respondent
        The response indicator's column.

    Returns
    -------
    pandas.DataFrame
        Indexed by variable: :data:`TEST_COLUMNS` (second-order ``F`` with ``ndf``, ``ddf`` and its
        ``p_value``; Pearson's ``X^2``; the mean design effect; the first-order p-value; the units; a note
        saying why a test could not be made, if so).
    """
    data = population.reset_index(drop=True)
    design = Design(data, np.ones(len(data)))
    rows = {variable: _test_row(design, respondent, variable) for variable in variables}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("variable")[TEST_COLUMNS]


def cross_tables(design: Design | ReplicateDesign, indicators: Sequence[str], by: str) -> pd.DataFrame:
    """Rao-Scott tests of independence of each indicator and a frame variable among the respondents.

    Parameters
    ----------
    design
        The weighted design of the respondents (linearised, or with replicate weights on which the weighting
        was redone), its data holding the indicators and ``by``.
    indicators
        0/1 indicator columns (missing values left out).
    by
        The categorical variable, e.g. ``type_group``.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator, :data:`TEST_COLUMNS` as :func:`frame_tests`. A category of ``by`` without any
        valid answer to an indicator (a question not put to that type of authority) is left out of that
        indicator's table: the test is R's ``svychisq(~indicator + by_known)`` with ``by_known`` missing where
        the indicator is.
    """
    rows = {}
    for indicator in indicators:
        known = design.data[indicator].notna()
        rows[indicator] = _test_row(design, indicator, design.data[by].where(known))
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("indicator")[TEST_COLUMNS]


def numeric_quantiles(designs: Mapping[str, Design | ReplicateDesign], values: pd.DataFrame, probabilities: Sequence[float],
                      level: float = 0.95, qrule: QuantileRule = "math") -> pd.DataFrame:
    """Quantiles of numeric answers with Woodruff intervals, one block of columns per design.

    Parameters
    ----------
    designs
        Label -> design of the same respondents (e.g. ``unweighted`` and ``weighted``), linearised or with
        replicate weights.
    values
        Numeric answers, one column per question, indexed like the designs' data (missing values left out).
    probabilities
        The quantiles' probabilities, e.g. 0.25, 0.5, 0.75.
    level, qrule
        As :func:`helpers.survey.quantiles.quantile`.

    Returns
    -------
    pandas.DataFrame
        Indexed by (question, p); columns (design label, ``estimate | ci_low | ci_high | se | n``).
    """
    blocks = {}
    for label, design in designs.items():
        aligned = values.reindex(design.data.index)
        rows = {(question, p): quantile(design, aligned[question].to_numpy(dtype=float), p, level=level,
                                        qrule=qrule).as_dict()
                for question in values.columns for p in probabilities}
        table = pd.DataFrame.from_dict(rows, orient="index").drop(columns="p")
        blocks[label] = table
    return pd.concat(blocks, axis=1).rename_axis(["question", "p"])


def weight_adjustment_tests(original: ReplicateDesign, adjusted: ReplicateDesign,
                            indicators: Sequence[str]) -> pd.DataFrame:
    """Weighted minus unweighted share of each indicator, with its replicate SE and t test.

    Parameters
    ----------
    original, adjusted
        The respondents' replicate designs before and after the weighting, on the same replicates
        (:attr:`helpers.steps.replication.Replicated.unweighted` and ``designs``).
    indicators
        Indicator columns of both designs' data.

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator: the fields of :class:`helpers.survey.reweighting.WeightAdjustmentTest`.
    """
    rows = {indicator: weight_adjustment_test(original, adjusted, indicator).as_dict() for indicator in indicators}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("indicator")
