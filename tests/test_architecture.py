"""Architecture rules of the package, checked on the source tree; each checker is proved on a broken fake tree.

The rules (issue 10, sections 1 and 4):

- ``helpers.survey`` and ``helpers.models`` import only numpy, scipy, pandas, statsmodels, firthmodels,
  scikit-learn's warning classes, the standard library and each other;
- stages import only the base layer, the pure statistics of ``survey`` and ``models`` (which depend on no
  other part of the package, so any stage may use them) and earlier stages, in the order of :data:`STAGES`;
  the base layer imports only the standard library and itself; nothing outside ``helpers.demo`` imports it but
  ``helpers.__main__``;
- nothing but ``helpers.demo`` (and the simulation's notebook) reads the demo truth;
- loading a wave configuration imports no statistics or plotting library, and the runner none of the heavy ones;
- each subpackage's ``__init__`` names its public API in ``__all__``, and every name resolves;
- every third-party import is declared in ``pyproject.toml``.

Imports are read with :mod:`ast`, at any depth (function-level imports included), so that a rule cannot be
escaped by importing lazily.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from helpers.paths import ROOT

PACKAGE = "helpers"
STAGES = ("inputs", "frame", "cleaning", "survey", "models", "steps", "report", "run")
BASE_LAYER = ("paths", "errors", "atomic", "checksums", "masking", "vocabulary")
APART = "demo"
ENTRY_POINT = "__main__"
PURE_STAGES = ("survey", "models")
PURE_THIRD_PARTY = ("numpy", "scipy", "pandas", "statsmodels", "firthmodels", "sklearn.exceptions", "lazy_loader")
TRUTH_WORDS = ("demo_truth", "DEMO_TRUTH_DIR")
TRUTH_NOTEBOOKS = ("validation.ipynb",)
STATISTICS_AND_PLOTTING = ("statsmodels", "scipy", "matplotlib", "seaborn", "sklearn", "firthmodels", "IPython",
                           "papermill")
RUNNER_FORBIDDEN = ("statsmodels", "matplotlib", "seaborn", "IPython")
SHELL_LINE = re.compile(r"^\s*[%!]")


# --------------------------------------------------------------------------- reading imports

def module_name(path: Path, src: Path) -> str:
    """Dotted name of the module at ``path`` under the source folder ``src``."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.AST, module: str = "", is_package: bool = False) -> set[str]:
    """Absolute names of the modules a parsed source imports, at any depth.

    ``from a.b import c`` gives ``a.b`` and ``a.b.c`` (``c`` may be a submodule); relative imports are resolved
    against ``module``.
    """
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                anchor = package[:len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def package_modules(src: Path) -> dict[str, Path]:
    """Every module of the package under ``src``, by dotted name."""
    return {module_name(path, src): path for path in sorted((src / PACKAGE).rglob("*.py"))}


def most_specific(names: set[str]) -> set[str]:
    """``names`` without those that another name extends (``a.b`` is dropped when ``a.b.c`` is there)."""
    return {name for name in names if not any(other.startswith(f"{name}.") for other in names)}


def internal_imports(src: Path) -> dict[str, set[str]]:
    """For each module of the package, the modules of the package it imports (``from a.b import name`` counts
    as an import of ``a.b`` when ``name`` is not a module)."""
    modules = package_modules(src)
    result = {}
    for name, path in modules.items():
        imported = imported_modules(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py")
        targets = set()
        for target in imported:
            parts = target.split(".")
            prefixes = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
            targets.update(prefix for prefix in prefixes[:1 + (target not in modules)] if prefix in modules)
        result[name] = most_specific(targets)
    return result


def stage_of(module: str) -> str:
    """The stage, base-layer module, ``demo`` or entry point a module of the package belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def notebook_cells(path: Path) -> dict[int, str]:
    """The code cells of a notebook by index, as Python sources (shell and magic lines blanked)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return {index: "\n".join("" if SHELL_LINE.match(line) else line for line in "".join(cell["source"]).splitlines())
            for index, cell in enumerate(cells) if cell["cell_type"] == "code"}


# --------------------------------------------------------------------------- the rules

def pure_stage_violations(src: Path) -> list[str]:
    """Imports of ``survey`` and ``models`` outside their allowed libraries."""
    violations = []
    internal = internal_imports(src)
    for name, path in package_modules(src).items():
        if stage_of(name) not in PURE_STAGES:
            continue
        imported = imported_modules(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py")
        external = most_specific({target for target in imported if target.split(".")[0] != PACKAGE})
        for target in sorted(external | internal[name]):
            top = target.split(".")[0]
            if top in sys.stdlib_module_names or top == "__future__":
                continue
            if top == PACKAGE:
                allowed = target == PACKAGE or stage_of(target) in PURE_STAGES
            else:
                allowed = any(target == lib or target.startswith(f"{lib}.") for lib in PURE_THIRD_PARTY)
            if not allowed:
                violations.append(f"{name} imports {target}")
    return violations


def layer_violations(src: Path) -> list[str]:
    """Imports that go against the flow base layer -> stages in :data:`STAGES` order, demo apart."""
    roots = ("", *BASE_LAYER)  # "" is the package's own ``__init__``
    violations = []
    for name, targets in internal_imports(src).items():
        home = stage_of(name)
        if home not in (*roots, *STAGES, APART, ENTRY_POINT):
            violations.append(f"{name} is in no stage: put it in one of {', '.join(STAGES)} or the base layer")
            continue
        for target in sorted(targets):
            there = stage_of(target)
            if there == APART:
                if home not in (APART, ENTRY_POINT):
                    violations.append(f"{name} imports {target}: only {PACKAGE}.{APART} and "
                                      f"{PACKAGE}.{ENTRY_POINT} may import the demo")
            elif home in (APART, ENTRY_POINT) or there in roots or (there in PURE_STAGES and home not in roots):
                continue
            elif home in roots:
                violations.append(f"{name} imports {target}: the base layer imports only itself")
            elif there in STAGES and STAGES.index(there) > STAGES.index(home):
                violations.append(f"{name} imports {target}: {home} comes before {there}")
    return sorted(violations)


def _is_docstring(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    holder = parents.get(parent)
    return (isinstance(parent, ast.Expr) and isinstance(holder, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                                                ast.AsyncFunctionDef))
            and holder.body and holder.body[0] is parent)


def truth_references(source: str, module: str = "", is_package: bool = False) -> list[str]:
    """Where a source reads the demo truth: imports of ``helpers.demo``, the names and strings of
    :data:`TRUTH_WORDS` (docstrings and comments may mention them)."""
    tree = ast.parse(source)
    found = [f"imports {target}" for target in sorted(most_specific(imported_modules(tree, module, is_package)))
             if target == f"{PACKAGE}.{APART}" or target.startswith(f"{PACKAGE}.{APART}.")]
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        words = []
        if isinstance(node, ast.Name):
            words = [node.id]
        elif isinstance(node, ast.Attribute):
            words = [node.attr]
        elif isinstance(node, ast.alias):
            words = [node.name, node.asname or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and not _is_docstring(node, parents):
            words = [node.value]
        found += [f"line {getattr(node, 'lineno', '?')}: {word}" for word in TRUTH_WORDS
                  if any(word in text for text in words)]
    return sorted(set(found))


def truth_violations(src: Path, notebooks: Path) -> list[str]:
    """Modules outside ``helpers.demo`` and notebooks other than the simulation's that read the demo truth."""
    violations = []
    for name, path in package_modules(src).items():
        if stage_of(name) in (APART, ENTRY_POINT):
            continue
        refs = truth_references(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
        violations += [f"{name}: {ref}" for ref in refs]
    for path in sorted(notebooks.glob("*.ipynb")):
        if path.name in TRUTH_NOTEBOOKS:
            continue
        for index, source in notebook_cells(path).items():
            violations += [f"{path.name} cell {index}: {ref}" for ref in truth_references(source)]
    return violations


def modules_loaded_by(code: str, suspects: tuple[str, ...]) -> list[str]:
    """Which of ``suspects`` are in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & {set(suspects)!r}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


def public_api_violations(src: Path, package: str = PACKAGE) -> list[str]:
    """Subpackages without ``__all__``, and names of ``__all__`` that do not resolve on import."""
    violations = []
    for init in sorted((src / package).glob("*/__init__.py")):
        name = module_name(init, src)
        module = importlib.import_module(name)
        names = getattr(module, "__all__", None)
        if names is None:
            violations.append(f"{name}: no __all__")
            continue
        violations += [f"{name}.{attribute} does not resolve" for attribute in names
                       if not hasattr(module, attribute)]
    return violations


def _distribution(requirement: str) -> str:
    return normalise(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])


def normalise(distribution: str) -> str:
    """A distribution name as the package index compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def third_party_imports(root: Path, folder: str) -> dict[str, list[str]]:
    """Top-level third-party modules imported under ``root/folder``, with the files importing them.

    Standard-library modules, the package itself and modules of the folder (test helpers, ``conftest``) are
    left out.
    """
    base = root / folder
    files = sorted(base.rglob("*.py")) if folder != "notebooks" else sorted(base.glob("*.ipynb"))
    local = {path.stem for path in base.glob("*.py")} | {path.name for path in base.iterdir() if path.is_dir()}
    found: dict[str, list[str]] = {}
    for path in files:
        sources = notebook_cells(path).values() if path.suffix == ".ipynb" else [path.read_text(encoding="utf-8")]
        tops = {name.split(".")[0] for source in sources for name in imported_modules(ast.parse(source)) if name}
        for top in sorted(tops - set(sys.stdlib_module_names) - local - {PACKAGE, "__future__"}):
            found.setdefault(top, []).append(path.relative_to(root).as_posix())
    return found


def undeclared_imports(root: Path, distributions: dict[str, list[str]] | None = None) -> list[str]:
    """Third-party imports of ``src``, ``notebooks``, ``tests`` and ``benchmarks`` that ``pyproject.toml`` does
    not declare: ``dependencies`` for the first two, ``dependencies`` or the ``dev`` extra for the others.

    ``distributions`` maps import names to the distributions providing them
    (:func:`importlib.metadata.packages_distributions` by default).
    """
    distributions = importlib.metadata.packages_distributions() if distributions is None else distributions
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_distribution(r) for r in project.get("dependencies", [])}
    dev = runtime | {_distribution(r) for r in project.get("optional-dependencies", {}).get("dev", [])}
    violations = []
    for folder, declared in (("src", runtime), ("notebooks", runtime), ("tests", dev), ("benchmarks", dev)):
        if not (root / folder).is_dir():
            continue
        for top, files in third_party_imports(root, folder).items():
            providers = {normalise(d) for d in distributions.get(top, [])}
            if not providers:
                violations.append(f"{top} (imported by {files[0]}) is provided by no installed distribution")
            elif not providers & declared:
                where = "dependencies" if declared is runtime else "dependencies or dev"
                violations.append(f"{top} (imported by {files[0]}) is not declared: "
                                  f"add {' or '.join(sorted(providers))} to {where}")
    return violations


# --------------------------------------------------------------------------- the rules on this repository

SRC = ROOT / "src"


def test_survey_and_models_import_only_the_numeric_stack_and_each_other():
    assert pure_stage_violations(SRC) == []


def test_stages_import_only_the_base_layer_and_earlier_stages():
    assert layer_violations(SRC) == []


def test_nothing_but_the_demo_reads_the_demo_truth():
    assert truth_violations(SRC, ROOT / "notebooks") == []


def test_loading_a_wave_configuration_imports_no_statistics_or_plotting_library():
    code = "from helpers.inputs.waves import load_wave\nload_wave(2012)"
    assert modules_loaded_by(code, STATISTICS_AND_PLOTTING) == []


def test_the_runner_imports_no_statistics_or_plotting_library():
    assert modules_loaded_by("import helpers.run.pipeline", RUNNER_FORBIDDEN) == []


def test_each_subpackage_names_its_public_api():
    assert public_api_violations(SRC) == []


def test_every_third_party_import_is_declared():
    assert undeclared_imports(ROOT) == []


# --------------------------------------------------------------------------- each checker fails when a rule is broken

def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``; return ``root``."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def fake_package(tmp_path: Path, **modules: str) -> Path:
    """A fake ``helpers`` under ``tmp_path/src``: every stage an empty package, plus ``modules``
    (dotted name -> source); returns the ``src`` folder."""
    files = {f"src/{PACKAGE}/__init__.py": "", f"src/{PACKAGE}/paths.py": "import os\n"}
    files |= {f"src/{PACKAGE}/{stage}/__init__.py": '"""A stage."""\n' for stage in (*STAGES, APART)}
    files |= {f"src/{name.replace('.', '/')}.py": source for name, source in modules.items()}
    return write_tree(tmp_path, files) / "src"


def test_imports_are_read_at_any_depth_and_relative_ones_resolved():
    tree = ast.parse("def f():\n    import scipy.stats\n    from . import weighting\n"
                     "    from ..models.logit import fit\n")
    assert imported_modules(tree, "helpers.survey.estimation") == {
        "scipy.stats", "helpers.survey", "helpers.survey.weighting", "helpers.models.logit",
        "helpers.models.logit.fit"}
    assert imported_modules(ast.parse("from .estimation import Design"), "helpers.survey", True) == {
        "helpers.survey.estimation", "helpers.survey.estimation.Design"}


def test_pure_stage_checker_fails_on_a_plotting_or_package_import(tmp_path):
    src = fake_package(tmp_path, **{
        "helpers.survey.good": "import math\nimport numpy as np\nfrom scipy import stats\n"
                               "from sklearn.exceptions import ConvergenceWarning\nfrom helpers.models import x\n",
        "helpers.models.x": "from helpers.survey.good import np\n",
        "helpers.survey.bad": "def plot():\n    import matplotlib.pyplot as plt\n",
        "helpers.models.reads": "from helpers.paths import ROOT\nfrom sklearn.linear_model import LogisticRegression\n",
    })
    assert pure_stage_violations(src) == [
        "helpers.models.reads imports helpers.paths",
        "helpers.models.reads imports sklearn.linear_model.LogisticRegression",
        "helpers.survey.bad imports matplotlib.pyplot"]


def test_layer_checker_fails_on_an_import_against_the_flow(tmp_path):
    src = fake_package(tmp_path, **{
        "helpers.frame.build": "from helpers.inputs import codebook\nfrom helpers.paths import ROOT\n",
        "helpers.inputs.codebook": "def f():\n    from helpers.frame import build\n",
        "helpers.steps.ok": "from helpers.survey import estimation\n",
        "helpers.survey.estimation": "import numpy\n",
        "helpers.report.uses_demo": "from helpers.demo import generator\n",
        "helpers.demo.generator": "from helpers.report import uses_demo\n",
        "helpers.__main__": "import helpers.demo.generator\n",
        "helpers.errors": "from helpers.steps import ok\n",
        "helpers.flat": "from helpers import paths\n",
    })
    assert layer_violations(src) == [
        "helpers.errors imports helpers.steps.ok: the base layer imports only itself",
        "helpers.flat is in no stage: put it in one of inputs, frame, cleaning, survey, models, steps, report, "
        "run or the base layer",
        "helpers.inputs.codebook imports helpers.frame.build: inputs comes before frame",
        "helpers.report.uses_demo imports helpers.demo.generator: only helpers.demo and helpers.__main__ may "
        "import the demo",
    ]


def test_truth_checker_fails_on_a_module_or_notebook_reading_the_truth(tmp_path):
    src = fake_package(tmp_path, **{
        "helpers.steps.peek": '"""Never reads data/demo_truth."""\nfrom helpers.paths import DATA_DIR\n'
                              'TRUTH = DATA_DIR / "demo_truth"\n',
        "helpers.report.odds": "def f():\n    from helpers.demo.generator import TRUE_ODDS_RATIO\n",
        "helpers.demo.truth": 'DEMO_TRUTH_DIR = "data/demo_truth"\n',
        "helpers.steps.clean": '"""Mentions demo_truth in its docstring only."""\n# and DEMO_TRUTH_DIR here\n',
    })
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebooks = write_tree(tmp_path / "notebooks", {
        "03.ipynb": json.dumps({"cells": [{**cell, "source": ["%matplotlib inline\n",
                                                             "from helpers.paths import DEMO_TRUTH_DIR"]}]}),
        "validation.ipynb": json.dumps({"cells": [{**cell, "source": "import helpers.demo.simulation"}]}),
        "02.ipynb": json.dumps({"cells": [{"cell_type": "markdown", "metadata": {},
                                           "source": "The analysis never reads `demo_truth`."}]}),
    })
    assert truth_violations(src, notebooks) == [
        "helpers.report.odds: imports helpers.demo.generator.TRUE_ODDS_RATIO",
        "helpers.steps.peek: line 3: demo_truth",
        "03.ipynb cell 0: line 2: DEMO_TRUTH_DIR",
    ]


def test_import_probe_fails_when_a_library_is_loaded():
    assert modules_loaded_by("import json", STATISTICS_AND_PLOTTING) == []
    assert modules_loaded_by("import scipy.special", STATISTICS_AND_PLOTTING) == ["scipy"]


def test_public_api_checker_fails_without_all_or_on_a_name_that_does_not_resolve(tmp_path, monkeypatch):
    package = "fakehelpers_api"
    src = write_tree(tmp_path, {
        f"{package}/__init__.py": "",
        f"{package}/good/__init__.py": '"""Good."""\nfrom .core import fit\n\n__all__ = ["fit"]\n',
        f"{package}/good/core.py": "def fit():\n    return 1\n",
        f"{package}/missing/__init__.py": '"""No list."""\n',
        f"{package}/wrong/__init__.py": '"""Stale list."""\n__all__ = ("gone",)\n',
    })
    monkeypatch.syspath_prepend(str(src))
    assert public_api_violations(src, package) == [f"{package}.missing: no __all__",
                                                  f"{package}.wrong.gone does not resolve"]


def test_dependency_checker_fails_on_an_undeclared_or_misplaced_import(tmp_path):
    root = write_tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["numpy>=2", "scikit_learn"]\n'
                          '[project.optional-dependencies]\ndev = ["pytest>=8"]\n',
        "src/helpers/a.py": "import numpy\nfrom sklearn.exceptions import ConvergenceWarning\nimport os\n"
                            "from helpers import paths\n",
        "src/helpers/b.py": "def f():\n    import pandas\n",
        "src/helpers/c.py": "import pytest\n",
        "tests/conftest.py": "import pytest\n",
        "tests/test_x.py": "import conftest\nimport numpy\nimport psutil\n",
        "benchmarks/run.py": "import pytest\n",
        "notebooks/01.ipynb": json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                                                      "execution_count": None, "source": "import seaborn"}]}),
    })
    distributions = {"numpy": ["numpy"], "sklearn": ["scikit-learn"], "pandas": ["pandas"], "pytest": ["pytest"],
                     "psutil": ["psutil"], "seaborn": ["seaborn"]}
    assert undeclared_imports(root, distributions) == [
        "pandas (imported by src/helpers/b.py) is not declared: add pandas to dependencies",
        "pytest (imported by src/helpers/c.py) is not declared: add pytest to dependencies",
        "seaborn (imported by notebooks/01.ipynb) is not declared: add seaborn to dependencies",
        "psutil (imported by tests/test_x.py) is not declared: add psutil to dependencies or dev",
    ]
    assert undeclared_imports(root, {})[0] == ("numpy (imported by src/helpers/a.py) is provided by no installed "
                                                "distribution")
