"""The test of a weight adjustment (``nrba::t_test_of_weight_adjustment``) against R
(``tests/r/weight_adjustment.R``), to 1e-8 relative.

On jackknife replicates (JK1 for the one-stage cluster designs, JKn otherwise) of the 32 random designs of
``tests/r/designs.R``: the original design against its post-stratification on ``g1`` (same rows) and against the
post-stratification of its subset ``d != "r"`` (fewer rows), for ``y`` and ``yb`` (missing values). The R script
runs nrba's estimator with R ``survey`` (nrba is not packaged by Debian), Original minus Adjusted; the package
reports Adjusted minus Original, so the difference and the statistic change sign.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.survey import ReplicateDesign, jk1, jkn, weight_adjustment_test
from helpers.survey.weighting import poststratify
from rresults import RResults, assert_r
from test_r_parity import CASES, _population, _sample

R = RResults("weight_adjustment")


def _replicates(sample: pd.DataFrame):
    kind = sample["kind"].iloc[0]
    if kind == "cluster":
        return jk1(len(sample), clusters=sample["psu"])
    if kind == "stratified_fpc":
        return jkn(sample["stratum"], fpc=sample["fpc"])
    return jkn(sample["stratum"], clusters=sample["psu"], lonely_psu="remove")


def _poststratified(design: ReplicateDesign, population: pd.Series) -> ReplicateDesign:
    cells = design.data["g1"]
    return ReplicateDesign(design.data, poststratify(design.weights, cells, population),
                           np.vstack([poststratify(w, cells, population) for w in design.replicate_weights]),
                           scale=design.scale, rscales=design.rscales, mse=design.mse)


@pytest.fixture(scope="module", params=CASES, ids=lambda case: f"design{case}")
def designs(request):
    sample = _sample(request.param)
    replicates = _replicates(sample)
    original = ReplicateDesign(sample, sample["w"], replicates.weights(sample["w"]), scale=replicates.scale,
                               rscales=replicates.rscales)
    keep = (sample["d"] != "r").to_numpy()
    subset = ReplicateDesign(sample[keep].reset_index(drop=True), sample["w"][keep],
                             original.replicate_weights[:, keep], scale=original.scale, rscales=original.rscales)
    population = _population(request.param, "g1")
    return request.param, original, {"ps_": _poststratified(original, population),
                                     "subset_ps_": _poststratified(subset, population)}


@pytest.mark.parametrize("prefix", ["ps_", "subset_ps_"])
@pytest.mark.parametrize("y", ["y", "yb"])
def test_weight_adjustment(designs, prefix, y):
    case, original, adjusted = designs
    test = weight_adjustment_test(original, adjusted[prefix], y)
    expected = R.terms(case, f"{prefix}{y}")
    assert test.df == expected["df"]
    assert_r([test.original, test.adjusted, -test.difference, test.se, -test.statistic, test.p_value],
             [expected[t] for t in ("original_mean", "adjusted_mean", "difference", "se", "statistic", "p_value")],
             f"t_test_of_weight_adjustment {prefix}{y}")


def _tiny(rscales=(1.0, 1.0, 1.0)):
    data = pd.DataFrame({"y": [1.0, 2.0, np.nan, 4.0], "t": ["a", "b", "c", "d"]})
    replicates = np.array([[0, 1.5, 1.5, 1.5], [1.5, 0, 1.5, 1.5], [1.5, 1.5, 0, 1.5]])
    return ReplicateDesign(data, np.ones(4), replicates, scale=2 / 3, rscales=list(rscales))


def test_replicates_must_match():
    with pytest.raises(ValueError, match="different replicates"):
        weight_adjustment_test(_tiny(), _tiny((1.0, 1.0, 0.5)), "y")


def test_variable_must_be_numeric():
    with pytest.raises(ValueError, match="t: expected a numeric"):
        weight_adjustment_test(_tiny(), _tiny(), "t")


def test_same_weights_give_no_difference():
    test = weight_adjustment_test(_tiny(), _tiny(), "y")
    assert test.difference == 0 and test.se == 0
    assert np.isnan(test.statistic) and np.isnan(test.p_value)
    assert (test.n_original, test.n_adjusted) == (3, 3)
