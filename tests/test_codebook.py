"""Validation of the codebook file: its pydantic models, then the references between its entries."""

import pytest
import yaml

from helpers.errors import InputError
from helpers.inputs.codebook import load_codebook
from helpers.paths import CODEBOOK_PATH


@pytest.fixture
def spec():
    return yaml.safe_load(CODEBOOK_PATH.read_text(encoding="utf-8"))


def _load(tmp_path, spec):
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_codebook(path)


def _message(tmp_path, spec) -> str:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, spec)
    return str(caught.value)


def test_shipped_codebook_loads_with_its_references_resolved():
    codebook = load_codebook()
    assert codebook.questions["savings"].scale.id == "oui_non"
    assert codebook.questions["savings"].asked_if.codes == [1]
    assert codebook.indicators["driver_elected"].codes == [1]
    assert codebook.label("impacts", "en") == "Impacts"


def test_every_problem_of_the_file_is_listed_with_its_key(tmp_path, spec):
    spec["questions"][0]["colum"] = "Q1"
    spec["questions"][2]["type"] = "singel"
    spec["scales"]["oui_non"]["en"] = {1: "Yes"}
    spec["indicators"][0]["published_2012"] = 85
    del spec["export"]["columns"]["email"]
    message = _message(tmp_path, spec)
    assert "5 problems" in message
    for part in ("key 'export.columns': missing role(s) ['email']",
                 "key 'scales.oui_non': no English label (en) for code(s) [0]",
                 "unknown key 'questions.projects_underway.colum' (did you mean 'column'?)",
                 "key 'questions.main_aim.type' is 'singel'; expected one of ['single', 'multi', 'numeric', 'text']",
                 "key 'indicators.projects_underway.published_2012' is 85; expected a number >= 0 and <= 1"):
        assert part in message


def test_every_broken_reference_is_listed(tmp_path, spec):
    spec["questions"][3]["scale"] = "nope"
    spec["questions"][4]["section"] = "nowhere"
    spec["indicators"][1]["option"] = "mayor"
    spec["indicators"].append({**spec["indicators"][0]})
    message = _message(tmp_path, spec)
    assert "4 problems" in message
    for part in (f"questions.{spec['questions'][3]['id']}.scale: 'nope' is not a defined scale",
                 f"questions.{spec['questions'][4]['id']}.section: 'nowhere' is not a section",
                 "indicators.driver_elected.option: 'mayor' is not an option of 'driver'",
                 "indicators: identifier 'projects_underway' appears twice"):
        assert part in message


@pytest.mark.parametrize("change, message", [
    (lambda q: q.pop("scale"), "a single question needs scale"),
    (lambda q: q.update(type="multi"), "a multi question needs options"),
    (lambda q: q.update(asked_if={"question": "x"}), "expected either codes"),
])
def test_keys_a_question_type_requires(tmp_path, spec, change, message):
    change(spec["questions"][0])
    assert message in _message(tmp_path, spec)


def test_numeric_bounds_must_be_ordered(tmp_path, spec):
    staff = next(q for q in spec["questions"] if q["id"] == "it_staff_fte")
    staff["min"], staff["max"] = 10, 1
    assert "min (10) exceeds max (1)" in _message(tmp_path, spec)
