"""Indicator values and shares with Korn-Graubard intervals."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.steps.indicators import estimate_by_domain, estimate_shares, indicator_values, over_population
from helpers.survey.estimation import Design, korn_graubard
from minidata import mini_codebook


def test_indicator_values_are_shares_of_valid_answers(tmp_path):
    codebook = mini_codebook(tmp_path)
    answers = pd.DataFrame({"savings": pd.array([1, 0, pd.NA, 1], dtype="Int64")})
    values = indicator_values(answers, codebook)
    assert values["savings"].tolist()[:2] == [1.0, 0.0]
    assert np.isnan(values["savings"][2]) and values["savings"][3] == 1.0


def test_korn_graubard_is_clopper_pearson_at_the_effective_size():
    # Simple random sampling without fpc: SE^2 = p (1 - p) / (n - 1), so n_eff = n - 1 and
    # the degrees-of-freedom factor is 1: Clopper-Pearson with x = n_eff p out of n_eff.
    n, p = 41, 0.25
    se = np.sqrt(p * (1 - p) / (n - 1))
    low, high = korn_graubard(p, se, n, n - 1)
    n_eff = n - 1
    assert low == pytest.approx(stats.beta.ppf(0.025, n_eff * p, n_eff * (1 - p) + 1), rel=1e-12)
    assert high == pytest.approx(stats.beta.ppf(0.975, n_eff * p + 1, n_eff * (1 - p)), rel=1e-12)
    exact = stats.binomtest(10, 40).proportion_ci(method="exact")
    assert (low, high) == pytest.approx((exact.low, exact.high), rel=1e-9)


def test_korn_graubard_at_the_edges_stays_in_the_unit_interval():
    low, high = korn_graubard(0.0, 0.0, 20, 19)
    assert low == 0.0 and 0 < high < 0.2
    assert high == pytest.approx(1 - 0.025 ** (1 / 20), rel=1e-9)
    low, high = korn_graubard(1.0, 0.0, 20, 19)
    assert high == 1.0 and 0.8 < low < 1


def test_estimate_shares_and_domains():
    data = pd.DataFrame({"x": [1.0, 0.0, 1.0, np.nan, 0.0, 0.0], "g": list("aaabbb"), "w": 2.0})
    design = Design(data, "w")
    table = estimate_shares(design, ["x"])
    assert table.at["x", "estimate"] == pytest.approx(0.4)
    assert table.at["x", "n"] == 5
    assert 0 <= table.at["x", "ci_low"] < 0.4 < table.at["x", "ci_high"] <= 1
    domains = estimate_by_domain(design, ["x"], "g")
    assert domains.loc[("x", "a"), "estimate"] == pytest.approx(2 / 3)
    assert domains.loc[("x", "b"), "estimate"] == 0.0
    assert domains.loc[("x", "b"), "ci_low"] == 0.0 and domains.loc[("x", "b"), "ci_high"] > 0


def test_indicator_nobody_answered_is_reported_not_an_error():
    data = pd.DataFrame({"x": [np.nan, np.nan], "w": 1.0})
    table = estimate_shares(Design(data, "w"), ["x"])
    assert table.at["x", "n"] == 0 and np.isnan(table.at["x", "estimate"])


def test_over_population_keeps_unknowns_and_drops_out_of_scope_units():
    values = pd.Series([1.0, np.nan, np.nan, 0.0], index=["r1", "r2", "r3", "r4"])
    reasons = pd.Series([pd.NA, "dont_know", "not_asked", pd.NA], index=values.index, dtype="string")
    population = pd.Index(["r1", "r2", "r3", "r4", "n1", "n2"])
    known = over_population(values, reasons, population)
    assert known.index.tolist() == ["n1", "n2", "r1", "r2", "r4"]
    assert known.isna().tolist() == [True, True, False, True, False]
    cells = pd.Series(["a", "a", "a", "a", "a", "b"], index=population)
    assert over_population(values, reasons, population, cells).index.tolist() == ["n1", "r1", "r2", "r4"]


def test_a_share_of_zero_in_a_small_domain_gets_the_exact_interval_of_that_domain():
    data = pd.DataFrame({"x": [0.0, 0.0, 0.0] + [1.0, 0.0] * 50, "g": ["small"] * 3 + ["big"] * 100, "w": 1.0})
    domains = estimate_by_domain(Design(data, "w"), ["x"], "g")
    small = domains.loc[("x", "small")]
    assert small["estimate"] == 0.0 and small["n"] == 3
    assert small["ci_low"] == 0.0
    assert small["ci_high"] == pytest.approx(1 - 0.025 ** (1 / 3), rel=1e-9)  # Clopper-Pearson, 0 of 3: 0.708


def test_estimates_carry_the_design_effect_and_effective_n():
    # Equal weights with the finite population correction are simple random sampling without replacement:
    # the design effect is 1 and every respondent counts; unequal weights lower the effective number.
    data = pd.DataFrame({"x": [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0], "N": 40.0, "w": 5.0})
    table = estimate_shares(Design(data, "w", fpc="N"), ["x"])
    assert table.at["x", "deff"] == pytest.approx(1.0, rel=1e-12)
    assert table.at["x", "n_eff"] == pytest.approx(8.0, rel=1e-12)
    unequal = data.assign(w=[1.0, 9.0, 2.0, 8.0, 3.0, 7.0, 4.0, 6.0])
    shares = estimate_shares(Design(unequal, "w", fpc="N"), ["x"])
    assert shares.at["x", "n_eff"] == pytest.approx(8 / shares.at["x", "deff"])
    domains = estimate_by_domain(Design(unequal.assign(g=list("aabbaabb")), "w", fpc="N"), ["x"], "g")
    assert {"deff", "n_eff"} <= set(domains.columns)
