"""Validation of the wave configuration files."""

import pytest
import yaml

from helpers.errors import InputError
from helpers.inputs.waves import SCHEMA, load_wave
from helpers.paths import WAVES_DIR


def _write(tmp_path, spec):
    path = tmp_path / "wave.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def spec():
    return yaml.safe_load((WAVES_DIR / "2012.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("year", [2012, 2013])
def test_shipped_waves_load(year):
    wave = load_wave(year)
    assert wave.year == year
    assert wave.settings["demo"] is True
    assert wave.as_parameters()["fieldwork"]["start"].startswith(str(year))


def test_defaults_fill_missing_optional_keys(tmp_path, spec):
    del spec["cleaning"]
    wave = load_wave(2012, _write(tmp_path, spec))
    assert wave.section("cleaning") == {key: rule.default for key, rule in SCHEMA["cleaning"].items()}


def test_misspelt_key_is_named(tmp_path, spec):
    spec["cleaning"]["complete_treshold"] = 0.8
    with pytest.raises(InputError, match=r"column 'cleaning.complete_treshold': unknown key"):
        load_wave(2012, _write(tmp_path, spec))


def test_unknown_top_level_key_is_named(tmp_path, spec):
    spec["yaer"] = 2012
    with pytest.raises(InputError, match="unknown key 'yaer'"):
        load_wave(2012, _write(tmp_path, spec))


@pytest.mark.parametrize("section, key, value, expected", [
    (None, "year", "2012", "an integer"),
    (None, "demo", "yes please", "true or false"),
    ("cleaning", "partial_threshold", "half", "a number"),
    ("fieldwork", "start", "soon", "a date"),
    ("run", "cell_timeout_seconds", True, "an integer"),
])
def test_wrong_type_is_named(tmp_path, spec, section, key, value, expected):
    (spec[section] if section else spec)[key] = value
    name = f"{section}.{key}" if section else key
    with pytest.raises(InputError, match=rf"key '{name}' is .*expected {expected}"):
        load_wave(2012, _write(tmp_path, spec))


def test_missing_required_key(tmp_path, spec):
    del spec["title"]
    with pytest.raises(InputError, match="missing required key 'title'"):
        load_wave(2012, _write(tmp_path, spec))


def test_year_must_match_the_run(tmp_path, spec):
    with pytest.raises(InputError, match="the run is for 2013"):
        load_wave(2013, _write(tmp_path, spec), check_inputs=False)


def test_thresholds_must_be_ordered(tmp_path, spec):
    spec["cleaning"]["partial_threshold"] = 0.9
    with pytest.raises(InputError, match="partial_threshold <= complete_threshold"):
        load_wave(2012, _write(tmp_path, spec))


def test_missing_raw_input_names_the_path(tmp_path, spec):
    with pytest.raises(InputError, match=r"raw input 'frame' not found at .*frame\.csv"):
        load_wave(2012, _write(tmp_path, spec), raw_dir=tmp_path)


def test_missing_configuration_file(tmp_path):
    with pytest.raises(InputError, match="no configuration for wave 1999"):
        load_wave(1999)


def test_delta_grid_must_hold_the_values_the_report_states(tmp_path, spec):
    spec["estimation"]["delta_grid"] = [0.5, 2.0]
    with pytest.raises(InputError, match=r"column 'estimation.delta_grid': .*including 0.5, 1.0 and 2.0"):
        load_wave(2012, _write(tmp_path, spec))


def test_primary_method_must_be_one_the_bootstrap_can_redo(tmp_path, spec):
    spec["weighting"]["primary"] = "propensity"
    with pytest.raises(InputError, match=r"'weighting.primary' holds 'propensity'; expected one of"):
        load_wave(2012, _write(tmp_path, spec))


def test_variance_method_defaults_to_linearisation_and_takes_only_known_methods(tmp_path, spec):
    assert load_wave(2012, _write(tmp_path, spec), check_inputs=False).section("estimation")["variance"] == \
        "linearisation"
    spec["estimation"]["variance"] = "jackknife"
    assert load_wave(2012, _write(tmp_path, spec), check_inputs=False).section("estimation")["variance"] == \
        "jackknife"
    spec["estimation"]["variance"] = "brr"
    with pytest.raises(InputError, match=r"'estimation.variance' holds 'brr'; expected one of \['linearisation', "
                                         r"'jackknife', 'bootstrap'\]"):
        load_wave(2012, _write(tmp_path, spec))


@pytest.mark.parametrize("replicates", [49, 5001])
def test_bootstrap_replicates_must_be_in_range(tmp_path, spec, replicates):
    spec["estimation"]["bootstrap_replicates"] = replicates
    with pytest.raises(InputError, match=rf"estimation.bootstrap_replicates.*{replicates}; expected 50 to 5000"):
        load_wave(2012, _write(tmp_path, spec), check_inputs=False)
