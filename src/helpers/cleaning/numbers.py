"""Numeric answers as people type them, and the rule for a mark that may group thousands or mark decimals.

Respondents and their spreadsheets write ``12,5``, ``12.5``, ``1 200``,
``1 200 k€`` (a plain, non-breaking or narrow no-break space), ``1.200``,
``1.234,5`` or ``1,234.5``. A value is read by this grammar:

- digits alone (``144``), or digits, one mark and digits (``12,5``, ``3.25``);
- groups of three digits after a first group of one to three (not starting
  with 0) separated by spaces, dots, commas or apostrophes, optionally followed
  by the other mark and decimals (``1 234``, ``1.234.567``, ``1 234,5``,
  ``1,234.5``);
- either form followed by the unit the codebook declares for the question
  (``12,5 ETP``, ``1 200 k€``, compared case-insensitively);

anything else (a phone number's pairs of digits, words) is not a number.

A single comma or dot followed by exactly three digits, after one to three
digits not starting with 0 (``93,865``, ``1.200``), is *ambiguous*: a decimal
mark or a thousands separator. The rule, per question (one export column):

1. The column's other values settle it: a mark is a decimal mark in the column
   when some value uses it so unambiguously (``12,5``, ``1 234,5``) or uses the
   other mark to group thousands (``1.234,5`` for the comma), and a thousands
   separator when some value groups with it (``1,234.5``, ``1.234.567``) or
   uses the other mark as the decimal (``12.5`` for the comma). Evidence one
   way only decides.
   Evidence both ways means the column mixes the two conventions, so no
   share of its values can be trusted to settle the others.
2. Otherwise (no evidence, or evidence both ways), the codebook's range
   decides a value when only one of its readings falls within ``min``-``max``,
   as long as the values it decides all read the column with one convention
   (a decimal comma and a grouping dot, or the other way round).
3. A column left with an ambiguous value, or whose values the range reads
   with both conventions, is refused, naming it, with the count and the
   lines, and what would settle it.

Every value read by the rule or recovered from a form other than plain digits
with at most one mark is returned as a recovery, for the cleaning log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.masking import mask
from helpers.errors import InputError

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN = re.compile(r"(?P<int>\d+)(?:(?P<mark>[.,])(?P<dec>\d+))?")
_GROUPED = re.compile(r"(?P<int>[1-9]\d{0,2}(?:(?P<group>[ .,'’])\d{3})(?:(?P=group)\d{3})*)"
                      r"(?:(?P<mark>[.,])(?P<dec>\d+))?")
_OTHER = {",": ".", ".": ","}
NUMBER_EXAMPLE = "12,5, 1 200 or 1.234,5"


@dataclass(frozen=True)
class Reading:
    """How one typed value reads: its value, or its two readings when its mark is ambiguous.

    Attributes
    ----------
    value
        The number when the form is unambiguous, else NaN.
    ambiguous
        The ambiguous mark (``,`` or ``.``), or ``None``.
    as_decimal, as_grouping
        The two readings of an ambiguous value.
    decimal_marks, grouping_marks
        Marks the value uses unambiguously as a decimal mark, or to group thousands.
    rule
        What made the form other than plain (the unit stripped, the separator), or ``""``.
    """

    value: float
    ambiguous: str | None = None
    as_decimal: float = np.nan
    as_grouping: float = np.nan
    decimal_marks: frozenset[str] = frozenset()
    grouping_marks: frozenset[str] = frozenset()
    rule: str = ""


def read_number(text: str, unit: str | None = None) -> Reading | None:
    """Read one typed value by the module's grammar; ``None`` when it is not a number.

    Examples
    --------
    >>> read_number("1 200 k€", "k€").value
    1200.0
    >>> read_number("93,865").ambiguous
    ','
    """
    compact = _SPACES.sub(" ", text).strip()
    rules = []
    if unit and compact.casefold().endswith(unit.casefold()):
        compact = compact[:-len(unit)].rstrip()
        rules.append(f"unit {unit!r} removed")
    sign = -1.0 if compact.startswith("-") else 1.0
    compact = compact.lstrip("+-")
    plain = _PLAIN.fullmatch(compact)
    if plain:
        mark, digits = plain["mark"], plain["dec"]
        value = sign * float(f"{plain['int']}.{digits or '0'}")
        if mark and len(digits) == 3 and len(plain["int"]) <= 3 and not plain["int"].startswith("0"):
            grouping = sign * float(plain["int"] + digits)
            return Reading(np.nan, mark, value, grouping, rule="; ".join(rules))
        return Reading(value, decimal_marks=frozenset({mark} if mark else ()), rule="; ".join(rules))
    grouped = _GROUPED.fullmatch(compact)
    if grouped is None or grouped["group"] == grouped["mark"]:
        return None
    group, mark = grouped["group"], grouped["mark"]
    value = sign * float(grouped["int"].replace(group, "") + "." + (grouped["dec"] or "0"))
    rules.append(f"{'space' if group == ' ' else repr(group)} read as a thousands separator")
    return Reading(value, decimal_marks=frozenset({mark} if mark else ()),
                   grouping_marks=frozenset({group} & {",", "."}), rule="; ".join(rules))


def _column_rule(readings: dict, mark: str) -> tuple[str | None, list]:
    """``decimal`` or ``grouping`` when the column's unambiguous values settle ``mark``, with those values."""
    decimal = [i for i, r in readings.items() if mark in r.decimal_marks or _OTHER[mark] in r.grouping_marks]
    grouping = [i for i, r in readings.items() if mark in r.grouping_marks or _OTHER[mark] in r.decimal_marks]
    if decimal and not grouping:
        return "decimal", decimal
    if grouping and not decimal:
        return "grouping", grouping
    return None, []


def parse_answers(values: pd.Series, lines: pd.Series, path: Path, column: str, unit: str | None,
                  bounds: tuple[float, float]) -> tuple[pd.Series, list[dict]]:
    """Read a numeric question's column as typed, by the module's grammar and ambiguity rule.

    Parameters
    ----------
    values
        The raw cells (text; blank for no answer).
    lines
        The export line of each cell.
    path, column
        The export and the column, named in errors and recoveries.
    unit
        The unit the codebook declares for the question, accepted after the number.
    bounds
        The codebook's ``min`` and ``max`` (infinite where not given).

    Returns
    -------
    (numbers, recoveries)
        Floats (NaN for blank), and one dict per value read from a form other
        than plain digits with at most one mark: ``line``, ``column``,
        ``action`` (``number_recovered``, or ``number_reinterpreted`` for a
        value read under the ambiguity rule), ``detail``.

    Raises
    ------
    InputError
        For values that are not numbers (every one at once, masked), or a
        column whose ambiguous values the rule cannot settle.
    """
    text = values.fillna("").astype(str)
    readings: dict = {}
    bad = []
    for index, cell in text.items():
        if not cell.strip():
            continue
        reading = read_number(cell, unit)
        if reading is None:
            bad.append(index)
        else:
            readings[index] = reading
    if bad:
        shown = ", ".join(f"line {int(lines[i])} {mask(text[i])}" for i in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        unit_text = f", optionally followed by {unit!r}" if unit else ""
        raise InputError(path, f"{len(bad)} value(s) are not numbers: {shown}{more}; expected e.g. "
                               f"{NUMBER_EXAMPLE}{unit_text}", column=column)
    numbers = pd.Series(np.nan, index=values.index, dtype="float64")
    recoveries: list[dict] = []
    unresolved = []
    by_range: dict = {}  # value the codebook's range settled -> whether it reads the comma as the decimal mark
    settled = {index: r for index, r in readings.items() if r.ambiguous is None}
    low, high = bounds
    for index, reading in readings.items():
        # A value the grammar reads holds only digits, separators and the declared unit: safe to quote.
        line, raw = int(lines[index]), repr(text[index].strip())
        if reading.ambiguous is None:
            numbers[index] = reading.value
            if reading.rule:
                recoveries.append({"line": line, "column": column, "action": "number_recovered",
                                   "detail": f"{raw} read as {reading.value:g} ({reading.rule})"})
            continue
        rule, evidence = _column_rule(settled, reading.ambiguous)
        if evidence:
            why = (f"{len(evidence)} other value(s) of the column such as {text[evidence[0]].strip()!r} on line "
                   f"{int(lines[evidence[0]])}")
        if rule is None:
            inside = [name for name, value in (("decimal", reading.as_decimal), ("grouping", reading.as_grouping))
                      if low <= value <= high]
            rule = inside[0] if len(inside) == 1 else None
            why = f"the other reading is outside the codebook's range [{low:g}, {high:g}]"
            if rule is not None:
                by_range[index] = (reading.ambiguous == ",") == (rule == "decimal")
        if rule is None:
            unresolved.append(index)
            continue
        numbers[index] = reading.as_decimal if rule == "decimal" else reading.as_grouping
        role = "decimal mark" if rule == "decimal" else "thousands separator"
        recoveries.append({"line": line, "column": column, "action": "number_reinterpreted",
                           "detail": f"{raw} read as {numbers[index]:g}, {reading.ambiguous!r} as a {role} "
                                     f"(by {why}{'; ' + reading.rule if reading.rule else ''})"})
    if len(set(by_range.values())) > 1:
        examples = "; ".join(
            f"line {int(lines[i])} {text[i].strip()!r} read as {numbers[i]:g}"
            for comma in (True, False) for i in [i for i, c in by_range.items() if c == comma][:2])
        raise InputError(path, f"the codebook's range [{low:g}, {high:g}] reads the column's ambiguous values with "
                               f"both conventions ({examples}): a column has one, so neither can be trusted; export "
                               "the column with an unambiguous form (e.g. 93865 or 93 865)", column=column)
    if unresolved:
        first = readings[unresolved[0]]
        examples = ", ".join(f"line {int(lines[i])} {text[i].strip()!r}" for i in unresolved[:5])
        raise InputError(path, f"{len(unresolved)} value(s) such as {examples} read either as "
                               f"{first.as_decimal:g} ({first.ambiguous!r} a decimal mark) or as "
                               f"{first.as_grouping:g} ({first.ambiguous!r} a thousands separator), and neither "
                               "the column's other values nor the codebook's range settles which: export the "
                               "column with an unambiguous form (e.g. 93865 or 93 865)", column=column)
    return numbers, recoveries
