"""R-indicators and partial R-indicators on cases computable by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.survey.representativity import r_indicator, representativity


def single_variable_sample() -> pd.DataFrame:
    # Response rates 0.8, 0.5 and 0.2 in three categories of 10, 20 and 10 units.
    region = ["a"] * 10 + ["b"] * 20 + ["c"] * 10
    responded = [1] * 8 + [0] * 2 + [1] * 10 + [0] * 10 + [1] * 2 + [0] * 8
    return pd.DataFrame({"region": region, "responded": responded})


def test_single_variable_by_hand():
    data = single_variable_sample()
    result = representativity(data, "responded", ["region"])
    rho = np.repeat([0.8, 0.5, 0.2], [10, 20, 10])
    np.testing.assert_allclose(result.propensities, rho, atol=1e-8)
    mean = 20 / 40
    s = np.sqrt(np.sum((rho - mean) ** 2) / 39)
    assert result.mean_propensity == pytest.approx(mean)
    assert result.s_rho == pytest.approx(s, rel=1e-7)
    assert result.r_indicator == pytest.approx(1 - 2 * s, rel=1e-7)
    assert result.cv == pytest.approx(s / mean, rel=1e-7)
    assert result.b_max == pytest.approx((1 - result.r_indicator) / (2 * mean))
    expected = {"a": np.sqrt(10 / 40) * 0.3, "b": 0.0, "c": -np.sqrt(10 / 40) * 0.3}
    for category, value in expected.items():
        assert result.categories.loc[("region", category), "unconditional"] == pytest.approx(value, abs=1e-8)
    between = np.sqrt(np.sum(np.array(list(expected.values())) ** 2))
    assert result.variables.loc["region", "unconditional"] == pytest.approx(between, rel=1e-7)
    # With a single variable the conditional indicator is the total spread with divisor N.
    assert result.variables.loc["region", "conditional"] == pytest.approx(s * np.sqrt(39 / 40), rel=1e-7)


def test_unrelated_variable_has_zero_conditional_partial():
    data = single_variable_sample()
    # Within every region, half the respondents and half the non-respondents are "small".
    data = data.sort_values(["region", "responded"]).reset_index(drop=True)
    data["size"] = np.tile(["small", "large"], 20)
    result = representativity(data, "responded", ["region", "size"])
    assert result.variables.loc["size", "conditional"] == pytest.approx(0.0, abs=1e-6)
    assert result.variables.loc["size", "unconditional"] == pytest.approx(0.0, abs=1e-6)
    assert result.variables.loc["region", "conditional"] > 0.2


def test_uniform_response_gives_r_equal_one():
    data = pd.DataFrame({"region": ["a", "a", "b", "b", "c", "c"] * 3, "responded": [1, 0] * 9})
    result = representativity(data, "responded", ["region"])
    assert result.r_indicator == pytest.approx(1.0, abs=1e-8)
    assert result.b_max == pytest.approx(0.0, abs=1e-8)
    assert np.allclose(result.categories["unconditional"], 0.0, atol=1e-8)


def test_design_weights_are_used():
    data = single_variable_sample()
    weights = np.where(data["region"] == "a", 3.0, 1.0)
    result = representativity(data, "responded", ["region"], weights=weights)
    rho = np.repeat([0.8, 0.5, 0.2], [10, 20, 10])
    np.testing.assert_allclose(result.propensities, rho, atol=1e-8)
    r, s, mean = r_indicator(rho, weights)
    assert result.mean_propensity == pytest.approx((30 * 0.8 + 20 * 0.5 + 10 * 0.2) / 60)
    assert result.r_indicator == pytest.approx(r, rel=1e-7)
    assert result.categories.loc[("region", "a"), "unconditional"] == pytest.approx(
        np.sqrt(30 / 60) * (0.8 - mean), rel=1e-6)


def test_missing_covariate_is_named():
    data = single_variable_sample()
    data.loc[3, "region"] = None
    with pytest.raises(ValueError, match="region: 1 missing"):
        representativity(data, "responded", ["region"])


def test_given_propensities_are_used_as_they_are():
    data = pd.DataFrame({"region": ["n"] * 4 + ["s"] * 6, "responded": [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]})
    fitted = representativity(data, "responded", ["region"])
    given = representativity(data, "responded", ["region"], propensities=fitted.propensities)
    assert given.r_indicator == fitted.r_indicator
    flat = representativity(data, "responded", ["region"], propensities=np.full(10, 0.5))
    assert flat.r_indicator == 1.0 and flat.variables["unconditional"].max() == 0.0
    with pytest.raises(ValueError, match="propensities: 3 values for 10 units"):
        representativity(data, "responded", ["region"], propensities=[0.5, 0.5, 0.5])
