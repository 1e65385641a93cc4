"""The yearly runner end to end on the demo 2012 wave: outputs, determinism, failures, nbval.

The tests of a successful run share one run (``conftest.demo_run``). Determinism is proved on it without a
second full run: re-running the report step on top of it, and nbval re-executing every executed notebook in
place (the notebooks rewrite the processed files, figures and results they wrote), must leave every output
byte-identical. Failure cases run on a folder of previous outputs of their own.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook

from helpers import paths, report
from helpers.cleaning.clean import clean_wave
from helpers.errors import InputError, StepFailed
from helpers.inputs.codebook import load_codebook
from helpers.inputs.ingest import read_table
from helpers.inputs.waves import load_wave, wave_path
from helpers.run import pipeline
from helpers.run.notebooks import INJECTED_CELL_ID
from helpers.run.staging import RunLayout

from conftest import YEAR, run_cli, snapshot


def test_run_writes_executed_notebooks_and_processed_files(demo_run):
    assert f"reports/{YEAR}/01_clean.ipynb" in demo_run.files
    assert f"reports/{YEAR}/figures/dispositions_by_type.png" in demo_run.files
    for name in ("units.csv", "answers.csv", "cleaning_log.csv", "data_dictionary.csv", "cleaning_summary.json"):
        assert f"data/processed/{YEAR}/{name}" in demo_run.files
    assert not list((demo_run.root / ".runs").iterdir()), "the staging folder is removed after success"


def test_executed_notebook_is_normalised(demo_run_2012):
    text = (demo_run_2012 / "reports" / str(YEAR) / "01_clean.ipynb").read_text(encoding="utf-8")
    for unstable in (".runs", "start_time", "end_time", "duration", str(paths.ROOT)):
        assert unstable not in text
    notebook = nbformat.reads(text, as_version=4)
    injected = [cell for cell in notebook.cells if "injected-parameters" in cell.metadata.get("tags", [])]
    assert injected[0].id == INJECTED_CELL_ID
    assert f'processed_dir = "{demo_run_2012}/data/processed/{YEAR}"' in injected[0].source
    assert not any(output.get("output_type") == "error" for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.outputs)


def test_log_names_each_step_with_its_duration(demo_run):
    for step in pipeline.STEPS:
        assert f"step {step}: done in" in demo_run.stderr


def test_the_kernels_leave_nothing_in_the_run_log(demo_run):
    """No "TCP without encryption" warning (Unix sockets) and no "KeyboardInterrupt caught in kernel" error
    (no interrupt before shutting an idle kernel down): helpers.run.notebooks.RunnerKernelManager."""
    assert "[IPKernelApp]" not in demo_run.stderr


def test_report_step_run_again_is_byte_identical(demo_run):
    """``--only`` on top of the last run: the report notebooks, their HTML pages, the PDF and the index."""
    result = run_cli("--out-dir", str(demo_run.root), "--only", "04_report")
    assert result.returncode == 0, result.stderr
    assert "report:" in result.stderr and "rendered" in result.stderr
    assert snapshot(demo_run.root) == demo_run.files


def _broken_raw_dir(tmp_path: Path, mutate) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_dir(YEAR), raw)
    mutate(raw / "export.csv")
    return raw


def _rename_column(export: Path) -> None:
    codebook = load_codebook()
    table = read_table(export)
    column = codebook.question_columns()[0]
    export.write_bytes(export.read_bytes().replace(column.encode(table.encoding.replace("-sig", "")),
                                                   b"Question renommee"))


def _unknown_label(export: Path) -> None:
    table = read_table(export)
    data = export.read_bytes().decode(table.encoding)
    data = data.replace(";Oui;", ";Oui peut-être;", 1)
    export.write_bytes(data.encode(table.encoding))


def _bad_bytes(export: Path) -> None:
    export.write_bytes(export.read_bytes().replace(b"\n", b"\n\x81\x8d", 1))


def _empty(export: Path) -> None:
    export.write_bytes(b"")


BROKEN_INPUTS = [
    (_rename_column, r"Q1\. .*: missing \(expected by profile 'default'\)"),
    (_unknown_label, r"line 2, column .*: found 'Oui…'; expected one of 'Oui'"),
    (_bad_bytes, "no supported encoding"),
    (_empty, "the file is empty"),
]
BROKEN_IDS = ["renamed-column", "unknown-label", "bad-bytes", "empty-export"]


@pytest.mark.parametrize("mutate, message", BROKEN_INPUTS, ids=BROKEN_IDS)
def test_broken_export_is_refused_naming_the_file_and_the_problem(tmp_path, mutate, message):
    raw = _broken_raw_dir(tmp_path, mutate)
    before = {path: path.read_bytes() for path in sorted(raw.iterdir())}
    with pytest.raises(InputError, match=message) as refused:
        wave = load_wave(YEAR)
        clean_wave(raw / "frame.csv", raw / "export.csv", load_codebook(), wave.section("cleaning"),
                   wave.section("fieldwork"))
    assert "export.csv" in str(refused.value)
    assert {path: path.read_bytes() for path in sorted(raw.iterdir())} == before


@pytest.mark.pipeline
def test_broken_input_stops_the_run_and_keeps_previous_outputs(previous_outputs, tmp_path):
    """The runner's side of a refused export (any of :data:`BROKEN_INPUTS` raises in the same cell)."""
    first_snapshot = snapshot(previous_outputs)
    raw = _broken_raw_dir(tmp_path, _rename_column)
    before = {path: path.read_bytes() for path in sorted(raw.iterdir())}
    result = run_cli("--out-dir", str(previous_outputs), "--raw-dir", str(raw), "--only", "clean")
    assert result.returncode == 1
    assert "step 01_clean failed in cell" in result.stderr and "InputError" in result.stderr
    assert "export.csv" in result.stderr and "missing (expected by profile" in result.stderr
    assert "partial executed notebook kept for debugging at" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(previous_outputs) == first_snapshot
    assert {path: path.read_bytes() for path in sorted(raw.iterdir())} == before


def test_misspelt_configuration_key_stops_before_running(previous_outputs, tmp_path):
    first_snapshot = snapshot(previous_outputs)
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    spec["cleaning"]["complete_treshold"] = 0.8
    config = tmp_path / "wave.yaml"
    config.write_text(yaml.safe_dump(spec), encoding="utf-8")
    result = run_cli("--out-dir", str(previous_outputs), "--config", str(config))
    assert result.returncode == 2
    assert "wave.yaml, column 'cleaning.complete_treshold': unknown key" in result.stderr
    assert snapshot(previous_outputs) == first_snapshot
    assert not (previous_outputs / ".runs").exists(), "nothing was staged"


def test_unknown_step_is_refused():
    result = run_cli("--only", "weighting")
    assert result.returncode != 0 and "unknown step 'weighting'" in result.stderr


def _layout(tmp_path: Path) -> RunLayout:
    layout = RunLayout(raw=tmp_path, processed=tmp_path / "p", reports=tmp_path / "r",
                       stage=tmp_path / "stage")
    layout.staged_reports.mkdir(parents=True)
    return layout


def _notebook(folder: Path, *sources: str) -> None:
    notebook = new_notebook(cells=[new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "01_clean.ipynb")


def test_cell_error_names_cell_and_exception(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    _notebook(tmp_path, "x = 1", "raise ValueError('bad value in column A')")
    with pytest.raises(StepFailed, match=r"failed in cell 1 .*ValueError: bad value in column A"):
        pipeline.run_step("01_clean", {}, _layout(tmp_path), timeout=60)


def test_cell_timeout_is_caught_like_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    _notebook(tmp_path, "import time\ntime.sleep(30)")
    with pytest.raises(StepFailed, match="timed out"):
        pipeline.run_step("01_clean", {}, _layout(tmp_path), timeout=2)


def personal_strings(export) -> set[str]:
    """E-mails, phones and full names of respondents (a first name alone, such as Marie, also names
    communes such as Sainte-Marie, so names are searched in full)."""
    columns = load_codebook().export.columns
    first, last = export[columns["first_name"]].str.strip(), export[columns["last_name"]].str.strip()
    full_names = set(first + " " + last) | set(last + " " + first)
    found = set(export[columns["email"]]) | set(export[columns["phone"]]) | full_names
    return {value.strip() for value in found if len(value.strip()) >= 6}


def test_no_personal_data_in_outputs(demo_run_2012):
    personal = personal_strings(read_table(paths.raw_dir(YEAR) / "export.csv").data)
    assert len(personal) > 300
    for path in [*(demo_run_2012 / "data").rglob("*"), *(demo_run_2012 / "reports").rglob("*")]:
        if path.is_file() and path.suffix in {".csv", ".json", ".ipynb", ".html", ".md"}:
            text = path.read_text(encoding="utf-8")
            leaked = [value for value in personal if value in text]
            assert not leaked, f"{path.name} holds personal data: {leaked[:3]}"


def test_nbval_reproduces_the_executed_notebooks_and_their_files(demo_run):
    """Every executed notebook of the run, re-executed by nbval in its own folder, gives the same outputs; the
    files the notebooks write again (processed files, figures, results) are byte-identical. The report's
    notebooks are left to :func:`test_report_step_run_again_is_byte_identical`, which re-executes them and
    compares them, and the pages rendered from them, byte for byte."""
    notebooks = sorted((demo_run.root / "reports" / str(YEAR)).glob("*.ipynb"))
    assert [path.stem for path in notebooks if path.stem in pipeline.STEPS] == list(pipeline.STEPS)
    notebooks = [path for path in notebooks if not path.stem.startswith(report.REPORT_NOTEBOOK)]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-kernel-name", "python3",
         "--nbval-sanitize-with", str(paths.ROOT / "tests" / "nbval_sanitize.cfg"),
         "-p", "no:cacheprovider", "-p", "no:xdist", "-q", *map(str, notebooks)],
        capture_output=True, text=True, cwd=str(paths.ROOT), timeout=900)
    assert result.returncode == 0, result.stdout[-3000:]
    assert snapshot(demo_run.root) == demo_run.files
