"""The models of the package against R (``tests/r/models.R``), to 1e-8 relative.

mice's pooling of svyglm fits (Barnard-Rubin degrees of freedom from svyglm's ``df.residual``) and its
``pool.scalar``; ``fisher.test``'s conditional maximum-likelihood odds ratio, exact interval and p-value (its
equations solved to 1e-13: ``fisher.test`` itself stops early, checked to 5e-3); the response model as
``glm(binomial)`` with and without weights (iterated to convergence: glm's default stops near 1e-7); Pearson's chi-square and Welch's t test of response.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers import models
from helpers.survey import association_tests, response_model
from rresults import RResults, assert_r, design_of, read_data

R = RResults("models")
DATA = read_data("models")
FRAMES = read_data("models_frames")
TERMS = {"(Intercept)": "(Intercept)", "x": "x", "g2[v]": "g2v"}


@pytest.mark.parametrize("case", [f"pool{i}" for i in range(1, 7)])
def test_pooled_svyglm_fits_match_mice(case):
    sample = DATA[DATA["case"] == 100 + int(case[4:])]
    fits = []
    for _, completed in sample.groupby("imputation"):
        completed = completed.reset_index(drop=True)
        x = models.model_matrix(completed, ["x", "g2"])
        fits.append(models.survey_logit(completed["yb"], x, design_of(completed), engine="r", ddf=None
                                        if R.get(case, "dfcom") >= 1 else np.inf))
    assert fits[0].df == R.get(case, "dfcom")
    pooled = models.pool_logit(fits)
    for column, quantity in [("estimate", "estimate"), ("se", "se"), ("df", "df"), ("p_value", "p_value"),
                             ("ci_low", "ci_low"), ("ci_high", "ci_high"), ("riv", "riv"), ("lambda", "lambda"),
                             ("fmi", "fmi")]:
        expected = R.terms(case, quantity)
        assert_r(pooled[column], [expected[TERMS[t]] for t in pooled.index], f"mice::pool {quantity}")


@pytest.mark.parametrize("case", [f"pool_scalar{i}" for i in range(1, 7)])
def test_pool_scalar(case):
    q, u = list(R.terms(case, "q").values()) or [R.get(case, "q")], list(R.terms(case, "u").values())
    pooled = models.pool(q, u, df_complete=R.get(case, "dfcom")).iloc[0]
    assert_r([pooled["estimate"], pooled["within"], pooled["between"], pooled["total"], pooled["df"],
              pooled["riv"], pooled["fmi"]],
             [R.get(case, name) for name in ("estimate", "within", "between", "total", "df", "riv", "fmi")],
             "mice::pool.scalar")


@pytest.mark.parametrize("case", [f"fisher{i}" for i in range(1, 9)])
def test_fisher_matches_fisher_test(case):
    table = np.array(list(R.terms(case, "table").values()), dtype=int).reshape(2, 2, order="F")
    result = models.fisher_exact_or(table)
    assert_r([result.odds_ratio, result.ci_low, result.ci_high, result.p_value],
             [R.get(case, "odds_ratio"), R.get(case, "ci", "low"), R.get(case, "ci", "high"), R.get(case, "p_value")],
             "fisher.test's equations solved to 1e-13")
    # What fisher.test prints stops at uniroot's default tolerance (up to 0.2% on a bound here).
    assert_r([result.odds_ratio, result.ci_low, result.ci_high],
             [R.get(case, "printed_odds_ratio"), R.get(case, "printed_ci", "low"), R.get(case, "printed_ci", "high")],
             "fisher.test as printed", rtol=5e-3)


@pytest.mark.parametrize("case", [1, 2, 3, 4])
def test_response_model_and_tests_of_response(case):
    frame = FRAMES[FRAMES["case"] == case].reset_index(drop=True)
    names = {"(Intercept)": "(Intercept)", "type[departement]": "typedepartement", "type[epci]": "typeepci",
             "type[region]": "typeregion", "log_size": "log_size"}
    for prefix, weights in (("", None), ("weighted_", frame["w"].to_numpy())):
        fit = response_model(frame, "respondent", ["type", "log_size"], weights=weights)
        coef = R.terms(f"response{case}", f"{prefix}coef")
        se = R.terms(f"response{case}", f"{prefix}se")
        assert_r(fit.coefficients, [coef[names[t]] for t in fit.coefficients.index], f"{prefix}glm coefficients")
        assert_r(np.sqrt(np.diag(fit.covariance)), [se[names[t]] for t in fit.coefficients.index], f"{prefix}glm SEs")
        assert_r(fit.propensities.sum(), R.get(f"response{case}", f"{prefix}fitted_sum"), "fitted values")
    tests = association_tests(frame.assign(respondent=frame["respondent"].astype(bool)), ["type"], ["log_size"])
    for variable, quantity in (("type", "chisq"), ("log_size", "svyttest")):
        row = tests.loc[variable]
        assert_r([row["statistic"], row["df"], row["p_value"]],
                 [R.get(f"response{case}", quantity, term) for term in ("statistic", "df", "p_value")], quantity)
