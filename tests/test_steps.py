"""What the step notebooks call: the set-up, the non-ignorable shares, the leadership step's helpers."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers import paths
from helpers.models.bootstrap import bootstrap_odds_ratio
from helpers.models.evalue import e_value
from helpers.models.fisher import fisher_exact_or
from helpers.models.logit import average_marginal_effect, firth_logit, model_matrix, survey_logit
from helpers.steps.adjustment import build_weighting
from helpers.steps.leadership import leadership_section, replicate_strata
from helpers.steps.nonignorable import nonignorable_shares
from helpers.steps.setup import start
from helpers.survey.comparison import propensity_model
from helpers.survey.estimation import Design


def test_start_loads_the_wave_and_its_folders(tmp_path):
    setup = start(2012, processed_dir=str(tmp_path), check_inputs=False, figure_style=False)
    assert setup.year == 2012
    assert setup.processed == tmp_path
    assert setup.reports == paths.reports_dir(2012)
    assert setup.level == setup.wave.section("estimation")["confidence_level"]
    assert setup.level_text == f"{100 * setup.level:g}%"
    assert setup.source.startswith("baromètre e-services 2012")
    assert ("synthetic demo data" in setup.source) == setup.wave.settings["demo"]
    assert "savings" in setup.codebook.indicators


def test_level_text_follows_the_level():
    setup = start(2012, check_inputs=False, figure_style=False)
    assert replace(setup, level=0.9).level_text == "90%"
    assert replace(setup, level=0.975).level_text == "97.5%"


def test_nonignorable_shares_by_hand():
    population = pd.DataFrame({"cell": list("AAABBB")}, index=range(1, 7))
    data = pd.DataFrame({"ind": [1.0, 0.0, 1.0]}, index=[1, 2, 4])
    answers = pd.DataFrame({"q__missing": [np.nan, np.nan, np.nan]}, index=[1, 2, 4])
    codebook = SimpleNamespace(indicators={"ind": SimpleNamespace(question="q")})
    result = nonignorable_shares(data, answers, population, ["ind"], codebook, ["cell"], [0.5, 1.0])
    bounds = result.bounds.loc["ind"]
    assert (bounds["lower"], bounds["respondents"], bounds["upper"]) == pytest.approx((2 / 6, 2 / 3, 5 / 6))
    assert (bounds["units known"], bounds["units unknown"]) == (3, 3)
    # delta = 1: cell A answers yes at 1/2 over its 3 units, cell B at 1 over its 3.
    assert result.curves.at["ind", 1.0] == pytest.approx((3 * 0.5 + 3 * 1.0) / 6)
    # delta = 0.5 in cell A: non-respondents' odds of yes 0.5, so p = 1/3.
    assert result.curves.at["ind", 0.5] == pytest.approx((2 * 0.5 + 1 / 3 + 3 * 1.0) / 6)


def test_replicate_strata_cross_the_weighting_cells_with_response():
    population = pd.DataFrame({"type_group": ["a", "a", "b"], "tier": ["x", "y", "y"],
                               "respondent": [True, False, True]})
    assert replicate_strata(population, ["type_group"]).tolist() == ["a | r", "a | nr", "b | r"]
    assert replicate_strata(population, ["type_group", "tier"]).tolist() == ["a | x | r", "a | y | nr", "b | y | r"]


@pytest.fixture(scope="module")
def eligible():
    rng = np.random.default_rng(5)
    n = 300
    units = pd.DataFrame({"type_group": rng.choice(["a", "b", "c"], n), "size_band": rng.choice(["s", "l"], n)})
    units["respondent"] = rng.random(n) < np.where(units["type_group"] == "a", 0.6, 0.35)
    return units


SETTINGS = {"primary": "cell", "cells": ["type_group"], "poststrata": ["size_band"],
            "margins": ["type_group", "size_band"], "logit_bounds": [0.3, 3.0],
            "propensity_covariates": ["type_group", "size_band"], "trim_ratio": 2.0}


def test_build_weighting_uses_the_propensities_it_is_given(eligible):
    respondents = eligible[eligible["respondent"]]
    model = propensity_model(eligible, SETTINGS["propensity_covariates"])
    given = build_weighting(eligible, respondents, SETTINGS, propensities=model.propensities)
    fitted = build_weighting(eligible, respondents, SETTINGS)
    np.testing.assert_array_equal(given.weights["propensity"], fitted.weights["propensity"])
    flat = build_weighting(eligible, respondents, SETTINGS,
                           propensities=pd.Series(0.5, index=eligible.index))
    assert (flat.weights["propensity"] == 2.0).all()


def test_leadership_section_states_each_result():
    rng = np.random.default_rng(7)
    n = 240
    data = pd.DataFrame({"elected": rng.integers(0, 2, n).astype(float), "tier": rng.choice(["x", "y"], n)})
    data["savings"] = (rng.random(n) < 0.15 + 0.15 * data["elected"]).astype(float)
    x = model_matrix(data, ["elected", "tier"])
    design = Design(data, np.ones(n))
    fit = survey_logit(data["savings"], x, design)
    firth = firth_logit(data["savings"], x, profile=["elected"], lr_tests=["elected"])
    table = [[int(((data["elected"] == e) & (data["savings"] == s)).sum()) for s in (1, 0)] for e in (1, 0)]
    fisher = fisher_exact_or(table)
    boot = bootstrap_odds_ratio(data["savings"], x, "elected", np.ones(n), n_replicates=30, seed=1)
    estimate = fit.odds_ratio("elected")
    pooled = pd.Series({"odds_ratio": 2.0, "or_low": 1.1, "or_high": 3.5, "df": 40.0, "fmi": 0.2})
    section = leadership_section(
        outcome=data["savings"], exposure=data["elected"], term="elected", covariates=["tier"],
        events_per_parameter=9.0, fisher=fisher, survey_fit=fit, firth=firth,
        risk_difference=average_marginal_effect(fit, "elected"), bootstrap=boot, replicates=30, pooled=pooled,
        imputations=5, power=pd.Series({"OR = 2": 0.5}), minimum_detectable_odds_ratio=2.5,
        e_value=e_value(estimate.estimate, estimate.ci_low, estimate.ci_high, measure="OR"), level=0.95)
    assert (section["n"], section["events"], section["exposed"]) == (n, int(data["savings"].sum()),
                                                                     int(data["elected"].sum()))
    assert section["odds_ratio"] == section["survey_logit"]["odds_ratio"] == estimate.estimate
    assert section["survey_logit"]["p_value"] == fit.table.at["elected", "p_value"]
    assert section["firth"]["ci_low"] == firth.table.at["elected", "or_low"]
    assert section["fisher"]["p_value"] == fisher.p_value
    assert section["bootstrap"]["ci_high"] == (None if np.isinf(boot.ci_high) else boot.ci_high)
    assert section["multiple_imputation"] == {"odds_ratio": 2.0, "ci_low": 1.1, "ci_high": 3.5, "df": 40.0,
                                              "fmi": 0.2, "m": 5}
    assert section["covariates"] == ["tier"] and section["level"] == 0.95
