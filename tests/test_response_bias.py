"""The response-bias step on the demo 2012 wave, against the demo's known truth."""

import json

import numpy as np
import pytest

from helpers.paths import DEMO_TRUTH_DIR
from helpers.report.results import read_results

YEAR = 2012


@pytest.fixture(scope="module")
def results(demo_run_2012):
    return read_results(demo_run_2012 / "reports" / str(YEAR))["response_bias"]


@pytest.fixture(scope="module")
def truth():
    return json.loads((DEMO_TRUTH_DIR / f"{YEAR}.json").read_text(encoding="utf-8"))


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


def test_intervals_are_honest_about_their_size(results):
    for estimator in ("unweighted", "weighted"):
        for row in results["estimates"][estimator].values():
            if row["n"] == 0:
                continue
            assert 0 <= row["ci_low"] <= row["estimate"] <= row["ci_high"] <= 1


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
