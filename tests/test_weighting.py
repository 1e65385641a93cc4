"""Weighting: the Kalton and Flores-Cervantes (2003) toy example, hand cases and input errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.survey import weighting
from helpers.survey.collapse import collapse_classes

A = np.tile([1, 2, 3, 4], 3)
B = np.repeat([1, 2, 3], 4)
SAMPLE_COUNTS = [20, 50, 100, 30, 40, 140, 50, 100, 40, 310, 50, 70]
POPULATION_COUNTS = [80, 60, 170, 55, 40, 150, 60, 165, 55, 340, 200, 125]

RAKING = [[1.810805, 1.452822, 2.016776], [1.083564, 0.869352, 1.206815],
          [2.196089, 1.761938, 2.445884], [1.833226, 1.470810, 2.041746]]
POSTSTRAT = [[4.00, 1.00, 1.38], [1.20, 1.07, 1.10], [1.70, 1.20, 4.00], [1.83, 1.65, 1.79]]
LINEAR = [[1.82, 1.50, 1.97], [1.09, 0.78, 1.24], [2.19, 1.88, 2.34], [1.83, 1.52, 1.98]]
LOGIT = [[1.87, 1.46, 1.98], [1.08, 0.74, 1.27], [2.17, 2.09, 2.18], [1.89, 1.49, 1.99]]


@pytest.fixture(scope="module")
def kalton():
    sample = pd.DataFrame({"a": np.repeat(A, SAMPLE_COUNTS), "b": np.repeat(B, SAMPLE_COUNTS)})
    population = pd.DataFrame({"a": np.repeat(A, POPULATION_COUNTS), "b": np.repeat(B, POPULATION_COUNTS)})
    margins = {"a": population["a"].value_counts(), "b": population["b"].value_counts()}
    return sample, population, margins


def ratios(sample: pd.DataFrame, weights: np.ndarray) -> np.ndarray:
    """Weight ratio per cell (base weights are 1), rows a1..a4, columns b1..b3."""
    return pd.Series(weights).groupby([sample["a"], sample["b"]]).mean().unstack().to_numpy()


def test_kalton_raking(kalton):
    sample, _, margins = kalton
    raked = weighting.rake(np.ones(len(sample)), sample[["a", "b"]], margins)
    np.testing.assert_allclose(ratios(sample, raked), RAKING, atol=5e-7)
    model, totals = weighting.calibration_matrix(sample, margins)
    weighting.check_calibration(model, raked, totals)
    exponential = weighting.calibrate(model, np.ones(len(sample)), totals, method="raking")
    np.testing.assert_allclose(exponential, raked, rtol=1e-8)


def test_kalton_poststratification(kalton):
    sample, population, _ = kalton
    weights = weighting.poststratify(np.ones(len(sample)), sample[["a", "b"]],
                                     population.value_counts(["a", "b"]))
    np.testing.assert_allclose(ratios(sample, weights), POSTSTRAT, atol=0.005 + 1e-9)


def test_kalton_linear_calibration(kalton):
    sample, _, margins = kalton
    model, totals = weighting.calibration_matrix(sample, margins)
    weights = weighting.calibrate(model, np.ones(len(sample)), totals)
    np.testing.assert_allclose(ratios(sample, weights), LINEAR, atol=0.005 + 1e-9)
    weighting.check_calibration(model, weights, totals)


def test_kalton_logit_calibration(kalton):
    sample, _, margins = kalton
    model, totals = weighting.calibration_matrix(sample, margins)
    weights = weighting.calibrate(model, np.ones(len(sample)), totals, method="logit", bounds=(0.5, 2.2))
    np.testing.assert_allclose(ratios(sample, weights), LOGIT, atol=0.005 + 1e-9)
    assert weights.min() > 0.5 and weights.max() < 2.2
    weighting.check_calibration(model, weights, totals)


def test_logit_bounds_too_tight_fail_clearly(kalton):
    sample, _, margins = kalton
    model, totals = weighting.calibration_matrix(sample, margins)
    with pytest.raises(ValueError, match="no solution"):
        weighting.calibrate(model, np.ones(len(sample)), totals, method="logit", bounds=(0.9, 1.1))


def test_cell_adjustment_by_hand():
    cells = pd.Series(["x", "x", "x", "y", "y"], name="region")
    weights = np.array([1.0, 2.0, 3.0, 4.0, 4.0])
    respondent = np.array([True, False, True, True, False])
    adjusted = weighting.cell_adjustment(weights, respondent, cells)
    np.testing.assert_allclose(adjusted, [1.5, 0.0, 4.5, 8.0, 0.0])


def test_cell_without_respondent_is_named():
    cells = pd.Series(["x", "x", "y"], name="region")
    with pytest.raises(ValueError, match=r"region: no respondent .*\['y'\]"):
        weighting.cell_adjustment(np.ones(3), np.array([True, False, False]), cells)


def test_margin_category_absent_from_sample_is_named():
    margins = pd.DataFrame({"type": ["c", "c", "d"], "size": ["s", "l", "l"]})
    targets = {"type": {"c": 10, "d": 5, "r": 3}, "size": {"s": 9, "l": 9}}
    with pytest.raises(ValueError, match=r"type: margin categories \['r'\] have no sample unit"):
        weighting.rake(np.ones(3), margins, targets)
    with pytest.raises(ValueError, match=r"type: population categories \['r'\]"):
        weighting.poststratify(np.ones(3), margins["type"], targets["type"])
    with pytest.raises(ValueError, match=r"type: margin categories \['r'\]"):
        weighting.calibration_matrix(margins, targets)


def test_sample_category_missing_from_margin_is_named():
    margins = pd.DataFrame({"type": ["c", "x", "d"]})
    with pytest.raises(ValueError, match=r"type: sample categories \['x'\]"):
        weighting.rake(np.ones(3), margins, {"type": {"c": 10, "d": 5}})


def test_margin_totals_must_agree():
    margins = pd.DataFrame({"type": ["c", "c", "d"], "size": ["s", "l", "l"]})
    with pytest.raises(ValueError, match="different population sizes"):
        weighting.rake(np.ones(3), margins, {"type": {"c": 10, "d": 5}, "size": {"s": 9, "l": 9}})
    with pytest.raises(ValueError, match="size: margin adds up to 18"):
        weighting.calibration_matrix(margins, {"type": {"c": 10, "d": 5}, "size": {"s": 9, "l": 9}})


def test_negative_weights_are_rejected():
    with pytest.raises(ValueError, match="weights: 1 negative weight"):
        weighting.poststratify(np.array([1.0, -2.0]), pd.Series(["a", "a"], name="g"), {"a": 3})
    with pytest.raises(ValueError, match="weights: 1 missing"):
        weighting.kish_deff(np.array([1.0, np.nan]))


def test_trim_preserves_total_and_caps():
    weights = np.array([1.0, 1.0, 2.0, 3.0, 10.0, 20.0])
    trimmed = weighting.trim_weights(weights, 8.0)
    assert trimmed.sum() == pytest.approx(weights.sum())
    assert trimmed.max() <= 8.0 + 1e-9
    # Round 1 caps 10 and 20 and triples the rest (3 x 3 = 9 > 8); round 2 caps that one too.
    np.testing.assert_allclose(trimmed, [3.25, 3.25, 6.5, 8.0, 8.0, 8.0])
    with pytest.raises(ValueError, match="below the weight total"):
        weighting.trim_weights(weights, 5.0)


def test_diagnostics_by_hand():
    weights = np.array([1.0, 1.0, 2.0, 4.0])
    assert weighting.kish_deff(weights) == pytest.approx(4 * 22 / 64)
    assert weighting.effective_sample_size(weights) == pytest.approx(64 / 22)
    cv = weights.std() / weights.mean()
    assert weighting.kish_deff(weights) == pytest.approx(1 + cv**2)
    summary = weighting.weight_summary(np.append(weights, 0.0))
    assert summary["n"] == 4 and summary["max_over_min"] == pytest.approx(4.0)
    assert summary["median"] == pytest.approx(1.5)


def test_check_calibration_names_the_column():
    model = pd.DataFrame({"(Intercept)": [1.0, 1.0], "x": [1.0, 3.0]})
    weighting.check_calibration(model, [2.0, 2.0], {"(Intercept)": 4.0, "x": 8.0})
    with pytest.raises(ValueError, match="x: weighted 8 vs population 8.0001"):
        weighting.check_calibration(model, [2.0, 2.0], {"(Intercept)": 4.0, "x": 8.0001})


def test_propensity_weights_single_variable():
    data = pd.DataFrame({"region": ["n"] * 4 + ["s"] * 6,
                         "responded": [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]})
    rho = weighting.response_model(data, "responded", ["region"]).propensities
    np.testing.assert_allclose(rho, [0.75] * 4 + [2 / 6] * 6, atol=1e-8)
    inverse = weighting.propensity_weights(np.ones(10), rho, data["responded"].astype(bool))
    np.testing.assert_allclose(inverse[data["responded"] == 1], [4 / 3] * 3 + [3.0] * 2, rtol=1e-7)
    classes = weighting.propensity_weights(np.ones(10), rho, data["responded"].astype(bool), classes=2)
    assert classes.sum() == pytest.approx(10)
    weighted = weighting.response_model(data, "responded", ["region"], weights=np.arange(1.0, 11.0)).propensities
    north = np.arange(1.0, 5.0)
    assert weighted[0] == pytest.approx(north[:3].sum() / north.sum(), abs=1e-8)


def _classes(respondents: dict[str, int], eligible: dict[str, int]) -> tuple[pd.Series, np.ndarray]:
    labels = pd.Series([c for c, n in eligible.items() for _ in range(n)], name="cells")
    respondent = np.concatenate([np.arange(n) < respondents[c] for c, n in eligible.items()])
    return labels, respondent


def test_collapse_merges_the_failing_class_with_the_next_in_order_and_logs_it():
    labels, respondent = _classes({"a": 5, "b": 0, "c": 4, "d": 1}, {"a": 10, "b": 3, "c": 8, "d": 6})
    result = collapse_classes(labels, respondent, ["a", "b", "c", "d"], min_respondents=2)
    # b (0 respondents) goes first, with the next class c; then d (1), the last, with the previous one.
    assert result.mapping == {"a": "a", "b": "b + c + d", "c": "b + c + d", "d": "b + c + d"}
    assert result.log[["class", "merged_with", "into", "respondents"]].values.tolist() == [
        ["b", "c", "b + c", 0], ["d", "b + c", "b + c + d", 1]]
    assert np.isnan(result.log.at[0, "adjustment"])
    assert result.log.at[1, "reason"] == "1 respondent(s), fewer than 2"


def test_collapse_by_adjustment_factor_and_order():
    labels, respondent = _classes({"a": 5, "b": 1, "c": 4}, {"a": 10, "b": 12, "c": 8})
    result = collapse_classes(labels, respondent, ["c", "b", "a"], max_adjustment=4)
    assert result.log[["class", "merged_with", "into"]].values.tolist() == [["b", "a", "b + a"]]
    assert result.log.at[0, "adjustment"] == 12
    assert result.log.at[0, "reason"] == "adjustment factor 12 above 4"
    assert collapse_classes(labels, respondent, ["a", "b", "c"], max_adjustment=12).log.empty


def test_collapse_refuses_a_bad_order_or_an_impossible_rule():
    labels, respondent = _classes({"a": 1, "b": 1}, {"a": 2, "b": 2})
    with pytest.raises(ValueError, match=r"cells: the collapsing order \['a', 'z'\] lists \['z'\] unknown .*misses "
                                         r"\['b'\]"):
        collapse_classes(labels, respondent, ["a", "z"])
    with pytest.raises(ValueError, match=r"cells: all classes pooled still fail the collapsing rule \(2 respondent"):
        collapse_classes(labels, respondent, ["a", "b"], min_respondents=3)
    with pytest.raises(ValueError, match="max_adjustment 1; expected a factor above 1"):
        collapse_classes(labels, respondent, ["a", "b"], max_adjustment=1)


def test_bounded_raking_derivative_does_not_overflow_beyond_the_bounds():
    """The derivative of a truncated raking function is 0 beyond the bounds, without computing exp(u) there
    (the validation's draws printed "overflow encountered in exp" when the solver stepped far out)."""
    function = weighting._calibration_function("raking", (0.5, 2.0))
    u = np.array([-1000.0, 0.0, 0.3, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(function.dg(u), [0.0, 1.0, np.exp(0.3), 0.0])
        np.testing.assert_array_equal(function.g(u), [0.5, 1.0, np.exp(0.3), 2.0])
