"""The one papermill runner: parameters, the kernel's folder, failures as StepFailed, normalised output."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from helpers import paths
from helpers.demo import simulation
from helpers.errors import StepFailed
from helpers.run import notebooks


def _notebook(folder: Path, *sources: str, parameters: str = "x = 0") -> Path:
    cells = [new_code_cell(parameters, metadata={"tags": ["parameters"]}), *map(new_code_cell, sources)]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": notebooks.KERNEL, "display_name": "Python 3", "language": "python"}
    path = folder / "step.ipynb"
    nbformat.write(notebook, path)
    return path


def test_parameters_are_injected_and_the_kernel_runs_in_the_given_folder(tmp_path):
    kernel_folder = tmp_path / "kernel"
    kernel_folder.mkdir()
    source = _notebook(tmp_path, "import os\nprint(x, os.getcwd())")
    output = tmp_path / "out.ipynb"
    duration = notebooks.execute_notebook(source, output, {"x": 41}, cwd=kernel_folder)
    assert duration > 0
    executed = nbformat.read(output, as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == f"41 {kernel_folder}\n"


def test_kernel_runs_in_the_notebooks_folder_by_default(tmp_path):
    source = _notebook(tmp_path, "import os\nprint(os.getcwd())")
    notebooks.execute_notebook(source, tmp_path / "out.ipynb", {})
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == f"{paths.NOTEBOOKS_DIR}\n"


def test_cell_error_is_step_failed_naming_notebook_cell_and_exception(tmp_path):
    source = _notebook(tmp_path, "y = 1", "raise KeyError('region_code')")
    output = tmp_path / "out.ipynb"
    with pytest.raises(StepFailed, match=r"step 02_x failed in cell \d .*KeyError: 'region_code'") as failure:
        notebooks.execute_notebook(source, output, {}, name="02_x")
    assert f"partial executed notebook kept for debugging at {output}" in str(failure.value)
    assert nbformat.read(output, as_version=4).metadata.papermill.exception is True


def test_dead_kernel_is_step_failed(tmp_path):
    source = _notebook(tmp_path, "import os\nos._exit(1)")
    with pytest.raises(StepFailed, match="step step: the kernel died"):
        notebooks.execute_notebook(source, tmp_path / "out.ipynb", {})


def test_normalised_notebook_has_no_timings_fixed_ids_and_final_paths(tmp_path):
    source = _notebook(tmp_path, "print('done')")
    output = tmp_path / "staging" / "out.ipynb"
    output.parent.mkdir()
    notebooks.execute_notebook(source, output, {"x": str(output.parent)})
    notebooks.normalise_notebook(output, {str(output.parent): "reports/2012"})
    text = output.read_text(encoding="utf-8")
    notebook = json.loads(text)
    assert set(notebook["metadata"]["papermill"]) <= {"parameters", "exception"}
    assert notebook["metadata"]["papermill"]["parameters"] == {"x": "reports/2012"}
    assert not any("execution" in cell["metadata"] or "papermill" in cell["metadata"] for cell in notebook["cells"])
    injected = [cell for cell in notebook["cells"] if "injected-parameters" in cell["metadata"].get("tags", [])]
    assert [cell["id"] for cell in injected] == [notebooks.INJECTED_CELL_ID]
    assert str(tmp_path) not in text


def test_validation_executes_its_notebook_through_the_runner(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(notebooks, "execute_notebook", lambda *args, **kwargs: calls.append(args))
    monkeypatch.setattr(notebooks, "normalise_notebook", lambda path, replacements: calls.append(replacements))
    assert simulation.execute_notebook(tmp_path, paths.ROOT / "reports" / "validation") == \
        tmp_path / "validation.ipynb"
    assert calls == [(simulation.NOTEBOOK, tmp_path / "validation.ipynb", {"results_dir": str(tmp_path)}),
                     {str(tmp_path): "reports/validation"}]


def test_timed_out_notebook_is_written_with_the_cells_that_ran(tmp_path):
    source = _notebook(tmp_path, "print('first cell ran')", "import time\ntime.sleep(60)")
    output = tmp_path / "out.ipynb"
    with pytest.raises(StepFailed, match="step step timed out"):
        notebooks.execute_notebook(source, output, {}, timeout=3)
    executed = nbformat.read(output, as_version=4)
    assert executed.cells[-2].outputs[0]["text"] == "first cell ran\n"
