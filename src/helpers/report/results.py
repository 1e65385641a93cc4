"""The results file: the numbers the report states, written by the analysis steps, and who wrote each.

Each step writes its own section of ``results.json``; the report reads them
(checked by :func:`load_results`) and never retypes a number.

Which cell wrote a section is read from the executed notebooks, not from the kernel: :func:`write_section`,
run in a notebook, displays an output of type :data:`WRITER_MIME` naming the section, so the executed notebook
holds, in the cell that wrote it, its own record. :func:`writers` finds those records in a wave's executed
notebooks (by the cells' committed ids) and :func:`write_writers` keeps them in ``results.sources.json``:
every key of a section was written by that section's cell.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers import atomic
from helpers.errors import InputError

RESULTS_NAME = "results.json"
SOURCES_NAME = "results.sources.json"
REPORT_SECTIONS = ("cleaning", "response_bias")
WRITER_MIME = "application/vnd.helpers.results-section+json"


def to_plain(value: Any) -> Any:
    """Convert numpy, pandas and nested values to JSON-ready Python values (NaN becomes ``None``)."""
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    if isinstance(value, pd.DataFrame):
        return {str(index): to_plain(row) for index, row in value.to_dict("index").items()}
    if isinstance(value, pd.Series):
        return to_plain(value.to_dict())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if value is pd.NA or value is None:
        return None
    return value


def read_results(folder: Path) -> dict[str, Any]:
    """Every section written so far (an empty dict before the first step)."""
    path = Path(folder) / RESULTS_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def load_results(folder: Path) -> dict[str, Any]:
    """The wave's ``results.json``, checked to hold the sections the report needs (``REPORT_SECTIONS``).

    Raises
    ------
    InputError
        If the file is missing, not JSON, or lacks the ``cleaning`` or ``response_bias`` section.
    """
    path = Path(folder) / RESULTS_NAME
    if not path.is_file():
        raise InputError(path, "not found: run the analysis steps before the report")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error}", row=error.lineno) from error
    missing = [section for section in REPORT_SECTIONS if section not in results]
    if missing:
        raise InputError(path, f"missing section(s) {missing}: run the earlier steps first")
    return results


def lookup(results: Mapping[str, Any], path: str) -> Any:
    """The value at a ``/``-separated path of the results (``response_bias/rates/RR2/rate``)."""
    value: Any = results
    for key in path.split("/"):
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def write_section(folder: Path, section: str, payload: dict[str, Any]) -> Path:
    """Write (or replace) one section of the results file, atomically.

    Parameters
    ----------
    folder
        The wave's reports folder.
    section
        The step's name, e.g. ``response_bias``.
    payload
        Its numbers, as nested dicts, lists, scalars, Series or DataFrames.
    """
    plain = to_plain(payload)

    def with_section(text: str | None) -> str:
        results = json.loads(text) if text is not None else {}
        results[section] = plain
        return json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    # Steps that run side by side write their sections into the same file: one at a time.
    path = atomic.update_text(Path(folder) / RESULTS_NAME, with_section)
    _record_writer(section, plain)
    return path


def _count_values(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_count_values(item) for item in value.values())
    if isinstance(value, list):
        return sum(_count_values(item) for item in value)
    return 1


def _record_writer(section: str, plain: Any) -> None:
    """In a notebook, display which section of the results this cell wrote (a no-op outside a kernel)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # no IPython: not in a notebook
        return
    if get_ipython() is None:
        return
    text = f"{RESULTS_NAME}: section {section!r} written ({_count_values(plain)} values)"
    display({WRITER_MIME: {"section": section}, "text/plain": text}, raw=True)


def writers(folder: Path) -> dict[str, dict[str, str]]:
    """Which executed notebook and cell wrote each section of a wave's results.

    Parameters
    ----------
    folder
        The wave's reports folder, holding its executed notebooks.

    Returns
    -------
    dict
        Section -> ``{"notebook": "02_response_bias.ipynb", "cell": "<cell id>"}``.

    Raises
    ------
    InputError
        If two cells claim the same section.
    """
    found: dict[str, dict[str, str]] = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            for output in cell.get("outputs", []):
                record = output.get("data", {}).get(WRITER_MIME)
                if record is None:
                    continue
                section = record["section"]
                writer = {"notebook": path.name, "cell": cell.get("id", "")}
                if section in found and found[section] != writer:
                    raise InputError(path, f"section {section!r} of {RESULTS_NAME} written by cell {writer['cell']} "
                                           f"and by {found[section]['notebook']}, cell {found[section]['cell']}")
                found[section] = writer
    return found


def write_writers(folder: Path) -> Path:
    """Write ``results.sources.json``: :func:`writers` of the wave's executed notebooks."""
    text = json.dumps(writers(folder), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return atomic.write_text(Path(folder) / SOURCES_NAME, text)
