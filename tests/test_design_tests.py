"""Step 02's design-based tests and quantiles (``helpers.steps.design_tests``), on the replicate tests' population."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.steps.design_tests import (TEST_COLUMNS, cross_tables, frame_tests, numeric_quantiles,
                                        weight_adjustment_tests)
from helpers.steps.replication import replicate_weighting
from helpers.survey import Design, quantile, rao_scott, weight_adjustment_test
from replicate_cases import chain_population

SETTINGS = {"primary": "raking", "cells": ["cell"], "poststrata": ["b"], "margins": ["cell", "a", "b"],
            "logit_bounds": [0.3, 3.0], "propensity_covariates": ["cell", "a", "b"], "trim_ratio": 2.0}


@pytest.fixture(scope="module")
def population():
    return chain_population()


def test_frame_tests_are_rao_scott_on_equal_weights(population):
    table = frame_tests(population, ["a", "b"])
    assert list(table.columns) == TEST_COLUMNS
    design = Design(population.reset_index(drop=True), np.ones(len(population)))
    for variable in ("a", "b"):
        expected = rao_scott(design, "respondent", variable)
        assert table.at[variable, "F"] == expected.statistic and table.at[variable, "p_value"] == expected.p_value
        assert table.at[variable, "p_first_order"] == rao_scott(design, "respondent", variable,
                                                                  statistic="Chisq").p_value
        assert table.at[variable, "note"] == ""


def test_a_table_that_cannot_be_tested_says_why(population):
    data = population.assign(constant="x")
    table = frame_tests(data, ["constant"])
    assert np.isnan(table.at["constant", "F"]) and "at least two" in table.at["constant", "note"]


def test_cross_tables_and_quantiles_on_a_weighted_design(population):
    respondents = population[population["respondent"]].copy()
    rng = np.random.default_rng(3)
    respondents["yes"] = rng.integers(0, 2, len(respondents)).astype(float)
    respondents["staff"] = rng.gamma(2.0, 10.0, len(respondents))
    design = Design(respondents, rng.uniform(1, 3, len(respondents)))
    crossed = cross_tables(design, ["yes"], "a")
    assert crossed.at["yes", "p_value"] == rao_scott(design, "yes", "a").p_value
    table = numeric_quantiles({"weighted": design}, respondents[["staff"]], (0.25, 0.5))
    median = quantile(design, respondents["staff"].to_numpy(), 0.5)
    assert table.loc[("staff", 0.5), ("weighted", "estimate")] == median.estimate
    assert table.loc[("staff", 0.5), ("weighted", "ci_high")] == median.ci_high


def test_cross_tables_and_quantiles_on_a_replicate_design(population):
    """Under ``estimation.variance: jackknife`` step 02 passes the replicate design: its replicate covariance and
    degrees of freedom, not the linearised ones."""
    respondents = population[population["respondent"]].copy()
    rng = np.random.default_rng(5)
    respondents["staff"] = rng.gamma(2.0, 10.0, len(respondents))
    replicated = replicate_weighting(population, respondents, SETTINGS, "jackknife", methods=["raking"])
    design = replicated.designs["raking"]
    crossed = cross_tables(design, ["y"], "a")
    expected = rao_scott(design, "y", "a")
    assert crossed.at["y", "p_value"] == expected.p_value and crossed.at["y", "ddf"] == expected.ddf
    assert expected.ddf == pytest.approx(expected.ndf * design.degrees_of_freedom)
    linearised = Design(design.data, design.weights)
    assert expected.statistic != pytest.approx(rao_scott(linearised, "y", "a").statistic, rel=1e-6)
    table = numeric_quantiles({"weighted": design}, respondents[["staff"]], (0.5,))
    median = quantile(design, respondents["staff"].to_numpy(), 0.5)
    assert table.loc[("staff", 0.5), ("weighted", "ci_low")] == median.ci_low
    assert median.ci_low < median.estimate < median.ci_high


def test_weight_adjustment_uses_the_same_replicates(population):
    respondents = population[population["respondent"]]
    replicated = replicate_weighting(population, respondents, SETTINGS, "jackknife", methods=["raking"])
    original, adjusted = replicated.unweighted["raking"], replicated.designs["raking"]
    assert original.replicate_weights.shape == adjusted.replicate_weights.shape
    np.testing.assert_array_equal(original.rscales, adjusted.rscales)
    table = weight_adjustment_tests(original, adjusted, ["y"])
    expected = weight_adjustment_test(original, adjusted, "y")
    assert table.at["y", "difference"] == pytest.approx(adjusted.mean("y").estimate - original.mean("y").estimate,
                                                        rel=1e-12)
    assert table.at["y", "se"] == expected.se > 0
    # The unweighted design is the respondents' plain mean.
    assert original.mean("y").estimate == pytest.approx(respondents["y"].mean(), rel=1e-12)


def test_a_category_without_valid_answers_is_left_out_of_the_table(population):
    respondents = population[population["respondent"]].copy()
    rng = np.random.default_rng(4)
    respondents["yes"] = rng.integers(0, 2, len(respondents)).astype(float)
    not_asked = respondents["a"] == respondents["a"].iloc[0]
    respondents.loc[not_asked, "yes"] = np.nan
    design = Design(respondents, rng.uniform(1, 3, len(respondents)))
    crossed = cross_tables(design, ["yes"], "a")
    assert crossed.at["yes", "note"] == ""
    expected = rao_scott(design, "yes", respondents["a"].where(~not_asked))
    assert crossed.at["yes", "F"] == expected.statistic
    with pytest.raises(ValueError, match=r"a: level .* has no unit"):
        rao_scott(design, "yes", "a")
