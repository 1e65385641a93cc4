"""The cleaning step on small exports holding every messy case."""

import datetime as dt

import pytest

from helpers import paths
from helpers.cleaning.clean import clean_wave, write_cleaned
from helpers.demo.truth import read_truth
from helpers.errors import InputError
from helpers.inputs.codebook import load_codebook
from helpers.inputs.waves import load_wave

from minidata import mini_codebook, submission, write_export, write_frame

SETTINGS = {"complete_threshold": 0.8, "partial_threshold": 0.5, "fuzzy_name_cutoff": 0.9,
            "population_unknown": ["210000007"]}
FIELDWORK = {"start": dt.date(2012, 9, 10), "end": dt.date(2012, 11, 16), "tolerance_days": 7}
PERSONAL = ["Durand", "Anne", "a.durand@ville.example", "01 23 45 67 89", "Martin", "RAS ; « merci »"]


@pytest.fixture
def wave(tmp_path):
    codebook = mini_codebook(tmp_path)
    partial_answers = {"Q1. Projets ?": "Oui", "Q2. Porteur [Élus]": "Oui", "Q3. Économies ?": "Oui"}
    records = [
        submission("R01", "200000001", "CA du Grand Evreux", "Communauté d'agglomération",
                   when="01/10/2012 09:00:00"),
        # the same authority again, later but only partial: the complete one is kept
        submission("R02", "", "Cté d'agglo. Grand-Évreux", "Communauté d'agglomération", status="Incomplète",
                   when="02/10/2012 09:00:00", answers=partial_answers),
        submission("R03", "2100 00003", "Ville d'Évreux", "Commune", last_name="Martin"),
        submission("R04", "", "TEST", "Commune", last_name="Test"),
        submission("R05", "", "Syndicat mixte du numérique", "Communauté d'agglomération"),
        submission("R06", "21000000X", "Saint Pierre", "Commune", status="Incomplète",
                   answers={"Q1. Projets ?": "Oui", "Q2. Porteur [DSI]": "Oui", "Q3. Économies ?": "Non"}),
        submission("R07", "200000002", "Saint-Quentin", "Communauté d'agglomération", status="Incomplète",
                   answers={"Q1. Projets ?": "Non"}),
        submission("R08", "230000006", "Région IDF", "Région"),
    ]
    frame_path = write_frame(tmp_path)
    export_path = write_export(tmp_path, codebook, records)
    return codebook, frame_path, export_path


def test_every_messy_case_is_resolved_and_logged(wave):
    codebook, frame_path, export_path = wave
    cleaned = clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK)
    steps = cleaned.summary["steps"]
    assert steps == {"submissions_read": 8, "test_submissions_dropped": 1, "unmatched_dropped": 1,
                     "duplicates_dropped": 1, "submissions_retained": 5}
    assert cleaned.summary["linkage"] == {"identifier": 4, "name": 2, "name_fuzzy": 0}
    actions = cleaned.log.set_index("response_id")["action"]
    assert actions["R04"] == "dropped_test"
    assert actions["R05"] == "dropped_unmatched"
    assert set(actions["R02"]) == {"matched_by_name", "dropped_duplicate"}
    assert actions["R06"] == "matched_by_name"
    assert actions["R03"] == "identifier_cleaned"
    assert actions["R08"] == "submission_ignored"
    assert cleaned.log["line"].notna().sum() == len(cleaned.log) - 2  # the ineligible unit, the unknown population
    assert cleaned.log.loc[cleaned.log["step"] == "frame", ["unit_id", "action"]].values.tolist() == [
        ["210000007", "population_unknown"]]


def test_every_frame_unit_gets_its_disposition(wave):
    codebook, frame_path, export_path = wave
    units = clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK).units.set_index("unit_id")
    assert units["disposition"].to_dict() == {
        "200000001": "complete",             # R01 kept over its partial duplicate R02
        "200000002": "refusal",              # R07 answered 1 of 4 applicable questions: break-off
        "210000003": "complete",
        "210000004": "non_contact",          # invitation bounced
        "220000005": "refusal",              # declined by e-mail
        "230000006": "ineligible",           # out of scope although it answered
        "210000007": "partial",              # R06: 3 of 5 questions
    }
    assert units.at["200000002", "disposition_detail"] == "break_off"
    assert units.at["200000001", "response_id"] == "R01"
    assert units["aapor_class"].to_dict()["210000007"] == "P"
    assert units["respondent"].sum() == 3


def test_answers_hold_only_responding_units(wave):
    codebook, frame_path, export_path = wave
    answers = clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK).answers
    assert answers["unit_id"].tolist() == ["200000001", "210000003", "210000007"]
    assert answers.set_index("unit_id").at["200000001", "staff"] == 12.5


def test_no_personal_data_reaches_the_processed_files(wave, tmp_path):
    codebook, frame_path, export_path = wave
    out = tmp_path / "processed"
    files = write_cleaned(clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK), codebook, out)
    assert sorted(path.name for path in files.values()) == [
        "answers.csv", "cleaning_log.csv", "cleaning_summary.json", "data_dictionary.csv", "units.csv"]
    for path in files.values():
        text = path.read_text(encoding="utf-8")
        for value in PERSONAL:
            assert value not in text, f"{value!r} found in {path.name}"


def test_outputs_are_identical_between_runs(wave, tmp_path):
    codebook, frame_path, export_path = wave
    first = write_cleaned(clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK), codebook, tmp_path / "a")
    second = write_cleaned(clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK), codebook, tmp_path / "b")
    for role in first:
        assert first[role].read_bytes() == second[role].read_bytes()


def test_renamed_column_is_reported_with_a_hint(wave):
    codebook, frame_path, export_path = wave
    text = export_path.read_bytes().decode("cp1252").replace("Q1. Projets ?", "Q1. Projets en cours ?")
    export_path.write_bytes(text.encode("cp1252"))
    with pytest.raises(InputError, match=r"column 'Q1. Projets \?': missing .*\(renamed 'Q1. Projets en cours \?'\?\)"):
        clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK)


def test_export_without_submissions_is_an_error(wave):
    codebook, frame_path, export_path = wave
    header = export_path.read_bytes().split(b"\r\n")[0] + b"\r\n"
    export_path.write_bytes(header)
    with pytest.raises(InputError, match="header but no submission"):
        clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK)


def test_unknown_status_or_date_names_the_line(wave):
    codebook, frame_path, export_path = wave
    text = export_path.read_bytes().decode("cp1252").replace("15/10/2012 10:00:00", "2012-10-15", 1)
    export_path.write_bytes(text.encode("cp1252"))
    with pytest.raises(InputError, match=r"line 4, column 'Date de soumission': found '2012-10-15'; expected a date "
                                         r"and time as '%d/%m/%Y %H:%M:%S' \(seconds optional\) or ISO 8601 with a "
                                         r"time"):
        clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK)


def test_raw_files_are_not_modified(wave):
    codebook, frame_path, export_path = wave
    before = (frame_path.read_bytes(), export_path.read_bytes())
    clean_wave(frame_path, export_path, codebook, SETTINGS, FIELDWORK)
    assert (frame_path.read_bytes(), export_path.read_bytes()) == before


@pytest.mark.parametrize("year", [2012, 2013])
def test_demo_wave_planted_rows_are_all_found(year):
    truth = read_truth(year)
    planted = truth["planted"]
    wave = load_wave(year)
    inputs = wave.input_paths(paths.raw_dir(year))
    cleaned = clean_wave(inputs["frame"], inputs["export"], load_codebook(wave.codebook_path), wave.section("cleaning"),
                         wave.section("fieldwork"))
    actions = cleaned.log.groupby("response_id")["action"].agg(set)

    assert {r for r, a in actions.items() if "dropped_test" in a} == {str(i) for i in planted["test"]}
    assert {r for r, a in actions.items() if "dropped_unmatched" in a} == {
        str(item["response_id"]) for item in planted["out_of_frame"]}
    kept = cleaned.units.set_index("unit_id")["response_id"]
    for duplicate in planted["duplicates"]:
        assert kept[duplicate["unit_id"]] == str(duplicate["keep"])
        dropped = set(map(str, duplicate["response_ids"])) - {str(duplicate["keep"])}
        assert all("dropped_duplicate" in actions[r] for r in dropped)
    # Every retained submission is linked to the unit that really sent it.
    retained = cleaned.units.dropna(subset=["response_id"])
    true_units = planted["responses"]
    assert all(true_units[r] == u for r, u in zip(retained["response_id"], retained["unit_id"]))
    assert cleaned.summary["steps"]["submissions_retained"] == len(true_units) - len(planted["test"]) - len(
        planted["out_of_frame"]) - sum(len(d["response_ids"]) - 1 for d in planted["duplicates"])
