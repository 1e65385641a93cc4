"""Year on year across questionnaires: which questions were added, dropped or reworded, and what is compared."""

import pytest
import yaml

from helpers.inputs.codebook import load_codebook
from helpers.paths import CODEBOOK_PATH, CONFIG_DIR
from helpers.steps.trend import changes_listing, questionnaire_changes


@pytest.fixture(scope="module")
def shared():
    return load_codebook()


def _edited(tmp_path, edit):
    spec = yaml.safe_load(CODEBOOK_PATH.read_text(encoding="utf-8"))
    edit(spec)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_codebook(path)


def _question(spec, qid):
    return next(q for q in spec["questions"] if q["id"] == qid)


def test_same_questionnaire_compares_every_indicator(shared):
    changes = questionnaire_changes(shared, shared)
    assert (changes.added, changes.dropped, changes.reworded, changes.not_compared) == ([], [], {}, {})
    assert changes.compared == list(shared.indicators)


def test_the_2013_demo_questionnaire(shared):
    current = load_codebook(CONFIG_DIR / "codebook" / "2013.yaml")
    changes = questionnaire_changes(shared, current)
    assert changes.added == ["open_data"] and changes.dropped == ["e_safe"]
    assert changes.reworded == {"remote_work": ["question"]}
    assert changes.not_compared == {"open_data": "added", "remote_work": "reworded", "e_safe": "dropped"}
    assert set(changes.compared) == set(shared.indicators) - {"e_safe", "remote_work"}
    listing = changes_listing(changes, shared, current)
    assert listing["dropped"] == [{"id": "e_safe", "fr": "Coffre-fort électronique", "en": "Electronic safe"}]
    assert listing["reworded"][0]["previous_text"] == "Vos agents peuvent-ils travailler à distance ?"
    assert listing["reworded"][0]["current_text"] == ("Vos agents peuvent-ils télétravailler au moins un jour par "
                                                      "semaine ?")


def test_a_renumbered_heading_is_not_a_rewording(tmp_path, shared):
    def renumber(spec):
        _question(spec, "savings")["column"] = _question(spec, "savings")["column"].replace("Q19.", "Q18.")
    assert questionnaire_changes(shared, _edited(tmp_path, renumber)).reworded == {}


@pytest.mark.parametrize("edit, changed", [
    (lambda spec: spec["scales"]["oui_non"]["labels"].update({"Non": 0, "Oui, en partie": 1}), "answers"),
    (lambda spec: _question(spec, "driver")["options"][0].update(column="Q2. Qui porte ? [Le maire]"), "options"),
    (lambda spec: _question(spec, "savings").update(asked_if={"question": "remote_work", "codes": [1]}), "routing"),
    (lambda spec: _question(spec, "driver").update(fr="Qui pilote l'e-administration ?"), "question"),
])
def test_what_respondents_read_changed_is_a_rewording(tmp_path, shared, edit, changed):
    changes = questionnaire_changes(shared, _edited(tmp_path, edit))
    assert changed in next(iter(changes.reworded.values()))
    assert all(why == "reworded" for why in changes.not_compared.values()) and changes.not_compared


def test_an_indicator_counting_other_codes_is_not_compared(tmp_path, shared):
    def redefine(spec):
        next(i for i in spec["indicators"] if i["id"] == "demat_library_any")["codes"] = [2]
    changes = questionnaire_changes(shared, _edited(tmp_path, redefine))
    assert changes.reworded == {} and changes.not_compared == {"demat_library_any": "redefined"}


@pytest.mark.parametrize("lang, added, reworded", [
    ("fr", "Questions ajoutées en 2013 : « Publication de données en open data ».",
     "Question reformulée, non comparée : « Télétravail des agents au moins un jour par semaine » (« Vos agents "
     "peuvent-ils travailler à distance ? » devient"),
    ("en", "Questions added in 2013: “Public data published as open data”.",
     "Question reworded, not compared: “Staff telework at least one day a week” (“Vos agents peuvent-ils "
     "travailler à distance ?” became"),
])
def test_the_report_lists_the_questionnaire_changes(shared, lang, added, reworded):
    from helpers.report.prose import render_section

    current = load_codebook(CONFIG_DIR / "codebook" / "2013.yaml")
    listing = changes_listing(questionnaire_changes(shared, current), shared, current)
    text = render_section("trend", {"trend": {"questionnaire": listing}, "year": 2013, "previous": 2012}, lang,
                          "questionnaire")
    assert added in text and reworded in text
    assert ("Coffre-fort électronique" if lang == "fr" else "Electronic safe") in text
    same = {"added": [], "dropped": [], "reworded": []}
    assert "same" in render_section("trend", {"trend": {"questionnaire": same}, "year": 2013, "previous": 2012},
                                    "en", "questionnaire")
