"""Submission times as the survey tool or a re-saved spreadsheet writes them, and the fieldwork window.

A time is read in the codebook's ``export.datetime_format`` (``17/09/2012
08:09:45``), else in that format without seconds (``17/09/2012 08:09``), else
as ISO 8601 with a time (``2012-09-17T08:09:45``, ``2012-09-17 08:09``; an
offset is converted to French time, Europe/Paris). A date without a time is
refused: the duplicates rule keeps the latest submission of a unit.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from helpers.masking import quoted
from helpers.errors import InputError

LOCAL_TIME = ZoneInfo("Europe/Paris")
# The shape of a date and time (digits and separators only): such a value is quoted whole in messages.
DATE_TIME_SHAPE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]\d{1,2}(?::\d{2}){0,2}(?:[.,]\d+)?"
                             r"(?:Z|[+-]\d{2}:?\d{2})?)?")
EXAMPLES = 5


def _without_seconds(fmt: str) -> str | None:
    shorter = fmt.replace(":%S", "")
    return shorter if shorter != fmt else None


def _read_one(text: str, fmt: str, short: str | None) -> tuple[dt.datetime | None, str]:
    """The time ``text`` gives and the form it was read in (``""`` for the export's own format)."""
    for form, rule in ((fmt, ""), (short, "without seconds")):
        if form is None:
            continue
        try:
            return dt.datetime.strptime(text, form), rule
        except ValueError:
            pass
    if "T" in text or ":" in text:
        try:
            stamp = dt.datetime.fromisoformat(text)
        except ValueError:
            return None, ""
        if stamp.tzinfo is not None:
            return stamp.astimezone(LOCAL_TIME).replace(tzinfo=None), "ISO 8601, converted to Europe/Paris time"
        return stamp, "ISO 8601"
    return None, ""


def reads_as_time(text: str, fmt: str) -> bool:
    """Whether :func:`parse_submission_times` reads ``text`` in ``fmt`` (a blank cell is an unknown time).

    Examples
    --------
    >>> reads_as_time("17/09/2012 08:09", "%d/%m/%Y %H:%M:%S"), reads_as_time("17/09/2012", "%d/%m/%Y %H:%M:%S")
    (True, False)
    """
    text = text.strip()
    return not text or _read_one(text, fmt, _without_seconds(fmt))[0] is not None


def parse_submission_times(values: pd.Series, lines: pd.Series, path: Path, column: str,
                           fmt: str) -> tuple[pd.Series, list[dict]]:
    """Read the submission time of every record.

    Parameters
    ----------
    values
        The raw cells.
    lines
        The export line of each cell.
    path, column
        The export and the column, named in errors.
    fmt
        The export's :func:`~datetime.datetime.strptime` format.

    Returns
    -------
    (times, recoveries)
        Timestamps (NaT for a blank cell), and one dict per time read in another form than ``fmt``
        (``line``, ``column``, ``action`` = ``datetime_recovered``, ``detail``).

    Raises
    ------
    InputError
        Listing the count and the first lines of the times read in no form
        (values that do not look like a date-time are masked).
    """
    short = _without_seconds(fmt)
    times, recoveries, bad = [], [], []
    for index, cell in values.fillna("").astype(str).str.strip().items():
        if not cell:  # no time recorded: unknown, which step 02's level-of-effort analysis reports
            times.append(None)
            continue
        stamp, rule = _read_one(cell, fmt, short)
        times.append(stamp)
        if stamp is None:
            bad.append((int(lines[index]), cell))
        elif rule:
            recoveries.append({"line": int(lines[index]), "column": column, "action": "datetime_recovered",
                               "detail": f"{cell!r} read as {stamp:%Y-%m-%d %H:%M:%S} ({rule})"})
    if bad:
        shown = ", ".join(f"line {line} {quoted(cell, DATE_TIME_SHAPE)}" for line, cell in bad[:EXAMPLES])
        more = f" and {len(bad) - EXAMPLES} more" if len(bad) > EXAMPLES else ""
        forms = f"{fmt!r}" + (f", {short!r}" if short else "")
        raise InputError(path, f"{len(bad)} date-time(s) follow none of {forms} or ISO 8601 with a time: "
                               f"{shown}{more}", column=column)
    return pd.Series(pd.to_datetime(times), index=values.index), recoveries


def check_fieldwork(times: pd.Series, lines: pd.Series, path: Path, column: str, fieldwork: dict) -> None:
    """Refuse submissions outside the wave's fieldwork, widened by its tolerance.

    Parameters
    ----------
    times, lines
        Submission times and their export lines.
    path, column
        The export and the column, named in errors.
    fieldwork
        The wave's ``fieldwork`` section: ``start``, ``end`` (dates) and ``tolerance_days``.

    Raises
    ------
    InputError
        With the count, the window and the first submissions outside it.
    """
    margin = dt.timedelta(days=fieldwork["tolerance_days"])
    first = pd.Timestamp(fieldwork["start"] - margin)
    last = pd.Timestamp(fieldwork["end"] + margin + dt.timedelta(days=1))
    outside = (times < first) | (times >= last)
    if outside.any():
        examples = ", ".join(f"line {int(lines[i])} {times[i]:%Y-%m-%d %H:%M}"
                             for i in times.index[outside][:EXAMPLES])
        raise InputError(path, f"{int(outside.sum())} of {len(times)} submissions fall outside the fieldwork "
                               f"{fieldwork['start']} to {fieldwork['end']} (± {fieldwork['tolerance_days']} days, "
                               f"fieldwork.tolerance_days): {examples}; is this the export of this wave?",
                         column=column)
