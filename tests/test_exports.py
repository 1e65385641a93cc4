"""Real exports: every shipped profile in every format gives the CSV's processed files; broken exports are refused.

The demo 2012 wave is written once as the project ships it (``export.csv``, default profile) and cleaned: that
is the reference. Each profile x format is then written by ``helpers.demo.formats`` as that tool would deliver
it and cleaned through its profile: units (with dispositions), answers and the step counts must be identical.
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import xlsxwriter

from helpers.cleaning.clean import clean_wave
from helpers.demo.formats import FORMATS, export_file_bytes, lay_out
from helpers.demo.wave import generate_wave, write_wave
from helpers.errors import InputError
from helpers.inputs.codebook import load_codebook
from helpers.inputs.exports import read_export
from helpers.inputs.profiles import EXPORTS_DIR, Profile, layout, load_profile, profile_names
from helpers.inputs.exportcheck import MAX_PROBLEMS
from helpers.inputs.waves import load_wave

from conftest import run_cli

YEAR = 2012
PROFILES = ("default", "limesurvey", "qualtrics", "surveymonkey", "google-forms")
FIELDWORK = load_wave(YEAR).section("fieldwork")


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def settings():
    return load_wave(YEAR).section("cleaning")


@pytest.fixture(scope="module")
def wave():
    return generate_wave(YEAR)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, wave, codebook, settings):
    raw = tmp_path_factory.mktemp("reference")
    write_wave(wave, raw, raw / "truth.json")
    return raw, clean_wave(raw / "frame.csv", raw / "export.csv", codebook, settings, FIELDWORK)


def _write(tmp_path, wave, profile: str, file_format: str):
    write_wave(wave, tmp_path, tmp_path / "truth.json", profile=profile, file_format=file_format)
    return tmp_path / f"export.{file_format}"


def _same_processed(cleaned, expected) -> None:
    pd.testing.assert_frame_equal(cleaned.units, expected.units)
    pd.testing.assert_frame_equal(cleaned.answers, expected.answers)
    assert cleaned.summary["steps"] == expected.summary["steps"]
    assert cleaned.summary["dispositions"] == expected.summary["dispositions"]
    assert cleaned.summary["labels_recovered"] == expected.summary["labels_recovered"]


def test_every_shipped_profile_is_tested():
    assert set(profile_names()) == set(PROFILES)


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_and_format_gives_the_csv_processed_files(tmp_path, wave, reference, codebook, settings,
                                                               profile, file_format):
    export = _write(tmp_path, wave, profile, file_format)
    cleaned = clean_wave(tmp_path / "frame.csv", export, codebook, settings, FIELDWORK, {"profile": profile})
    _same_processed(cleaned, reference[1])
    assert cleaned.summary["export"]["profile"] == profile


def test_the_default_csv_is_the_shipped_export(wave, codebook):
    assert export_file_bytes(wave.export, YEAR, layout("default", codebook), "csv") == wave.export_bytes


def test_sav_with_string_variables_reads_as_the_csv(tmp_path, wave, reference, codebook, settings):
    """The default headers and labels as SPSS string variables, each named v<k> and labelled by its header."""
    frame = wave.export.set_axis([f"v{k}" for k in range(len(wave.export.columns))], axis=1)
    labels = dict(zip(frame.columns, wave.export.columns))
    shutil.copy(reference[0] / "frame.csv", tmp_path / "frame.csv")
    pyreadstat.write_sav(frame, str(tmp_path / "export.sav"), column_labels=labels)
    cleaned = clean_wave(tmp_path / "frame.csv", tmp_path / "export.sav", codebook, settings, FIELDWORK)
    _same_processed(cleaned, reference[1])


def test_user_missing_codes_that_are_no_answer_read_as_blank_and_logged(tmp_path, wave, reference, codebook,
                                                                        settings):
    """SPSS user-missing codes: "Ne sait pas" (98) is an answer and stays; "Sans réponse" (99), declared missing
    in the blank cells of Q1, and an unlabelled missing code read blank, as the CSV's blanks."""
    export = _write(tmp_path, wave, "default", "sav")
    data, meta = pyreadstat.read_sav(str(export), user_missing=True)
    q1 = next(name for name, label in meta.column_names_to_labels.items() if label.startswith("Q1. "))
    blank = data.index[data[q1].isna()]
    assert len(blank) >= 2
    data.loc[blank[:-1], q1] = 99.0
    data.loc[blank[-1:], q1] = -1.0
    value_labels = {**meta.variable_value_labels, q1: {**meta.variable_value_labels[q1], 99.0: "Sans réponse"}}
    missing = {**meta.missing_ranges, q1: [*meta.missing_ranges[q1], {"lo": 99.0, "hi": 99.0},
                                           {"lo": -1.0, "hi": -1.0}]}
    pyreadstat.write_sav(data, str(export), column_labels=meta.column_names_to_labels,
                         variable_value_labels=value_labels, missing_ranges=missing)
    cleaned = clean_wave(tmp_path / "frame.csv", export, codebook, settings, FIELDWORK)
    pd.testing.assert_frame_equal(cleaned.units, reference[1].units)
    pd.testing.assert_frame_equal(cleaned.answers, reference[1].answers)
    logged = cleaned.log[cleaned.log["action"] == "user_missing_blanked"]
    assert logged["line"].tolist() == [int(k) + 2 for k in blank[:-1]]
    assert logged["column"].str.startswith("Q1. ").all()
    assert "'Sans réponse' is a user-missing code's label, not an answer" in logged["detail"].iloc[0]


def test_stata_extended_missing_values_read_as_blank_and_logged(tmp_path, wave, reference, codebook, settings):
    """Stata's .a labelled "Sans réponse" in the blank cells of Q1 (whose label Stata cuts at 80 bytes)."""
    export = _write(tmp_path, wave, "default", "dta")
    data, meta = pyreadstat.read_dta(str(export), user_missing=True)
    q1 = next(name for name, label in meta.column_names_to_labels.items() if label.startswith("Q1. "))
    blank = data.index[data[q1].isna()]
    data[q1] = data[q1].astype(object)
    data.loc[blank, q1] = "a"
    pyreadstat.write_dta(data, str(export), column_labels=meta.column_names_to_labels,
                         variable_value_labels={**meta.variable_value_labels,
                                                q1: {**meta.variable_value_labels[q1], "a": "Sans réponse"}},
                         missing_user_values={q1: ["a"]})
    cleaned = clean_wave(tmp_path / "frame.csv", export, codebook, settings, FIELDWORK)
    pd.testing.assert_frame_equal(cleaned.units, reference[1].units)
    pd.testing.assert_frame_equal(cleaned.answers, reference[1].answers)
    logged = cleaned.log[cleaned.log["action"] == "user_missing_blanked"]
    assert logged["line"].tolist() == [int(k) + 2 for k in blank]


def test_a_workbook_with_dates_as_serial_numbers_reads_as_the_csv(tmp_path, wave, reference, codebook, settings):
    rows, cells, kinds = lay_out(wave.export, layout("default", codebook))
    book = xlsxwriter.Workbook(str(tmp_path / "export.xlsx"))
    book.add_worksheet("Notice").write(0, 0, "Export du questionnaire, réponses dans la feuille suivante")
    sheet = book.add_worksheet("Réponses")  # not the first sheet: raw.sheet chooses it
    sheet.write_row(0, 0, rows[0])
    epoch = pd.Timestamp("1899-12-30")
    for c, key in enumerate(cells):
        for r, value in enumerate(cells[key], start=1):
            if kinds[key].role == "submitted_at":
                sheet.write_number(r, c, (value - epoch) / pd.Timedelta(days=1))  # no date format: a bare number
            elif not (isinstance(value, float) and np.isnan(value)) and value != "":
                sheet.write(r, c, value)
    book.close()
    shutil.copy(reference[0] / "frame.csv", tmp_path / "frame.csv")
    cleaned = clean_wave(tmp_path / "frame.csv", tmp_path / "export.xlsx", codebook, settings, FIELDWORK,
                         {"sheet": "Réponses"})
    _same_processed(cleaned, reference[1])


def test_preview_rows_the_tool_marks_are_dropped_and_logged(tmp_path, wave, reference, codebook, settings):
    """A copy of the first record marked as a Qualtrics preview: without the rule, a duplicated response id."""
    export = _write(tmp_path, wave, "qualtrics", "csv")
    lines = export.read_bytes().decode("utf-8").split("\r\n")
    preview = lines[3].rsplit(",", 1)[0] + ",preview"
    export.write_bytes("\r\n".join([*lines[:3], preview, *lines[3:]]).encode("utf-8"))
    cleaned = clean_wave(tmp_path / "frame.csv", export, codebook, settings, FIELDWORK, {"profile": "qualtrics"})
    pd.testing.assert_frame_equal(cleaned.units, reference[1].units)
    dropped = cleaned.log[cleaned.log["action"] == "dropped_row"]
    assert dropped["line"].tolist() == [4]
    assert "DistributionChannel is 'preview'" in dropped["detail"].iloc[0]


def test_text_typed_in_the_other_box_of_a_google_forms_checkbox_ticks_other(tmp_path, wave, reference, codebook,
                                                                           settings):
    """Forms writes the text typed after "Autre :" in place of "Autre": read as Autre ticked, the text logged masked;
    without the profile's multi.other, the same cell is refused."""
    export = _write(tmp_path, wave, "google-forms", "csv")
    data = pd.read_csv(export, dtype=str, keep_default_na=False)
    column = "Q2. Qui porte l'e-administration ?"
    row = data.index[data[column].str.contains("Autre")][0]
    data.loc[row, column] = data.loc[row, column].replace("Autre", "Jean Dupont, adjoint au numérique")
    data.to_csv(export, index=False)
    cleaned = clean_wave(tmp_path / "frame.csv", export, codebook, settings, FIELDWORK, {"profile": "google-forms"})
    pd.testing.assert_frame_equal(cleaned.units, reference[1].units)
    pd.testing.assert_frame_equal(cleaned.answers, reference[1].answers)
    line = read_export(export, codebook, profile="google-forms").data.at[row, "_line"]  # records may span lines
    logged = cleaned.log[cleaned.log["action"] == "other_text_dropped"]
    assert logged["line"].tolist() == [line, line] and set(logged["column"]) == {column}
    assert "'Jea…' typed in the 'Autre' box: read as 'Autre' ticked, the text left out" in logged["detail"].tolist()
    assert "Dupont" not in cleaned.log.to_csv()
    strict = tmp_path / "strict.yaml"
    strict.write_text((EXPORTS_DIR / "google-forms.yaml").read_text(encoding="utf-8").replace(", other: Autre", ""),
                      encoding="utf-8")
    message = _refused(tmp_path, export, codebook, settings, {"profile": str(strict)})
    assert re.search(rf"line {line}, column \"{re.escape(column)}\": found '.+'; expected options among", message)


# --------------------------------------------------------------------------- broken exports


def _refused(tmp_path, export, codebook, settings, raw_settings) -> str:
    before = {path: path.read_bytes() for path in sorted(tmp_path.iterdir()) if path.is_file()}
    with pytest.raises(InputError) as refused:
        clean_wave(tmp_path / "frame.csv", export, codebook, settings, FIELDWORK, raw_settings)
    assert {path: path.read_bytes() for path in sorted(tmp_path.iterdir()) if path.is_file()} == before
    return str(refused.value)


def test_every_problem_of_an_export_is_listed_at_once(tmp_path, wave, codebook, settings):
    """Columns, labels, numbers, date-times and response ids in one pass, each read by the cleaning step's grammar."""
    export = _write(tmp_path, wave, "limesurvey", "csv")
    data = pd.read_csv(export, dtype=str, keep_default_na=False).drop(columns=["Q5"])
    data.loc[0, "Q1"] = "Peut-être"
    data.loc[2, "Q1"] = "Jamais"
    row = data.index[data["Q29"].str.strip() != ""][0]
    data.loc[row, "Q29"] = "treize"
    data.loc[5, "submitdate"] = "2012-10-03"
    data.loc[6, "id"] = "jean.dupont@ville.example"
    data.to_csv(export, index=False)
    message = _refused(tmp_path, export, codebook, settings, {"profile": "limesurvey"})
    assert "export.csv: 6 problem(s) with the export (profile 'limesurvey')" in message
    assert "column 'Q5': missing (expected by profile 'limesurvey')" in message
    assert "line 2, column 'Q1': found 'Peu…'; expected one of 'Y', 'N', 'DK' or blank" in message
    assert "line 4, column 'Q1': found 'Jam…'" in message
    assert (f"line {row + 2}, column 'Q29': found 'tre…'; expected a number such as 12,5, 1 200 or 1.234,5, "
            "optionally followed by 'ETP', or blank") in message
    assert ("line 7, column 'submitdate': found '2012-10-03'; expected a date and time as '%Y-%m-%d %H:%M:%S' "
            "(seconds optional) or ISO 8601 with a time, or blank") in message
    assert "line 8, column 'id': found 'jea…@…'; expected a survey tool's id" in message


def test_full_answers_read_with_a_codes_profile_are_named_as_such(tmp_path, wave, codebook, settings):
    """LimeSurvey exported "with full answers": every record fails, and the message says why, not "a header row"."""
    export = _write(tmp_path, wave, "limesurvey", "csv")
    data = pd.read_csv(export, dtype=str, keep_default_na=False)
    for column in layout("limesurvey", codebook).columns:
        if column.kind == "single":
            data[column.key] = data[column.key].map(lambda value, tokens=column.tokens: tokens.get(value, value))
    data.to_csv(export, index=False)
    message = _refused(tmp_path, export, codebook, settings, {"profile": "limesurvey"})
    assert ("values refused are the codebook's answer labels (such as 'Oui' in column 'Q1') where profile "
            "'limesurvey' expects answer codes: was the export written with full answers?") in message
    assert "another header row" not in message


def test_the_listing_is_capped_with_the_count_of_the_rest(tmp_path, wave, codebook, settings):
    export = _write(tmp_path, wave, "default", "csv")
    text = export.read_bytes().decode("cp1252").replace(";Non;", ";Nein;")
    export.write_bytes(text.encode("cp1252"))
    message = _refused(tmp_path, export, codebook, settings, {})
    total = int(message.split(": ", 1)[1].split(" problem")[0])
    assert total > MAX_PROBLEMS
    assert message.count("found 'Nei…'") == MAX_PROBLEMS
    assert f"... and {total - MAX_PROBLEMS} more problem(s)" in message


def test_an_unknown_value_label_in_a_sav_is_refused(tmp_path, wave, codebook, settings):
    export = _write(tmp_path, wave, "default", "sav")
    data, meta = pyreadstat.read_sav(str(export), user_missing=True)
    q1 = next(name for name, label in meta.column_names_to_labels.items() if label.startswith("Q1. "))
    data.loc[[0, 5], q1] = 7.0
    pyreadstat.write_sav(data, str(export), column_labels=meta.column_names_to_labels,
                         variable_value_labels=meta.variable_value_labels, missing_ranges=meta.missing_ranges)
    message = _refused(tmp_path, export, codebook, settings, {})
    assert "2 problem(s)" in message
    assert "line 2, column \"Q1. Votre collectivité" in message
    assert "line 7, column \"Q1. " in message and "found '7'; expected one of 'Oui', 'Non'" in message


def test_a_tools_own_tokens_must_be_exact(tmp_path, wave, codebook, settings):
    """A codebook label may differ in case (recovered and logged); a tool's tick text or answer code may not."""
    export = _write(tmp_path, wave, "surveymonkey", "csv")
    lines = export.read_bytes().decode("utf-8").split("\r\n")
    body = "\r\n".join(lines[2:]).replace(",Les élus,", ",les élus,", 1).replace(",Oui,", ",oui,", 1)
    export.write_bytes("\r\n".join([*lines[:2], body]).encode("utf-8"))
    message = _refused(tmp_path, export, codebook, settings, {"profile": "surveymonkey"})
    assert "1 problem(s)" in message and "found 'les…'; expected one of 'Les élus' or blank" in message


def test_a_sheet_that_does_not_exist_is_refused(tmp_path, wave, codebook, settings):
    export = _write(tmp_path, wave, "surveymonkey", "xlsx")
    message = _refused(tmp_path, export, codebook, settings, {"profile": "surveymonkey", "sheet": "Réponses"})
    assert "export.xlsx: no sheet 'Réponses' (raw.sheet): the workbook has ['Export']" in message


@pytest.mark.parametrize("written, read", [("default", "qualtrics"), ("qualtrics", "default"),
                                           ("surveymonkey", "default")])
def test_header_rows_that_are_not_the_profiles_are_refused(tmp_path, wave, codebook, settings, written, read):
    export = _write(tmp_path, wave, written, "csv")
    message = _refused(tmp_path, export, codebook, settings, {"profile": read})
    expected = {"qualtrics": "header row 3 holds .* where every cell should match .*: the file does not have the "
                             "profile's 3 header rows",
                "default": "problem\\(s\\) with the export \\(profile 'default'\\): (?:The file's headers look like "
                           "they are on row \\d|Most headers are missing|The first record fails in \\d+ of the \\d+ "
                           "closed questions: is it another header row)"}[read]
    assert re.search(expected, message), message


def test_a_file_cut_in_its_last_record_stops_naming_the_line_or_is_dropped(tmp_path, wave, reference, codebook,
                                                                         settings):
    export = _write(tmp_path, wave, "default", "csv")
    data = export.read_bytes()
    last = data.rstrip(b"\r\n").rsplit(b"\r\n", 1)[1]
    cut = data[:data.rindex(last) + len(last) // 3]
    assert b"\r\n" not in cut[-len(last) // 3:] and cut.count(b'"') % 2 == 0
    export.write_bytes(cut)
    line = cut.count(b"\n") + 1
    message = _refused(tmp_path, export, codebook, settings, {})
    assert f"export.csv, line {line}: " in message
    assert "fields where the header has 51; is the file cut short?" in message
    cleaned = clean_wave(tmp_path / "frame.csv", export, codebook, settings, FIELDWORK, {"short_records": "drop"})
    dropped = cleaned.log[cleaned.log["action"] == "dropped_row"]
    assert dropped["line"].tolist() == [line] and "raw.short_records: drop" in dropped["detail"].iloc[0]
    assert cleaned.summary["export"]["short_records_dropped"] == 1
    assert cleaned.summary["steps"]["submissions_read"] == reference[1].summary["steps"]["submissions_read"] - 1


# --------------------------------------------------------------------------- the profile files


def test_profile_model_publishes_a_json_schema():
    schema = Profile.model_json_schema()
    assert {"header", "roles", "columns", "answers", "scales", "multi", "drop"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_every_problem_of_a_profile_file_is_listed(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(json.dumps({"tool": "x", "header": {"rows": 1, "keys": [2]}, "answers": "numbers",
                                "colums": {}}), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_profile(path)
    message = str(refused.value)
    assert "broken.yaml: 3 problems:" in message
    assert "key 'header': header row(s) [2] outside 1..1" in message
    assert "key 'answers' is 'numbers'; expected one of ['labels', 'codes']" in message
    assert "unknown key 'colums' (did you mean 'columns'?)" in message


def test_a_codes_profile_needs_a_code_for_every_label(tmp_path, codebook):
    path = tmp_path / "codes.yaml"
    path.write_text("tool: x\nanswers: codes\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"scales\.oui_non: answers are codes but 'Ne sait pas' has none"):
        layout(path, codebook)


def test_an_unknown_profile_in_the_wave_file_is_refused(tmp_path):
    text = (load_wave(YEAR).path.read_text(encoding="utf-8")
            .replace("  export: export.csv\n", "  export: export.csv\n  profile: limesurvy\n"))
    config = tmp_path / "2012.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"column 'raw.profile': key 'raw.profile' is 'limesurvy'; no config/"
                                         r"exports/limesurvy\.yaml; expected one of \['default', 'google-forms'"):
        load_wave(YEAR, config)


def test_demo_command_writes_the_export_as_the_tool_would(tmp_path, wave, codebook):
    from helpers.__main__ import main

    assert main(["demo", "--year", str(YEAR), "--profile", "google-forms", "--format", "xlsx",
                 "--out-dir", str(tmp_path), "--truth", str(tmp_path / "truth.json")]) == 0
    data = pd.read_excel(tmp_path / "export.xlsx", dtype=str, engine="calamine")
    assert data.columns[1] == "Horodateur"
    assert "Niveau de dématérialisation de vos services [Petite enfance]" in data.columns
    assert data["Q2. Qui porte l'e-administration ?"].str.contains(", ", regex=False).any()
    assert read_export(tmp_path / "export.xlsx", codebook, profile="google-forms").data.shape == wave.export.assign(
        _line=0).shape


def test_a_qualtrics_workbook_gives_the_weights_and_estimates_of_the_csv(tmp_path, demo_run_2012):
    """The full chain for one profile x format: a run of the wave on a Qualtrics .xlsx gives the processed files,
    weights and estimates included, of the run on the CSV export."""
    raw = tmp_path / "raw"
    write_wave(generate_wave(YEAR), raw, tmp_path / "truth.json", profile="qualtrics", file_format="xlsx")
    (raw / "export.csv").unlink(missing_ok=True)
    config = tmp_path / f"{YEAR}.yaml"
    config.write_text(load_wave(YEAR).path.read_text(encoding="utf-8").replace(
        "  export: export.csv\n", "  export: export.xlsx\n  profile: qualtrics\n"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("--out-dir", str(out), "--raw-dir", str(raw), "--config", str(config))
    assert result.returncode == 0, result.stderr
    processed = f"data/processed/{YEAR}"
    for name in ("units.csv", "answers.csv", "weights.csv", "estimates.csv", "domain_estimates.csv",
                 "response_rates.csv"):
        assert (out / processed / name).read_bytes() == (demo_run_2012 / processed / name).read_bytes(), name


def test_the_runner_shows_every_problem_of_a_refused_export(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    from helpers.run.notebooks import failure_message

    evalue = "export.csv: 2 problem(s) with the export (profile 'default'):\n  column 'Q1': missing\n  line 3, ..."
    error = PapermillExecutionError(4, 4, "", "InputError", evalue, [])
    message = failure_message("01_clean", tmp_path / "01_clean.ipynb", error)
    assert "InputError: export.csv: 2 problem(s)" in message and "column 'Q1': missing\n  line 3, ..." in message
    other = failure_message("01_clean", tmp_path / "01_clean.ipynb",
                            PapermillExecutionError(4, 4, "", "KeyError", "'x'\nmore", []))
    assert "KeyError: 'x'\n  partial executed notebook" in other


def test_the_runner_shows_the_first_problems_of_a_long_list_and_where_the_rest_is(tmp_path):
    from papermill.exceptions import PapermillExecutionError

    from helpers.run.notebooks import INPUT_ERROR_LINES, failure_message

    evalue = "export.csv: 30 problem(s) with the export (profile 'default'):\n" + "\n".join(
        f"  line {line}, column 'Q1': found 'x'; expected 'Oui'" for line in range(2, 32))
    error = PapermillExecutionError(4, 4, "", "InputError", evalue, [])
    lines = failure_message("01_clean", tmp_path / "01_clean.ipynb", error).splitlines()
    assert lines[:INPUT_ERROR_LINES] == [f"step 01_clean failed in cell 4 (execution count 4): InputError: "
                                         f"{evalue.splitlines()[0]}", *evalue.splitlines()[1:INPUT_ERROR_LINES]]
    assert lines[INPUT_ERROR_LINES:] == [f"  ... {31 - INPUT_ERROR_LINES} more line(s) in the partial executed "
                                         "notebook", f"  partial executed notebook kept for debugging at "
                                                     f"{tmp_path / '01_clean.ipynb'}"]
