"""The series of waves (helpers.steps.series): how far back each series runs, its change, and the panel."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.inputs.codebook import load_codebook
from helpers.paths import CODEBOOK_PATH, CONFIG_DIR
from helpers.steps.series import (Wave, earlier_years, panel, read_wave, series_changes, series_estimates,
                                  series_spans)
from helpers.steps.trend import compare_waves

CODEBOOK_2012 = load_codebook(CODEBOOK_PATH)
CODEBOOK_2013 = load_codebook(CONFIG_DIR / "codebook" / "2013.yaml")


def _wave(year, codebook, units, seed=0):
    """A wave whose respondents ``units`` answer every indicator at random, its estimates their means."""
    rng = np.random.default_rng([seed, year])
    values = pd.DataFrame({i: rng.integers(0, 2, len(units)).astype(float) for i in codebook.indicators},
                          index=pd.Index(units, name="unit_id"))
    estimates = {i: {"estimate": values[i].mean(), "se": values[i].std() / np.sqrt(len(units)),
                     "ci_low": values[i].mean() - 0.1, "ci_high": values[i].mean() + 0.1, "n": len(units)}
                 for i in codebook.indicators}
    return Wave(year, estimates, codebook, values)


UNITS = [f"{k:09d}" for k in range(60)]
WAVES = [_wave(2012, CODEBOOK_2012, UNITS[:40]), _wave(2013, CODEBOOK_2013, UNITS[20:55]),
         _wave(2014, CODEBOOK_2013, UNITS[10:50])]


def test_a_series_runs_back_to_the_last_change_of_its_question():
    spans = series_spans(WAVES)
    assert list(spans) == list(CODEBOOK_2013.indicators)
    assert spans["savings"] == {"years": [2012, 2013, 2014], "break_year": None, "break_reason": None}
    assert spans["remote_work"] == {"years": [2013, 2014], "break_year": 2013, "break_reason": "reworded"}
    assert spans["open_data"] == {"years": [2013, 2014], "break_year": 2013, "break_reason": "added"}
    assert "e_safe" not in spans, "a question dropped before the current wave has no series"


def test_a_change_between_later_waves_cuts_the_series_there():
    waves = [_wave(2012, CODEBOOK_2012, UNITS), _wave(2013, CODEBOOK_2012, UNITS), _wave(2014, CODEBOOK_2013, UNITS)]
    spans = series_spans(waves)
    assert spans["remote_work"]["years"] == [2014]
    assert spans["savings"]["years"] == [2012, 2013, 2014]


def test_estimates_keep_each_wave_of_the_series_and_leave_out_a_wave_without_one():
    spans = series_spans(WAVES)
    waves = [WAVES[0], Wave(2013, {**WAVES[1].estimates, "savings": {**WAVES[1].estimates["savings"],
                                                                    "estimate": None}},
                             CODEBOOK_2013, WAVES[1].values), WAVES[2]]
    estimates = series_estimates(waves, spans)
    assert list(estimates["savings"]) == ["2012", "2014"]
    assert list(estimates["remote_work"]) == ["2013", "2014"]
    assert estimates["open_data"]["2014"] == {"year": 2014, **{key: WAVES[2].estimates["open_data"][key]
                                                                for key in ("estimate", "se", "ci_low", "ci_high",
                                                                            "n")}}


def test_the_change_over_a_two_wave_series_is_the_year_on_year_difference():
    waves = WAVES[:2]
    changes = series_changes(waves, series_estimates(waves, series_spans(waves)))
    shared = list(changes.index)
    year_on_year = compare_waves(waves[0].estimates, waves[1].estimates, waves[0].values, waves[1].values, shared)
    assert "remote_work" not in shared and "savings" in shared
    for column in ("difference", "se", "ci_low", "ci_high", "se_independent", "ci_low_independent", "correlation",
                   "overlap_n"):
        np.testing.assert_allclose(changes[column].astype(float), year_on_year[column].astype(float), rtol=1e-12)


def test_the_change_over_the_series_runs_from_its_first_wave_with_the_overlap_of_both_ends():
    changes = series_changes(WAVES, series_estimates(WAVES, series_spans(WAVES)))
    assert changes.at["savings", "first_year"] == 2012 and changes.at["remote_work", "first_year"] == 2013
    assert changes.at["savings", "overlap_n"] == 30, "units 10-39 answered 2012 and 2014"
    assert changes.at["remote_work", "overlap_n"] == 30, "units 20-49 answered 2013 and 2014"
    expected = WAVES[2].estimates["savings"]["estimate"] - WAVES[0].estimates["savings"]["estimate"]
    assert changes.at["savings", "difference"] == pytest.approx(expected, abs=1e-15)


def test_the_panel_follows_each_authority_by_its_siren():
    waves = [_wave(2012, CODEBOOK_2012, ["a", "b", "c"]), _wave(2013, CODEBOOK_2013, ["b", "c", "d"]),
             _wave(2014, CODEBOOK_2013, ["a", "c", "d", "e", "f"])]
    history, answered = panel(waves)
    assert history.to_dict("index") == {
        2012: {"year": 2012, "respondents": 3, "answered_previous": 0, "first_time": 3, "returned": 0,
               "every_wave": 3},
        2013: {"year": 2013, "respondents": 3, "answered_previous": 2, "first_time": 1, "returned": 0,
               "every_wave": 2},
        2014: {"year": 2014, "respondents": 5, "answered_previous": 2, "first_time": 2, "returned": 1,
               "every_wave": 1}}
    assert answered.to_dict() == {1: 2, 2: 3, 3: 1}


def test_earlier_waves_are_those_with_results_and_answers(tmp_path):
    reports, processed = tmp_path / "reports", tmp_path / "processed"
    for year, sections, answers in ((2011, ["cleaning", "response_bias"], True), (2012, ["cleaning"], True),
                                    (2013, ["cleaning", "response_bias"], False),
                                    (2014, ["cleaning", "response_bias"], True),
                                    (2016, ["cleaning", "response_bias"], True)):
        (reports / str(year)).mkdir(parents=True)
        (reports / str(year) / "results.json").write_text(json.dumps(dict.fromkeys(sections, {})))
        (processed / str(year)).mkdir(parents=True)
        if answers:
            (processed / str(year) / "answers.csv").write_text("unit_id\n")
    (reports / "index.html").write_text("")
    assert earlier_years(reports, processed, 2016) == [2011, 2014]
    assert earlier_years(reports, processed, 2011) == []


def test_an_earlier_wave_is_not_read_with_a_codebook_edited_since_it_ran(tmp_path):
    reports = tmp_path / "reports" / "2013"
    reports.mkdir(parents=True)
    results = {"cleaning": {"wave": {"codebook": "config/codebook/2013.yaml"}},
               "response_bias": {"estimates": {"weighted": {}}}}
    (reports / "results.json").write_text(json.dumps(results), encoding="utf-8")
    (reports / "run.json").write_text(json.dumps({"inputs": {"codebook": "0" * 64}}), encoding="utf-8")
    with pytest.raises(InputError, match=r"changed since wave 2013 ran with it \(SHA-256 000000000000…, now "):
        read_wave(2013, reports, tmp_path / "processed" / "2013")
    recorded = hashlib.sha256((CONFIG_DIR / "codebook" / "2013.yaml").read_bytes()).hexdigest()
    (reports / "run.json").write_text(json.dumps({"inputs": {"codebook": recorded}}), encoding="utf-8")
    with pytest.raises(InputError, match="answers.csv"):  # past the check, on to the (missing) answers
        read_wave(2013, reports, tmp_path / "processed" / "2013")
