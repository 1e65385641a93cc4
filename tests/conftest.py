"""Shared fixtures: the repository's copies of the reference and official files, and one run of the pipeline.

The whole pipeline runs once per test session (:func:`demo_run`); every test that reads its outputs shares it, and
the later demo waves run once on top of it (:func:`series_run`).
Those tests are marked ``pipeline`` and, under pytest-xdist (``make test``), grouped on one worker and
scheduled first, so that the run and the tests after it overlap with the rest of the suite on the other cores.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from failonskip import pytest_addoption, pytest_sessionfinish  # noqa: F401 (hooks of --fail-on-skip)

from helpers.paths import DATA_DIR, ROOT

RUN_FIXTURES = {"demo_run", "demo_run_2012", "series_run"}
# One group for the 2012 wave's tests and the series': a group of their own would put the series on the other
# worker, which would run a 2012 wave of its own first (a session fixture belongs to one worker), and on 2 cores
# the suite is bound by CPU (measured in a fresh clone: 15 min 20 s that way, against 13 min 4 s with one group).
RUN_GROUP = "demo-run-2012"
YEAR = 2012
SERIES_YEARS = (2013, 2014, 2015, 2016)  # the demo waves after 2012, run in order by series_run


def pytest_report_header(config) -> str:
    """Say once whether the R parity tests compare with numbers R printed on this machine or the committed ones."""
    if shutil.which("Rscript") is None:
        return ("R parity: Rscript not found; tests/test_r_parity*.py compare with the committed results in "
                "tests/r/results (make r-deps r-results regenerates them; .ci/run checks they are current)")
    return ("R parity: tests/test_r_parity*.py compare with the committed results in tests/r/results; "
            "make r-results regenerates them with this machine's R")


def _folder(path: Path) -> Path:
    assert path.is_dir(), f"{path} is missing: it is part of the repository (see its README)"
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``tests/reference``: data sets with the numbers R survey, nrba and logistf print."""
    return _folder(ROOT / "tests" / "reference")


@pytest.fixture(scope="session")
def official_dir() -> Path:
    """``data/external/official``: the official public files for building a real frame, by year."""
    return _folder(DATA_DIR / "external" / "official")


@pytest.fixture(scope="session")
def published_dir() -> Path:
    """``data/external/published``: what the 2012 barometer published."""
    return _folder(DATA_DIR / "external" / "published")


def run_cli(*args: str, year: int = YEAR) -> subprocess.CompletedProcess:
    """``python -m helpers run --year YEAR ARGS`` from an unrelated working directory."""
    return subprocess.run([sys.executable, "-m", "helpers", "run", "--year", str(year), *args],
                          capture_output=True, text=True, cwd="/", timeout=900)


def snapshot(root: Path, year: int = YEAR) -> dict[str, str]:
    """SHA-256 of every file under a wave's output folders below ``root``, by path relative to ``root``."""
    folders = [root / "data" / "processed" / str(year), root / "reports" / str(year)]
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for folder in folders for path in sorted(folder.rglob("*")) if path.is_file()}


@dataclasses.dataclass(frozen=True)
class DemoRun:
    """One run of the pipeline on the demo 2012 wave.

    Attributes
    ----------
    root
        The ``--out-dir`` of the run (``data/processed/2012``, ``reports/2012`` and ``.runs`` below it).
    files
        :func:`snapshot` of its outputs taken as soon as it finished, before any test re-executed a notebook.
    stderr
        The run's log.
    """

    root: Path
    files: dict[str, str]
    stderr: str


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> DemoRun:
    """The whole pipeline run once on the demo 2012 wave."""
    root = tmp_path_factory.mktemp("run2012")
    result = run_cli("--out-dir", str(root))
    assert result.returncode == 0, result.stderr
    return DemoRun(root, snapshot(root), result.stderr)


@pytest.fixture(scope="session")
def demo_run_2012(demo_run) -> Path:
    """The folder holding the outputs of :func:`demo_run`."""
    return demo_run.root


@pytest.fixture(scope="session")
def series_run(demo_run, tmp_path_factory) -> Path:
    """The demo waves after 2012 run in order on top of :func:`demo_run`'s outputs, in one output root.

    What ``make series`` does: each wave's year-on-year and series step reads the earlier waves' outputs.
    """
    root = tmp_path_factory.mktemp("series")
    for folder in (f"data/processed/{YEAR}", f"reports/{YEAR}"):
        shutil.copytree(demo_run.root / folder, root / folder)
    for year in SERIES_YEARS:
        result = run_cli("--out-dir", str(root), year=year)
        assert result.returncode == 0, f"wave {year}: {result.stderr[-3000:]}"
    return root


@pytest.fixture
def previous_outputs(tmp_path) -> Path:
    """An ``--out-dir`` holding previous outputs of the 2012 wave (a few files), which a failed run must keep."""
    root = tmp_path / "previous"
    for relative in (f"data/processed/{YEAR}/units.csv", f"reports/{YEAR}/01_clean.ipynb",
                     f"reports/{YEAR}/figures/dispositions_by_type.png"):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"previous {relative}\n".encode())
    return root


def _shares_the_run(item: pytest.Item) -> bool:
    return bool(RUN_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Mark the tests that share the pipeline run, group them on one xdist worker and run them first."""
    for item in items:
        if _shares_the_run(item):
            item.add_marker(pytest.mark.pipeline)
            item.add_marker(pytest.mark.xdist_group(RUN_GROUP))
    items.sort(key=lambda item: not _shares_the_run(item))
