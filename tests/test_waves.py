"""Validation of the wave configuration files."""

import re

import pytest
import yaml

from helpers.errors import InputError
from helpers.inputs.waves import WaveSettings, load_wave
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
    defaults = WaveSettings.model_fields["cleaning"].default_factory().model_dump()
    assert wave.section("cleaning") == defaults == {"complete_threshold": 0.8, "partial_threshold": 0.5,
                                                    "fuzzy_name_cutoff": 0.9, "population_unknown": []}


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
    with pytest.raises(InputError, match=r"'weighting.primary' is 'propensity'; expected one of"):
        load_wave(2012, _write(tmp_path, spec))


@pytest.mark.parametrize("section, key, value, expected", [
    # Issue 13 section 3: each was accepted at load and failed minutes later, or never.
    ("estimation", "confidence_level", 95, "a number > 0 and < 1"),
    ("models", "bootstrap_replicates", 0, "an integer >= 100"),
    ("weighting", "trim_ratio", 0.9, "a number > 1"),
    ("models", "imputations", 1, "an integer >= 2"),
    ("run", "cell_timeout_seconds", 0, "an integer > 0"),
    ("cleaning", "fuzzy_name_cutoff", 1.5, "a number > 0 and <= 1"),
    ("report", "small_cell_threshold", 0, "an integer >= 1"),
    ("models", "seed", -1, "an integer >= 0"),
    ("models", "power_odds_ratios", [], "a non-empty list"),
    (None, "year", 12, "an integer >= 2000 and <= 2100"),
    (None, "title", "", "a string not empty"),
    # Every number has an upper bound too.
    ("models", "imputations", 100_000, "an integer >= 2 and <= 200"),
    ("models", "bootstrap_replicates", 10**9, "an integer >= 100 and <= 10000"),
    ("run", "cell_timeout_seconds", 10**9, "an integer > 0 and <= 86400"),
    ("report", "small_cell_threshold", 500, "an integer >= 1 and <= 100"),
    ("weighting", "trim_ratio", 1e6, "a number > 1 and <= 100"),
    ("models", "seed", 2**40, "an integer >= 0 and <= 4294967295"),
])
def test_value_outside_its_range_is_refused_naming_key_value_and_range(tmp_path, spec, section, key, value,
                                                                        expected):
    (spec[section] if section else spec)[key] = value
    name = f"{section}.{key}" if section else key
    with pytest.raises(InputError, match=rf"column '{re.escape(name)}': key '{re.escape(name)}' is "
                                         rf"{re.escape(repr(value))}; expected {re.escape(expected)}"):
        load_wave(2012, _write(tmp_path, spec), check_inputs=False)


def test_bad_values_are_refused_before_the_first_step(tmp_path, spec, monkeypatch, capsys):
    """``python -m helpers run`` stops at the wave file, exit status 2: no notebook starts, nothing is written."""
    from helpers import __main__ as cli
    from helpers.run import pipeline

    spec["models"]["bootstrap_replicates"] = 0
    spec["estimation"]["confidence_level"] = 95
    monkeypatch.setattr(pipeline, "execute_notebook", lambda *args, **kwargs: pytest.fail("a notebook started"))
    out = tmp_path / "out"
    status = cli.main(["run", "--year", "2012", "--config", str(_write(tmp_path, spec)), "--out-dir", str(out)])
    error = capsys.readouterr().err
    assert status == 2
    assert "key 'models.bootstrap_replicates' is 0; expected an integer >= 100" in error
    assert "key 'estimation.confidence_level' is 95; expected a number > 0 and < 1" in error
    assert "Traceback" not in error and not out.exists()


def test_every_problem_is_listed_at_once(tmp_path, spec):
    spec["estimation"]["confidence_level"] = 95
    spec["models"]["imputations"] = 1
    spec["cleaning"]["complete_treshold"] = 0.8
    spec["weighting"]["cells"] = ["type_group", "county"]
    with pytest.raises(InputError) as caught:
        load_wave(2012, _write(tmp_path, spec))
    message = str(caught.value)
    assert "4 problems" in message
    for part in ("'estimation.confidence_level' is 95", "'models.imputations' is 1",
                 "unknown key 'cleaning.complete_treshold' (did you mean 'complete_threshold'?)",
                 "'weighting.cells' holds 'county'; expected one of"):
        assert part in message


def test_rules_across_keys_name_the_values(tmp_path, spec):
    spec["fieldwork"]["end"] = "2012-09-01"
    spec["weighting"]["logit_bounds"] = [1.2, 3.0]
    with pytest.raises(InputError) as caught:
        load_wave(2012, _write(tmp_path, spec))
    assert "fieldwork ends (2012-09-01) before it starts (2012-09-10)" in str(caught.value)
    assert "'weighting.logit_bounds' is [1.2, 3.0]; expected [lower, upper] with 0 < lower < 1 < upper" in str(
        caught.value)


def test_dates_may_be_quoted(tmp_path, spec):
    spec["fieldwork"]["start"] = "2012-09-10"
    assert load_wave(2012, _write(tmp_path, spec)).config.fieldwork.start.isoformat() == "2012-09-10"


def test_repeated_weighting_variable_is_refused(tmp_path, spec):
    spec["weighting"]["margins"] = ["size_band", "size_band"]
    with pytest.raises(InputError, match="'weighting.margins' is \\['size_band', 'size_band'\\]; expected each "
                                         "value once"):
        load_wave(2012, _write(tmp_path, spec))


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path):
    path = tmp_path / "wave.yaml"
    path.write_text("- year\n- title\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"the file is \['year', 'title'\]; expected a mapping of keys to values"):
        load_wave(2012, path)


def test_variance_method_defaults_to_linearisation_and_takes_only_known_methods(tmp_path, spec):
    assert load_wave(2012, _write(tmp_path, spec), check_inputs=False).section("estimation")["variance"] == \
        "linearisation"
    spec["estimation"]["variance"] = "jackknife"
    assert load_wave(2012, _write(tmp_path, spec), check_inputs=False).section("estimation")["variance"] == \
        "jackknife"
    spec["estimation"]["variance"] = "brr"
    with pytest.raises(InputError, match=r"'estimation.variance' is 'brr'; expected one of \['linearisation', "
                                         r"'jackknife', 'bootstrap'\]"):
        load_wave(2012, _write(tmp_path, spec))


@pytest.mark.parametrize("replicates", [49, 5001])
def test_bootstrap_replicates_must_be_in_range(tmp_path, spec, replicates):
    spec["estimation"]["bootstrap_replicates"] = replicates
    with pytest.raises(InputError, match=rf"'estimation.bootstrap_replicates' is {replicates}; expected an integer >= 50 and <= 5000"):
        load_wave(2012, _write(tmp_path, spec), check_inputs=False)


@pytest.mark.parametrize("rule, expected", [
    ({"min_respondents": 0}, r"'weighting.collapse.min_respondents' is 0; expected an integer >= 1 and <= 100"),
    ({"max_adjustment": 1.0}, r"'weighting.collapse.max_adjustment' is 1.0; expected .*> 1"),
    ({"order": {"type_group": ["region", "region"]}}, r"weighting.collapse.order.type_group.*each value once"),
    ({"order": {"colour": ["red"]}}, r"weighting.collapse.order"),
    ({"min_respondent": 2}, r"weighting.collapse.min_respondent"),
])
def test_collapsing_rule_keys_are_checked(tmp_path, spec, rule, expected):
    spec["weighting"]["collapse"] = rule
    with pytest.raises(InputError, match=expected):
        load_wave(2012, _write(tmp_path, spec), check_inputs=False)


def test_collapsing_rule_defaults_and_can_be_turned_off(tmp_path, spec):
    spec["weighting"].pop("collapse", None)
    rule = load_wave(2012, _write(tmp_path, spec), check_inputs=False).section("weighting")["collapse"]
    assert rule == {"min_respondents": 2, "max_adjustment": None, "order": {}}
    spec["weighting"]["collapse"] = None
    assert load_wave(2012, _write(tmp_path, spec), check_inputs=False).section("weighting")["collapse"] is None


def _numbers_without_both_bounds(node, defs, where=""):
    """Every number or integer of the schema ``node`` lacking a lower or an upper bound, by key."""
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    found = [key for option in node.get("anyOf", []) for key in _numbers_without_both_bounds(option, defs, where)]
    if node.get("type") in ("integer", "number") and not (
            {"minimum", "exclusiveMinimum"} & node.keys() and {"maximum", "exclusiveMaximum"} & node.keys()):
        found.append(where)
    for key, child in node.get("properties", {}).items():
        found += _numbers_without_both_bounds(child, defs, f"{where}.{key}".lstrip("."))
    for child in (node.get("items"), node.get("additionalProperties")):
        if isinstance(child, dict):
            found += _numbers_without_both_bounds(child, defs, f"{where}[]")
    return found


def test_every_number_of_the_wave_file_has_a_range():
    schema = WaveSettings.model_json_schema()
    assert _numbers_without_both_bounds(schema, schema["$defs"]) == []


def test_an_unknown_encoding_is_refused_at_load(tmp_path, spec):
    spec["raw"]["encoding"] = "utf-9"
    with pytest.raises(InputError, match=r"column 'raw.encoding': key 'raw.encoding' is 'utf-9'; unknown encoding "
                                         r"'utf-9'; expected one Python knows"):
        load_wave(2012, _write(tmp_path, spec), check_inputs=False)
    spec["raw"]["encoding"] = "latin-1"
    assert load_wave(2012, _write(tmp_path, spec), check_inputs=False).config.raw.encoding == "latin-1"
