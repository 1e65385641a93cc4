"""Method validation, reduced: 40 response draws per mechanism over the demo 2012 truth.

Tolerances come from the Monte Carlo error of 40 draws. A bias is "nearly nil"
when it lies within 3 of its Monte Carlo standard errors (SD of the estimates
over sqrt(40), about 0.8 points for a share near one half) plus 1 point: the
500-draw run finds a residual bias of up to 0.8 points for the weighted
estimators under frame-only response (size still varies within the size
bands). A mean coverage over the headline indicators is "near nominal" when
it lies within 3 binomial standard errors of one indicator's coverage,
sqrt(0.95 * 0.05 / 40) = 0.034, of 95%: the indicators are correlated, so
their mean is given no more precision than one of them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from helpers import demo
from helpers.demo import simulation as validation
from helpers.paths import ROOT

REPLICATES = 40
NOMINAL = 0.95
COVERAGE_SLACK = 3 * np.sqrt(NOMINAL * (1 - NOMINAL) / REPLICATES)
RESIDUAL_BIAS = 0.01
WEIGHTED = [estimator for estimator in validation.ESTIMATORS if estimator != "unweighted"]


@pytest.fixture(scope="module")
def setup() -> validation.Setup:
    # 20 bootstrap replicates per draw keep the test short; their coverage is held to the same slack.
    return validation.make_setup(bootstrap_replicates=20)


@pytest.fixture(scope="module")
def simulated(setup):
    return validation.simulate(setup, REPLICATES, workers=os.cpu_count())


@pytest.fixture(scope="module")
def summary(setup, simulated) -> pd.DataFrame:
    return validation.summarise(simulated[0], setup.truth)


def test_truth_is_the_truth_files_frame_shares(setup):
    expected = pd.Series(setup.wave.truth["frame_shares"])[setup.truth.index]
    assert setup.truth.round(6).to_dict() == expected.to_dict()
    assert len(setup.population) == setup.wave.truth["response"]["eligible"]


def test_frame_mechanism_ignores_maturity(setup):
    units = setup.wave.units
    shuffled = units.assign(maturity=np.random.default_rng(1).permutation(units["maturity"].to_numpy()))
    other = dataclasses.replace(setup.wave, units=shuffled)
    frame_draw = demo.redraw_response(setup.wave, 7, mechanism="frame")
    assert (demo.redraw_response(other, 7, mechanism="frame") == frame_draw).all()
    assert (demo.redraw_response(other, 7) != demo.redraw_response(setup.wave, 7)).any()
    assert 0.15 < (frame_draw == "complete").mean() < 0.25
    with pytest.raises(ValueError, match="mechanism must be one of"):
        demo.redraw_response(setup.wave, 7, mechanism="items")


def test_results_do_not_depend_on_the_number_of_workers(setup, simulated):
    estimates, skipped = simulated
    alone, alone_skipped = validation.simulate(setup, 4, workers=1)
    first_four = estimates[estimates["replicate"] < 4].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, first_four)
    pd.testing.assert_frame_equal(alone_skipped, skipped[skipped["replicate"] < 4].reset_index(drop=True))


def test_most_draws_can_be_weighted(simulated):
    _, skipped = simulated
    assert len(skipped) <= 0.15 * 2 * REPLICATES, skipped["error"].map(validation.failure_reason).value_counts()


def test_frame_only_response_weighted_estimators_nearly_unbiased(summary):
    frame = summary.xs("frame", level="mechanism")
    weighted = frame.loc[WEIGHTED]
    tolerance = 3 * weighted["bias_mc_se"] + RESIDUAL_BIAS
    assert (weighted["bias"].abs() <= tolerance).all(), weighted[["bias", "bias_mc_se"]]


def test_frame_only_response_weighted_coverage_near_nominal(summary):
    coverage = summary.xs("frame", level="mechanism").loc[WEIGHTED, "coverage"].groupby("estimator").mean()
    assert (coverage >= NOMINAL - COVERAGE_SLACK).all(), coverage
    assert (coverage <= 1).all()


def test_answer_driven_response_biases_the_unweighted_shares(summary):
    unweighted = summary.xs(("unweighted", "maturity"), level=("estimator", "mechanism"))
    # The mean bias over the headline indicators, against the largest of their Monte Carlo errors.
    assert unweighted["bias"].mean() > 3 * unweighted["bias_mc_se"].max()
    assert unweighted["bias"].mean() > 0.02
    # Weighting on the frame cannot remove what the frame does not see.
    primary = summary.xs(("raking", "maturity"), level=("estimator", "mechanism"))
    assert primary["bias"].mean() > 0.5 * unweighted["bias"].mean()


def test_command_writes_summary_results_and_executed_notebook(tmp_path):
    out = tmp_path / "validation"
    result = subprocess.run([sys.executable, "-m", "helpers", "validate", "--replicates", "3", "--workers", "1",
                             "--out", str(out)], capture_output=True, text=True, cwd="/", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = pd.read_csv(out / "summary.csv")
    assert {"estimator", "mechanism", "indicator", "bias", "rmse", "coverage", "mean_ci_width",
            "replicates"} <= set(summary.columns)
    assert set(summary["estimator"]) == set(validation.ESTIMATORS)
    assert set(summary["mechanism"]) == set(validation.MECHANISMS)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["replicates"] == 3 and set(results["truth"]) == set(summary["indicator"])
    notebook = (out / "validation.ipynb").read_text(encoding="utf-8")
    assert '"output_type": "error"' not in notebook and "-staging-" not in notebook
    assert (out / "figures" / "bias_coverage.png").is_file()
    assert not [path.name for path in tmp_path.iterdir() if path.name != "validation"], "no staging folder left"


def test_validation_is_not_a_yearly_step():
    from helpers.run import pipeline

    assert "validation" not in pipeline.STEPS
    assert (ROOT / "notebooks" / "validation.ipynb").is_file()
