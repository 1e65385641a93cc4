"""How few respondents a wave may have: the analysis stops, saying why, below what it can publish.

Every figure of the report rests on at least ``report.small_cell_threshold``
respondents (smaller cells are suppressed), and the wave's own total is one
of them: below that, every weighted figure, every model and every table of
the report would be suppressed, and there is nothing to publish. The
variance of the odds ratio (step 03) is bootstrapped within each weighting
cell crossed with response (:func:`helpers.steps.leadership.replicate_strata`),
which needs two units in each: a wave where a cell, after the collapsing
rule of ``weighting.collapse`` (:func:`helpers.steps.adjustment.weighting_classes`),
has fewer than two respondents or non-respondents stops here too, naming the
cells and the settings that pool them, rather than minutes later inside step 03. A
wave that passes both runs, with every cell below the threshold suppressed
in the tables and the report.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.inputs.waves import Wave
from helpers.steps.adjustment import CELL, weighting_classes

__all__ = ["check_respondents"]


def check_respondents(units: pd.DataFrame, wave: Wave, export: Path) -> int:
    """The number of respondents of the wave, checked to be enough for the analysis.

    Parameters
    ----------
    units
        One row per frame unit, with its ``disposition``, ``respondent`` flag and auxiliary variables
        (``units.csv`` through :func:`helpers.steps.auxvars.add_auxiliary`).
    wave
        The wave, for ``report.small_cell_threshold`` and ``weighting.cells``.
    export
        The wave's survey export, named in the error.

    Returns
    -------
    int
        Respondents: units whose disposition is a complete or partial interview.

    Raises
    ------
    helpers.errors.InputError
        Naming the export, the wave, the number of respondents, the minimum and why, or the weighting cells
        with fewer than two respondents or non-respondents.
    """
    respondents = int(units["respondent"].sum())
    needed = wave.section("report")["small_cell_threshold"]
    if respondents < needed:
        raise InputError(export, f"wave {wave.year} has {respondents} respondent(s) (complete or partial "
                                 f"interviews) of {len(units)} units: the analysis needs at least {needed}, because "
                                 f"no figure may rest on fewer than report.small_cell_threshold ({needed}) "
                                 "respondents, so that every estimate, model and table would be suppressed")
    settings = wave.section("weighting")
    cells = settings["cells"]
    eligible = units[units["disposition"] != "ineligible"]
    try:
        labels = weighting_classes(eligible, settings).population[CELL]
    except ValueError as error:
        raise InputError(export, f"wave {wave.year}: {error}") from error
    counts = pd.crosstab(labels, eligible["respondent"]).reindex(columns=[True, False], fill_value=0)
    thin = counts[(counts < 2).any(axis=1)]
    if not thin.empty:
        listed = ", ".join(f"{cell} ({row[True]} respondent(s), {row[False]} non-respondent(s))"
                           for cell, row in thin.iterrows())
        remedy = ("pool the cells (weighting.collapse.min_respondents: 2 or more, or weighting.cells: [tier], with "
                  "tier in the margins too)" if cells != ["tier"]
                  else "even pooled by tier, the wave is too small for the analysis")
        raise InputError(export, f"wave {wave.year} has {respondents} respondents, but weighting cells of "
                                 f"weighting.cells {cells} hold fewer than two respondents or non-respondents: "
                                 f"{listed}; the weights and the bootstrap of step 03 resample within each cell "
                                 f"and response, and need two; {remedy}")
    return respondents
