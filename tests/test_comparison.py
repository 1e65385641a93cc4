"""Respondents against the frame, by hand-computable cases."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.survey.comparison import association_tests, auc, compare_categorical, propensity_model


@pytest.fixture
def population():
    # Type a: 10 units, 6 respond; type b: 30 units, 6 respond.
    return pd.DataFrame({
        "kind": ["a"] * 10 + ["b"] * 30,
        "respondent": [True] * 6 + [False] * 4 + [True] * 6 + [False] * 24,
        "size": np.r_[np.arange(10) + 20.0, np.arange(30) + 1.0],
    })


def test_compare_categorical_by_hand(population):
    table = compare_categorical(population, "kind")
    assert table["frame_n"].tolist() == [10, 30]
    assert table["respondents_pct"].tolist() == [50.0, 50.0]
    assert table["response_rate_pct"].tolist() == [60.0, 20.0]
    p1, p0 = 0.5, 4 / 28
    expected = (p1 - p0) / np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    assert table.at["a", "std_diff"] == pytest.approx(expected, rel=1e-12)
    assert table.at["b", "std_diff"] == pytest.approx(-expected, rel=1e-12)


def test_chi_square_matches_scipy(population):
    tests = association_tests(population, ["kind"], ["size"])
    chi2 = stats.chi2_contingency([[4, 6], [24, 6]], correction=False)
    assert tests.at["kind", "statistic"] == pytest.approx(chi2[0], rel=1e-12)
    assert tests.at["kind", "p_value"] == pytest.approx(chi2[1], rel=1e-12)
    assert tests.at["size", "test"] == "design-based t"


@pytest.mark.parametrize("scores, outcome, expected", [
    ([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], 1.0),
    ([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], 0.0),
    ([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1], 0.5),
    ([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.75),
])
def test_auc_by_hand(scores, outcome, expected):
    assert auc(np.array(scores), np.array(outcome)) == pytest.approx(expected)


def test_propensity_model_recovers_the_cell_odds_ratio(population):
    model = propensity_model(population, ["kind"])
    # Reference is the most frequent category (b): odds 6/4 against 6/24.
    assert model.odds_ratios.index.tolist() == ["kind[a] vs b"]
    assert model.odds_ratios.iloc[0]["odds_ratio"] == pytest.approx((6 / 4) / (6 / 24), rel=1e-6)
    assert model.propensities.round(6).unique().tolist() == [0.6, 0.2]
    assert (model.n, model.respondents) == (40, 12)
    # AUC of a two-valued score: P(resp in a > nonresp in b) + ties/2, by counting pairs.
    assert model.auc == pytest.approx((6 * 24 + 0.5 * (6 * 4 + 6 * 24)) / (12 * 28))


def test_propensity_odds_ratios_are_those_of_a_fit_with_the_most_frequent_reference():
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    n = 400
    data = pd.DataFrame({"kind": rng.choice(["a", "b", "c"], n, p=[0.2, 0.5, 0.3]),
                         "band": rng.choice(["x", "y"], n), "size": rng.normal(size=n)})
    data["respondent"] = rng.random(n) < np.where(data["kind"] == "a", 0.5, 0.25) + 0.1 * (data["band"] == "y")
    model = propensity_model(data, ["kind", "band", "size"], level=0.9)
    reference = {v: data[v].value_counts().index[0] for v in ("kind", "band")}
    columns = {f"{v}[{c}] vs {reference[v]}": (data[v] == c).astype(float)
               for v in ("kind", "band") for c in sorted(data[v].unique()) if c != reference[v]}
    x = sm.add_constant(pd.DataFrame({**columns, "size": data["size"]}))
    fit = sm.Logit(data["respondent"].astype(float), x).fit(disp=False)
    interval = np.exp(fit.conf_int(alpha=0.1)).drop(index="const")
    assert model.odds_ratios.index.tolist() == list(x.columns[1:])
    np.testing.assert_allclose(model.odds_ratios["odds_ratio"], np.exp(fit.params.drop("const")), rtol=1e-6)
    np.testing.assert_allclose(model.odds_ratios["ci_low"], interval[0], rtol=1e-6)
    np.testing.assert_allclose(model.odds_ratios["p_value"], fit.pvalues.drop("const"), rtol=1e-5)
    np.testing.assert_allclose(model.propensities, fit.predict(x), rtol=1e-7)
