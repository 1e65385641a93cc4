"""The numbers R printed for the scripts of ``tests/r`` (``tests/r/results/<name>.csv``), and their samples.

Each results file is long: ``case, quantity, term, value``. The files are committed; ``make r-results``
regenerates them with R and ``.ci/run`` fails when the regenerated files differ from the committed ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.paths import ROOT
from helpers.survey.estimation import Design

RESULTS_DIR = ROOT / "tests" / "r" / "results"
RTOL = 1e-8


class RResults:
    """The numbers of one results file, looked up by case, quantity and term."""

    def __init__(self, name: str) -> None:
        table = pd.read_csv(RESULTS_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
        self._values = {(row.case, row.quantity, row.term): float(row.value.replace("NA", "nan"))
                        for row in table.itertuples(index=False)}

    def has(self, case: object, quantity: str, term: object = "") -> bool:
        return (str(case), quantity, str(term)) in self._values

    def get(self, case: object, quantity: str, term: object = "") -> float:
        return self._values[(str(case), quantity, str(term))]

    def terms(self, case: object, quantity: str) -> dict[str, float]:
        """Every term of a quantity, in the file's order."""
        return {term: value for (c, q, term), value in self._values.items() if c == str(case) and q == quantity}

    def cases(self) -> list[str]:
        return list(dict.fromkeys(case for case, _, _ in self._values))


def read_data(name: str) -> pd.DataFrame:
    """The sample an R script drew (``<name>_data.csv``), numbers read back to the same doubles."""
    return pd.read_csv(RESULTS_DIR / f"{name}_data.csv")


ATOL = 1e-13


def assert_r(actual: object, expected: object, what: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    """``actual`` equals R's ``expected`` to ``rtol`` relative (NaN where R gives NaN).

    The absolute ``atol`` only absorbs rounding noise around zero (an SE R prints as 6e-17 is 0 here).
    """
    actual, expected = np.atleast_1d(np.asarray(actual, dtype=float)), np.atleast_1d(np.asarray(expected, dtype=float))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True,
                               err_msg=f"{what}: differs from R")


def design_of(sample: pd.DataFrame, weights: object = "w") -> Design:
    """The design of one sample drawn by ``tests/r/common.R``, as its ``make_design`` declares it to R."""
    kind = sample["kind"].iloc[0]
    if kind == "stratified_fpc":
        return Design(sample, weights, strata="stratum", fpc="fpc", lonely_psu="adjust")
    if kind == "cluster":
        return Design(sample, weights, clusters="psu", lonely_psu="adjust")
    return Design(sample, weights, strata="stratum", clusters="psu", lonely_psu="adjust")
