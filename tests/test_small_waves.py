"""Small waves and empty groups (issue 13 §5, issue 16 item 5): the analysis stops below what it can publish,
saying so in the wave's terms, and a group without unit of known eligibility is marked, not fatal.

The respondents of a demo export are dropped in a copy of its raw folder (``data/raw`` is never changed).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers import paths
from helpers.cleaning.clean import clean_wave
from helpers.errors import InputError
from helpers.inputs.codebook import load_codebook
from helpers.inputs.waves import load_wave, wave_path
from helpers.steps.auxvars import add_auxiliary
from helpers.steps.respondents import check_respondents
from helpers.survey import aapor

YEAR = 2012
COMPLETE = ";Compl\xe8te;".encode("cp1252")


def keep_respondents(raw: Path, count: int) -> Path:
    """Copy the demo raw folder to ``raw`` with only the first ``count`` complete submissions of its export that
    give a well-formed SIREN (the others may be test submissions or unlinkable)."""
    shutil.copytree(paths.raw_dir(YEAR), raw)
    lines = (raw / "export.csv").read_bytes().split(b"\n")
    complete = [line for line in lines[1:] if COMPLETE in line and re.fullmatch(rb"\d{9}", line.split(b";")[3])]
    complete = complete[:count]
    (raw / "export.csv").write_bytes(b"\n".join([lines[0], *complete]) + b"\n")
    return raw


def _units(raw: Path):
    wave = load_wave(YEAR, raw_dir=raw)
    cleaned = clean_wave(raw / "frame.csv", raw / "export.csv", load_codebook(), wave.section("cleaning"),
                         wave.section("fieldwork"))
    return wave, add_auxiliary(cleaned.units)


def test_no_respondent_stops_the_cleaning_naming_the_export(tmp_path):
    raw = keep_respondents(tmp_path / "raw", 0)
    with pytest.raises(InputError, match="export.csv: .*no submission"):
        _units(raw)


@pytest.mark.parametrize("count", [1, 2])
def test_fewer_respondents_than_the_report_may_show_stop_the_analysis(tmp_path, count):
    raw = keep_respondents(tmp_path / "raw", count)
    wave, units = _units(raw)
    message = (rf"export.csv: wave 2012 has {count} respondent\(s\) \(complete or partial interviews\) of "
               rf"{len(units)} units: the analysis needs at least 5, because no figure may rest on fewer than "
               r"report.small_cell_threshold \(5\) respondents")
    with pytest.raises(InputError, match=message):
        check_respondents(units, wave, raw / "export.csv")


@pytest.mark.parametrize("count", [5, 12])
def test_without_the_collapsing_rule_a_cell_of_fewer_than_two_respondents_stops_naming_the_cells(tmp_path, count):
    raw = keep_respondents(tmp_path / "raw", count)
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    spec["weighting"]["collapse"] = None
    (tmp_path / "wave.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    _, units = _units(raw)
    wave = load_wave(YEAR, tmp_path / "wave.yaml", raw)
    message = (rf"export.csv: wave 2012 has {count} respondents, but weighting cells of weighting.cells "
               r"\['type_group'\] hold fewer than two respondents or non-respondents: .*cu_metropole \(0 "
               r"respondent\(s\), .*the bootstrap of step 03 .* pool the cells \(weighting.collapse")
    with pytest.raises(InputError, match=message):
        check_respondents(units, wave, raw / "export.csv")


@pytest.mark.parametrize("count", [5, 12])
def test_with_the_collapsing_rule_a_wave_with_thin_cells_goes_on(tmp_path, count):
    raw = keep_respondents(tmp_path / "raw", count)
    wave, units = _units(raw)
    assert check_respondents(units, wave, raw / "export.csv") == count


def test_a_rule_no_pooling_can_meet_stops_naming_it(tmp_path):
    raw = keep_respondents(tmp_path / "raw", 12)
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    spec["weighting"]["collapse"] = {"min_respondents": 13}
    (tmp_path / "wave.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    _, units = _units(raw)
    wave = load_wave(YEAR, tmp_path / "wave.yaml", raw)
    with pytest.raises(InputError, match=r"wave 2012: weighting cells \(type_group\): all classes pooled still fail "
                                         r"the collapsing rule \(12 respondent\(s\), fewer than 13\)"):
        check_respondents(units, wave, raw / "export.csv")


def test_the_whole_demo_wave_goes_on():
    raw = paths.raw_dir(YEAR)
    wave, units = _units(raw)
    assert check_respondents(units, wave, raw / "export.csv") == int(units["respondent"].sum()) > 100


def test_the_minimum_follows_the_wave_s_small_cell_threshold(tmp_path):
    raw = keep_respondents(tmp_path / "raw", 12)
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    spec["report"]["small_cell_threshold"] = 20
    (tmp_path / "wave.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    wave, units = _units(raw)
    wave = load_wave(YEAR, tmp_path / "wave.yaml", raw)
    with pytest.raises(InputError, match="has 12 respondent.*needs at least 20"):
        check_respondents(units, wave, raw / "export.csv")


def test_response_rates_by_group_go_on_when_a_group_has_no_unit_of_known_eligibility(tmp_path):
    """Issue 16.5's scenario: 12 respondents leave région groups whose every unit is of unknown eligibility."""
    raw = keep_respondents(tmp_path / "raw", 12)
    wave, units = _units(raw)
    for variable in wave.section("response_rates")["groupings"]:
        table = aapor.aapor_rates_by(units, disposition="disposition", by=variable).xs("RR2", level="rate")
        assert table["rate"].notna().all()
    table = aapor.aapor_rates_by(units, disposition="disposition", by="region_group")
    unknown_only = table.xs("RR3", level="rate")["known_eligibility"] == 0
    assert unknown_only.any(), "the scenario needs a group of unknown eligibility only"
    assert table.xs("RR3", level="rate")["rate"][unknown_only].isna().all()


def _wave_with(tmp_path: Path, groupings) -> Path:
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    spec["response_rates"] = {"groupings": groupings}
    path = tmp_path / "wave.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_response_rate_groupings_are_a_wave_setting(tmp_path):
    wave = load_wave(YEAR, _wave_with(tmp_path, ["tier", "political_bloc"]))
    assert wave.section("response_rates")["groupings"] == ["tier", "political_bloc"]
    assert load_wave(YEAR).section("response_rates")["groupings"] == ["type_group", "size_band", "region_group"]


@pytest.mark.parametrize("groupings, message", [
    (["type_group", "nuts"], r"'response_rates.groupings' holds 'nuts'; expected one of \['type_group'"),
    (["tier", "tier"], r"'response_rates.groupings' is \['tier', 'tier'\]; expected each value once"),
    ([], r"expected a non-empty list"),
])
def test_bad_groupings_are_refused_naming_the_key(tmp_path, groupings, message):
    with pytest.raises(InputError, match=message):
        load_wave(YEAR, _wave_with(tmp_path, groupings))


@pytest.fixture(scope="module")
def setup():
    from helpers.demo import simulation
    return simulation.make_setup()


def test_a_primary_weighting_this_response_cannot_give_is_named_with_the_methods_it_can(setup, monkeypatch):
    """Waves of 5 and 12 respondents pass the respondent check, and raking did not converge on them in step 02
    (``rake: no convergence after 1000 cycles``, a function's words): the step now says it of the wave's setting
    and names the methods this response allows. Raking is made to fail here as it did on those waves."""
    from helpers.steps.adjustment import build_weighting
    from helpers.survey.estimation import Design

    def no_convergence(self, margins):
        raise ValueError("rake: no convergence after 1000 cycles (largest change 91.9)")

    monkeypatch.setattr(Design, "rake", no_convergence)
    population = setup.population.assign(
        respondent=(setup.wave.units["outcome"].to_numpy() == "complete")[
            (setup.wave.frame["invitation"] != "ineligible").to_numpy()])
    data = population[population["respondent"]].join(setup.values)
    with pytest.raises(ValueError) as caught:
        build_weighting(population, data, {**setup.settings, "primary": "raking"})
    message = str(caught.value)
    assert message.startswith(f"weighting.primary 'raking' cannot be built on the wave's {len(data)} respondent(s) "
                              f"of {len(population)} units (rake: no convergence after 1000 cycles")
    usable = re.search(r"set weighting.primary to one of (\[.*\]), the methods this response allows", message)
    assert usable and "'raking'" not in usable[1] and "'cell'" in usable[1]
    for method in eval(usable[1]):  # noqa: S307  a list of names the message printed
        assert method in build_weighting(population, data, {**setup.settings, "primary": method}).designs


def test_the_2012_wave_without_its_nord_respondents_marks_the_nord_group_and_goes_on(tmp_path):
    """Issue 16.5's own scenario: without its four Nord respondents the Nord région group has no unit of known
    eligibility; its RR2 is 0, its RR3 not estimated, and the other groups keep their estimate of e."""
    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_dir(YEAR), raw)
    frame = (raw / "frame.csv").read_text(encoding="utf-8").splitlines()
    nord = {row.split(",")[0] for row in frame[1:] if row.split(",")[6] == "31"}
    lines = (raw / "export.csv").read_bytes().split(b"\n")
    kept = [line for line in lines if line.split(b";")[3:4] not in ([unit.encode()] for unit in nord)]
    assert len(lines) - len(kept) == 4
    (raw / "export.csv").write_bytes(b"\n".join(kept))
    _, units = _units(raw)
    table = aapor.aapor_rates_by(units, disposition="disposition", by="region_group")
    rr3 = table.xs("RR3", level="rate")
    assert rr3.at["Nord", "known_eligibility"] == 0 and pd.isna(rr3.at["Nord", "rate"])
    assert table.xs("RR2", level="rate").at["Nord", "rate"] == 0
    assert rr3.drop(index="Nord")["rate"].notna().all()
