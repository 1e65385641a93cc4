"""What a reviewer needs to trace a number back to its inputs: checksums of files, commit, package versions."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.checksums import sha256
from helpers.paths import display

PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "firthmodels", "papermill",
            "nbconvert", "pyyaml")


def file_table(files: dict[str, Path], relative_to: Path | None = None) -> pd.DataFrame:
    """One row per file: its role, path, size and SHA-256.

    Parameters
    ----------
    files
        Role -> path.
    relative_to
        Show paths relative to this folder; by default from the project root.
    """
    def shown(path: Path) -> str:
        return path.relative_to(relative_to).as_posix() if relative_to is not None else display(path)

    return pd.DataFrame(
        [{"role": role, "path": shown(path), "bytes": path.stat().st_size, "sha256": sha256(path)}
         for role, path in files.items()]
    ).set_index("role")


def git_commit(root: Path) -> str:
    """The project's git commit, with ``+modifications`` when tracked files differ from it; ``unknown`` if none.

    Uses ``GIT_OPTIONAL_LOCKS=0`` so that asking never writes to the repository.
    """
    git = shutil.which("git")
    if git is None:
        return "unknown"
    environment = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    head = subprocess.run([git, "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          env=environment)
    if head.returncode != 0:
        return "unknown"
    status = subprocess.run([git, "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                            capture_output=True, text=True, env=environment)
    return head.stdout.strip() + (" +modifications" if status.stdout.strip() else "")


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    """Python's version and each package's installed version (``absent`` when not installed)."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def report_provenance(results: Mapping[str, Any], run_date: str, root: Path) -> dict[str, Any]:
    """What a reviewer needs to trace the report: commit, input checksums, parameters, packages, run date.

    Parameters
    ----------
    results
        The wave's results (its ``cleaning`` section holds the inputs' checksums and the wave's parameters).
    run_date
        The date printed in the report (ISO).
    root
        The project root (a git working tree).
    """
    cleaning = results["cleaning"]
    return {
        "run_date": run_date,
        "git_commit": git_commit(root),
        "inputs": {role: dict(item) for role, item in cleaning["inputs"].items()},
        "parameters": cleaning["wave"],
        "packages": package_versions(),
    }


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested parameters as ``section.key`` -> text, for a two-column table (a parameter left unset: ``–``)."""
    flat: dict[str, str] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        elif value is None:
            flat[name] = "–"
        else:
            flat[name] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return flat
