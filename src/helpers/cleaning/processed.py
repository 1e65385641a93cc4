"""Reading the files one step leaves for the next under ``data/processed/<year>/``.

Each notebook reads what the previous one wrote through these functions, so
the column types are decided once.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError

UNIT_TEXT_COLUMNS = {"unit_id": str, "insee_code": str, "region_code": str, "response_id": str}


def _read(path: Path, **options) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(path, "not found: run the earlier steps of the pipeline first")
    return pd.read_csv(path, **options)


def read_units(folder: Path) -> pd.DataFrame:
    """``units.csv``: one row per frame unit with its disposition, indexed by ``unit_id``."""
    units = _read(Path(folder) / "units.csv", dtype=UNIT_TEXT_COLUMNS, keep_default_na=False,
                  na_values={"population": [""], "completeness": [""]})
    units["population"] = units["population"].astype("Int64")
    path = Path(folder) / "units.csv"
    for column in ("prefecture", "respondent"):
        flags = units[column].astype(str).map({"True": True, "False": False})
        if flags.isna().any():
            raise InputError(path, "expected True or False in every row", column=column)
        units[column] = flags.astype(bool)
    return units.set_index("unit_id")


def read_answers(folder: Path) -> pd.DataFrame:
    """``answers.csv``: the responding units' recoded answers, indexed by ``unit_id``."""
    answers = _read(Path(folder) / "answers.csv", dtype={"unit_id": str})
    return answers.set_index("unit_id")


def read_weights(folder: Path) -> pd.DataFrame:
    """``weights.csv``: each weighting method's weight for every responding unit."""
    return _read(Path(folder) / "weights.csv", dtype={"unit_id": str}).set_index("unit_id")
