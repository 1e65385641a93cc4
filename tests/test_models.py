"""Models against R's printed numbers (fisher.test, svyglm, logistf) and hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.models import bootstrap, fisher
from helpers.models import logit as models
from helpers.survey import weighting
from helpers.survey.estimation import Design

R_UNIROOT_TOL = np.finfo(float).eps ** 0.25  # R uniroot's default tolerance, used by fisher.test


@pytest.fixture(scope="module")
def apistrat(reference_dir):
    data = pd.read_csv(reference_dir / "apistrat.csv")
    return data.assign(high=(data["api00"] > 743).astype(float))


@pytest.fixture(scope="module")
def sex2(reference_dir):
    return pd.read_csv(reference_dir / "sex2.csv")


@pytest.fixture(scope="module")
def endometrial(reference_dir):
    return pd.read_csv(reference_dir / "endometrial.csv")


def _api_matrix(apistrat):
    return models.model_matrix(apistrat, ["ell", "meals", "mobility"])


# --- Fisher ---------------------------------------------------------------------------

def _noncentral(ncp: float) -> tuple[np.ndarray, np.ndarray]:
    support = np.arange(0, 5)
    log_p = stats.hypergeom.logpmf(support, 8, 4, 4) + np.log(ncp) * support
    p = np.exp(log_p - log_p.max())
    return support, p / p.sum()


def test_fisher_matches_r_and_solves_its_equations():
    """R prints p 0.4857143, OR 6.408309, CI 0.2117329-621.9338 for [[3, 1], [1, 3]].

    R finds the MLE and limits with ``uniroot`` at tolerance eps^0.25 on the
    ``1/t`` scale (upper limit and MLE) or ``t`` scale (lower limit), so its
    printed limits are only that accurate (the upper one is 626.24 when
    solved exactly). We check agreement within R's tolerance and that our
    values solve the defining equations to high precision.
    """
    result = fisher.fisher_exact_or([[3, 1], [1, 3]])
    assert result.p_value == pytest.approx(0.4857143, abs=5e-8)
    assert abs(1 / result.odds_ratio - 1 / 6.408309) < R_UNIROOT_TOL
    assert abs(result.ci_low - 0.2117329) < R_UNIROOT_TOL
    assert abs(1 / result.ci_high - 1 / 621.9338) < R_UNIROOT_TOL
    support, p = _noncentral(result.odds_ratio)
    assert support @ p == pytest.approx(3, abs=1e-9)  # conditional MLE: E[X] = observed
    assert _noncentral(result.ci_high)[1][:4].sum() == pytest.approx(0.025, abs=1e-9)
    assert _noncentral(result.ci_low)[1][3:].sum() == pytest.approx(0.025, abs=1e-9)
    assert (result.n, result.events) == (8, 4)


@pytest.mark.parametrize("table", [[[1, 2, 3], [4, 5, 6]], [[-1, 2], [3, 4]], [[1.5, 2], [3, 4]]])
def test_fisher_rejects_bad_tables(table):
    with pytest.raises(ValueError, match="table"):
        fisher.fisher_exact_or(table)


# --- survey logistic regression --------------------------------------------------------

R_COEF = [2.66575599278362, -0.03703249576700, -0.08468787757247, -0.00442859225861]
R_SE_WEIGHTS = [0.4718196688815, 0.0336366431167, 0.0146021693674, 0.0147882129185]
R_SE_STRATA = [0.4394318774792, 0.0336398300623, 0.0143310610689, 0.0148363068282]


@pytest.mark.parametrize("strata, expected_se", [(None, R_SE_WEIGHTS), ("stype", R_SE_STRATA)])
def test_svyglm_reproduced_with_r_iterations(apistrat, strata, expected_se):
    fit = models.survey_logit(apistrat["high"], _api_matrix(apistrat), Design(apistrat, "pw", strata=strata),
                              engine="r")
    np.testing.assert_allclose(fit.table["coef"], R_COEF, rtol=1e-6)
    np.testing.assert_allclose(fit.table["se"], expected_se, rtol=1e-6)
    assert fit.n == 200 and fit.events == int(apistrat["high"].sum())


@pytest.mark.parametrize("strata, expected_se", [(None, R_SE_WEIGHTS), ("stype", R_SE_STRATA)])
def test_svyglm_converged_sandwich_is_close(apistrat, strata, expected_se):
    """At full convergence the SEs move by ~2e-5 (R keeps its last IRLS weights one step behind)."""
    fit = models.survey_logit(apistrat["high"], _api_matrix(apistrat), Design(apistrat, "pw", strata=strata))
    np.testing.assert_allclose(fit.table["coef"], R_COEF, rtol=1e-6)
    np.testing.assert_allclose(fit.table["se"], expected_se, rtol=1e-4)


def test_weights_only_equals_statsmodels_hc0(apistrat):
    import statsmodels.api as sm

    x = _api_matrix(apistrat)
    fit = models.survey_logit(apistrat["high"], x, Design(apistrat, "pw"))
    glm = sm.GLM(apistrat["high"], x, family=sm.families.Binomial(), var_weights=apistrat["pw"]).fit(
        cov_type="HC0", tol=1e-12)
    n = len(apistrat)
    np.testing.assert_allclose(fit.table["se"], glm.bse * np.sqrt(n / (n - 1)), rtol=1e-8)


def test_degrees_of_freedom_and_intervals(apistrat):
    fit = models.survey_logit(apistrat["high"], _api_matrix(apistrat), Design(apistrat, "pw", strata="stype"))
    assert fit.df == 200 - 3 + 1 - 4  # R svyglm df.residual = degf + 1 - p
    row = fit.table.loc["meals"]
    q = stats.t.ppf(0.975, fit.df)
    assert row["ci_low"] == pytest.approx(row["coef"] - q * row["se"])
    assert row["or_high"] == pytest.approx(np.exp(row["coef"] + q * row["se"]))
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(row["coef"] / row["se"]), fit.df))
    normal = models.survey_logit(apistrat["high"], _api_matrix(apistrat), Design(apistrat, "pw"), ddf=np.inf)
    r = normal.table.loc["meals"]
    assert r["ci_high"] == pytest.approx(r["coef"] + 1.959963984540054 * r["se"])


def test_fpc_shrinks_and_missing_rows_are_a_domain(apistrat):
    x = _api_matrix(apistrat)
    plain = models.survey_logit(apistrat["high"], x, Design(apistrat, "pw", strata="stype"))
    fpc = models.survey_logit(apistrat["high"], x, Design(apistrat, "pw", strata="stype", fpc="fpc"))
    assert (fpc.table["se"] < plain.table["se"]).all()
    y = apistrat["high"].copy()
    y.iloc[:5] = np.nan
    domain = models.survey_logit(y, x, Design(apistrat, "pw", strata="stype"))
    # R's df.residual counts the PSUs (here units) with a complete case: five fewer.
    assert domain.n == 195 and domain.df == plain.df - 5


def test_survey_logit_input_errors(apistrat):
    x = _api_matrix(apistrat)
    with pytest.raises(ValueError, match="binary"):
        models.survey_logit(apistrat["api00"], x)
    with pytest.raises(ValueError, match="design"):
        models.survey_logit(apistrat["high"], x, Design(apistrat.iloc[:10], "pw"))
    with pytest.raises(ValueError, match="engine"):
        models.survey_logit(apistrat["high"], x, engine="sas")


def test_model_matrix_codes_categories():
    data = pd.DataFrame({"g": ["b", "a", None, "c"], "x": [1, 2, 3, 4], "e": [True, False, True, False]})
    matrix = models.model_matrix(data, ["e", "g", "x"], reference={"g": "b"})
    assert list(matrix.columns) == ["(Intercept)", "e", "g[a]", "g[c]", "x"]
    assert matrix.loc[1, "g[a]"] == 1 and np.isnan(matrix.loc[2, "g[c]"])
    with pytest.raises(ValueError, match="reference"):
        models.model_matrix(data, ["g"], reference={"g": "z"})
    with pytest.raises(ValueError, match="terms"):
        models.model_matrix(data, ["nope"])


# --- Firth ------------------------------------------------------------------------------

SEX2_COEF = {"(Intercept)": 0.12025404, "age": -1.10598130, "oc": -0.06881673, "vic": 2.26887464,
             "vicl": -2.11140816, "vis": -0.78831694, "dia": 3.09601166}


def test_logistf_sex2(sex2):
    fit = models.firth_logit(sex2["case"], sex2[["age", "oc", "vic", "vicl", "vis", "dia"]],
                             profile=["age", "dia"], lr_tests=["age"])
    np.testing.assert_allclose(fit.table["coef"], list(SEX2_COEF.values()), rtol=1e-6)
    assert fit.table.loc["age", ["ci_low", "ci_high"]].tolist() == pytest.approx([-1.9737884, -0.3074251], rel=1e-6)
    assert fit.table.loc["dia", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.7745682, 8.0302935], rel=1e-6)
    assert fit.table.loc["age", "p_value"] == pytest.approx(6.143472e-03, rel=1e-6)
    assert fit.table.loc["age", "p_method"] == "lr" and fit.table.loc["oc", "p_method"] == "wald"
    statistic, df, _ = fit.global_lr
    assert statistic == pytest.approx(49.09064, rel=1e-6) and df == 6
    assert fit.n == 239 and fit.events == int(sex2["case"].sum())


def test_logistf_endometrial(endometrial):
    fit = models.firth_logit(endometrial["HG"], endometrial[["NV", "PI", "EH"]], profile=["NV"], lr_tests=[])
    np.testing.assert_allclose(fit.table["coef"], [3.77455951, 2.92927330, -0.03475175, -2.60416387], rtol=1e-6)
    assert fit.table.loc["NV", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.6097244, 7.8546317], rel=1e-6)
    assert np.isfinite(fit.table.loc["NV", "or_high"])  # finite despite quasi-separation


def test_firth_rejects_unknown_terms_and_constant_outcome(sex2):
    x = sex2[["age", "dia"]]
    with pytest.raises(ValueError, match="profile"):
        models.firth_logit(sex2["case"], x, profile=["nope"])
    with pytest.raises(ValueError, match="same outcome"):
        models.firth_logit(np.ones(len(sex2)), x)


# --- average marginal effect -------------------------------------------------------------

def test_ame_of_saturated_model_is_difference_of_weighted_shares():
    """With exposure as the only term the AME is p1 - p0 and its SE the linearised SE of that difference."""
    rng = np.random.default_rng(5)
    n = 300
    e = rng.integers(0, 2, n).astype(float)
    y = (rng.random(n) < np.where(e == 1, 0.35, 0.2)).astype(float)
    w = rng.uniform(1, 4, n)
    data = pd.DataFrame({"e": e, "w": w})
    fit = models.survey_logit(y, data[["e"]], Design(data, "w"))
    ame = models.average_marginal_effect(fit, "e")
    w1, w0 = w * e, w * (1 - e)
    p1, p0 = w1 @ y / w1.sum(), w0 @ y / w0.sum()
    assert ame.estimate == pytest.approx(p1 - p0, rel=1e-8)
    z = w1 * (y - p1) / w1.sum() - w0 * (y - p0) / w0.sum()
    by_hand = np.sqrt(n / (n - 1) * np.sum((z - z.mean()) ** 2))
    assert ame.se == pytest.approx(by_hand, rel=1e-6)
    assert ame.n == n


def test_ame_firth_delta_method_and_errors(sex2):
    fit = models.firth_logit(sex2["case"], sex2[["age", "dia"]], profile=[], lr_tests=[])
    ame = models.average_marginal_effect(fit, "dia")
    assert 0 < ame.estimate < 1 and ame.ci_low < ame.estimate < ame.ci_high
    with pytest.raises(ValueError, match="exposure"):
        models.average_marginal_effect(fit, "nope")


# --- bootstrap ------------------------------------------------------------------------

def _survey_like(seed: int = 2, n: int = 514):
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"group": rng.choice(["a", "b", "c"], n), "elected": rng.integers(0, 2, n).astype(float),
                         "lp": rng.normal(size=n)})
    eta = -1.6 + np.log(2.5) * data["elected"] + 0.3 * data["lp"]
    data["y"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    respondent = rng.random(n) < 0.25 + 0.1 * (data["group"] == "a")
    data.loc[~respondent, "y"] = np.nan
    return data, respondent.to_numpy()


def test_rao_wu_weights_are_unbiased_and_reproducible():
    strata = np.repeat(["a", "b"], [4, 6])
    reps = bootstrap.rao_wu_weights(np.ones(10), strata, n_replicates=20_000, seed=1)
    assert reps.mean(axis=0) == pytest.approx(np.ones(10), abs=0.03)
    # Each stratum keeps its total: n_h - 1 draws rescaled by n_h / (n_h - 1).
    assert np.allclose(reps[:, :4].sum(axis=1), 4) and np.allclose(reps[:, 4:].sum(axis=1), 6)
    again = bootstrap.rao_wu_weights(np.ones(10), strata, n_replicates=20_000, seed=1)
    np.testing.assert_array_equal(reps, again)
    with pytest.raises(ValueError, match="single PSU"):
        bootstrap.rao_wu_weights(np.ones(3), ["a", "b", "b"])


def test_bootstrap_recomputes_weights():
    data, respondent = _survey_like()
    x = models.model_matrix(data, ["elected", "group", "lp"])
    calls = []

    def reweight(base):
        calls.append(1)
        return weighting.cell_adjustment(base, respondent, data["group"])

    boot = bootstrap.bootstrap_odds_ratio(data["y"], x, "elected", np.ones(len(data)), strata=data["group"],
                                       reweight=reweight, n_replicates=1000, seed=7)
    assert len(calls) == 1001
    fit = models.survey_logit(data["y"], x, Design(data.assign(w=reweight(np.ones(len(data)))), "w"))
    assert boot.odds_ratio == pytest.approx(fit.odds_ratio("elected").estimate, rel=1e-6)
    assert boot.ci_low < boot.odds_ratio < boot.ci_high and boot.failed == 0
    # The bootstrap SE of the log OR is close to the sandwich SE (same first-order variance).
    assert boot.se_log == pytest.approx(fit.table.loc["elected", "se"], rel=0.2)
    again = bootstrap.bootstrap_odds_ratio(data["y"], x, "elected", np.ones(len(data)), strata=data["group"],
                                        reweight=reweight, n_replicates=1000, seed=7)
    assert again.ci_low == boot.ci_low and again.ci_high == boot.ci_high


def test_batched_logit_flags_separation():
    x = np.column_stack([np.ones(8), [0, 0, 0, 0, 1, 1, 1, 1]])
    y = np.array([0, 0, 1, 0, 1, 1, 0, 1.0])
    weights = np.vstack([np.ones(8), [1, 1, 0, 1, 1, 1, 0, 1]])  # the second leaves y = x exactly
    beta, ok = bootstrap.batched_logit(y, x, weights)
    assert ok.tolist() == [True, False]
    assert beta[0, 1] == pytest.approx(np.log(9))  # odds 3 vs 1/3


def test_events_per_parameter():
    y = [1, 0, 0, 0, 1, np.nan, 0, 0]
    assert models.events_per_parameter(y, 1) == 2.0
    assert models.events_per_parameter([1, 1, 1, 0], 1) == 1.0  # non-events are the limiting class
    with pytest.raises(ValueError, match="n_parameters"):
        models.events_per_parameter(y, 0)


def test_a_separated_full_sample_fit_is_said_of_the_data_not_of_a_function():
    """A wave of 12 respondents stopped step 03 with 'elected: the full-sample fit is separated; use firth_logit'."""
    data = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "elected": [0, 0, 0, 1, 1, 1], "group": ["a", "b"] * 3})
    x = models.model_matrix(data, ["elected"])
    with pytest.raises(ValueError, match=r"^elected: the weighted logistic fit on the 6 complete case\(s\) is "
                                         r"separated .*a wave this small needs more respondents for the model$"):
        bootstrap.bootstrap_odds_ratio(data["y"], x, "elected", np.ones(6), strata=data["group"], n_replicates=50)
