"""Seeded designs and the package's replicate weights for them, which ``tests/r/replicates.R`` reads.

``python tests/replicate_cases.py`` (from the repository root) writes ``tests/r/replicates/``:

- ``cases.csv``: one row per case: the R ``svrepdesign`` type, scale and Fay's rho, and which replicate
  construction R's ``as.svrepdesign`` is to rebuild from the design for comparison (``none`` for the bootstrap,
  whose draws are random);
- ``<case>.csv``: the units (stratum, PSU, fpc, weight, ``y`` with missing values, 0/1 ``p``, domain ``d`` with
  a domain of two units) and the replicate weights ``rep1 ... repR`` built by :mod:`helpers.survey.replicates`;
- ``<case>.rscales.csv``: the replicates' ``rscales``;
- ``chain_population.csv``: a frame with a respondent flag, weighting cells and two margins, for the weighting
  redone on the jackknife replicates (R: ``as.svrepdesign(type = "JKn")`` then ``postStratify`` and ``calibrate``).

The pytest module checks that the committed files are what this module builds today.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.survey import replicates as rep

FOLDER = Path(__file__).resolve().parent / "r" / "replicates"
SEED = 20261201


def _units(rng: np.random.Generator, strata: list[int], psus: list[int], units_per_psu: tuple[int, int],
           fpc_factor: float | None) -> pd.DataFrame:
    rows = []
    for h, (stratum, count) in enumerate(zip(strata, psus)):
        for j in range(count):
            for _ in range(int(rng.integers(*units_per_psu, endpoint=True))):
                rows.append({"strata": f"s{stratum}", "psu": f"s{stratum}p{j}"})
    data = pd.DataFrame(rows)
    sizes = data.groupby("strata")["psu"].transform("nunique")
    data["fpc"] = np.ceil(sizes * fpc_factor) if fpc_factor else np.nan
    data["w"] = rng.uniform(1, 8, len(data)).round(3)
    data["y"] = rng.normal(10, 3, len(data)).round(4) + 2 * (data["strata"] == "s0")
    data.loc[rng.random(len(data)) < 0.08, "y"] = np.nan
    data["p"] = (rng.random(len(data)) < 0.35).astype(int)
    data["d"] = rng.choice(["a", "b", "c"], len(data), p=[0.5, 0.35, 0.15])
    data.loc[data.sample(2, random_state=int(rng.integers(1 << 30))).index, "d"] = "tiny"
    return data


def cases() -> dict[str, tuple[dict, pd.DataFrame, rep.Replicates]]:
    """Case -> (its row of ``cases.csv``, the units, the replicates)."""
    rng = np.random.default_rng(SEED)
    out = {}
    data = _units(rng, [0], [14], (2, 6), 4.0)
    reps = rep.jk1(len(data), clusters=data["psu"], fpc=data["fpc"].iloc[0])
    out["jk1_cluster"] = ({"type": "JK1", "reference": "JK1"}, data, reps)
    data = _units(rng, [0, 1, 2, 3, 4], [4, 3, 5, 1, 6], (1, 5), 3.0)
    reps = rep.jkn(data["strata"], clusters=data["psu"], fpc=data["fpc"], lonely_psu="remove")
    out["jkn_cluster"] = ({"type": "JKn", "reference": "JKn"}, data, reps)
    data = _units(rng, [0, 1, 2], [12, 20, 9], (1, 1), 2.5)
    reps = rep.jkn(data["strata"], fpc=data["fpc"])
    out["jkn_units"] = ({"type": "JKn", "reference": "JKn"}, data, reps)
    data = _units(rng, [0, 1, 2, 3], [5, 8, 3, 6], (1, 4), 4.0)
    reps = rep.rao_wu(data["strata"], clusters=data["psu"], fpc=data["fpc"], replicates=60, seed=7)
    out["bootstrap_fpc"] = ({"type": "bootstrap", "reference": "none"}, data, reps)
    data = _units(rng, [0, 1, 2, 3, 4, 5], [2] * 6, (2, 5), None)
    reps = rep.brr(data["strata"], clusters=data["psu"])
    out["brr"] = ({"type": "BRR", "reference": "BRR"}, data, reps)
    reps = rep.brr(data["strata"], clusters=data["psu"], fay_rho=0.5)
    out["fay"] = ({"type": "Fay", "reference": "none", "fay_rho": 0.5}, data, reps)
    return out


def chain_population() -> pd.DataFrame:
    """A frame of 300 units, about a third responding, with cells and margins for the weighting chain."""
    rng = np.random.default_rng(SEED + 1)
    n = 300
    frame = pd.DataFrame({"cell": rng.choice(["c1", "c2", "c3"], n, p=[0.5, 0.3, 0.2]),
                          "a": rng.choice(["a1", "a2", "a3"], n, p=[0.4, 0.4, 0.2]),
                          "b": rng.choice(["b1", "b2"], n, p=[0.6, 0.4])})
    propensity = 0.2 + 0.15 * (frame["a"] == "a1") + 0.1 * (frame["b"] == "b2") + 0.1 * (frame["cell"] == "c3")
    frame["respondent"] = rng.random(n) < propensity
    frame["y"] = (rng.random(n) < 0.3 + 0.3 * (frame["a"] == "a1") + 0.2 * (frame["b"] == "b2")).astype(float)
    frame.loc[~frame["respondent"], "y"] = np.nan
    frame.index = pd.Index([f"u{i:03d}" for i in range(n)], name="unit_id")
    return frame


def write(folder: Path = FOLDER) -> list[Path]:
    """Write every file of the module docstring into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, written = [], []
    for name, (meta, data, reps) in cases().items():
        rows.append({"case": name, "type": meta["type"], "scale": repr(reps.scale),
                     "fay_rho": meta.get("fay_rho", 0.0), "reference": meta["reference"]})
        table = data.copy()
        weights = reps.weights(data["w"])
        for r in range(reps.count):
            table[f"rep{r + 1}"] = weights[r]
        written.append(folder / f"{name}.csv")
        table.to_csv(written[-1], index=False, lineterminator="\n", float_format="%.17g")
        written.append(folder / f"{name}.rscales.csv")
        pd.DataFrame({"rscales": reps.rscales}).to_csv(written[-1], index=False, lineterminator="\n",
                                                         float_format="%.17g")
    written.append(folder / "cases.csv")
    pd.DataFrame(rows).to_csv(written[-1], index=False, lineterminator="\n")
    written.append(folder / "chain_population.csv")
    chain_population().to_csv(written[-1], lineterminator="\n")
    return written


if __name__ == "__main__":
    for path in write():
        print(path)
