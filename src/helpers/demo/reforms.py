"""Frame changes of the demo series: communautés d'agglomération merging, communautés urbaines becoming métropoles.

The changes, as the 2014-2017 intercommunal reforms made them, are documented in :mod:`helpers.demo.model`
(:data:`~helpers.demo.model.CA_MERGERS_PER_YEAR`, :data:`~helpers.demo.model.METROPOLE_YEAR`); every change is
listed in the truth file of each later wave.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.demo.model import CA_MERGERS_PER_YEAR, METROPOLE_THRESHOLD, METROPOLE_YEAR
from helpers.frame.reader import sort_units


def draw_mergers(rng: np.random.Generator, frame: pd.DataFrame, protected: set[str], n: int) -> list[tuple[int, int]]:
    """Pairs of communautés d'agglomération of one région that merge.

    Parameters
    ----------
    rng
        The stream of the year's mergers.
    frame
        The frame before the mergers.
    protected
        Unit ids that never merge (the units ineligible in every wave).
    n
        How many pairs: fewer when no two units of a région are left.

    Returns
    -------
    list of (int, int)
        Rows (positions in ``frame``) of the absorbing unit, the larger by population (then the smaller id), and
        of the absorbed one; no row in two pairs.
    """
    ids = frame["unit_id"].to_numpy()
    regions = frame["region_code"].to_numpy()
    population = frame["population"].astype("Float64").fillna(0).to_numpy(float)
    candidates = [int(row) for row in np.flatnonzero((frame["type"] == "communaute_agglomeration").to_numpy()
                                                     & ~np.isin(ids, sorted(protected)))]
    used: set[int] = set()
    pairs = []
    for first in rng.permutation(candidates):
        first = int(first)
        if len(pairs) == n:
            break
        if first in used:
            continue
        partners = [row for row in candidates if row not in used and row != first and regions[row] == regions[first]]
        if not partners:
            continue
        second = partners[int(rng.integers(len(partners)))]
        used.update((first, second))
        absorber, absorbed = sorted((first, second), key=lambda row: (-population[row], ids[row]))
        pairs.append((absorber, absorbed))
    return pairs


def change_frame(rng: np.random.Generator, year: int, frame: pd.DataFrame,
                 protected: set[str]) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """The frame of ``year`` from the previous year's: the year's mergers, then the métropoles of the MAPTAM law.

    Parameters
    ----------
    rng
        The stream of the year's mergers.
    year
        The wave.
    frame
        The previous year's frame with the year's populations, sorted by
        :func:`helpers.frame.reader.sort_units`.
    protected
        Unit ids that never merge.

    Returns
    -------
    pandas.DataFrame
        The year's frame, sorted by :func:`helpers.frame.reader.sort_units`.
    numpy.ndarray
        For each of its rows, the row of ``frame`` it continues.
    dict
        The changes: ``year``; ``merged``, each absorber and absorbed unit (id, name, population) with the
        région and the population of the merged unit; ``retyped``, each unit whose type changed.
    """
    frame = frame.assign(_row=np.arange(len(frame)))
    population = frame["population"].astype("Int64").to_numpy(dtype=object)
    merged = []
    pairs = draw_mergers(rng, frame, protected, CA_MERGERS_PER_YEAR)
    for absorber, absorbed in pairs:
        total = population[absorber] + population[absorbed]
        merged.append({"absorber": {"unit_id": frame["unit_id"].iat[absorber], "name": frame["name"].iat[absorber],
                                    "population": int(population[absorber])},
                       "absorbed": {"unit_id": frame["unit_id"].iat[absorbed], "name": frame["name"].iat[absorbed],
                                    "population": int(population[absorbed])},
                       "region": frame["region"].iat[absorber], "population": int(total)})
        population[absorber] = total
    frame = frame.assign(population=pd.array(population, dtype="Int64"))
    frame = frame.drop(index=frame.index[[absorbed for _, absorbed in pairs]])
    retyped = []
    if year == METROPOLE_YEAR:
        large = (frame["population"] >= METROPOLE_THRESHOLD).fillna(False)
        becoming = (frame["type"] == "communaute_urbaine") & large
        renamed = frame.loc[becoming, "name"].str.replace("Communauté urbaine", "Métropole", regex=False)
        retyped = [{"unit_id": uid, "from": "communaute_urbaine", "to": "metropole", "name_before": before,
                    "name": after, "population": int(pop)}
                   for uid, before, after, pop in zip(frame.loc[becoming, "unit_id"], frame.loc[becoming, "name"],
                                                      renamed, frame.loc[becoming, "population"])]
        frame.loc[becoming, "type"] = "metropole"
        frame.loc[becoming, "name"] = renamed
    frame = sort_units(frame)
    return frame.drop(columns="_row"), frame["_row"].to_numpy(), {"year": year, "merged": merged, "retyped": retyped}
