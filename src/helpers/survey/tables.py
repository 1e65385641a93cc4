"""Tests of association in two-way tables of a survey design: Rao and Scott's corrected chi-square.

R ``svychisq(~rows + cols, design, statistic = "F" | "Chisq")`` (survey 4.1): Pearson's X^2 of the
weighted table scaled to the design's number of rows, divided by the design effects of the table's
independence contrasts. With ``Delta`` the generalised design-effect matrix of the ``(r - 1)(c - 1)``
interaction contrasts (the cell shares' design covariance against their multinomial covariance),

* ``"F"`` (second order, the default): ``F = X^2 / tr(Delta)`` on ``d`` and ``d * nu`` degrees of
  freedom, ``d = tr(Delta)^2 / tr(Delta^2)`` and ``nu`` the design degrees of freedom;
* ``"Chisq"`` (first order): ``X^2 / mean(eigenvalues of Delta)`` against chi-square on ``(r - 1)(c - 1)``
  degrees of freedom (R prints the uncorrected ``X^2`` as the statistic and this p-value).

Units missing either variable are left out of the table (R's ``na.rm = TRUE``), but they still count in the
number of rows the table is scaled to and in ``nu``, as R counts them.

On a replicate design (R ``svychisq.svyrep.design``) the covariance of the cell shares is their replicate
covariance and ``nu`` the replicate design's degrees of freedom (the rank of its replicate weights minus one);
a domain drops the other rows, as R's subset of an ``svyrep.design`` does.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from helpers.survey.estimation import Column, Design
from helpers.survey.replicates import ReplicateDesign

Statistic = Literal["F", "Chisq"]


@dataclass(frozen=True)
class RaoScott:
    """A Rao-Scott corrected chi-square test of independence (R ``svychisq``).

    Attributes
    ----------
    statistic
        ``F`` for ``"F"``; Pearson's uncorrected ``X^2`` for ``"Chisq"`` (what R prints).
    ndf, ddf
        Degrees of freedom of the reference distribution: ``d`` and ``d * nu`` for ``"F"``;
        ``(r - 1)(c - 1)`` and infinity (chi-square) for ``"Chisq"``.
    p_value
        Upper-tail probability.
    pearson
        Pearson's ``X^2`` of the weighted table scaled to the design's rows.
    mean_deff
        Mean generalised design effect, ``tr(Delta) / ((r - 1)(c - 1))``.
    method
        ``"F"`` or ``"Chisq"``.
    n
        Units with both variables known (and a positive weight) in the domain.
    """

    statistic: float
    ndf: float
    ddf: float
    p_value: float
    pearson: float
    mean_deff: float
    method: str
    n: int

    def as_dict(self) -> dict[str, float | int | str]:
        """The fields as a plain dictionary (for tables and results files)."""
        return asdict(self)


def _labels(design: Design | ReplicateDesign, values: Column, what: str) -> pd.Series:
    if isinstance(values, str):
        if values not in design.data.columns:
            raise ValueError(f"{what}: no column {values!r} in the data; expected one of {list(design.data.columns)}")
        return design.data[values].reset_index(drop=True)
    series = pd.Series(np.asarray(values, dtype=object))
    if len(series) != len(design.data):
        raise ValueError(f"{what}: {len(series)} values for {len(design.data)} units; expected one per unit")
    return series.where(series.notna(), None)



def rao_scott(design: Design | ReplicateDesign, rows: Column, cols: Column, *, statistic: Statistic = "F",
              domain: Column | None = None) -> RaoScott:
    """Rao-Scott corrected chi-square test of independence of two categorical variables (R ``svychisq``).

    Parameters
    ----------
    design
        The survey design, linearised or with replicate weights.
    rows, cols
        Column names or arrays of the two categorical variables (missing values left out).
    statistic
        ``"F"`` (second-order correction, R's default) or ``"Chisq"`` (first order). Other R statistics
        (``"Wald"``, ``"adjWald"``, ``"lincom"``, ``"saddlepoint"``) are not implemented and refused.
    domain
        Column name or boolean mask of a subpopulation: the test on R's ``subset(design, domain)``. An
        uncalibrated design's subset keeps only the domain's rows (they give the table's scale and ``nu``);
        a calibrated one keeps every row with zero weight outside the domain, as R does; a replicate design's
        subset keeps only the domain's rows.

    Returns
    -------
    RaoScott

    Raises
    ------
    ValueError
        For an unknown ``statistic``, a variable with fewer than two levels, a level without any unit
        having both values known, or no design degrees of freedom for ``"F"``.
    """
    if statistic not in ("F", "Chisq"):
        raise ValueError(f"statistic={statistic!r}; expected 'F' (second-order Rao-Scott) or 'Chisq' (first "
                         f"order); R's Wald, adjWald, lincom and saddlepoint are not implemented")
    row_labels, col_labels = _labels(design, rows, "rows"), _labels(design, cols, "cols")
    names = [values if isinstance(values, str) else str(getattr(values, "name", None) or what)
             for values, what in ((rows, "rows"), (cols, "cols"))]
    n_rows = len(design.data)
    inset = design.domain_mask(domain)
    # R's subset of an uncalibrated design drops the other rows; a calibrated one keeps them at weight 0.
    kept = np.ones(n_rows, dtype=bool) if isinstance(design, Design) and design.calibrated else inset
    size = int(kept.sum())
    nu = design.degrees_of_freedom if kept.all() else design.subset_degrees_of_freedom(kept)
    levels = []
    for name, labels in zip(names, (row_labels, col_labels)):
        found = sorted(pd.unique(labels[kept & labels.notna().to_numpy()]))
        if len(found) < 2:
            raise ValueError(f"{name}: levels {found}; a test of independence needs at least two")
        levels.append(found)
    complete = inset & row_labels.notna().to_numpy() & col_labels.notna().to_numpy()
    nr, nc = len(levels[0]), len(levels[1])
    row_codes = pd.Categorical(row_labels.where(kept), categories=levels[0]).codes
    col_codes = pd.Categorical(col_labels.where(kept), categories=levels[1]).codes
    cells = np.zeros((n_rows, nr * nc))
    cells[np.flatnonzero(complete), (row_codes + nr * col_codes)[complete]] = 1.0  # rows vary fastest, as R
    w = np.where(complete, design.weights, 0.0)
    total = float(w.sum())
    if total <= 0:
        raise ValueError(f"rao_scott: no unit with a positive weight has both {names[0]} and {names[1]} known")
    shares = (w @ cells) / total
    table = shares.reshape(nc, nr).T
    for axis, name, labels in ((1, names[0], levels[0]), (0, names[1], levels[1])):
        empty = np.flatnonzero(table.sum(axis=axis) == 0)
        if empty.size:
            raise ValueError(f"{name}: level {labels[empty[0]]!r} has no unit with both {names[0]} and {names[1]} "
                             f"known; its margin of the table is empty")
    if isinstance(design, ReplicateDesign):
        covariance = design.mean_covariance(cells, complete)
    else:
        covariance = design.covariance(w[:, None] * (cells - shares) / total)
    grid_rows, grid_cols = np.tile(np.arange(nr), nc), np.repeat(np.arange(nc), nr)
    main = np.column_stack([np.ones(nr * nc)] + [(grid_rows == i).astype(float) for i in range(1, nr)]
                           + [(grid_cols == j).astype(float) for j in range(1, nc)])
    interactions = np.column_stack([(grid_rows == i) & (grid_cols == j) for j in range(1, nc)
                                    for i in range(1, nr)]).astype(float)
    contrasts = interactions - main @ np.linalg.lstsq(main, interactions, rcond=None)[0]
    inverse = np.divide(1.0, shares, out=np.zeros_like(shares), where=shares != 0)
    scaled = contrasts * inverse[:, None]
    denominator = contrasts.T @ scaled / size
    numerator = scaled.T @ covariance @ scaled
    delta = np.linalg.solve(denominator, numerator)
    trace, trace2 = float(np.trace(delta)), float(np.trace(delta @ delta))
    counts = table * size
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()
    pearson = float(np.sum((counts - expected) ** 2 / expected))
    df = (nr - 1) * (nc - 1)
    n = int((complete & (design.weights > 0)).sum())
    if statistic == "Chisq":
        p_value = float(stats.chi2.sf(pearson / (trace / df), df))
        return RaoScott(pearson, float(df), math.inf, p_value, pearson, trace / df, "Chisq", n)
    if nu < 1:
        raise ValueError(f"rao_scott: the design has {nu} degrees of freedom; the F correction needs at least one")
    d0 = trace**2 / trace2
    f = pearson / trace
    return RaoScott(f, d0, d0 * nu, float(stats.f.sf(f, d0, d0 * nu)), pearson, trace / df, "F", n)
