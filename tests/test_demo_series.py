"""Tests of the series of demo waves: any year from 2012 chained from the 2012 population (helpers.demo).

The committed files of every demo wave are checked against a fresh generation in tests/test_demo.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers import demo
from helpers.cleaning import clean_wave
from helpers.demo.model import CA_MERGERS_PER_YEAR, FIRST_REFORM_YEAR, METROPOLE_THRESHOLD, METROPOLE_YEAR
from helpers.inputs.codebook import load_codebook
from helpers.inputs.waves import load_wave
from helpers.paths import raw_dir

LAST = demo.YEARS[-1]
# Headline and e-service indicators that rise with maturity, hence year after year.
RISING = ("savings", "driver_elected", "measure_internal_usage", "demat_payment_any", "e_parapheur",
          "projects_underway")


@pytest.fixture(scope="module")
def waves() -> dict[int, demo.DemoWave]:
    return {year: demo.generate_wave(year) for year in range(demo.FIRST_YEAR, LAST + 1)}


def _ids(wave: demo.DemoWave) -> set[str]:
    return set(wave.frame["unit_id"])


def _population(wave: demo.DemoWave) -> dict[str, int]:
    return dict(zip(wave.frame["unit_id"], wave.frame["population"]))


def test_frames_lose_exactly_the_absorbed_units(waves):
    ineligible = set(waves[demo.FIRST_YEAR].frame.loc[waves[demo.FIRST_YEAR].frame["invitation"] == "ineligible",
                                                      "unit_id"])
    for year in range(FIRST_REFORM_YEAR, LAST + 1):
        wave, last = waves[year], waves[year - 1]
        change = wave.truth["frame_changes"][-1]
        assert change["year"] == year and len(change["merged"]) == CA_MERGERS_PER_YEAR
        assert wave.truth["frame_changes"][:-1] == last.truth.get("frame_changes", [])
        absorbed = {m["absorbed"]["unit_id"] for m in change["merged"]}
        absorbers = {m["absorber"]["unit_id"] for m in change["merged"]}
        assert len(absorbed | absorbers) == 2 * CA_MERGERS_PER_YEAR  # no unit merges twice in a year
        assert _ids(wave) == _ids(last) - absorbed
        assert not (absorbed | absorbers) & ineligible
        assert set(wave.frame.loc[wave.frame["invitation"] == "ineligible", "unit_id"]) == ineligible
        now, before = _population(wave), _population(last)
        types = dict(zip(last.frame["unit_id"], last.frame["type"]))
        regions = dict(zip(last.frame["unit_id"], last.frame["region_code"]))
        for merger in change["merged"]:
            absorber, gone = merger["absorber"], merger["absorbed"]
            assert now[absorber["unit_id"]] == merger["population"] == absorber["population"] + gone["population"]
            assert absorber["population"] >= gone["population"]
            assert {types[absorber["unit_id"]], types[gone["unit_id"]]} == {"communaute_agglomeration"}
            assert regions[absorber["unit_id"]] == regions[gone["unit_id"]]
            for unit in (absorber, gone):  # the year's populations: last year's grown by about 0.5%
                assert unit["population"] / before[unit["unit_id"]] == pytest.approx(1.005, abs=0.02)
        absorber_rows = wave.units["unit_id"].isin(absorbers).to_numpy()
        last_maturity = dict(zip(last.units["unit_id"], last.units["maturity"]))
        kept = [last_maturity[uid] for uid in wave.units.loc[absorber_rows, "unit_id"]]
        assert np.corrcoef(kept, wave.units.loc[absorber_rows, "maturity"])[0, 1] > 0.8  # their own maturity, moved on
        assert not absorbed & set(wave.truth["units"])


def test_communautes_urbaines_of_400000_become_metropoles_in_2015(waves):
    before, after = waves[METROPOLE_YEAR - 1].frame, waves[METROPOLE_YEAR].frame
    retyped = waves[METROPOLE_YEAR].truth["frame_changes"][-1]["retyped"]
    large = after["type"].isin(["communaute_urbaine", "metropole"]) & (after["population"] >= METROPOLE_THRESHOLD)
    metropoles = set(after.loc[large, "unit_id"]) - set(before.loc[before["type"] == "metropole", "unit_id"])
    assert metropoles and {r["unit_id"] for r in retyped} == metropoles
    assert set(after.loc[after["unit_id"].isin(metropoles), "type"]) == {"metropole"}
    assert (after.loc[after["type"] == "communaute_urbaine", "population"] < METROPOLE_THRESHOLD).all()
    assert set(before.loc[before["unit_id"].isin(metropoles), "type"]) == {"communaute_urbaine"}
    assert all(r["name"].startswith("Métropole") and r["name_before"].startswith("Communauté urbaine")
               for r in retyped)
    later = waves[LAST].frame
    assert set(later.loc[later["unit_id"].isin(metropoles), "type"]) == {"metropole"}
    assert all(not change["retyped"] for change in waves[LAST].truth["frame_changes"] if change["year"] != METROPOLE_YEAR)
    assert "métropole" in waves[LAST].readme and "absorbed" in waves[LAST].readme


def test_true_frame_shares_rise_over_the_series(waves):
    for indicator in RISING:
        shares = [waves[year].truth["frame_shares"][indicator] for year in range(demo.FIRST_YEAR, LAST + 1)]
        assert shares[-1] > shares[0] + 0.03, (indicator, shares)
    savings = [waves[year].truth["frame_shares"]["savings"] for year in range(demo.FIRST_YEAR, LAST + 1)]
    assert savings == sorted(savings)
    maturity = [waves[year].units["maturity"].mean() for year in range(demo.FIRST_YEAR, LAST + 1)]
    assert np.diff(maturity) == pytest.approx(0.15, abs=0.05)


def test_previous_respondents_complete_again_more_often(waves):
    for year in range(demo.FIRST_YEAR + 1, LAST + 1):
        units, last = waves[year].units, waves[year - 1].units
        before = set(last.loc[last["outcome"] == "complete", "unit_id"])
        invited = units[waves[year].frame["invitation"] == "invited"]
        again = invited["unit_id"].isin(before)
        complete = invited["outcome"] == "complete"
        assert complete[again].mean() > 2 * complete[~again].mean(), year
        assert 0.35 <= (units["unit_id"].isin(before) & (units["outcome"] == "complete")).sum() / len(before) <= 0.65
        assert 0.17 <= (units["outcome"] == "complete").mean() <= 0.24
        if year >= FIRST_REFORM_YEAR:
            panel = waves[year].truth["series"]["panel"]
            assert panel["complete_again"] == (again & complete).sum()
            assert panel["previous_complete"] == units["unit_id"].isin(before).sum()
            assert f"intercept_{year - 1}_respondents" in waves[year].truth["model"]["response"]


def test_wave_files_state_the_demo_calendar():
    for year in demo.YEARS:
        stated = load_wave(year, check_inputs=False).section("fieldwork")
        dates = demo.fieldwork(year)
        assert (stated["start"], stated["end"], tuple(stated["reminders"])) == (
            dates["start"], dates["end"], dates["reminders"]), year
    assert all(day.weekday() < 5 for year in range(2012, 2030)
               for day in (demo.fieldwork(year)["start"], *demo.fieldwork(year)["reminders"]))
    assert demo.fieldwork(2016)["start"].isoformat() == "2016-09-12"  # 10 September 2016 was a Saturday


@pytest.mark.parametrize("year", range(FIRST_REFORM_YEAR, LAST + 1))
def test_committed_waves_go_through_the_cleaning(year):
    """The wave file reads the committed files; every frame unit is kept and the respondents link to it."""
    wave, truth = load_wave(year), demo.read_truth(year)
    cleaned = clean_wave(raw_dir(year) / "frame.csv", raw_dir(year) / "export.csv", load_codebook(wave.codebook_path),
                         wave.section("cleaning"), wave.section("fieldwork"))
    assert len(cleaned.units) == truth["response"]["frame_units"]
    assert cleaned.summary["dispositions"]["ineligible"] == truth["response"]["invitation"]["ineligible"]
    assert truth["response"]["complete"] <= cleaned.summary["respondents"] <= truth["response"]["complete"] + 15
    assert set(cleaned.answers["unit_id"]) <= set(truth["units"])


def test_later_waves_ask_the_2013_questionnaire(waves):
    for year in range(2014, LAST + 1):
        assert demo.wave_codebook(year).path == demo.wave_codebook(2013).path
        assert set(waves[year].truth["frame_shares"]) == set(waves[2013].truth["frame_shares"])
    assert demo.wave_codebook(LAST + 1).path == demo.wave_codebook(LAST).path  # no wave file: the last one's


def test_a_year_after_the_committed_waves(waves):
    wave = demo.generate_wave(LAST + 1)
    absorbed = {m["absorbed"]["unit_id"] for m in wave.truth["frame_changes"][-1]["merged"]}
    assert _ids(wave) == _ids(waves[LAST]) - absorbed
    assert wave.truth["fieldwork"]["start"] == demo.fieldwork(LAST + 1)["start"].isoformat()


def test_an_external_frame_goes_through_the_series(waves):
    frame = waves[demo.FIRST_YEAR].frame.sample(300, random_state=2)
    wave = demo.generate_wave(2015, frame=frame)
    absorbed = {m["absorbed"]["unit_id"] for change in wave.truth["frame_changes"] for m in change["merged"]}
    assert _ids(wave) == set(frame["unit_id"]) - absorbed
    assert (wave.frame["invitation"].to_numpy()
            == frame.set_index("unit_id").loc[wave.frame["unit_id"], "invitation"].to_numpy()).all()


def test_years_before_the_first_wave_are_refused(capsys):
    from helpers.__main__ import main

    with pytest.raises(SystemExit) as stop:
        main(["demo", "--year", "2011"])
    assert stop.value.code == 2
    assert "starts in 2012" in capsys.readouterr().err
    with pytest.raises(ValueError, match="2012 or later"):
        demo.generate_wave(2011)
