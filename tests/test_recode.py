"""Recoding answer labels to typed values with distinct missing reasons."""

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.inputs.ingest import read_table
from helpers.cleaning.recode import recode_answers
from minidata import mini_codebook, submission, write_export


def _recode(tmp_path, answers_list):
    codebook = mini_codebook(tmp_path)
    records = [submission(f"R{i}", "200000001", "CA", "Commune", answers=a) for i, a in enumerate(answers_list)]
    path = write_export(tmp_path, codebook, records)
    return recode_answers(read_table(path).data, codebook, path)


def test_labels_become_codes_and_missing_reasons_stay_distinct(tmp_path):
    recoded = _recode(tmp_path, [
        {"Q1. Projets ?": "Oui", "Q3. Économies ?": "Ne sait pas", "Q4. État civil": "Non concerné",
         "Q2. Porteur [DSI]": "Oui", "Q5. ETP informatiques": "3,5"},
        {"Q1. Projets ?": "Non", "Q3. Économies ?": "", "Q4. État civil": "Totalement"},
        {"Q1. Projets ?": ""},
    ])
    a = recoded.answers
    assert a["projects"].tolist() == [1, 0, pd.NA]
    assert a["projects__missing"].fillna("").tolist() == ["", "", "not_answered"]
    assert a["savings__missing"].tolist() == ["dont_know", "not_asked", "not_answered"]
    assert a["civil"].tolist()[1] == 2 and a["civil__missing"][0] == "not_applicable"
    assert a["driver__elected"].tolist() == [0, pd.NA, pd.NA]
    assert a["driver__it"].tolist()[0] == 1
    assert a["driver__missing"].fillna("").tolist() == ["", "not_answered", "not_answered"]
    assert a["staff"][0] == 3.5
    assert "comments" not in a.columns


def test_completeness_counts_applicable_core_questions(tmp_path):
    recoded = _recode(tmp_path, [
        {"Q1. Projets ?": "Non", "Q2. Porteur [Élus]": "Oui", "Q4. État civil": "Partiellement"},
        {"Q1. Projets ?": "Oui", "Q3. Économies ?": "Ne sait pas"},
    ])
    # Row 1: savings routed out, so 3 of 4 applicable core questions answered (staff missing).
    # Row 2: all 5 apply; projects and savings (don't know counts as answered).
    assert recoded.completeness.tolist() == [0.75, 0.4]


def test_label_in_another_case_or_without_accents_is_recovered_and_logged(tmp_path):
    recoded = _recode(tmp_path, [{"Q1. Projets ?": "OUI", "Q4. État civil": "non dematerialise "}])
    assert recoded.answers.at[0, "projects"] == 1 and recoded.answers.at[0, "civil"] == 0
    assert recoded.recoveries["action"].tolist() == ["label_recovered", "label_recovered"]
    assert "'OUI' read as 'Oui'" in recoded.recoveries["detail"].iloc[0]


def test_unknown_label_names_line_column_and_expected_labels(tmp_path):
    with pytest.raises(InputError, match=r"line 3, column 'Q1. Projets \?': answer 'Peut-être' .*'Oui', 'Non'"):
        _recode(tmp_path, [{"Q1. Projets ?": "Oui"}, {"Q1. Projets ?": "Peut-être"}])


def test_answer_given_against_the_routing_is_discarded_and_logged(tmp_path):
    recoded = _recode(tmp_path, [{"Q1. Projets ?": "Non", "Q3. Économies ?": "Oui"}])
    assert pd.isna(recoded.answers.at[0, "savings"])
    assert recoded.answers.at[0, "savings__missing"] == "not_asked"
    assert recoded.recoveries["action"].tolist() == ["routing_discarded"]


def test_number_out_of_range_is_invalid_not_silently_kept(tmp_path):
    recoded = _recode(tmp_path, [{"Q5. ETP informatiques": "1 200"}])
    assert pd.isna(recoded.answers.at[0, "staff"])
    assert recoded.answers.at[0, "staff__missing"] == "invalid"
    assert recoded.recoveries["action"].tolist() == ["value_invalid"]


def test_unexpected_tick_label_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"column 'Q2. Porteur \[DSI\]': answer 'X'"):
        _recode(tmp_path, [{"Q2. Porteur [DSI]": "X"}])
