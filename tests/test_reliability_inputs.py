"""Reliability of the inputs: exports and frames of another wave, values as people type them, ambiguous
thousands separators, blank frame values the weighting uses, and personal data typed into any field.

Each case edits a copy of ``data/raw/2012`` (never the original) or the small export of ``minidata``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.cleaning.clean import clean_wave, write_cleaned
from helpers.masking import mask
from helpers.cleaning.numbers import parse_answers, read_number
from helpers.errors import InputError
from helpers.inputs.codebook import load_codebook
from helpers.inputs.ingest import LINE_COLUMN, read_table
from helpers.inputs.waves import load_wave

from conftest import run_cli
from minidata import export_header, mini_codebook, submission, write_export, write_frame
from test_pipeline import personal_strings
from test_reliability import _pdf_texts, _variants

YEAR = 2012
CODEBOOK = load_codebook()
COLUMNS = CODEBOOK.export.columns
BUDGET = CODEBOOK.questions["digital_budget_keur"].column
STAFF = CODEBOOK.questions["it_staff_fte"].column


@pytest.fixture(scope="module")
def wave():
    return load_wave(YEAR)


@pytest.fixture(scope="module")
def kept_rows(wave) -> pd.Index:
    """Rows of the original export that reach the recoding (not test submissions), by position."""
    folder = paths.raw_dir(YEAR)
    log = clean_wave(folder / "frame.csv", folder / "export.csv", CODEBOOK, wave.section("cleaning"),
                     wave.section("fieldwork")).log
    data = _read_export(folder)
    return data.index[~data[LINE_COLUMN].isin(log.loc[log["action"] == "dropped_test", "line"])]


@pytest.fixture
def raw(tmp_path):
    """A copy of the 2012 raw folder."""
    copy = tmp_path / "raw"
    shutil.copytree(paths.raw_dir(YEAR), copy)
    return copy


def _read_export(folder: Path) -> pd.DataFrame:
    return read_table(folder / "export.csv").data


def _write_export(folder: Path, data: pd.DataFrame) -> None:
    """Write the export back as the tool delivers it: Windows-1252, ';', CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    columns = [c for c in data.columns if c != LINE_COLUMN]
    writer.writerow(columns)
    writer.writerows(data[columns].itertuples(index=False))
    (folder / "export.csv").write_bytes(buffer.getvalue().encode("cp1252"))


def _clean(folder: Path, wave, **cleaning):
    return clean_wave(folder / "frame.csv", folder / "export.csv", CODEBOOK, {**wave.section("cleaning"), **cleaning},
                      wave.section("fieldwork"))


# --- 13 §4: inputs that do not belong to the wave -------------------------------------------------------------

def test_the_2013_export_given_to_the_2012_wave_is_refused_with_the_count_and_examples(raw, wave):
    shutil.copy(paths.raw_dir(2013) / "export.csv", raw / "export.csv")
    submissions = len(_read_export(raw))
    # The 2013 export is written from the 2013 codebook, so the 2012 wave reads it with that questionnaire.
    codebook_2013 = load_codebook(load_wave(2013, check_inputs=False).codebook_path)
    with pytest.raises(InputError, match=rf"{submissions} of {submissions} submissions fall outside the fieldwork "
                                         r"2012-09-10 to 2012-11-16 \(± 7 days.*line 2 2013-"):
        clean_wave(raw / "frame.csv", raw / "export.csv", codebook_2013, wave.section("cleaning"),
                   wave.section("fieldwork"))


def test_a_submission_just_outside_the_tolerance_is_refused_and_one_inside_is_kept(raw, wave):
    data = _read_export(raw)
    data.loc[0, COLUMNS["submitted_at"]] = "04/09/2012 10:00:00"  # 6 days before the start: within 7
    _write_export(raw, data)
    assert _clean(raw, wave).summary["steps"]["submissions_read"] == len(data)
    data.loc[1, COLUMNS["submitted_at"]] = "24/11/2012 10:00:00"  # 8 days after the end
    _write_export(raw, data)
    line = int(_read_export(raw).loc[1, LINE_COLUMN])
    with pytest.raises(InputError, match=rf"1 of {len(data)} submissions fall outside .*: line {line} 2012-11-24"):
        _clean(raw, wave)


def test_a_frame_whose_build_report_states_another_year_is_refused(raw, wave):
    (raw / "frame.report.txt").write_text("Sampling frame at 2013-01-01: 514 units\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"frame.csv: this frame is at 2013-01-01 .* fieldwork starts on 2012-09-10"):
        _clean(raw, wave)
    (raw / "frame.report.txt").write_text("Sampling frame at 2012-01-01: 514 units\n", encoding="utf-8")
    assert _clean(raw, wave).summary["frame_units"] == 514


def _wave_file(tmp_path: Path, **fieldwork) -> Path:
    """The 2012 wave file with the given ``fieldwork`` keys set."""
    lines = [line for line in (paths.WAVES_DIR / f"{YEAR}.yaml").read_text(encoding="utf-8").splitlines()
             if not any(line.startswith(f"  {key}:") for key in fieldwork)]
    at = lines.index("fieldwork:") + 1
    lines[at:at] = [f"  {key}: {value}" for key, value in fieldwork.items()]
    path = tmp_path / "wave.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_wave_whose_fieldwork_is_in_another_year_is_refused(tmp_path):
    path = _wave_file(tmp_path, start="2011-09-10", end="2011-11-16")
    with pytest.raises(InputError, match=r"column 'fieldwork': key 'fieldwork': fieldwork starts on 2011-09-10, "
                                         r"not in the wave's year 2012"):
        load_wave(YEAR, path)


@pytest.mark.parametrize("days", [-1, 91])
def test_a_fieldwork_tolerance_outside_its_range_is_refused(tmp_path, days):
    path = _wave_file(tmp_path, tolerance_days=days)
    with pytest.raises(InputError, match=rf"'fieldwork.tolerance_days' is {days}; expected an integer >= 0 and "
                                         r"<= 90"):
        load_wave(YEAR, path)


# --- 13 §7: values as people type them -------------------------------------------------------------------------

@pytest.mark.parametrize("typed, unit, value", [
    ("1 200 k€", "k€", 1200.0), ("1 200 K€", "k€", 1200.0), ("12,5 ETP", "ETP", 12.5),
    ("1\u00a0200", None, 1200.0),
    ("1\u202f200,5", None, 1200.5), ("1.234.567", None, 1234567.0), ("1.234,5", None, 1234.5),
    ("1,234.5", None, 1234.5), ("0,865", None, 0.865), ("1234,567", None, 1234.567), ("-3", None, -3.0),
])
def test_numbers_are_read_as_people_type_them(typed, unit, value):
    assert read_number(typed, unit).value == value


@pytest.mark.parametrize("typed", ["01 23 45 67 89", "1 20", "1,234,5", "12 ETP", "douze", "a.durand@ville.example",
                                   "1.234.5"])
def test_other_forms_are_not_numbers(typed):
    assert read_number(typed, "k€") is None


def test_typed_numbers_and_times_are_read_and_each_recovery_is_logged_with_line_and_column(raw, wave, kept_rows):
    data = _read_export(raw)
    answered = kept_rows[data.loc[kept_rows, BUDGET] != ""]
    plants = {answered[0]: (BUDGET, "1 200 k€", 1200.0), answered[1]: (BUDGET, "2\u00a0500", 2500.0),
              answered[2]: (STAFF, "12,5 ETP", 12.5)}
    for index, (column, typed, _) in plants.items():
        data.loc[index, column] = typed
    data.loc[answered[3], COLUMNS["submitted_at"]] = "2012-10-01T09:30:00"
    data.loc[answered[4], COLUMNS["submitted_at"]] = "02/10/2012 09:30"
    _write_export(raw, data)
    lines = _read_export(raw)[LINE_COLUMN]
    cleaned = _clean(raw, wave)
    log = cleaned.log.set_index(["line", "column"])
    for index, (column, typed, value) in plants.items():
        entry = log.loc[(int(lines[index]), column)]
        assert entry["action"] == "number_recovered"
        assert entry["detail"].startswith(f"{typed!r} read as {value:g} (")
    assert log.loc[(int(lines[answered[3]]), COLUMNS["submitted_at"]), "detail"] == (
        "'2012-10-01T09:30:00' read as 2012-10-01 09:30:00 (ISO 8601)")
    assert log.loc[(int(lines[answered[4]]), COLUMNS["submitted_at"]), "detail"] == (
        "'02/10/2012 09:30' read as 2012-10-02 09:30:00 (without seconds)")
    assert cleaned.summary["values_logged"]["recovered"] >= 5


def test_a_time_with_an_offset_is_converted_to_french_time(raw, wave):
    data = _read_export(raw)
    data.loc[0, COLUMNS["submitted_at"]] = "2012-10-01T07:30:00+00:00"
    _write_export(raw, data)
    detail = _clean(raw, wave).log.set_index("column").loc[COLUMNS["submitted_at"], "detail"]
    assert detail == ("'2012-10-01T07:30:00+00:00' read as 2012-10-01 09:30:00 "
                      "(ISO 8601, converted to Europe/Paris time)")


def test_unreadable_numbers_are_all_refused_at_once_with_their_lines_masked(raw, wave, kept_rows):
    data = _read_export(raw)
    answered = kept_rows[data.loc[kept_rows, BUDGET] != ""]
    data.loc[answered[0], BUDGET] = "environ 200"
    data.loc[answered[1], BUDGET] = "200 euros"
    _write_export(raw, data)
    lines = _read_export(raw)[LINE_COLUMN]
    with pytest.raises(InputError, match=rf"2 problem\(s\) .*\n  line {lines[answered[0]]}, column .{BUDGET[:20]}.*"
                                         rf"found 'env…'; expected a number .*\n  line {lines[answered[1]]}, column "
                                         rf".{BUDGET[:20]}.*found '200…'"):
        _clean(raw, wave)


# --- 16.1: a comma or a dot that may group thousands ----------------------------------------------------------

def _english_budgets(data: pd.DataFrame) -> pd.Index:
    """Rewrite every budget of 1,000 k€ or more as an English-locale spreadsheet does: 93865 -> '93,865'."""
    budgets = pd.to_numeric(data[BUDGET].replace("", None))
    large = budgets.index[budgets >= 1000]
    data.loc[large, BUDGET] = budgets[large].map(lambda value: f"{int(value):,}")
    return large


def test_budgets_written_with_an_english_thousands_separator_are_refused_not_divided_by_1000(raw, wave, kept_rows):
    data = _read_export(raw)
    large = _english_budgets(data).intersection(kept_rows)
    assert len(large) == 95 and data.loc[large[0], BUDGET] == "52,695"
    _write_export(raw, data)
    with pytest.raises(InputError, match=rf"column .{BUDGET[:20]}.*95 value\(s\) such as line \d+ '52,695'.* read "
                                         r"either as 52.695 .* or as 52695 .*neither the column's other values nor "
                                         r"the codebook's range settles which"):
        _clean(raw, wave)


def test_the_columns_other_values_settle_an_ambiguous_separator_and_each_value_is_logged(raw, wave, kept_rows):
    data = _read_export(raw)
    large = _english_budgets(data).intersection(kept_rows)
    small = kept_rows[(data.loc[kept_rows, BUDGET] != "") & ~kept_rows.isin(large)]
    data.loc[small[0], BUDGET] = "550.5"  # a dot decimal: the comma groups thousands in this column
    _write_export(raw, data)
    cleaned = _clean(raw, wave)
    expected = pd.to_numeric(_read_export(paths.raw_dir(YEAR))[BUDGET].replace("", None))
    lines = _read_export(raw)[LINE_COLUMN]
    units = cleaned.units.dropna(subset=["response_id"]).set_index("response_id")["unit_id"]
    answers = cleaned.answers.set_index("unit_id")["digital_budget_keur"]
    by_response = data[COLUMNS["response_id"]]
    for index in large:
        unit = units.get(by_response[index])
        if unit in answers.index:
            assert answers[unit] == expected[index]
    reread = cleaned.log[cleaned.log["action"] == "number_reinterpreted"]
    assert len(reread) == 95 and set(reread["column"]) == {BUDGET}
    assert set(reread["line"]) == {int(lines[i]) for i in large}
    assert reread["detail"].iloc[0].endswith("',' as a thousands separator (by 1 other value(s) of the column such "
                                             f"as '550.5' on line {lines[small[0]]})")
    assert cleaned.summary["values_logged"]["reinterpreted"] == 95 + 1  # and Mamoudzou's population


def test_the_codebook_range_settles_an_ambiguous_value_when_the_column_does_not():
    values = pd.Series(["1.200", "2"])
    numbers, recoveries = parse_answers(values, pd.Series([2, 3]), Path("e.csv"), "fte", "ETP", (0.0, 1000.0))
    assert numbers.tolist() == [1.2, 2.0]
    assert recoveries[0]["detail"] == ("'1.200' read as 1.2, '.' as a decimal mark (by the other reading is "
                                       "outside the codebook's range [0, 1000])")


def test_a_column_the_codebook_range_reads_with_both_conventions_is_refused():
    """'600,000' is 600 inside [10, 500000] and '9,500' is 9500: a comma decimal and a comma grouping in one
    column, so neither reading is trusted."""
    values = pd.Series(["600,000", "9,500", "40"])
    with pytest.raises(InputError, match=r"column 'budget': the codebook's range \[10, 500000\] reads the column's "
                                         r"ambiguous values with both conventions \(line 2 '600,000' read as 600; "
                                         r"line 3 '9,500' read as 9500\)"):
        parse_answers(values, pd.Series([2, 3, 4]), Path("e.csv"), "budget", "k€", (10.0, 500000.0))
    numbers, _ = parse_answers(values[[0, 2]], pd.Series([2, 4], index=[0, 2]), Path("e.csv"), "budget", "k€",
                               (10.0, 500000.0))
    assert numbers.tolist() == [600.0, 40.0]


def test_a_column_mixing_both_conventions_leaves_its_ambiguous_values_refused():
    values = pd.Series(["12,5", "1,234.5", "93,865"])
    with pytest.raises(InputError, match=r"column 'budget': 1 value\(s\) such as line 4 '93,865'"):
        parse_answers(values, pd.Series([2, 3, 4]), Path("e.csv"), "budget", None, (0.0, 1e6))


def test_a_french_column_reads_a_dot_as_a_thousands_separator():
    values = pd.Series(["12,5", "1.200"])
    numbers, recoveries = parse_answers(values, pd.Series([2, 3]), Path("e.csv"), "fte", None, (0.0, 1e6))
    assert numbers.tolist() == [12.5, 1200.0]
    assert recoveries[0]["action"] == "number_reinterpreted" and recoveries[0]["line"] == 3


# --- 16.3: blank frame values the weighting uses ---------------------------------------------------------------

def _blank_frame_values(folder: Path, edits: dict[str, dict[str, str]]) -> dict[str, int]:
    """Blank the given columns of the given units in the frame copy; return each unit's line."""
    frame = read_table(folder / "frame.csv").data
    for unit, columns in edits.items():
        for column, value in columns.items():
            frame.loc[frame["unit_id"] == unit, column] = value
    frame.drop(columns=LINE_COLUMN).to_csv(folder / "frame.csv", index=False, lineterminator="\n")
    return dict(zip(frame["unit_id"], frame[LINE_COLUMN]))


def test_blank_frame_values_used_by_weighting_are_all_named_with_unit_and_column(raw, wave):
    lines = _blank_frame_values(raw, {"230314650": {"population": ""}, "231458993": {"population": ""},
                                      "231507724": {"region_code": ""}})
    with pytest.raises(InputError) as refused:
        _clean(raw, wave)
    message = str(refused.value)
    assert (f"column 'population' is blank for 2 unit(s): 230314650 Midi-Pyrénées (line {lines['230314650']}), "
            f"231458993 Île-de-France (line {lines['231458993']})") in message
    assert f"column 'region_code' is blank for 1 unit(s): 231507724 Centre (line {lines['231507724']})" in message
    assert "cleaning.population_unknown" in message


def test_every_frame_column_the_weighting_reads_is_checked_for_every_unit(raw, wave):
    """Type (type groups, tiers), political group (blocs), invitation outcome (eligibility) and région (groups)
    as well as population: a blank, or a région code of no group, names each unit and column at once."""
    lines = _blank_frame_values(raw, {"230314650": {"type": ""}, "231458993": {"political_group": ""},
                                      "231507724": {"invitation": "", "region_code": "99"},
                                      "231676982": {"political_group": ""}})
    with pytest.raises(InputError) as refused:
        _clean(raw, wave)
    message = str(refused.value)
    assert f"column 'type' is blank for 1 unit(s): 230314650 Midi-Pyrénées (line {lines['230314650']})" in message
    assert (f"column 'political_group' is blank for 2 unit(s): 231458993 Île-de-France (line {lines['231458993']}), "
            f"231676982 Lorraine (line {lines['231676982']})") in message
    assert f"column 'invitation' is blank for 1 unit(s): 231507724 Centre (line {lines['231507724']})" in message
    assert (f"column 'region_code' holds a code of no région group for 1 unit(s): 231507724 Centre "
            f"(line {lines['231507724']}, '99'); expected one of ['01', ") in message


def test_a_unit_listed_as_of_unknown_population_passes_and_is_logged(raw, wave):
    cleaned = _clean(raw, wave)
    entry = cleaned.log[cleaned.log["action"] == "population_unknown"]
    assert entry[["unit_id", "column"]].values.tolist() == [["219766763", "population"]]
    rows = (raw / "frame.csv").read_text(encoding="utf-8").splitlines()
    line = next(number for number, row in enumerate(rows, start=1) if row.startswith("219766763,"))
    assert entry["detail"].iloc[0].startswith(f"no population on line {line} of frame.csv; listed in the wave's ")
    with pytest.raises(InputError, match=r"column 'population' is blank for 1 unit\(s\): 219766763 Mamoudzou"):
        _clean(raw, wave, population_unknown=[])
    with pytest.raises(InputError, match=r"listed in cleaning.population_unknown have a population in the frame: "
                                         r"230314650 Midi-Pyrénées"):
        _clean(raw, wave, population_unknown=["219766763", "230314650"])


# --- 13 §6: personal data typed into any field -------------------------------------------------------------------

PLANTED = ("jean.planted@mairie.example", "06 12 34 56 78")
MINI_SETTINGS = {"complete_threshold": 0.8, "partial_threshold": 0.5, "fuzzy_name_cutoff": 0.9,
                 "population_unknown": ["210000007"]}  # minidata's Saint-Pierre
MINI_FIELDWORK = {"start": dt.date(2012, 9, 10), "end": dt.date(2012, 11, 16), "tolerance_days": 7}


def _mini_wave(folder: Path, column: str, value: str):
    codebook = mini_codebook(folder)
    records = [submission("R01", "200000001", "CA du Grand Evreux", "Communauté d'agglomération"),
               submission("R02", "210000003", "Ville d'Évreux", "Commune")]
    role = {name: role for role, name in codebook.export.columns.items()}.get(column, column)
    records[1][role] = value
    return codebook, write_frame(folder), write_export(folder, codebook, records)


@pytest.mark.parametrize("value", PLANTED, ids=["email", "phone"])
def test_personal_data_typed_into_any_column_reaches_no_output_nor_message(tmp_path, value):
    """Every column of the export in turn: the run either goes on (and no file it writes holds the value) or
    stops with a message that holds no more than the value's first characters."""
    (tmp_path / "codebook").mkdir()
    codebook = mini_codebook(tmp_path / "codebook")
    outcomes = {}
    for number, column in enumerate(export_header(codebook)):
        folder = tmp_path / f"c{number}"
        folder.mkdir()
        codebook, frame_path, export_path = _mini_wave(folder, column, value)
        try:
            cleaned = clean_wave(frame_path, export_path, codebook, MINI_SETTINGS, MINI_FIELDWORK)
            files = write_cleaned(cleaned, codebook, folder / "out")
        except InputError as error:
            assert value not in str(error) and value[:8] not in str(error), f"{column}: {error}"
            outcomes[column] = "refused"
            continue
        for path in files.values():
            assert value not in path.read_text(encoding="utf-8"), f"{column}: {value!r} in {path.name}"
        outcomes[column] = "cleaned"
    assert outcomes[COLUMNS["email"]] == "cleaned" and outcomes["Q1. Projets ?"] == "refused"
    assert outcomes[COLUMNS["unit_id"]] == "cleaned"  # a malformed identifier: matched by name, logged masked


def test_a_malformed_identifier_is_logged_masked():
    assert mask("jean.planted@mairie.example") == "'jea…@…'"


def _plant(raw: Path, kept_rows: pd.Index, cells: list[str]) -> set[str]:
    """Type the planted e-mail and phone into the given columns of retained rows; return what to look for."""
    data = _read_export(raw)
    for number, column in enumerate(cells):
        data.loc[kept_rows[2 * number], column] = PLANTED[0]
        data.loc[kept_rows[2 * number + 1], column] = PLANTED[1]
    _write_export(raw, data)
    personal = personal_strings(_read_export(raw))
    return {variant for value in personal | set(PLANTED) for variant in _variants(value)}


def _leaks(root: Path, wanted: set[str]) -> dict[str, list[str]]:
    leaks = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        texts = _pdf_texts(data) if path.suffix == ".pdf" else [data.decode("utf-8", errors="replace"),
                                                                data.decode("cp1252", errors="replace")]
        found = sorted({value for value in wanted for text in texts if value in text})
        if found:
            leaks[str(path.relative_to(root))] = found[:3]
    return leaks


@pytest.mark.pipeline
def test_personal_data_typed_into_identifiers_names_and_types_reaches_no_output_of_a_run(raw, kept_rows, tmp_path):
    """The fields where a typed e-mail or phone does not stop the run: every file the run writes (processed
    files, executed notebooks, report pages and PDF, logs) and its log hold none of them."""
    wanted = _plant(raw, kept_rows, [COLUMNS["unit_id"], COLUMNS["authority_name"], COLUMNS["authority_type"],
                                     COLUMNS["job_title"], CODEBOOK.questions["comments"].column])
    out = tmp_path / "out"
    result = run_cli("--raw-dir", str(raw), "--out-dir", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert not _leaks(out, wanted)
    assert not [value for value in wanted if value in result.stderr + result.stdout]
    log = pd.read_csv(out / "data" / "processed" / str(YEAR) / "cleaning_log.csv", dtype=str)
    assert log["detail"].str.contains("identifier 'jea…@…' malformed", regex=False).any()


@pytest.mark.pipeline
def test_a_run_stopped_by_personal_data_in_a_closed_answer_leaks_it_nowhere(raw, kept_rows, tmp_path):
    wanted = _plant(raw, kept_rows, [CODEBOOK.questions["projects_underway"].column])
    out = tmp_path / "out"
    result = run_cli("--raw-dir", str(raw), "--out-dir", str(out))
    assert result.returncode != 0 and "expected one of" in result.stderr
    assert "'jea…@…'" in result.stderr or "'06 …'" in result.stderr
    assert not _leaks(out, wanted)
    assert not [value for value in wanted if value in result.stderr + result.stdout]


def test_an_unrecognised_authority_type_is_logged_as_a_dropped_value(tmp_path):
    codebook, frame_path, export_path = _mini_wave(tmp_path, COLUMNS["authority_type"], "a.b@ville.example")
    cleaned = clean_wave(frame_path, export_path, codebook, MINI_SETTINGS, MINI_FIELDWORK)
    entry = cleaned.log[cleaned.log["action"] == "type_unrecognised"]
    assert entry[["line", "column"]].values.tolist() == [[3, COLUMNS["authority_type"]]]
    assert entry["detail"].iloc[0].startswith("'a.b…@…' is not one of")
    assert cleaned.summary["values_logged"]["dropped"] == 1
