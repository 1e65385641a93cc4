"""Design effects, ratios and design-based t tests against R (``tests/r/estimators.R``), to 1e-8 relative.

On the 32 random designs of ``tests/r/designs.R`` (the script redraws them from the same seeds), base and
post-stratified: ``svymean(deff = TRUE)`` on the whole sample and by domain (``svyby``), ``svyratio`` and
``svyttest``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.survey.estimation import Design
from rresults import RResults, assert_r, design_of
from test_r_parity import CASES, DOMAINS, _population, _sample

R = RResults("estimators")


@pytest.fixture(scope="module", params=CASES, ids=lambda case: f"design{case}")
def designs(request):
    base = design_of(_sample(request.param))
    return request.param, {"": base, "poststratified_": base.poststratify("g1", _population(request.param, "g1"))}


@pytest.mark.parametrize("prefix", ["", "poststratified_"])
def test_design_effect(designs, prefix):
    case, by_prefix = designs
    design = by_prefix[prefix]
    assert_r(design.deff("y"), R.get(case, f"{prefix}deff"), "svymean(deff = TRUE)")
    for domain in DOMAINS:
        mask = (design.data["d"] == domain).to_numpy()
        expected = R.get(case, f"{prefix}domain_deff", domain)
        if design.mean("y", domain=mask).n < 2:
            # A domain of fewer than two known values has no SRS variance: R prints NaN or Inf, the project NaN.
            assert np.isnan(design.deff("y", domain=mask)) and not np.isfinite(expected)
            continue
        assert np.isfinite(expected)
        assert_r(design.deff("y", domain=mask), expected, f"svyby(deff = TRUE) domain {domain}")


@pytest.mark.parametrize("prefix", ["", "poststratified_"])
def test_ratio(designs, prefix):
    case, by_prefix = designs
    ratio = by_prefix[prefix].ratio("y", "x")
    assert_r([ratio.estimate, ratio.se], [R.get(case, f"{prefix}ratio", "estimate"), R.get(case, f"{prefix}ratio", "se")],
             "svyratio")


@pytest.mark.parametrize("prefix", ["", "poststratified_"])
def test_ttest(designs, prefix):
    case, by_prefix = designs
    test = by_prefix[prefix].ttest("y", "g2")
    assert test.groups == ("v", "u")
    assert test.df == R.get(case, f"{prefix}ttest", "df")
    terms = ["difference", "statistic", "p_value", "ci_low", "ci_high"]
    if test.df == 1:
        # R's confint.svyglm turns t(1)'s quantile into a normal level, 1 - 2 pnorm(-12.7), which rounds to 1:
        # its interval is infinite. The project's is the t interval.
        assert np.isinf([R.get(case, f"{prefix}ttest", t) for t in terms[3:]]).all()
        assert test.ci_high - test.difference == pytest.approx(12.706204736174698 * test.se, rel=1e-12)
        terms = terms[:3]
    actual = {"difference": test.difference, "statistic": test.statistic, "p_value": test.p_value,
              "ci_low": test.ci_low, "ci_high": test.ci_high}
    assert_r([actual[t] for t in terms], [R.get(case, f"{prefix}ttest", t) for t in terms], "svyttest")


def test_ttest_needs_two_groups():
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0], "g": ["a", "a", "a"], "w": 1.0})
    with pytest.raises(ValueError, match="exactly two"):
        Design(data, "w").ttest("y", "g")
