"""Shared fixtures: the project's reference folders and demo waves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import ROOT

SHARED_DIR = ROOT.parent / "shared"


def _shared_subdir(name: str) -> Path:
    folder = SHARED_DIR / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent: the reference data are read in place from ../shared/{name}")
    return folder


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``../shared/reference``: data sets with the numbers R survey, nrba and logistf print."""
    return _shared_subdir("reference")


@pytest.fixture(scope="session")
def official_dir() -> Path:
    """``../shared/official``: the official public files for building a real frame."""
    return _shared_subdir("official")


@pytest.fixture(scope="session")
def published_dir() -> Path:
    """``../shared/published``: what the 2012 barometer published."""
    return _shared_subdir("published")


def run_cli(*args: str, year: int = 2012) -> subprocess.CompletedProcess:
    """``python -m helpers run --year YEAR ARGS`` from an unrelated working directory."""
    return subprocess.run([sys.executable, "-m", "helpers", "run", "--year", str(year), *args],
                          capture_output=True, text=True, cwd="/", timeout=900)


@pytest.fixture(scope="session")
def demo_run_2012(tmp_path_factory) -> Path:
    """The whole pipeline run once on the demo 2012 wave; the folder holding its outputs."""
    root = tmp_path_factory.mktemp("run2012")
    result = run_cli("--out-dir", str(root))
    assert result.returncode == 0, result.stderr
    return root
