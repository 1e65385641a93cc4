"""Shared fixtures: the project's reference folders and demo waves."""

from __future__ import annotations

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
