"""The package against R ``survey`` on the seeded random designs of ``tests/r/designs.R``, to 1e-8 relative.

32 designs, 8 of each kind: stratified with fpc, one-stage cluster, stratified cluster, and stratified cluster
with a single-PSU stratum (``lonely_psu="adjust"``, R's ``survey.lonely.psu = "adjust"``); n 46-600, 2-14%
missing values, every other design with a PSU that has no complete case, domains down to two units. Each
estimate is checked on the base design and after post-stratification, raking and calibration. Where the project
deliberately differs from R, the test says so and checks the documented value instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import models
from helpers.survey import weighting
from helpers.survey.estimation import Design
from rresults import RResults, assert_r, design_of, read_data

R = RResults("designs")
DATA = read_data("designs")
CASES = sorted(DATA["case"].unique())
DOMAINS = ["p", "q", "r", "tiny"]


def _sample(case: int) -> pd.DataFrame:
    return DATA[DATA["case"] == case].reset_index(drop=True)


def _population(case: int, variable: str) -> pd.Series:
    return pd.Series(R.terms(case, f"population_{variable}"))


def _calibration(sample: pd.DataFrame, case: int) -> tuple[pd.DataFrame, np.ndarray]:
    model = pd.DataFrame({"(Intercept)": 1.0, "g1b": (sample["g1"] == "b").astype(float),
                          "g1c": (sample["g1"] == "c").astype(float), "x": sample["x"]})
    return model, np.array(list(R.terms(case, "calibration_totals").values()))


def _designs(case: int) -> dict[str, Design | None]:
    """Base and calibrated designs of one case, by the prefix of their quantities in the results file.

    ``None`` for a bounded calibration the project refuses as having no solution, where R failed too.
    """
    sample = _sample(case)
    base = design_of(sample)
    model, totals = _calibration(sample, case)
    margins = {"g1": _population(case, "g1"), "g2": _population(case, "g2")}
    designs = {"": base, "poststratified_": base.poststratify("g1", margins["g1"]), "raked_": base.rake(margins),
               "linear_": base.calibrate(model, totals), "raking_": base.calibrate(model, totals, method="raking")}
    for method in ("linear", "raking"):
        bounds = (R.get(case, f"{method}_bounds", "low"), R.get(case, f"{method}_bounds", "high"))
        for prefix, calfun in [(f"{method}_bounded_", method)] + [("logit_", "logit")] * (method == "linear"):
            try:
                designs[prefix] = base.calibrate(model, totals, method=calfun, bounds=bounds)
            except ValueError as error:
                if _r_converged(case, prefix) or "no solution" not in str(error):
                    raise
                designs[prefix] = None  # where R fails too, a clear refusal is right
    return designs


def _r_converged(case: int, prefix: str) -> bool:
    """Whether R's Newton iterations converged on this case's bounded calibrations (they fail on a few)."""
    if prefix in ("linear_bounded_", "logit_"):
        return R.get(case, "linear_bounded_converged") == 1
    return prefix != "raking_bounded_" or R.get(case, "raking_bounded_converged") == 1


@pytest.fixture(scope="module", params=CASES, ids=lambda case: f"design{case}")
def case(request) -> tuple[int, dict[str, Design]]:
    return request.param, _designs(request.param)


def test_every_kind_of_design_is_covered():
    kinds = DATA.groupby("case")["kind"].first().value_counts()
    assert set(kinds.index) == {"stratified_fpc", "cluster", "stratified_cluster", "lonely_psu"}
    assert (kinds >= 8).all()
    sizes = DATA.groupby(["case", "d"]).size()
    assert sizes.xs("tiny", level="d").eq(2).all()
    assert DATA.groupby("case")["y"].apply(lambda y: y.isna().mean()).between(0.005, 0.2).all()


def test_degrees_of_freedom(case):
    number, designs = case
    assert designs[""].degrees_of_freedom == R.get(number, "degf")


@pytest.mark.parametrize("prefix", ["", "poststratified_", "linear_", "raking_", "linear_bounded_",
                                    "raking_bounded_", "logit_"])
def test_mean_and_total(case, prefix):
    number, designs = case
    design = designs[prefix]
    if design is None:
        return
    if not _r_converged(number, prefix):
        # R stopped without a solution; the project's must still meet every total within the bounds.
        model, totals = _calibration(_sample(number), number)
        weighting.check_calibration(model, design.weights, totals)
        g = design.weights / designs[""].weights
        method = "linear" if prefix == "logit_" else prefix.split("_")[0]
        low, high = R.get(number, f"{method}_bounds", "low"), R.get(number, f"{method}_bounds", "high")
        assert low * (1 - 1e-12) <= g.min() <= g.max() <= high * (1 + 1e-12)
        return
    mean, total = design.mean("y"), design.total("y")
    assert_r([mean.estimate, mean.se], [R.get(number, f"{prefix}mean"), R.get(number, f"{prefix}mean_se")],
             f"{prefix}svymean")
    assert_r([total.estimate, total.se], [R.get(number, f"{prefix}total"), R.get(number, f"{prefix}total_se")],
             f"{prefix}svytotal")


def test_raking_converged(case):
    """Raked weights agree to 1e-8; R's raking variance stops after 10 sweeps of its projections, the
    project's iterates them to convergence: R's SE is within 1e-6 of the converged one."""
    number, designs = case
    raked = designs["raked_"]
    mean, total = raked.mean("y"), raked.total("y")
    assert_r([mean.estimate, total.estimate, raked.weights.sum()],
             [R.get(number, "raked_mean"), R.get(number, "raked_total"), R.get(number, "raked_weight_sum")],
             "rake (weights)")
    assert_r([mean.se, total.se], [R.get(number, "raked_mean_se"), R.get(number, "raked_total_se")],
             "rake (SE, R's 10 sweeps)", rtol=1e-6)


def test_raking_with_r_default_stopping(case):
    number, designs = case
    sample = _sample(number)
    margins = {"g1": _population(number, "g1"), "g2": _population(number, "g2")}
    raked = design_of(sample).rake(margins, r_epsilon=1, max_iter=10)
    assert_r(raked.mean("y").estimate, R.get(number, "raked_r_default_mean"), "rake(epsilon = 1)")


def test_domain_means(case):
    number, designs = case
    for prefix in ("", "poststratified_"):
        design = designs[prefix]
        for domain in DOMAINS:
            estimate = design.mean("y", domain=(design.data["d"] == domain).to_numpy())
            expected = [R.get(number, f"{prefix}domain_mean", domain), R.get(number, f"{prefix}domain_mean_se", domain)]
            if estimate.n == 0:
                # A domain without a known value: the project gives NaN, as R after calibration; R's svymean(na.rm =
                # TRUE) on a subset of an uncalibrated design prints 0 (SE 0).
                assert np.isnan([estimate.estimate, estimate.se]).all()
                assert np.isnan(expected).all() if prefix else expected == [0.0, 0.0]
                continue
            assert_r([estimate.estimate, estimate.se], expected, f"{prefix}svyby(svymean) domain {domain}")


def test_korn_graubard_on_the_whole_sample(case):
    number, designs = case
    for prefix in ("", "poststratified_"):
        estimate = designs[prefix].proportion("yb")
        assert_r([estimate.estimate, estimate.ci_low, estimate.ci_high],
                 [R.get(number, f"{prefix}ciprop"), R.get(number, f"{prefix}ciprop_ci", "low"),
                  R.get(number, f"{prefix}ciprop_ci", "high")], f"{prefix}svyciprop")


def test_korn_graubard_in_domains(case):
    """Issue 11 §1.1: each domain's interval uses the domain's own size and degrees of freedom, as
    ``svyby(~yb, ~d, subset(design, !is.na(yb)), svyciprop, method = "beta")``; after post-stratification the
    size is the whole sample's (R's subset of a calibrated design keeps every row).

    Where the share is 0 or 1 (its SE is 0), R gives NaN and the project Clopper-Pearson's interval for 0 (or
    all) of the domain's respondents (documented in ``korn_graubard``)."""
    number, designs = case
    for prefix in ("", "poststratified_"):
        design = designs[prefix]
        for domain in DOMAINS:
            estimate = design.proportion("yb", domain=(design.data["d"] == domain).to_numpy())
            expected = [R.get(number, f"{prefix}domain_ciprop", domain), R.get(number, f"{prefix}domain_ciprop_se", domain),
                        R.get(number, f"{prefix}domain_ciprop_low", domain),
                        R.get(number, f"{prefix}domain_ciprop_high", domain)]
            actual = [estimate.estimate, estimate.se, estimate.ci_low, estimate.ci_high]
            if estimate.estimate in (0.0, 1.0):
                # R's interval is NaN here, or a point when rounding leaves its share a hair from 0 or 1.
                assert expected[0] == pytest.approx(estimate.estimate, abs=1e-12)
                n = estimate.n
                clopper_pearson = (0.0, 1 - 0.025 ** (1 / n)) if estimate.estimate == 0 else (0.025 ** (1 / n), 1.0)
                assert_r(actual[2:], clopper_pearson, "Clopper-Pearson at a share of 0 or 1")
                actual, expected = actual[:2], expected[:2]
            assert_r(actual, expected, f"{prefix}svyby(svyciprop) domain {domain}")


def test_bounded_calibration_keeps_the_g_weights_in_the_bounds(case):
    """Issue 11 §1.2: linear and raking calibration with bounds truncate the g-weights as R does."""
    number, designs = case
    base = designs[""].weights
    for method in ("linear", "raking"):
        if not _r_converged(number, f"{method}_bounded_"):
            continue
        g = designs[f"{method}_bounded_"].weights / base
        low, high = R.get(number, f"{method}_bounds", "low"), R.get(number, f"{method}_bounds", "high")
        assert g.min() >= low * (1 - 1e-12) and g.max() <= high * (1 + 1e-12)
        assert_r([g.min(), g.max()], [R.get(number, f"{method}_bounded_g_range", "min"),
                                      R.get(number, f"{method}_bounded_g_range", "max")], f"{method} bounded g range")
        weights = R.terms(number, f"{method}_bounded_weight")
        if weights:
            assert_r(designs[f"{method}_bounded_"].weights, list(weights.values()), f"{method} bounded weights")
    if _r_converged(number, "logit_"):
        g = designs["logit_"].weights / base
        assert_r([g.min(), g.max()], [R.get(number, "logit_g_range", "min"), R.get(number, "logit_g_range", "max")],
                 "logit g range")


def test_trimming_as_documented(case):
    """The project trims by capping and spreading the excess in proportion to the weights, iterated
    (``trim_weights``); R's ``trimWeights`` spreads it equally over the uncapped units. The script applies the
    project's documented rule in R; the estimates then agree, and differ from ``trimWeights``'s."""
    number, _ = case
    sample = _sample(number)
    upper = R.get(number, "trim_upper")
    trimmed = weighting.trim_weights(sample["w"].to_numpy(), upper)
    assert trimmed.max() == pytest.approx(R.get(number, "trimmed_weight_max"), rel=1e-12)
    design = design_of(sample, trimmed)
    mean, total = design.mean("y"), design.total("y")
    assert_r([mean.estimate, mean.se, total.estimate, total.se],
             [R.get(number, "trimmed_mean"), R.get(number, "trimmed_mean_se"), R.get(number, "trimmed_total"),
              R.get(number, "trimmed_total_se")], "trimmed svymean/svytotal")


def _logit(design: Design, ddf: float | None = None) -> models.LogitResult:
    x = models.model_matrix(design.data, ["x", "g2"])
    return models.survey_logit(design.data["yb"], x, design, ddf=ddf, engine="r")


@pytest.mark.parametrize("prefix", ["", "poststratified_"])
def test_svyglm(case, prefix):
    """Issue 11 §1.3 and §1.4: df.residual counts the PSUs and strata with complete cases, and ``engine="r"``
    rescales the weights by their mean over every row, as svyglm, so that its stopping rule and SEs agree."""
    number, designs = case
    if R.get(number, f"{prefix}logit_df_residual") < 1:
        # No residual degrees of freedom: R prints NaN p-values, the project refuses a t reference.
        with pytest.raises(ValueError, match="too few PSUs"):
            _logit(designs[prefix])
        fit = _logit(designs[prefix], ddf=np.inf)
        assert_r(fit.table["se"], list(R.terms(number, f"{prefix}logit_se").values()), f"{prefix}svyglm SEs")
        return
    fit = _logit(designs[prefix])
    terms = {"(Intercept)": "(Intercept)", "x": "x", "g2[v]": "g2v"}
    coef = R.terms(number, f"{prefix}logit_coef")
    assert_r(fit.table["coef"], [coef[terms[t]] for t in fit.table.index], f"{prefix}svyglm coefficients")
    se = R.terms(number, f"{prefix}logit_se")
    assert_r(fit.table["se"], [se[terms[t]] for t in fit.table.index], f"{prefix}svyglm SEs")
    assert fit.df == R.get(number, f"{prefix}logit_df_residual")
    p = R.terms(number, f"{prefix}logit_p")
    assert_r(fit.table["p_value"], [p[terms[t]] for t in fit.table.index], f"{prefix}svyglm p-values")
