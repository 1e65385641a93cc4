"""Project-root-anchored paths.

Kernels started by papermill, nbval and JupyterLab run in different working
directories, so every path is resolved from the project root, never from the
current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_ENV_VAR = "BAROMETRE_ROOT"


def _find_root() -> Path:
    override = os.environ.get(ROOT_ENV_VAR)
    if override:
        return Path(override).resolve()
    for candidate in Path(__file__).resolve().parents:
        if (candidate / "pyproject.toml").is_file() and (candidate / "config").is_dir():
            return candidate
    raise RuntimeError(
        f"cannot locate the project root above {Path(__file__).resolve()}; "
        f"install the package in editable mode or set {ROOT_ENV_VAR}"
    )


ROOT: Path = _find_root()
CONFIG_DIR = ROOT / "config"
CODEBOOK_PATH = CONFIG_DIR / "codebook.yaml"
WAVES_DIR = CONFIG_DIR / "waves"
NOTEBOOKS_DIR = ROOT / "notebooks"
DATA_DIR = ROOT / "data"
PROCESSED_ROOT = DATA_DIR / "processed"  # one folder per wave below each root
REPORTS_ROOT = ROOT / "reports"


def resolve(path: str | os.PathLike[str] | None, default: Path) -> Path:
    """Resolve ``path`` against the project root, falling back to ``default``.

    Parameters
    ----------
    path
        A path as given by a user or a notebook parameter; relative paths are
        taken from the project root. Empty or ``None`` selects ``default``.
    default
        The path to use when ``path`` is empty.

    Returns
    -------
    pathlib.Path
        An absolute path.
    """
    if path is None or str(path) == "":
        return default
    path = Path(path)
    return path if path.is_absolute() else (ROOT / path)


def raw_dir(year: int, override: str | os.PathLike[str] | None = None) -> Path:
    """Folder holding the frame and the survey export of a wave."""
    return resolve(override, DATA_DIR / "raw" / str(year))


def processed_dir(year: int, override: str | os.PathLike[str] | None = None) -> Path:
    """Folder the pipeline writes a wave's processed files to."""
    return resolve(override, PROCESSED_ROOT / str(year))


def reports_dir(year: int, override: str | os.PathLike[str] | None = None) -> Path:
    """Folder holding a wave's executed notebooks and report."""
    return resolve(override, REPORTS_ROOT / str(year))


def display(path: Path) -> str:
    """Show ``path`` relative to the project root when it lies under it.

    Printed paths then read the same on every clone, which keeps executed
    notebooks byte-identical between machines.
    """
    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()
