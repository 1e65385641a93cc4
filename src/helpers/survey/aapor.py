"""AAPOR Standard Definitions outcome rates with confidence intervals.

Final dispositions are counted in the AAPOR codes: I complete, P partial,
R refusal and break-off, NC non-contact, O other eligible non-response,
UH / UO unknown eligibility (household / other), IE ineligible. With
``e`` the estimated share of eligible units among those of unknown
eligibility:

* RR1 = I / ((I+P) + (R+NC+O) + (UH+UO)), RR2 the same with I+P on top;
* RR3, RR4: as RR1, RR2 with e(UH+UO) in the denominator;
* RR5, RR6: as RR1, RR2 without the unknowns;
* COOP1 = I / ((I+P)+R+O), COOP2 = (I+P) / ((I+P)+R+O),
  COOP3 = I / ((I+P)+R), COOP4 = (I+P) / ((I+P)+R);
* REF1-REF3 = R over the RR1, RR3 and RR5 denominators;
* CON1-CON3 = ((I+P)+R+O) over the RR1, RR3 and RR5 denominators.

By default e = (I+P+R+NC+O) / (I+P+R+NC+O+IE), the eligible share among
units whose eligibility is known (as R package ``nrba`` computes it).

Each rate comes with a Wilson score and a Clopper-Pearson (exact) interval
for the proportion numerator / denominator. For RR3, RR4, REF2 and CON2 the
denominator holds e(UH+UO), which is not an integer: the intervals then
treat e as known and use the formulas with a real-valued denominator, so
they understate the uncertainty that comes from estimating e.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy import stats

#: Disposition labels accepted in data frames and their AAPOR code.
DISPOSITIONS: dict[str, str] = {
    "complete": "I", "partial": "P", "refusal": "R", "non_contact": "NC", "other": "O",
    "unknown_eligibility": "UO", "ineligible": "IE",
}


@dataclass(frozen=True)
class DispositionCounts:
    """Counts of final dispositions in the AAPOR codes (I, P, R, NC, O, UH, UO, IE)."""

    complete: float = 0
    partial: float = 0
    refusal: float = 0
    non_contact: float = 0
    other: float = 0
    unknown_household: float = 0
    unknown_other: float = 0
    ineligible: float = 0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{field.name}: count {value!r}; expected a finite value >= 0")

    @property
    def eligible(self) -> float:
        """Known eligible units: I + P + R + NC + O."""
        return self.complete + self.partial + self.refusal + self.non_contact + self.other

    @property
    def unknown(self) -> float:
        """Units of unknown eligibility: UH + UO."""
        return self.unknown_household + self.unknown_other


def estimate_e(counts: DispositionCounts) -> float:
    """Eligibility rate among units of known eligibility, ``(I+P+R+NC+O) / (I+P+R+NC+O+IE)``.

    Raises
    ------
    ValueError
        If no unit has a known eligibility status.
    """
    known = counts.eligible + counts.ineligible
    if known == 0:
        raise ValueError("e, the eligible share of the units of unknown eligibility, cannot be estimated: no unit "
                         "has a known eligibility (none answered, refused, bounced or was found ineligible); pass "
                         "e explicitly")
    return counts.eligible / known


def count_dispositions(data: pd.DataFrame, disposition: str) -> DispositionCounts:
    """Count dispositions in a data frame.

    Parameters
    ----------
    data
        One row per sampled unit.
    disposition
        Column holding the labels of :data:`DISPOSITIONS` (``complete``,
        ``partial``, ``refusal``, ``non_contact``, ``other``,
        ``unknown_eligibility``, ``ineligible``); ``unknown_eligibility``
        is counted as UO (an establishment survey has no households).

    Returns
    -------
    DispositionCounts

    Raises
    ------
    ValueError
        Naming the column and the unexpected or missing values.
    """
    values = data[disposition]
    if values.isna().any():
        raise ValueError(f"{disposition}: {int(values.isna().sum())} missing disposition(s); expected one of "
                         f"{list(DISPOSITIONS)}")
    unknown = sorted(set(values.astype(str)) - set(DISPOSITIONS))
    if unknown:
        raise ValueError(f"{disposition}: unexpected disposition(s) {unknown}; expected one of {list(DISPOSITIONS)}")
    observed = values.astype(str).value_counts()
    n = {label: float(observed.get(label, 0)) for label in DISPOSITIONS}
    return DispositionCounts(complete=n["complete"], partial=n["partial"], refusal=n["refusal"],
                             non_contact=n["non_contact"], other=n["other"],
                             unknown_other=n["unknown_eligibility"], ineligible=n["ineligible"])


def _wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def _clopper_pearson(x: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        high = np.where(x < n, stats.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def aapor_rates(counts: DispositionCounts, *, e: float | None = None, level: float = 0.95) -> pd.DataFrame:
    """All AAPOR response, cooperation, refusal and contact rates.

    Parameters
    ----------
    counts
        Disposition counts.
    e
        Estimated eligible share of the unknown-eligibility units; by
        default :func:`estimate_e`.
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by rate (RR1..RR6, COOP1..COOP4, REF1..REF3, CON1..CON3),
        columns ``numerator, denominator, rate, wilson_low, wilson_high,
        exact_low, exact_high``; ``rate`` is NaN when the denominator is 0.
    """
    if e is None:
        e = estimate_e(counts) if counts.unknown > 0 else 1.0
    if not 0 <= e <= 1:
        raise ValueError(f"e={e!r}; expected an eligibility rate between 0 and 1")
    return _rates(counts, e, level)


def _rates(counts: DispositionCounts, e: float, level: float) -> pd.DataFrame:
    """:func:`aapor_rates` with ``e`` given; a NaN ``e`` (not estimable) makes the rates that use it NaN."""
    i, p, r, o = counts.complete, counts.partial, counts.refusal, counts.other
    interviews = i + p
    known = interviews + r + counts.non_contact + o
    denominators = {1: known + counts.unknown, 3: known + e * counts.unknown, 5: known}
    contacted = interviews + r + o
    rows = {
        "RR1": (i, denominators[1]), "RR2": (interviews, denominators[1]),
        "RR3": (i, denominators[3]), "RR4": (interviews, denominators[3]),
        "RR5": (i, denominators[5]), "RR6": (interviews, denominators[5]),
        "COOP1": (i, contacted), "COOP2": (interviews, contacted),
        "COOP3": (i, interviews + r), "COOP4": (interviews, interviews + r),
        "REF1": (r, denominators[1]), "REF2": (r, denominators[3]), "REF3": (r, denominators[5]),
        "CON1": (contacted, denominators[1]), "CON2": (contacted, denominators[3]),
        "CON3": (contacted, denominators[5]),
    }
    x = np.array([v[0] for v in rows.values()], dtype=float)
    n = np.array([v[1] for v in rows.values()], dtype=float)
    alpha = 1 - level
    wilson_low, wilson_high = _wilson(x, n, stats.norm.ppf(1 - alpha / 2))
    exact_low, exact_high = _clopper_pearson(x, n, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, x / n, np.nan)
    return pd.DataFrame({"numerator": x, "denominator": n, "rate": rate,
                         "wilson_low": wilson_low, "wilson_high": wilson_high,
                         "exact_low": exact_low, "exact_high": exact_high},
                        index=pd.Index(list(rows), name="rate"))


def aapor_rates_by(data: pd.DataFrame, *, disposition: str, by: str, e: float | None = None,
                   level: float = 0.95) -> pd.DataFrame:
    """AAPOR rates within each group.

    Parameters
    ----------
    data
        One row per sampled unit.
    disposition
        Disposition column (see :func:`count_dispositions`).
    by
        Grouping column (for instance the type of local authority).
    e
        Eligible share of the unknowns; by default estimated within each
        group.
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`aapor_rates` with a (group, rate) MultiIndex, and ``known_eligibility``: the
        group's units of known eligibility (I+P+R+NC+O+IE). A group where it is 0 and whose units are all of
        unknown eligibility has no estimate of e: its rates that use e (RR3, RR4, REF2, CON2) are NaN, the
        others are given.
    """
    if data[by].isna().any():
        raise ValueError(f"{by}: {int(data[by].isna().sum())} missing group label(s); expected complete groups")
    count_dispositions(data, disposition)
    parts = {}
    for label, group in data.groupby(by, sort=True):
        counts = count_dispositions(group, disposition)
        known = counts.eligible + counts.ineligible
        group_e = e if e is not None else (1.0 if counts.unknown == 0 else
                                           estimate_e(counts) if known > 0 else float("nan"))
        if e is not None:
            aapor_rates(counts, e=e)  # validates e
        parts[label] = _rates(counts, group_e, level).assign(known_eligibility=known)
    return pd.concat(parts, names=[by])
