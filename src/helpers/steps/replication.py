"""Replicate-weight variances of a wave's estimates, the whole weighting redone on every replicate.

Variance model. As for the linearised variances (:mod:`helpers.steps.adjustment`),
the respondents are a second-phase sample, a simple random sample of the
eligible units of each weighting cell, with the finite population correction
``1 - n_h/N_h``. The replicates perturb the respondents within their cells
(:func:`helpers.survey.replicates.jkn`: one replicate per respondent;
:func:`helpers.survey.replicates.rao_wu`: the rescaling bootstrap with the
fpc), the non-respondents keeping their base weight of 1; each replicate's
base weights then go through the method's whole weighting chain
(:func:`helpers.steps.adjustment.weighting_chain`: cell adjustment,
calibration, the refitted propensity model, trimming), as R's ``calibrate``
on an ``svyrep.design`` does. The replicate variance therefore carries the
variability of the weighting itself, which the linearised variance of the
propensity and trimmed weights ignores.

A weighting cell with a single respondent gets no replicate (it contributes
nothing; the linearised variance adjusts for it instead, as R's
``survey.lonely.psu = "adjust"``). A replicate the weighting cannot redo
(the jackknife dropping the only respondent of a margin category, say) is
left out and counted, as R drops replicates whose estimate is undefined
(the scale factor is kept, as R's). Trimmed weights are refused under the
bootstrap: a respondent drawn three times carries three times its weight,
which the cap would trim as one weight; under the jackknife the factors are
``n_h/(n_h - 1)`` and the cap bites on them only marginally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.steps.adjustment import CELL, cell_labels, weighting_chain, weighting_classes
from helpers.survey import replicates as rep
from helpers.survey.replicates import ReplicateDesign

VARIANCES = ("linearisation", "jackknife", "bootstrap")
REPLICATE_VARIANCES = VARIANCES[1:]


@dataclass(frozen=True)
class Replicated:
    """Replicate designs of a wave's weighting methods.

    Attributes
    ----------
    variance
        ``"jackknife"`` or ``"bootstrap"``.
    designs
        Method -> design over the respondents with its replicate weights.
    replicates
        Replicates formed.
    failed
        Method -> replicates the weighting could not redo (left out).
    unweighted
        Method -> the respondents before any weighting (base weights) on the
        same replicates as ``designs[method]``: the original design of the
        test of the weight adjustment
        (:func:`helpers.survey.reweighting.weight_adjustment_test`).
    """

    variance: str
    designs: dict[str, ReplicateDesign]
    replicates: int
    failed: dict[str, int]
    unweighted: dict[str, ReplicateDesign]


def respondent_replicates(respondents: pd.DataFrame, population: pd.DataFrame, cells: Sequence[str],
                          variance: str, *, replicates: int = 200, seed: int = 0) -> rep.Replicates:
    """Replicate factors of the respondents, stratified by weighting cell with its fpc.

    Parameters
    ----------
    respondents
        The responding units, with the cell variables.
    population
        Every eligible unit, with the cell variables (for the fpc).
    cells
        The weighting cells' variables.
    variance
        ``"jackknife"`` (JKn) or ``"bootstrap"`` (Rao-Wu with fpc).
    replicates, seed
        Number of bootstrap replicates and their seed (unused by the jackknife).

    Returns
    -------
    helpers.survey.replicates.Replicates
    """
    strata = cell_labels(respondents, list(cells))
    fpc = strata.map(cell_labels(population, list(cells)).value_counts()).to_numpy(dtype=float)
    if variance == "jackknife":
        return rep.jkn(strata.to_numpy(), fpc=fpc, lonely_psu="remove")
    if variance == "bootstrap":
        return rep.rao_wu(strata.to_numpy(), fpc=fpc, replicates=replicates, seed=seed, lonely_psu="remove")
    raise ValueError(f"variance {variance!r}; expected one of {list(REPLICATE_VARIANCES)}")


def replicate_weighting(population: pd.DataFrame, respondents: pd.DataFrame, settings: dict, variance: str, *,
                        methods: Sequence[str], replicates: int = 200, seed: int = 0,
                        mse: bool = False) -> Replicated:
    """Replicate designs of weighting methods, the weighting redone on every replicate.

    Parameters
    ----------
    population
        The eligible frame units, with the auxiliary variables and a boolean
        ``respondent``.
    respondents
        The responding units' data, indexed like ``population`` (the
        designs' data).
    settings
        The ``weighting`` section of the wave configuration.
    variance
        ``"jackknife"`` or ``"bootstrap"``.
    methods
        Weighting methods (:data:`helpers.steps.adjustment.METHODS` but
        ``unweighted``).
    replicates, seed
        Bootstrap replicates and seed.
    mse
        Centre the variance on the full-sample estimate (R's ``mse = TRUE``).

    Returns
    -------
    Replicated

    Raises
    ------
    ValueError
        For an unknown variance or method, or a full-sample weighting that
        fails (as :func:`helpers.steps.adjustment.build_weighting`).
    """
    if variance == "bootstrap" and "trimmed" in methods:
        raise ValueError("trimmed: trimming a bootstrap replicate caps the combined weight of a resampled "
                         "respondent's copies, not each copy's, and understates the variance; use the jackknife")
    respondent = population["respondent"].to_numpy(dtype=bool)
    if not population.index[respondent].equals(respondents.index):
        raise ValueError("respondents: expected the respondents of population, in the same order")
    # The replicates perturb the respondents within the weighting cells as collapsed on the full sample.
    classes = weighting_classes(population, settings).population
    factors = respondent_replicates(respondents.assign(**{CELL: classes.loc[respondents.index, CELL]}), classes,
                                    [CELL], variance,
                                    replicates=replicates, seed=seed)
    base = np.ones((factors.count, len(population)))
    base[:, respondent] = factors.factors
    designs, failed, unweighted = {}, {}, {}
    for method in methods:
        chain = weighting_chain(population, settings, method)
        full = chain(np.ones(len(population)))[respondent]
        rows, usable = [], []
        for weights in base:
            try:
                rows.append(chain(weights)[respondent])
                usable.append(True)
            except ValueError:
                usable.append(False)
        usable = np.array(usable)
        failed[method] = int((~usable).sum())
        if not usable.any():
            raise ValueError(f"{method}: the weighting failed on every {variance} replicate")
        kept = respondents.drop(columns=[CELL], errors="ignore")
        designs[method] = ReplicateDesign(kept, full, np.vstack(rows), scale=factors.scale,
                                          rscales=factors.rscales[usable], mse=mse)
        unweighted[method] = ReplicateDesign(kept, np.ones(len(kept)), factors.factors[usable], scale=factors.scale,
                                             rscales=factors.rscales[usable], mse=mse)
    return Replicated(variance, designs, factors.count, failed, unweighted)
