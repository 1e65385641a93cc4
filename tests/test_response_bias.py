"""The response-bias step on the demo 2012 wave, against the demo's known truth."""

import numpy as np
import pandas as pd
import pytest

from helpers.demo.truth import read_truth
from helpers.report.results import read_results

YEAR = 2012


@pytest.fixture(scope="module")
def results(demo_run_2012):
    return read_results(demo_run_2012 / "reports" / str(YEAR))["response_bias"]


@pytest.fixture(scope="module")
def truth():
    return read_truth(YEAR)


def _errors(results, truth, estimator, indicators):
    estimates = results["estimates"][estimator]
    return np.array([abs(estimates[i]["estimate"] - truth["frame_shares"][i]) for i in indicators])


def test_weighting_brings_headline_estimates_closer_to_the_truth(results, truth):
    """Response depends on type and size, which the frame holds, and on e-maturity, which it does not.

    Elected leadership depends on political colour and savings on population, both frame variables: for
    these, and on average over the headline indicators, the weighted estimate must be closer to the true
    frame share than the unweighted one. The rest of the bias (e-maturity) is non-ignorable.
    """
    headline = results["headline"]
    unweighted = _errors(results, truth, "unweighted", headline)
    weighted = _errors(results, truth, "weighted", headline)
    assert weighted.mean() < unweighted.mean()
    for indicator in ("driver_elected", "savings"):
        i = headline.index(indicator)
        assert weighted[i] < unweighted[i], indicator


def _answer_column(answers, indicator):
    """The column of the processed answers holding a 0/1 indicator (``driver_elected`` is ``driver__elected``)."""
    return next((c for c in (indicator, indicator.replace("_", "__", 1)) if c in answers.columns), None)


def test_estimates_are_the_means_of_the_written_answers_and_weights(demo_run_2012, results):
    """Recomputed from ``answers.csv`` and ``weights.csv``: the unweighted share, the primary method's weighted
    share and the number of respondents of each headline indicator that is one answer column."""
    processed = demo_run_2012 / "data" / "processed" / str(YEAR)
    data = pd.read_csv(processed / "answers.csv").merge(pd.read_csv(processed / "weights.csv"), on="unit_id")
    primary = results["weighting"]["primary"]
    checked = 0
    for indicator in results["headline"]:
        column = _answer_column(data, indicator)
        if column is None:
            continue
        asked = data[data[column].notna()]
        weights, values = asked[primary], asked[column]
        assert results["estimates"]["unweighted"][indicator]["n"] == len(asked)
        assert results["estimates"]["unweighted"][indicator]["estimate"] == pytest.approx(values.mean(), abs=1e-12)
        assert results["estimates"]["weighted"][indicator]["estimate"] == pytest.approx(
            (weights * values).sum() / weights.sum(), abs=1e-12)
        checked += 1
    assert checked >= 2


def test_calibrated_weights_reproduce_frame_totals(results):
    diagnostics = results["weighting"]["diagnostics"]
    eligible = sum(count for disposition, count in results["dispositions"].items() if disposition != "ineligible")
    for method in ("raking", "linear", "logit"):
        assert diagnostics[method]["max_margin_gap"] < 1e-8
    for method in ("unweighted", "cell", "poststratification", "raking", "linear", "logit", "trimmed"):
        assert diagnostics[method]["sum"] == pytest.approx(eligible, rel=1e-10)


def test_response_rates_match_the_dispositions(results):
    counts = results["dispositions"]
    rr1 = results["rates"]["RR1"]["rate"]
    eligible_or_unknown = sum(v for k, v in counts.items() if k != "ineligible")
    assert rr1 == pytest.approx(counts["complete"] / eligible_or_unknown, rel=1e-12)


def test_the_budget_per_inhabitant_is_a_ratio_of_the_written_totals(demo_run_2012):
    """Step 02's ratio (R ``svyratio``), recomputed from ``answers.csv``, ``units.csv`` and ``weights.csv``."""
    processed = demo_run_2012 / "data" / "processed" / str(YEAR)
    results = read_results(demo_run_2012 / "reports" / str(YEAR))
    ratio = results["design_tests"]["digital_budget_per_inhabitant"]
    primary = results["response_bias"]["weighting"]["primary"]
    data = (pd.read_csv(processed / "answers.csv", usecols=["unit_id", "digital_budget_keur"])
            .merge(pd.read_csv(processed / "units.csv", usecols=["unit_id", "population"]), on="unit_id")
            .merge(pd.read_csv(processed / "weights.csv", usecols=["unit_id", primary]), on="unit_id")
            .dropna(subset=["digital_budget_keur", "population"]))
    budget = 1000 * data["digital_budget_keur"]
    assert ratio["weighted"]["n"] == ratio["unweighted"]["n"] == len(data)
    assert ratio["unweighted"]["estimate"] == pytest.approx(budget.sum() / data["population"].sum(), rel=1e-12)
    weights = data[primary]
    weighted = (weights * budget).sum() / (weights * data["population"]).sum()
    assert ratio["weighted"]["estimate"] == pytest.approx(weighted, rel=1e-12)
    assert ratio["weighted"]["ci_low"] < ratio["weighted"]["estimate"] < ratio["weighted"]["ci_high"]
