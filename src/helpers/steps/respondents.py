"""How few respondents a wave may have: the analysis stops, saying why, below what it can publish.

Every figure of the report rests on at least ``report.small_cell_threshold``
respondents (smaller cells are suppressed), and the wave's own total is one
of them: below that, every weighted figure, every model and every table of
the report would be suppressed, and there is nothing to publish. A wave with
at least that many respondents runs, with every cell below the threshold
suppressed in the tables and the report; a weighting cell or margin category
left without respondent stops the weighting with a message naming it and
the setting that collapses it (:func:`helpers.steps.adjustment.build_weighting`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.inputs.waves import Wave

__all__ = ["RESPONDENT_DISPOSITIONS", "check_respondents"]

RESPONDENT_DISPOSITIONS = ("complete", "partial")


def check_respondents(units: pd.DataFrame, wave: Wave, export: Path) -> int:
    """The number of respondents of the wave, checked to be enough for the analysis.

    Parameters
    ----------
    units
        One row per frame unit, with its ``disposition`` (``units.csv``).
    wave
        The wave, for ``report.small_cell_threshold``.
    export
        The wave's survey export, named in the error.

    Returns
    -------
    int
        Units whose disposition is a complete or partial interview.

    Raises
    ------
    helpers.errors.InputError
        Naming the export, the wave, the number of respondents, the minimum and why.
    """
    respondents = int(units["disposition"].isin(RESPONDENT_DISPOSITIONS).sum())
    needed = wave.section("report")["small_cell_threshold"]
    if respondents < needed:
        raise InputError(export, f"wave {wave.year} has {respondents} respondent(s) (complete or partial "
                                 f"interviews) of {len(units)} units: the analysis needs at least {needed}, because "
                                 f"no figure may rest on fewer than report.small_cell_threshold ({needed}) "
                                 "respondents, so that every estimate, model and table would be suppressed")
    return respondents
