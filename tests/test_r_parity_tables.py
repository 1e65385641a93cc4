"""Rao-Scott chi-square tests against R (``tests/r/chisq.R``), to 1e-8 relative.

On the 32 random designs of ``tests/r/designs.R`` (the script redraws them from the same seeds), base and
post-stratified, whole sample and domains (R's ``subset``): ``svychisq(~g1 + g2)`` (complete) and
``svychisq(~g1m + yb)`` (``g1m`` is ``g1`` missing where ``y`` is; ``yb`` has its own missing values), with
``statistic = "F"`` and ``"Chisq"``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.survey import Design, rao_scott
from rresults import RResults, assert_r, design_of
from test_r_parity import CASES, _population, _sample

R = RResults("chisq")


@pytest.fixture(scope="module", params=CASES, ids=lambda case: f"design{case}")
def designs(request):
    sample = _sample(request.param)
    sample["g1m"] = sample["g1"].where(sample["y"].notna())
    base = design_of(sample)
    return request.param, {"": base, "poststratified_": base.poststratify("g1", _population(request.param, "g1"))}


@pytest.mark.parametrize("prefix", ["", "poststratified_"])
@pytest.mark.parametrize("statistic", ["F", "Chisq"])
@pytest.mark.parametrize("table", [("g1", "g2"), ("g1m", "yb")])
@pytest.mark.parametrize("domain", ["all", "p", "q"])
def test_rao_scott(designs, prefix, statistic, table, domain):
    case, by_prefix = designs
    design = by_prefix[prefix]
    mask = None if domain == "all" else (design.data["d"] == domain).to_numpy()
    test = rao_scott(design, *table, statistic=statistic, domain=mask)
    quantity = f"{prefix}{statistic}_{table[0]}_{table[1]}_{domain}"
    if statistic == "F":
        terms, actual = ["statistic", "ndf", "ddf", "p_value"], [test.statistic, test.ndf, test.ddf, test.p_value]
    else:
        terms, actual = ["statistic", "df", "p_value"], [test.statistic, test.ndf, test.p_value]
        assert math.isinf(test.ddf)
    assert_r(actual, [R.get(case, quantity, t) for t in terms], f"svychisq {quantity}")


def test_unknown_statistic_is_refused():
    data = pd.DataFrame({"a": list("xyxy"), "b": list("uuvv"), "w": 1.0})
    with pytest.raises(ValueError, match="'Wald'.*not implemented|Wald.*not implemented"):
        rao_scott(Design(data, "w"), "a", "b", statistic="Wald")


def test_a_level_without_complete_units_is_named():
    data = pd.DataFrame({"a": ["x", "y", "z", "x", "y"], "b": ["u", "v", None, "v", "u"], "w": 1.0})
    with pytest.raises(ValueError, match="a: level 'z'"):
        rao_scott(Design(data, "w"), "a", "b")


def test_one_level_is_refused():
    data = pd.DataFrame({"a": ["x"] * 4, "b": list("uvuv"), "w": 1.0})
    with pytest.raises(ValueError, match="at least two"):
        rao_scott(Design(data, "w"), "a", "b")


def test_covariance_diagonal_is_the_variance():
    data = pd.DataFrame({"s": [1, 1, 1, 2, 2, 2], "w": [1.0, 2, 3, 1, 2, 4]})
    design = Design(data, "w", strata="s")
    z = np.random.default_rng(1).normal(size=(6, 3))
    np.testing.assert_allclose(np.diag(design.covariance(z)), design.variance(z), rtol=1e-14)
    total = design.variance(z.sum(axis=1, keepdims=True))[0]
    assert design.covariance(z).sum() == pytest.approx(total, rel=1e-12)


def test_no_complete_unit_is_refused():
    data = pd.DataFrame({"a": ["x", "y", None, None], "b": [None, None, "u", "v"], "w": 1.0})
    with pytest.raises(ValueError, match="no unit with a positive weight has both a and b known"):
        rao_scott(Design(data, "w"), "a", "b")
