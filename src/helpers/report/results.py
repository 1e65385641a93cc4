"""The results file: the numbers the report states, written by the analysis steps.

Each step writes its own section of ``results.json``; the report reads them
(checked by :func:`load_results`) and never retypes a number.
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
REPORT_SECTIONS = ("cleaning", "response_bias")


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
        value = value[key]
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
    return atomic.update_text(Path(folder) / RESULTS_NAME, with_section)
