"""Fieldwork and level of effort: the response curve, cumulative estimates, the trend test, early against late
respondents, break-offs, the demo's submission-time model and exports without usable times."""

from __future__ import annotations

import csv
import io
import json
import shutil

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml

from helpers import report
from helpers.cleaning.clean import clean_wave, write_cleaned
from helpers.cleaning.processed import read_answers, read_units
from helpers.demo import model
from helpers.demo.response import contact_days, cumulative_hazard, draw_days, promptness
from helpers.errors import InputError
from helpers.inputs.codebook import load_codebook
from helpers.inputs.waves import load_wave, wave_path
from helpers.paths import ROOT, raw_dir
from helpers.steps import fieldwork
from helpers.steps.adjustment import build_weighting
from helpers.steps.auxvars import add_auxiliary
from helpers.steps.indicators import estimate_shares, indicator_values
from helpers.survey import aapor
from helpers.survey.effort import cumulative_response, linear_trend
from helpers.survey.estimation import Design

from conftest import YEAR, run_cli


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def wave():
    return load_wave(YEAR)


def _cleaned(tmp_path_factory, wave, codebook, export=None):
    folder = tmp_path_factory.mktemp("processed")
    source = raw_dir(YEAR)
    cleaned = clean_wave(source / "frame.csv", export or source / "export.csv", codebook, wave.section("cleaning"),
                         wave.section("fieldwork"))
    write_cleaned(cleaned, codebook, folder)
    return add_auxiliary(read_units(folder)), read_answers(folder)


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory, wave, codebook):
    return _cleaned(tmp_path_factory, wave, codebook)


@pytest.fixture(scope="module")
def timing(cleaned, wave):
    return fieldwork.fieldwork_timing(cleaned[0], wave.as_parameters()["fieldwork"])


def test_timing_of_the_demo_wave(timing, cleaned):
    units = cleaned[0]
    assert timing.available and timing.effort_available and timing.message == ""
    assert list(timing.contacts["contact"]) == ["invitation", "reminder 1", "reminder 2"]
    assert set(timing.level.index) == set(units.index[units["respondent"]])
    assert timing.levels == [0, 1, 2] and set(timing.level) == {0, 1, 2}
    reminder = pd.Timestamp("2012-10-01")
    days = pd.to_datetime(units.loc[timing.level.index, "submitted_at"])
    assert ((days >= reminder) == (timing.level >= 1)).all()


def test_curve_final_point_equals_rr2_of_the_dispositions(cleaned, timing):
    units = cleaned[0]
    curve = fieldwork.response_curve(units, timing, by="type_group")
    rates = aapor.aapor_rates(aapor.count_dispositions(units, "disposition"))
    assert curve.loc["all"]["rate"].iloc[-1] == pytest.approx(rates.at["RR2", "rate"], abs=1e-12)
    by_type = aapor.aapor_rates_by(units, disposition="disposition", by="type_group").xs("RR2", level="rate")
    for group, rate in by_type["rate"].items():
        assert curve.loc[group]["rate"].iloc[-1] == pytest.approx(rate, abs=1e-12)
    assert curve.loc["all"]["rate"].is_monotonic_increasing
    gains = fieldwork.contact_gains(curve, timing)
    assert gains["respondents"].sum() == units["respondent"].sum()
    assert gains["share_of_respondents"].sum() == pytest.approx(1)
    assert gains["rate_after"].iloc[-1] == pytest.approx(rates.at["RR2", "rate"])


def test_cumulative_estimates_at_the_final_level_equal_the_main_estimates(cleaned, timing, wave, codebook):
    units, answers = cleaned
    population = units[units["disposition"] != "ineligible"]
    settings = wave.section("weighting")
    data = population[population["respondent"]].join(indicator_values(answers, codebook))
    headline = [i for i, spec in codebook.indicators.items() if spec.headline]
    cumulative, gaps = fieldwork.cumulative_estimates(population, data, timing, settings, headline)
    assert gaps == {}
    main = build_weighting(population, data, settings)
    final = timing.levels[-1]
    for estimator, method in (("unweighted", "unweighted"), ("weighted", settings["primary"])):
        expected = estimate_shares(main.designs[method], headline)
        got = cumulative.xs((final, estimator), level=("effort_level", "estimator"))[expected.columns]
        pd.testing.assert_frame_equal(got, expected, rtol=1e-12)
    first = cumulative.xs((0, "unweighted"), level=("effort_level", "estimator"))
    assert (first["respondents"] == (timing.level == 0).sum()).all()
    assert (first["n"] <= first["respondents"]).all()


def test_linear_trend_equals_weighted_least_squares_with_the_svyglm_sandwich():
    rng = np.random.default_rng(5)
    n = 60
    data = pd.DataFrame({"y": (rng.random(n) < 0.4).astype(float), "w": rng.uniform(0.5, 3, n)})
    effort = rng.integers(0, 3, n).astype(float)
    trend = linear_trend(Design(data, "w"), "y", effort)
    fit = sm.WLS(data["y"], sm.add_constant(effort), weights=data["w"]).fit(cov_type="HC0")
    assert trend.slope == pytest.approx(fit.params.iloc[1], rel=1e-10)
    # svyglm with weights only: the HC0 sandwich times sqrt(n / (n - 1)).
    assert trend.se == pytest.approx(fit.bse.iloc[1] * np.sqrt(n / (n - 1)), rel=1e-8)
    assert trend.df == n - 2 and trend.n == n
    # Missing answers are left out of the fit, their units kept at zero influence (a domain, as Design.mean).
    data.loc[[3, 7], "y"] = np.nan
    partial = linear_trend(Design(data, "w"), "y", effort)
    keep = data["y"].notna().to_numpy()
    refit = sm.WLS(data["y"][keep], sm.add_constant(effort[keep]), weights=data["w"][keep]).fit(cov_type="HC0")
    assert partial.slope == pytest.approx(refit.params.iloc[1], rel=1e-10)
    assert partial.se == pytest.approx(refit.bse.iloc[1] * np.sqrt(n / (n - 1)), rel=1e-8)
    assert partial.df == keep.sum() - 2
    with pytest.raises(ValueError, match="fewer than two distinct values"):
        linear_trend(Design(data, "w"), "y", np.zeros(n))


def test_cumulative_response_refuses_days_outside_fieldwork():
    curve = cumulative_response(pd.Series([0, 0, 2]), 10, 3)
    assert list(curve["respondents"]) == [2, 2, 3, 3] and curve["rate"].iloc[-1] == pytest.approx(0.3)
    with pytest.raises(ValueError, match="between 0 and 3"):
        cumulative_response(pd.Series([4]), 10, 3)


def test_early_late_and_break_offs(cleaned, timing, codebook):
    units, answers = cleaned
    population = units[units["disposition"] != "ineligible"]
    values = indicator_values(answers, codebook)
    headline = [i for i, spec in codebook.indicators.items() if spec.headline]
    comparison = fieldwork.early_late(population, values.loc[population.index[population["respondent"]]], timing,
                                      headline)
    assert comparison.counts == {"early": int((timing.level == 0).sum()), "late": int((timing.level > 0).sum()),
                                 "nonrespondents": int((~population["respondent"]).sum())}
    shares = comparison.frame.drop(index="log_population", level="variable")
    assert shares[["early", "late", "nonrespondents"]].groupby(level="variable").sum().to_numpy() == \
        pytest.approx(100)
    early = values.loc[timing.level.index[timing.level == 0], "savings"]
    assert comparison.indicators.at["savings", "early"] == pytest.approx(early.mean())
    stops = fieldwork.break_offs(units, codebook)
    stopped = units["disposition_detail"].isin(["partial", "break_off"])
    assert stops["break_offs"].sum() == stopped.sum() > 0
    assert stops["position"].is_monotonic_increasing


def test_demo_times_follow_the_model():
    rng = np.random.default_rng(1)
    maturity = rng.standard_normal(20_000)
    days = draw_days(rng, 2012, promptness(maturity))
    length = (model.fieldwork(2012)["end"] - model.fieldwork(2012)["start"]).days + 1
    assert days.min() >= 0 and days.max() < length
    level = np.searchsorted(contact_days(2012), days, side="right") - 1
    means = [maturity[level == k].mean() for k in range(3)]
    assert means[0] > means[1] > means[2], "more mature authorities answer sooner"
    # Each reminder raises the hazard: the cumulative hazard steepens right after it.
    for day in contact_days(2012)[1:]:
        before = cumulative_hazard(2012, day) - cumulative_hazard(2012, day - 1)
        after = cumulative_hazard(2012, day + 1) - cumulative_hazard(2012, day)
        assert after > 3 * before


def test_demo_truth_records_the_times(wave):
    truth = json.loads((raw_dir(YEAR).parents[1] / "demo_truth" / f"{YEAR}.json").read_text(encoding="utf-8"))
    assert truth["fieldwork"]["reminders"] == [d.isoformat() for d in wave.section("fieldwork")["reminders"]]
    assert truth["fieldwork"]["start"] == wave.section("fieldwork")["start"].isoformat()
    assert truth["fieldwork"]["end"] == wave.section("fieldwork")["end"].isoformat()
    counts = [level["complete"] for level in truth["fieldwork"]["complete_by_effort_level"].values()]
    assert sum(counts) == truth["response"]["complete"]
    answered = [unit for unit in truth["units"].values() if unit["outcome"] != "none"]
    assert all(unit["response_day"] is not None for unit in answered)


def _config(tmp_path, **fieldwork_keys):
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    spec["fieldwork"].update(fieldwork_keys)
    path = tmp_path / "wave.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


@pytest.mark.parametrize("keys, message", [
    ({"reminders": ["2012-12-01"]}, "outside fieldwork"),
    ({"reminders": ["2012-10-22", "2012-10-01"]}, "increasing order"),
    ({"reminders": ["2012-09-10"]}, "not after the first invitation"),
    ({"invitations": ["2012-09-12"]}, "first batch on the first day"),
    ({"reminders": "2012-10-01"}, "expected a list"),
])
def test_contact_dates_are_validated(tmp_path, keys, message):
    keys = {k: [pd.Timestamp(d).date() for d in v] if isinstance(v, list) else v for k, v in keys.items()}
    with pytest.raises(InputError, match=message):
        load_wave(YEAR, _config(tmp_path, **keys), check_inputs=False)


def test_contact_dates_default():
    spec = load_wave(YEAR, check_inputs=False).section("fieldwork")
    assert spec["invitations"] == [spec["start"]]
    assert len(spec["reminders"]) == 2


def _rewritten_export(source, target, codebook, edit):
    """``source`` (the demo export) written to ``target`` with its rows passed through ``edit(rows, column)``,
    ``column`` being the position of the submission time."""
    text = source.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    column = rows[0].index(codebook.export.columns["submitted_at"])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(edit(rows, column))
    target.write_bytes(buffer.getvalue().encode("cp1252"))


def _blank_times(source, target, codebook, keep=lambda row: ""):
    def blank(rows, column):
        return [rows[0], *(row[:column] + [keep(row[column])] + row[column + 1:] for row in rows[1:])]
    _rewritten_export(source, target, codebook, blank)


def test_export_without_times_is_cleaned_and_the_analysis_says_why(tmp_path, tmp_path_factory, wave, codebook):
    export = tmp_path / "export.csv"
    _blank_times(raw_dir(YEAR) / "export.csv", export, codebook)
    units, _ = _cleaned(tmp_path_factory, wave, codebook, export)
    timing = fieldwork.fieldwork_timing(units, wave.as_parameters()["fieldwork"])
    assert not timing.available and not timing.effort_available
    respondents = int(units["respondent"].sum())
    assert f"{respondents} of {respondents} respondents have no submission time" in timing.message
    assert timing.missing == respondents and timing.outside == 0
    assert not fieldwork.break_offs(units, codebook).empty


def _without_time_column(source, target, codebook):
    _rewritten_export(source, target, codebook, lambda rows, column: [row[:column] + row[column + 1:] for row in rows])


def test_an_export_with_no_time_column_is_cleaned_and_logged(tmp_path, wave, codebook, cleaned):
    export = tmp_path / "export.csv"
    _without_time_column(raw_dir(YEAR) / "export.csv", export, codebook)
    without = clean_wave(raw_dir(YEAR) / "frame.csv", export, codebook, wave.section("cleaning"),
                         wave.section("fieldwork"))
    absent = without.log[without.log["action"] == "column_absent"]
    assert absent["column"].tolist() == [codebook.export.columns["submitted_at"]]
    assert "fieldwork analysis is left out" in absent["detail"].iloc[0]
    write_cleaned(without, codebook, tmp_path / "processed")
    units = read_units(tmp_path / "processed")
    assert units["respondent"].sum() == cleaned[0]["respondent"].sum(), "every submission is kept"
    timing = fieldwork.fieldwork_timing(units, wave.as_parameters()["fieldwork"])
    assert not timing.available and timing.missing == units["respondent"].sum()


def test_times_outside_fieldwork_are_named(tmp_path, tmp_path_factory, wave, codebook):
    export = tmp_path / "export.csv"
    _blank_times(raw_dir(YEAR) / "export.csv", export, codebook,
                 keep=lambda when: when.replace("10/09/2012", "08/09/2012", 1))  # within the cleaning's tolerance
    units, _ = _cleaned(tmp_path_factory, wave, codebook, export)
    timing = fieldwork.fieldwork_timing(units, wave.as_parameters()["fieldwork"])
    assert not timing.available and timing.outside > 0
    assert "answered outside fieldwork (2012-09-10 to 2012-11-16; e.g." in timing.message


@pytest.mark.pipeline
def test_a_run_on_an_export_without_times_succeeds_and_the_report_says_so(tmp_path, codebook):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(raw_dir(YEAR) / "frame.csv", raw / "frame.csv")
    _blank_times(raw_dir(YEAR) / "export.csv", raw / "export.csv", codebook)
    out = tmp_path / "out"
    result = run_cli("--out-dir", str(out), "--raw-dir", str(raw))
    assert result.returncode == 0, result.stderr
    results = json.loads((out / "reports" / str(YEAR) / "results.json").read_text(encoding="utf-8"))
    assert results["fieldwork"]["available"] is False
    assert results["fieldwork"]["respondents_without_time"] == results["cleaning"]["respondents"]
    notebook = (out / "reports" / str(YEAR) / "02_response_bias.ipynb").read_text(encoding="utf-8")
    assert "have no submission time in the export" in notebook
    for name, text in (("report.html", "n'ont pas d'heure de soumission"),
                       ("report.en.html", "have no submission time in the export")):
        assert text in (out / "reports" / str(YEAR) / name).read_text(encoding="utf-8")



def test_validation_effort_analysis_ends_at_the_main_estimates():
    from helpers.demo import simulation

    setup = simulation.make_setup()
    seed = simulation.replicate_seeds(simulation.DEFAULT_SEED, 1)[0]
    effort = simulation.run_effort_replicate(setup, 0, seed)
    estimates, _ = simulation.run_replicate(setup, 0, seed)
    final = effort[effort["effort_level"] == effort["effort_level"].max()]
    primary = setup.settings["primary"]
    for estimator, method in (("unweighted", "unweighted"), ("weighted", primary)):
        ours = final[final["estimator"] == estimator].set_index(["mechanism", "indicator"])["estimate"]
        main = estimates[estimates["estimator"] == method].set_index(["mechanism", "indicator"])["estimate"]
        pd.testing.assert_series_equal(ours.sort_index(), main.sort_index(), rtol=1e-12, check_names=False)
    summary = simulation.summarise_effort(effort, setup.truth)
    assert {"bias", "bias_mc_se", "move_towards_truth", "move_mc_se"} <= set(summary.columns)
    assert (summary.xs(0, level="effort_level")["move_towards_truth"] == 0).all()


def test_linear_trend_agrees_with_r_svyglm(reference_dir):
    """``tests/r/effort_trend.R``: svyglm(y ~ effort) on apistrat, stratified with fpc, raked, raked with missing y."""
    expected = pd.read_csv(ROOT / "tests" / "r" / "results" / "effort_trend.csv")
    api = pd.read_csv(reference_dir / "apistrat.csv")
    pop = pd.read_csv(reference_dir / "apipop.csv")
    api["y"] = (api["sch.wide"] == "Yes").astype(float)
    effort = np.floor(api["meals"] / 34).to_numpy(dtype=float)
    awards = {"awards": pop["awards"].value_counts()}
    missing = api.assign(y=api["y"].where(~api.index.isin([2, 16, 39, 100])))
    designs = {"stratified": Design(api, "pw", strata="stype", fpc="fpc"),
               "raked": Design(api, "pw", strata="stype", fpc="fpc").rake(awards),
               "raked_missing": Design(missing, "pw", strata="stype", fpc="fpc").rake(awards)}
    for case, design in designs.items():
        trend = linear_trend(design, "y", effort)
        r = expected[expected["case"] == case].set_index("quantity")["value"]
        assert trend.slope == pytest.approx(r["slope"], rel=1e-8, abs=1e-12)
        assert trend.se == pytest.approx(r["se"], rel=1e-8)
        assert trend.p_value == pytest.approx(r["p_value"], rel=1e-8)
        assert trend.df == r["df"]


def test_a_trend_without_p_value_is_shown_as_a_dash(demo_run_2012, tmp_path):
    """2014's demo wave: no complete respondent said costs increased, so the slope and its SE are 0 and p is None."""
    shutil.copytree(demo_run_2012 / "reports" / str(YEAR), tmp_path / str(YEAR))
    path = tmp_path / str(YEAR) / "results.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    indicator = results["response_bias"]["headline"][0]
    results["fieldwork"]["trends"]["weighted"][indicator].update(slope=0.0, se=0.0, ci_low=0.0, ci_high=0.0,
                                                                 p_value=None)
    path.write_text(json.dumps(results), encoding="utf-8")
    setup = report.start(YEAR, reports_dir=tmp_path / str(YEAR))
    table, _ = report.effort_trend_table(setup)
    row = table.iloc[0]
    assert row.iloc[0] == setup.labels[indicator]
    assert row.iloc[-1] == "–" and row.iloc[3] == report.points(0.0)


def test_a_wave_whose_respondents_all_answered_before_the_first_reminder_shows_only_the_curve(cleaned, wave):
    """A wave of 12 respondents, all early, stopped step 02 with 'late: levels [False]; a t test needs exactly
    two': the effort comparison is left out, saying why."""
    units = cleaned[0].copy()
    respondents = units.index[units["respondent"]]
    early = pd.to_datetime(units.loc[respondents, "submitted_at"]) < pd.Timestamp("2012-10-01")
    units.loc[respondents[~early.to_numpy()][1:], "respondent"] = False  # one late respondent left
    timing = fieldwork.fieldwork_timing(units, wave.as_parameters()["fieldwork"])
    assert timing.available and not timing.effort_available
    assert timing.message == (f"{int(early.sum())} respondent(s) answered before the first reminder and 1 after: the "
                              "level-of-effort comparison needs at least 2 of each, so only the response curve is "
                              "shown.")
