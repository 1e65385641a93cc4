"""Recoding answer labels to typed values with distinct missing reasons, and the questionnaire's routing."""

import copy

import pandas as pd
import pytest
import yaml

from helpers.cleaning.recode import recode_answers
from helpers.demo.model import NOT_ASKED
from helpers.demo.population import route
from helpers.errors import InputError
from helpers.inputs.codebook import Question, asked, load_codebook
from helpers.inputs.ingest import read_table

from minidata import QUESTIONS, mini_codebook, submission, write_codebook, write_export


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
    with pytest.raises(InputError, match=r"line 3, column 'Q1. Projets \?': answer 'Peu…' .*'Oui', 'Non'"):
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
    assert recoded.recoveries["action"].tolist() == ["number_recovered", "value_invalid"]


def test_unexpected_tick_label_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"column 'Q2. Porteur \[DSI\]': answer 'X'"):
        _recode(tmp_path, [{"Q2. Porteur [DSI]": "X"}])


def test_every_missing_reason_is_produced(tmp_path):
    recoded = _recode(tmp_path, [
        {"Q1. Projets ?": "Non", "Q3. Économies ?": "", "Q4. État civil": "Non concerné", "Q5. ETP informatiques": "900"},
        {"Q1. Projets ?": "Oui", "Q3. Économies ?": "Ne sait pas"},
    ])
    reasons = set(recoded.answers.filter(like="__missing").stack().dropna())
    assert reasons == {"not_asked", "not_answered", "dont_know", "not_applicable", "invalid"}


# --- routing: one rule, helpers.inputs.codebook.asked, for the cleaning and the demo ------------------------

def _question(rule: dict) -> Question:
    return Question(id="savings", section="s", type="single", fr="Économies", en="Savings", column="Q3",
                    scale="oui_non", asked_if=rule)


def test_asked_by_codes_of_a_single_choice_gate():
    answers = pd.DataFrame({"projects": pd.array([1, 0, None, 2], dtype="Int64")})
    shown = asked(_question({"question": "projects", "codes": [1, 2]}), answers)
    assert shown.dtype == "boolean"
    assert shown.tolist() == [True, False, pd.NA, True]


def test_asked_by_a_ticked_option_and_special_codes_close_the_gate():
    answers = pd.DataFrame({"driver__elected": [1.0, 0.0, float("nan"), -2.0]})
    assert asked(_question({"question": "driver", "option": "elected"}), answers).tolist() == [True, False, pd.NA,
                                                                                                False]


def test_question_without_routing_is_asked_of_everyone():
    answers = pd.DataFrame({"projects": [0, 1]}, index=[5, 7])
    shown = asked(Question(id="projects", section="s", type="single", fr="P", en="P", column="Q1", scale="oui_non"),
                  answers)
    assert shown.index.tolist() == [5, 7] and shown.all()


def test_cleaning_and_demo_route_alike(tmp_path):
    """The demo's true answers and the cleaning's recoded answers are routed by the same rule."""
    codebook = mini_codebook(tmp_path)
    gates = [("Oui", 1, "Oui"), ("Non", 0, "Oui"), ("Oui", 1, "Non")]
    recoded = _recode(tmp_path, [{"Q1. Projets ?": label, "Q3. Économies ?": savings} for label, _, savings in gates])
    codes = pd.DataFrame({"projects": [code for _, code, _ in gates], "savings": [1, 1, 0]})
    routed = route(codes, list(codebook.questions.values()))
    assert (routed["savings"] == NOT_ASKED).tolist() == (recoded.answers["savings__missing"].fillna("") == "not_asked").tolist()
    assert (routed["savings"] == NOT_ASKED).tolist() == [False, True, False]


def _codebook_with_routing(tmp_path, rule: dict, position: int = 2):
    path = write_codebook(tmp_path)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = copy.deepcopy(QUESTIONS)
    savings = next(q for q in questions if q["id"] == "savings")
    savings["asked_if"] = rule
    questions.remove(savings)
    questions.insert(position, savings)
    spec["questions"] = questions
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_codebook(path)


@pytest.mark.parametrize("rule, position, message", [
    ({"question": "nowhere", "codes": [1]}, 2, "naming a question of the codebook"),
    ({"question": "projects", "codes": [1]}, 0, "must come before"),
    ({"question": "projects", "codes": [7]}, 2, "not a list of codes of scale 'oui_non'"),
    ({"question": "projects", "option": "elected"}, 2, "unknown key 'option' for the single-choice gate"),
    ({"question": "driver", "option": "mayor"}, 2, "not an option of 'driver'"),
    ({"question": "staff", "codes": [1]}, 5, "expected single or multi"),
])
def test_routing_rules_are_checked_when_the_codebook_loads(tmp_path, rule, position, message):
    with pytest.raises(InputError, match=message):
        _codebook_with_routing(tmp_path, rule, position)


def test_routing_on_a_multiple_choice_option_loads(tmp_path):
    codebook = _codebook_with_routing(tmp_path, {"question": "driver", "option": "elected"})
    assert codebook.questions["savings"].asked_if.model_dump(exclude_none=True) == {"question": "driver",
                                                                                     "option": "elected"}


def test_every_unknown_label_of_a_column_is_counted_and_masked(tmp_path):
    with pytest.raises(InputError, match=r"line 2, column 'Q1. Projets \?': answer 'jea…@…' is not a label of this "
                                         r"question \(and 1 more, lines \[4\]\)") as refused:
        _recode(tmp_path, [{"Q1. Projets ?": "jean.durand@ville.example"}, {"Q1. Projets ?": "Oui"},
                           {"Q1. Projets ?": "01 23 45 67 89"}])
    assert "durand" not in str(refused.value) and "45 67" not in str(refused.value)
