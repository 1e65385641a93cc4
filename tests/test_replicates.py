"""Replicate weights and replicate variances against R survey, and the weighting redone per replicate.

The R numbers are ``tests/r/results/replicates.csv``, written by ``Rscript tests/r/replicates.R`` from the
package's own replicate weights (``tests/r/replicates/``, written by ``tests/replicate_cases.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.steps.adjustment import METHODS, build_weighting, weighting_chain
from helpers.steps.replication import replicate_weighting, respondent_replicates
from helpers.survey import replicates as rep
from helpers.survey.estimation import Design
from helpers.survey.quantiles import quantile
from helpers.survey.replicates import ReplicateDesign
from helpers.survey.tables import rao_scott
from replicate_cases import FOLDER, cases, chain_population, write

RESULTS = FOLDER.parent / "results" / "replicates.csv"
TOLERANCE = 1e-10


@pytest.fixture(scope="module")
def r_results() -> pd.Series:
    table = pd.read_csv(RESULTS, keep_default_na=False, dtype={"term": str})
    return table.set_index(["case", "quantity", "term"])["value"].astype(float)


def _design(meta: dict, data: pd.DataFrame, reps: rep.Replicates, mse: bool) -> ReplicateDesign:
    return ReplicateDesign(data, data["w"], reps.weights(data["w"]), scale=reps.scale, rscales=reps.rscales, mse=mse)


def _package_numbers(design: ReplicateDesign, prefix: str, linear_only: bool = False) -> dict[tuple[str, str], float]:
    data = design.data
    out = {}
    total = design.total("y")
    out[(f"{prefix}total_y", "")], out[(f"{prefix}total_y_se", "")] = total.estimate, total.se
    total_p = design.total("p")
    out[(f"{prefix}total_p", "")], out[(f"{prefix}total_p_se", "")] = total_p.estimate, total_p.se
    for level in sorted(data["d"].unique()):
        estimate = design.total("y", domain=(data["d"] == level).to_numpy())
        out[(f"{prefix}domain_total_y", level)], out[(f"{prefix}domain_total_y_se", level)] = estimate.estimate, \
            estimate.se
    if linear_only:
        return out
    mean = design.mean("y")
    out[(f"{prefix}mean_y", "")], out[(f"{prefix}mean_y_se", "")] = mean.estimate, mean.se
    mean_p = design.mean("p")
    out[(f"{prefix}mean_p", "")], out[(f"{prefix}mean_p_se", "")] = mean_p.estimate, mean_p.se
    for level in sorted(data["d"].unique()):
        estimate = design.mean("y", domain=(data["d"] == level).to_numpy())
        out[(f"{prefix}domain_mean_y", level)], out[(f"{prefix}domain_mean_y_se", level)] = estimate.estimate, \
            estimate.se
    if prefix == "ref_":
        return out
    share = design.proportion("p")
    out[(f"{prefix}ciprop_p", "low")], out[(f"{prefix}ciprop_p", "high")] = share.ci_low, share.ci_high
    for level in sorted(data["d"].unique()):
        share = design.proportion("p", domain=(data["d"] == level).to_numpy())
        if 0 < share.estimate < 1:  # R gives NaN at 0 and 1; the package Clopper-Pearson's (tested apart)
            out[(f"{prefix}domain_ciprop_p_low", level)] = share.ci_low
            out[(f"{prefix}domain_ciprop_p_high", level)] = share.ci_high
    return out


def _compare(case: str, numbers: dict[tuple[str, str], float], r_results: pd.Series) -> None:
    assert numbers
    for (quantity, term), value in numbers.items():
        expected = r_results[(case, quantity, term)]
        assert value == pytest.approx(expected, rel=TOLERANCE, abs=1e-13), (case, quantity, term)


def test_committed_inputs_are_what_the_package_builds_today(tmp_path):
    for path in write(tmp_path):
        assert path.read_bytes() == (FOLDER / path.name).read_bytes(), path.name


@pytest.mark.parametrize("case", list(cases()))
@pytest.mark.parametrize("mse", [False, True])
def test_replicate_estimates_agree_with_r_svrepdesign(case, mse, r_results):
    meta, data, reps = cases()[case]
    _compare(case, _package_numbers(_design(meta, data, reps, mse), "mse_" if mse else ""), r_results)


@pytest.mark.parametrize("case", list(cases()))
def test_degrees_of_freedom_are_r_degf(case, r_results):
    meta, data, reps = cases()[case]
    assert _design(meta, data, reps, False).degrees_of_freedom == r_results[(case, "degf", "")]


@pytest.mark.parametrize("case", [case for case, (meta, _, _) in cases().items() if meta["reference"] != "none"])
def test_construction_agrees_with_r_as_svrepdesign(case, r_results):
    """R rebuilds JK1, JKn and BRR replicates from the design itself; BRR's Hadamard matrix may differ, which
    leaves the variance of a total unchanged (full orthogonal balance) but not of a ratio."""
    meta, data, reps = cases()[case]
    numbers = _package_numbers(_design(meta, data, reps, False), "ref_", linear_only=meta["reference"] == "BRR")
    _compare(case, numbers, r_results)


def _test_numbers(design: ReplicateDesign, prefix: str) -> dict[tuple[str, str], float]:
    data = design.data.assign(pm=design.data["p"].where(design.data["y"].notna()),
                              x=1.0 + design.data["p"] + (design.data["d"] == "a"))
    design = ReplicateDesign(data, design.weights, design.replicate_weights, scale=design.scale,
                             rscales=design.rscales, mse=design.mse)
    out = {}
    for statistic in ("F", "Chisq"):
        for domain, mask in (("all", None), ("heavy", (data["w"] > 3).to_numpy())):
            for rows in ("p", "pm"):
                test = rao_scott(design, rows, "d", statistic=statistic, domain=mask)
                quantity = f"{prefix}{statistic}_{rows}_d_{domain}"
                terms = {"statistic": test.statistic, "p_value": test.p_value}
                terms.update({"ndf": test.ndf, "ddf": test.ddf} if statistic == "F" else {"df": test.ndf})
                out.update({(quantity, term): value for term, value in terms.items()})
    in_a = (data["d"] == "a").to_numpy()
    for qrule in ("math", "hf7"):
        for domain, mask in (("all", None), ("a", in_a)):
            for p in (0.1, 0.5, 0.9):
                q = quantile(design, "y", p, domain=mask, qrule=qrule)
                for field in ("quantile", "ci_low", "ci_high", "se"):
                    out[(f"{prefix}quantile_{qrule}_{domain}", f"{p:g}_{field}")] = getattr(
                        q, "estimate" if field == "quantile" else field)
    for domain, mask in (("all", None), ("a", in_a)):
        ratio = design.ratio("y", "x", domain=mask)
        out.update({(f"{prefix}ratio_{domain}", field): getattr(ratio, field)
                    for field in ("estimate", "se", "ci_low", "ci_high")})
    return out


@pytest.mark.parametrize("case", list(cases()))
@pytest.mark.parametrize("mse", [False, True])
def test_rao_scott_quantiles_and_ratios_on_replicate_designs_agree_with_r(case, mse, r_results):
    """R svychisq, svyquantile (Woodruff) and svyratio of an svrepdesign, whole sample and domains.

    Stated difference (:mod:`helpers.survey.quantiles`): where a lower bound's probability is below the smallest
    value's weight share, rule ``"math"`` gives the smallest value and R's ``qs`` the second smallest (and an SE
    from that bound); NaN bounds (a probability outside [0, 1]) are NaN on both sides."""
    meta, data, reps = cases()[case]
    numbers = _test_numbers(_design(meta, data, reps, mse), "tests_mse_" if mse else "tests_")
    assert len(numbers) == 84
    stepped = set()
    for domain, values in (("all", data["y"]), ("a", data.loc[data["d"] == "a", "y"])):
        smallest, second = np.sort(values.dropna().unique())[:2]
        for (quantity, term), value in numbers.items():
            if quantity.endswith(f"quantile_math_{domain}") and term.endswith("ci_low") and value == smallest \
                    and r_results[(case, quantity, term)] == second:
                stepped |= {(quantity, term), (quantity, term.replace("ci_low", "se"))}
    for (quantity, term), value in numbers.items():
        expected = r_results[(case, quantity, term)]
        if (quantity, term) in stepped:
            continue
        if np.isnan(expected):
            assert np.isnan(value), (case, quantity, term)
        else:
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-13), (case, quantity, term)


SETTINGS = {"primary": "raking", "cells": ["cell"], "poststrata": ["b"], "margins": ["cell", "a", "b"],
            "logit_bounds": [0.3, 3.0], "propensity_covariates": ["cell", "a", "b"], "trim_ratio": 2.0}


@pytest.fixture(scope="module")
def chain():
    population = chain_population()
    respondents = population[population["respondent"]]
    methods = ["cell", "poststratification", "linear", "raking"]
    return replicate_weighting(population, respondents, SETTINGS, "jackknife", methods=methods)


@pytest.mark.parametrize("method, r_case", [("cell", "chain_cell"), ("poststratification", "chain_poststratification"),
                                            ("linear", "chain_linear"), ("raking", "chain_raking"),
                                            ("raking", "chain_rake")])
def test_weighting_redone_on_jackknife_replicates_agrees_with_r(chain, method, r_case, r_results):
    """R: calibrate / postStratify / rake on as.svrepdesign(type = "JKn") of the cell-adjusted respondents."""
    design = chain.designs[method]
    numbers = {("mean_y", ""): design.mean("y").estimate, ("mean_y_se", ""): design.mean("y").se}
    for level in ("a1", "a2", "a3"):
        estimate = design.mean("y", domain=(design.data["a"] == level).to_numpy())
        numbers[("domain_mean_y", level)], numbers[("domain_mean_y_se", level)] = estimate.estimate, estimate.se
    _compare(r_case, numbers, r_results)
    assert chain.failed[method] == 0


def test_weighting_chain_with_unit_base_weights_gives_build_weighting_weights():
    population = chain_population()
    respondents = population[population["respondent"]]
    built = build_weighting(population, respondents, SETTINGS)
    respondent = population["respondent"].to_numpy()
    for method in METHODS[1:]:
        weights = weighting_chain(population, SETTINGS, method)(np.ones(len(population)))
        np.testing.assert_allclose(weights[respondent], built.weights[method], rtol=1e-9, err_msg=method)
        assert (weights[~respondent] == 0).all()


def test_replicates_redo_the_propensity_model_so_its_se_exceeds_fixed_propensities():
    """With the propensities held fixed, a jackknife of the propensity weights is the linearised one (a linear
    statistic of fixed weights); refitting the model on each replicate adds its own variability."""
    population = chain_population()
    respondents = population[population["respondent"]]
    redone = replicate_weighting(population, respondents, SETTINGS, "jackknife", methods=["propensity"])
    fixed = build_weighting(population, respondents, SETTINGS).designs["propensity"]
    assert redone.designs["propensity"].mean("y").se != pytest.approx(fixed.mean("y").se, rel=1e-3)


def test_jackknife_variance_of_a_total_is_the_linearised_one_with_fpc():
    meta, data, reps = cases()["jkn_units"]
    design = _design(meta, data, reps, mse=True)
    linearised = Design(data, "w", strata="strata", fpc="fpc")
    influence = (data["w"] * data["p"]).to_numpy(dtype=float)[:, None]
    assert design.total("p").se == pytest.approx(np.sqrt(linearised.variance(influence)[0]), rel=1e-12)


def test_rao_wu_without_fpc_is_r_subbootstrap_and_keeps_stratum_totals():
    strata = np.repeat(["a", "b", "c"], [4, 7, 3])
    reps = rep.rao_wu(strata, replicates=300, seed=3)
    for label, size in (("a", 4), ("b", 7), ("c", 3)):
        factors = reps.factors[:, strata == label]
        counts = factors * (size - 1) / size
        np.testing.assert_allclose(counts, np.round(counts), atol=1e-12)
        np.testing.assert_allclose(counts.sum(axis=1), size - 1)
    assert reps.scale == pytest.approx(1 / 299) and reps.kind == "subbootstrap"


def test_rao_wu_variance_of_a_total_has_the_design_variance_with_fpc_in_expectation():
    rng = np.random.default_rng(1)
    strata = np.repeat(["a", "b"], [6, 10])
    fpc = np.repeat([10.0, 40.0], [6, 10])
    weights = np.repeat([10 / 6, 4.0], [6, 10])
    y = rng.normal(5, 2, strata.size)
    reps = rep.rao_wu(strata, fpc=fpc, replicates=40_000, seed=2)
    assert (reps.factors >= 0).all()
    design = ReplicateDesign(pd.DataFrame({"y": y}), weights, reps.weights(weights), scale=reps.scale,
                             rscales=reps.rscales)
    linearised = Design(pd.DataFrame({"y": y, "s": strata, "N": fpc}), weights, strata="s", fpc="N")
    expected = linearised.variance((weights * y)[:, None])[0]
    assert design.total("y").se ** 2 == pytest.approx(expected, rel=0.03)


def test_brr_refuses_strata_without_exactly_two_psus():
    with pytest.raises(ValueError, match=r"exactly two PSUs.*'b': 3"):
        rep.brr(np.array(["a", "a", "b", "b", "b"]))


def test_brr_half_samples_are_fully_balanced():
    strata = np.repeat(np.arange(5), 2)
    reps = rep.brr(strata)
    assert reps.count == 8
    signs = reps.factors[:, ::2] - 1
    np.testing.assert_allclose(signs.T @ signs, 8 * np.eye(5))
    np.testing.assert_allclose(signs.sum(axis=0), 0)


def test_a_lonely_psu_fails_unless_removed():
    strata = np.array(["a", "a", "b"])
    with pytest.raises(ValueError, match=r"\['b'\] have a single PSU"):
        rep.jkn(strata)
    with pytest.raises(ValueError, match=r"\['b'\] have a single PSU"):
        rep.rao_wu(strata, replicates=5)
    assert rep.jkn(strata, lonely_psu="remove").count == 2
    assert (rep.rao_wu(strata, replicates=5, lonely_psu="remove").factors[:, 2] == 1).all()


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="strata: 1 missing label"):
        rep.jkn(np.array(["a", None, "a"], dtype=object))
    with pytest.raises(ValueError, match="fpc: population count varies in stratum 'a'"):
        rep.jkn(np.array(["a", "a"]), fpc=np.array([5.0, 6.0]))
    with pytest.raises(ValueError, match="below its 2 sampled PSUs"):
        rep.jk1(2, fpc=1)
    with pytest.raises(ValueError, match="rscales: 1 values for 2 replicates"):
        ReplicateDesign(pd.DataFrame({"y": [1.0]}), [1.0], np.ones((2, 1)), scale=1, rscales=[1.0])


def test_trimmed_weights_are_refused_under_the_bootstrap():
    population = chain_population()
    with pytest.raises(ValueError, match="trimmed: trimming a bootstrap replicate"):
        replicate_weighting(population, population[population["respondent"]], SETTINGS, "bootstrap",
                            methods=["trimmed"])


def test_respondent_replicates_stratify_by_cell_with_the_cell_counts_as_fpc():
    population = chain_population()
    respondents = population[population["respondent"]]
    reps = respondent_replicates(respondents, population, ["cell"], "jackknife")
    assert reps.count == len(respondents)
    n_c = respondents["cell"].value_counts()
    big_n = population["cell"].value_counts()
    expected = [(1 - n_c[c] / big_n[c]) * (n_c[c] - 1) / n_c[c] for c in sorted(n_c.index) for _ in range(n_c[c])]
    np.testing.assert_allclose(reps.rscales, expected)
    with pytest.raises(ValueError, match="variance 'brr'"):
        respondent_replicates(respondents, population, ["cell"], "brr")


def test_step_estimators_take_a_replicate_design(chain):
    """Step 02 passes the replicate design of estimation.variance to the indicator estimators."""
    from helpers.steps.indicators import estimate_by_domain, estimate_shares
    from helpers.survey.estimation import korn_graubard

    design = chain.designs["raking"]
    shares = estimate_shares(design, ["y"])
    mean = design.mean("y")
    assert shares.at["y", "se"] == mean.se
    assert (shares.at["y", "ci_low"], shares.at["y", "ci_high"]) == korn_graubard(
        mean.estimate, mean.se, len(design.data), design.degrees_of_freedom, 0.95, mean.n)
    domains = estimate_by_domain(design, ["y"], "a")
    assert domains.loc[("y", "a2"), "se"] == design.mean("y", domain=(design.data["a"] == "a2").to_numpy()).se


@pytest.mark.parametrize("lang, method, replicates, expected", [
    ("en", "linearisation", None, "with linearised standard errors."),
    ("en", "jackknife", 127, "with jackknife standard errors (127 replicates, the weighting redone on each)."),
    ("fr", "linearisation", None, "avec des erreurs types linéarisées."),
    ("fr", "bootstrap", 200, "avec des erreurs types par bootstrap (200 réplications, la pondération refaite sur "
                             "chacune)."),
])
def test_the_report_states_the_variance_method(lang, method, replicates, expected):
    from helpers.report.prose import render_section

    context = {"bias": {"weighting": {"primary": "raking", "margins": ["type_group"]},
                        "variance": {"method": method, "replicates": replicates}},
               "primary_diagnostics": {"kish_deff": 1.2}, "shows_published": False}
    assert expected in render_section("indicators", context, lang)
