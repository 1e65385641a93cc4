"""Repository rules: environments in step, pinned lock, clean source notebooks, runner parameters."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import papermill
import pytest
import yaml

from helpers.paths import NOTEBOOKS_DIR, ROOT
from helpers.run import pipeline
from helpers.run.staging import RunLayout

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
PARAMETER_LINE = re.compile(r"^(\w+): (int|float|str|bool) = (.+?)  # \S.*$")


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_installs_the_project_with_python_of_pyproject():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    dependencies = environment["dependencies"]
    python = next(d for d in dependencies if isinstance(d, str) and d.startswith("python"))
    assert python == "python=3.11"
    assert PYPROJECT["project"]["requires-python"] == ">=3.11,<3.12"
    assert "pip" in dependencies
    pip_section = next(d["pip"] for d in dependencies if isinstance(d, dict))
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    assert pip_section == [f"-e .[{','.join(sorted(extras))}]"]


def test_lock_pins_every_declared_dependency():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {m.group(1).lower().replace("_", "-") for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    declared = PYPROJECT["project"]["dependencies"] + [
        r for extra in PYPROJECT["project"]["optional-dependencies"].values() for r in extra]
    assert {_name(r) for r in declared} <= pinned
    assert "--hash=sha256:" in lock


def test_numpy_is_not_held_below_2():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert int(re.search(r"^numpy==(\d+)", lock, re.M).group(1)) >= 2


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme and "make test" in readme


def test_every_step_has_a_notebook():
    assert [path.stem for path in NOTEBOOKS if path.stem in pipeline.STEPS] == list(pipeline.STEPS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_source_notebook_is_clean(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code), "commit without outputs"
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_annotated_with_defaults_and_comments(path):
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    lines = [line for line in cell.source.splitlines() if line.strip()]
    for line in lines:
        assert PARAMETER_LINE.match(line), f"{path.name}: {line!r} is not 'name: type = default  # comment'"
        ast.parse(line)


@pytest.mark.parametrize("step", pipeline.STEPS)
def test_runner_parameters_are_declared_by_the_notebook(step, tmp_path):
    declared = set(papermill.inspect_notebook(str(NOTEBOOKS_DIR / f"{step}.ipynb")))
    layout = RunLayout(raw=tmp_path, processed=tmp_path, reports=tmp_path, stage=tmp_path)
    passed = set(pipeline.notebook_parameters(2012, layout, tmp_path / "w.yaml"))
    assert passed <= declared


def test_lab_kernel_python3_is_the_project_environment():
    """``make lab`` and papermill run kernel ``python3``: it must start this environment's interpreter."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] in ("python", sys.executable)
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve())


def test_frame_command_reads_the_official_files_the_repository_ships(tmp_path):
    """``python -m helpers frame --year 2012`` without ``--sources`` builds from ``data/external/official/2012``."""
    out = tmp_path / "frame.csv"
    result = subprocess.run([sys.executable, "-m", "helpers", "frame", "--year", "2012", "--out", str(out)],
                            capture_output=True, text=True, cwd="/", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "data/external/official/2012/rne_maires.txt" in out.with_name("frame.report.txt").read_text(encoding="utf-8")
    assert 500 <= len(out.read_text(encoding="utf-8").splitlines()) - 1 <= 530


def test_xdist_keeps_a_group_on_one_worker(tmp_path):
    """``make test`` relies on ``--dist loadgroup`` to run the tests sharing the pipeline run on one worker."""
    (tmp_path / "test_group.py").write_text(
        "import os\nimport pytest\n\n"
        "@pytest.mark.parametrize('i', range(6))\n@pytest.mark.xdist_group('run')\n"
        "def test_worker(i):\n    print('worker', os.environ['PYTEST_XDIST_WORKER'])\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-rA", "-q",
                             "-p", "no:cacheprovider", "test_group.py"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    workers = re.findall(r"^worker (gw\d+)$", result.stdout, re.M)
    assert len(workers) == 6 and len(set(workers)) == 1, workers
