"""Exact power against a published sample size and the large-sample normal approximation."""

from __future__ import annotations

import math

import pytest

from helpers.models import power


def test_group_risks_have_the_odds_ratio_and_prevalence():
    risks = power.group_risks(3.0, 0.21, 0.55)
    assert 0.55 * risks.p1 + 0.45 * risks.p0 == pytest.approx(0.21)
    assert (risks.p1 / (1 - risks.p1)) / (risks.p0 / (1 - risks.p0)) == pytest.approx(3.0)


def test_fleiss_two_proportions():
    """Fleiss (1981): p0 = 0.2 vs p1 = 0.4, two-sided 5%, 80% power needs 82 per group (uncorrected chi-square).

    Exact power of the uncorrected chi-square test with 82 per group is
    within 2 points of 0.80 (the formula is itself a normal approximation).
    """
    odds_ratio = (0.4 / 0.6) / (0.2 / 0.8)
    exact = power.power(odds_ratio, 164, 0.3, 0.5)
    assert exact == pytest.approx(0.80, abs=0.02)
    assert power.normal_power(odds_ratio, 164, 0.3, 0.5) == pytest.approx(0.80, abs=0.01)


def test_large_sample_agrees_with_normal_approximation():
    exact = power.power(1.5, 2000, 0.21, 0.55)
    assert exact == pytest.approx(power.normal_power(1.5, 2000, 0.21, 0.55), abs=0.01)


def test_size_and_fisher_conservatism():
    assert power.power(1.0, 127, 0.21, 0.55, test="fisher") <= 0.05
    assert power.power(1.0, 127, 0.21, 0.55) == pytest.approx(0.05, abs=0.015)
    assert power.power(2.5, 127, 0.21, 0.55, test="fisher") < power.power(2.5, 127, 0.21, 0.55)
    random = power.power(2.5, 127, 0.21, 0.55, random_exposure=True)
    assert random == pytest.approx(power.power(2.5, 127, 0.21, 0.55), abs=0.02)


def test_minimum_detectable_odds_ratio():
    mdor = power.minimum_detectable_odds_ratio(127, 0.21, 0.55)
    assert power.power(mdor, 127, 0.21, 0.55) == pytest.approx(0.8, abs=1e-4)
    assert 3 < mdor < 5  # about 127 respondents detect only large odds ratios
    assert power.minimum_detectable_odds_ratio(20, 0.05, 0.5, upper=5) == math.inf


@pytest.mark.parametrize("kwargs, match", [({"n": 1}, "n"), ({"prevalence": 1.0}, "prevalence"),
                                           ({"exposed": 0.0}, "exposed"), ({"test": "wald"}, "test")])
def test_power_errors(kwargs, match):
    arguments = {"odds_ratio": 2.0, "n": 127, "prevalence": 0.21, "exposed": 0.55} | kwargs
    with pytest.raises(ValueError, match=match):
        power.power(**arguments)
