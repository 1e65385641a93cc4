"""Auxiliary frame variables for the response analysis and the weighting.

The frame's own variables have categories too small to weight on (one
métropole, a handful of overseas régions), so the response analysis and the
weighting use these coarser groupings, derived from the frame alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.vocabulary import REGION_GROUPS, TIERS, TYPE_GROUPS

SIZE_BANDS = ((0, "<100k"), (100_000, "100k-500k"), (500_000, ">=500k"))
POLITICAL_BLOCS = {"left": "left", "right": "right", "centre": "centre_other", "other": "centre_other",
                   "unknown": "centre_other"}


def add_auxiliary(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the auxiliary groupings to a frame (as read by :func:`helpers.frame.reader.read_frame`).

    Adds ``type_group`` (the métropole joins the communautés urbaines),
    ``tier`` (régions and départements, intercommunal groupings, communes),
    ``size_band`` (a unit of unknown population, Mamoudzou in 2012, goes to
    the smallest band: it is a préfecture, and préfectures outside the
    50,000+ communes are small), ``political_bloc`` (centre, other and
    unknown pooled), ``region_group`` (ZEAT) and ``log_population``.

    Raises
    ------
    ValueError
        If a type or a région code falls outside the known groupings.
    """
    out = frame.copy()
    out["type_group"] = out["type"].map(TYPE_GROUPS)
    out["tier"] = out["type"].map(TIERS)
    out["region_group"] = out["region_code"].map(REGION_GROUPS)
    for column, source in (("type_group", "type"), ("region_group", "region_code")):
        unknown = sorted(out.loc[out[column].isna(), source].unique())
        if unknown:
            raise ValueError(f"{source}: values {unknown} have no {column}; expected one of the known codes")
    population = out["population"].astype("float64")
    bounds = [low for low, _ in SIZE_BANDS][1:]
    labels = np.array([label for _, label in SIZE_BANDS])
    out["size_band"] = labels[np.searchsorted(bounds, population.fillna(0).to_numpy(), side="right")]
    out["political_bloc"] = out["political_group"].map(POLITICAL_BLOCS)
    out["log_population"] = np.log(population.fillna(population.min()))
    return out
