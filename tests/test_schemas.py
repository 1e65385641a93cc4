"""The JSON Schemas of the wave files, codebooks and export profiles: printed, committed, and validating the shipped files."""

import json

import jsonschema
import pytest
import yaml

from helpers import __main__ as cli
from helpers.inputs.schema import SCHEMAS
from helpers.paths import CONFIG_DIR, WAVES_DIR

WAVE_FILES = sorted(WAVES_DIR.glob("*.yaml"))
CODEBOOK_FILES = [CONFIG_DIR / "codebook.yaml", *sorted((CONFIG_DIR / "codebook").glob("*.yaml"))]
PROFILE_FILES = sorted((CONFIG_DIR / "exports").glob("*.yaml"))


def _printed(kind: str, capsys) -> str:
    assert cli.main(["schema", kind]) == 0
    return capsys.readouterr().out


def _as_an_editor_reads_it(path):
    """The file as JSON data: YAML dates and integer keys become strings, as a YAML language server sees them."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_committed_schema_is_the_printed_one(kind, capsys):
    committed = (CONFIG_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == _printed(kind, capsys), f"run `make schemas` to rewrite config/{kind}.schema.json"


@pytest.mark.parametrize("kind, path", [*(("wave", p) for p in WAVE_FILES), *(("codebook", p) for p in CODEBOOK_FILES),
                                           *(("profile", p) for p in PROFILE_FILES)],
                         ids=lambda value: getattr(value, "name", value))
def test_every_committed_file_validates_against_the_printed_schema(kind, path, capsys):
    schema = json.loads(_printed(kind, capsys))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_as_an_editor_reads_it(path))
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    target = first_line.removeprefix("# yaml-language-server: $schema=")
    assert target != first_line and (path.parent / target).resolve() == CONFIG_DIR / f"{kind}.schema.json"


@pytest.mark.parametrize("section, key, value", [
    ("estimation", "confidence_level", 95), ("models", "bootstrap_replicates", 0), ("weighting", "trim_ratio", 0.9),
    ("models", "imputations", 1), ("run", "cell_timeout_seconds", 0), ("cleaning", "complete_treshold", 0.8),
    ("weighting", "primary", "propensity"),
])
def test_the_schema_refuses_what_loading_refuses(section, key, value, capsys):
    """An editor flags the bad values of issue 13 as they are typed."""
    validator = jsonschema.Draft202012Validator(json.loads(_printed("wave", capsys)))
    spec = _as_an_editor_reads_it(WAVES_DIR / "2012.yaml")
    assert validator.is_valid(spec)
    spec[section][key] = value
    assert not validator.is_valid(spec)


def test_the_codebook_schema_requires_what_a_question_type_needs(capsys):
    validator = jsonschema.Draft202012Validator(json.loads(_printed("codebook", capsys)))
    spec = _as_an_editor_reads_it(CONFIG_DIR / "codebook.yaml")
    del spec["questions"][0]["scale"]
    assert any("'scale' is a required property" in error.message for error in validator.iter_errors(spec))
