"""The sampling frame: one row per invited authority, with its auxiliary variables."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import InputError
from helpers.inputs.ingest import LINE_COLUMN, parse_decimal, read_table
from helpers.vocabulary import POLITICAL_GROUPS, REGION_GROUPS, UNIT_TYPES

INVITATION_OUTCOMES = ("invited", "bounced", "declined", "ineligible")
FRAME_COLUMNS = ("unit_id", "insee_code", "name", "type", "prefecture", "region", "region_code",
                 "population", "nuance", "political_group", "invitation")
SIZE_CLASS_BOUNDS = (0, 50_000, 100_000, 250_000, 1_000_000, np.inf)
SIZE_CLASS_LABELS = ("<50k", "50k-100k", "100k-250k", "250k-1M", ">=1M")
# Frame columns the response analysis and the weighting read: type (type groups, tiers), population (size bands),
# political_group (blocs), region_code (groups of régions), invitation (dispositions, hence eligibility).
WEIGHTING_COLUMNS = ("type", "population", "political_group", "region_code", "invitation")
_BUILD_REPORT_DATE = re.compile(r"Sampling frame at (\d{4}-\d{2}-\d{2})")


Problem = tuple[int | None, str | None, str]
"""A frame problem: its line and column (``None`` when the text names them) and what is wrong."""


def _bad_rows(frame: pd.DataFrame, bad: pd.Series, column: str, expected: str) -> list[Problem]:
    """One problem per line whose ``column`` is ``bad``: the value found and what ``expected`` it to be."""
    rows = frame.loc[bad, [column, LINE_COLUMN]]
    return [(int(line), column, f"{value!r} {expected}") for value, line in zip(rows[column], rows[LINE_COLUMN])]


def _where(line: int | None, column: str | None) -> str:
    parts = [*([f"line {line}"] if line is not None else []), *([f"column {column!r}"] if column else [])]
    return ", ".join(parts) + ": " if parts else ""


def _raise_problems(path: Path, problems: list[Problem], remedy: str = "") -> None:
    """Refuse the frame with every problem found: one keeps its line and column in the error, several are listed;
    ``remedy`` follows them."""
    if not problems:
        return
    after = f"\n{remedy}" if remedy else ""
    if len(problems) == 1:
        line, column, text = problems[0]
        raise InputError(path, text + (f". {remedy}" if remedy else ""), row=line, column=column)
    listed = "\n".join(f"  - {_where(line, column)}{text}" for line, column, text in problems)
    raise InputError(path, f"{len(problems)} problems:\n{listed}{after}")


def _units(rows: pd.DataFrame, column: str | None = None) -> str:
    """``unit name (line N)`` of each row, with its value of ``column`` when given."""
    return ", ".join(f"{row['unit_id']} {row['name']} (line {row[LINE_COLUMN]}"
                     + (f", {row[column]!r}" if column else "") + ")" for _, row in rows.iterrows())


WEIGHTING_REMEDY = ("The response analysis and the weighting use every unit's type, population, political group, "
                    "région and invitation outcome: give the missing values in the frame, or list a unit whose "
                    "population is unknown under the wave file's cleaning.population_unknown (it then goes to the "
                    "smallest size band)")


def _weighting_problems(frame: pd.DataFrame, population_unknown: Collection[str]) -> list[Problem]:
    """Blank values the weighting would use, and région codes of no région group, naming each unit; a listed unit
    may lack its population."""
    problems: list[Problem] = []
    for column in WEIGHTING_COLUMNS:
        blank = frame[column] == ""
        if column == "population":
            blank &= ~frame["unit_id"].isin(population_unknown)
        if blank.any():
            problems.append((None, None, f"column {column!r} is blank for {int(blank.sum())} unit(s): "
                                         f"{_units(frame[blank])}"))
    ungrouped = (frame["region_code"] != "") & ~frame["region_code"].isin(list(REGION_GROUPS))
    if ungrouped.any():
        problems.append((None, None, f"column 'region_code' holds a code of no région group for "
                                     f"{int(ungrouped.sum())} unit(s): {_units(frame[ungrouped], 'region_code')}; "
                                     f"expected one of {sorted(REGION_GROUPS)}"))
    listed = frame[frame["unit_id"].isin(population_unknown) & (frame["population"] != "")]
    if len(listed):
        problems.append((None, None, "units listed in cleaning.population_unknown have a population in the frame: "
                                     + ", ".join(f"{row.unit_id} {row.name}" for row in listed.itertuples())))
    absent = sorted(set(population_unknown) - set(frame["unit_id"]))
    if absent:
        problems.append((None, None, f"units listed in cleaning.population_unknown are not in the frame: {absent}"))
    return problems


def reference_date(path: str | Path) -> dt.date | None:
    """The reference date a frame states, from the build report beside it (``<name>.report.txt``), if any.

    :mod:`helpers.frame.build` writes that report beside the frame it builds; its
    first line reads ``Sampling frame at YYYY-MM-DD: N units``.
    """
    report = Path(path).with_name(f"{Path(path).stem}.report.txt")
    if not report.is_file():
        return None
    with report.open(encoding="utf-8", errors="replace") as handle:
        match = _BUILD_REPORT_DATE.match(handle.readline())
    return dt.date.fromisoformat(match.group(1)) if match else None


def read_frame(path: str | Path, *, invitation_required: bool = True,
               population_unknown: Collection[str] | None = None) -> pd.DataFrame:
    """Read and validate a sampling frame.

    Parameters
    ----------
    path
        CSV file in the frame format (see ``FRAME_COLUMNS``), in any encoding
        and separator that :func:`helpers.inputs.ingest.read_table` supports.
    invitation_required
        When false, the ``invitation`` column may be absent (it is then added)
        or blank: the outcomes are not known yet, as in a frame given to the
        demo generator, which draws them.
    population_unknown
        For a frame the weighting will use: the units known to have no
        population. Any other blank ``population``, any blank value of the
        other :data:`WEIGHTING_COLUMNS` and any ``region_code`` outside
        :data:`helpers.vocabulary.REGION_GROUPS` is then an error naming
        every such unit. ``None`` (the demo generator, which draws over
        frames as given) checks none of them.

    Returns
    -------
    pandas.DataFrame
        One row per unit, indexed by ``unit_id``, with ``prefecture`` as bool,
        ``population`` as a nullable integer, and a derived ``size_class``.

    Raises
    ------
    InputError
        Naming the line and column of every problem at once: an identifier
        that is not 9 digits or appears twice, a value outside a vocabulary
        and (with ``population_unknown``) blank values the weighting uses,
        unit by unit; then a population that is not a whole number. A
        missing column is refused before anything else.
    """
    table = read_table(path)
    frame, path = table.data, table.path
    if not invitation_required and "invitation" not in frame.columns:
        frame["invitation"] = ""
    missing = [column for column in FRAME_COLUMNS if column not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {missing}; a frame has {list(FRAME_COLUMNS)}")
    frame = frame[[*FRAME_COLUMNS, LINE_COLUMN]].copy()
    for column in FRAME_COLUMNS:
        frame[column] = frame[column].str.strip()

    problems = _bad_rows(frame, ~frame["unit_id"].str.fullmatch(r"\d{9}"), "unit_id", "is not a 9-digit identifier")
    clash = frame.loc[frame["unit_id"].duplicated(keep=False), ["unit_id", LINE_COLUMN]]
    for unit_id, lines in clash.groupby("unit_id", sort=False)[LINE_COLUMN]:
        problems.append((None, "unit_id", f"identifier {unit_id} appears on lines {lines.tolist()}; identifiers "
                                          f"must be unique"))
    outcomes = INVITATION_OUTCOMES if invitation_required else ("", *INVITATION_OUTCOMES)
    weighted = population_unknown is not None
    for column, allowed in (("type", UNIT_TYPES), ("political_group", POLITICAL_GROUPS), ("invitation", outcomes),
                            ("prefecture", ("0", "1"))):
        bad = ~frame[column].isin(allowed)
        if weighted and column in WEIGHTING_COLUMNS:
            bad &= frame[column] != ""  # a blank the weighting reads is a problem of its own, unit by unit
        problems += _bad_rows(frame, bad, column, f"is not one of {list(allowed)}")
    blanks = _weighting_problems(frame, population_unknown) if weighted else []
    _raise_problems(path, problems + blanks, WEIGHTING_REMEDY if blanks else "")

    population = parse_decimal(frame["population"], path, "population", frame[LINE_COLUMN])
    fractional = population.notna() & (population != population.round())
    _raise_problems(path, _bad_rows(frame, fractional, "population", "is not a whole number"))
    frame["population"] = population.astype("Int64")
    frame["prefecture"] = frame["prefecture"] == "1"
    frame["size_class"] = size_class(frame["population"])
    return frame.drop(columns=LINE_COLUMN).set_index("unit_id")


def sort_units(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame sorted by type (in :data:`UNIT_TYPES` order) then ``unit_id``, with a fresh index."""
    rank = frame["type"].map({kind: k for k, kind in enumerate(UNIT_TYPES)})
    frame = frame.assign(_rank=rank).sort_values(["_rank", "unit_id"], kind="stable")
    return frame.drop(columns="_rank").reset_index(drop=True)


def size_class(population: pd.Series) -> pd.Series:
    """Population size class of each unit (missing population gives ``unknown``)."""
    classes = pd.cut(population.astype("float64"), bins=SIZE_CLASS_BOUNDS, labels=SIZE_CLASS_LABELS,
                     right=False)
    return classes.astype("string").fillna("unknown")
