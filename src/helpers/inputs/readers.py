"""Reading a survey export in any of its formats into text cells under its header rows.

The format comes from the file's extension (:data:`FORMATS`): delimited text
(``.csv``, ``.tsv``, ``.txt``, read as :mod:`helpers.inputs.ingest` reads
every delimited file), Excel (``.xlsx``, pandas with python-calamine; date
cells written in the export's date format, a number in the submission-time
column read as an Excel serial date), SPSS (``.sav``) and Stata (``.dta``),
with pyreadstat. In ``.sav`` and ``.dta`` files a column's header is its
variable label where it has one (SPSS and Stata names cannot hold question
text), else its name; a numeric variable with value labels is read as its
labels, a user-missing code (SPSS) or extended missing value (Stata, ``.a`` to
``.z``) without a label as blank (one with a label is read
as its label, and :attr:`Grid.missing_labels` names it: an answer of the
codebook such as "Ne sait pas" stays, any other is read as blank by
:func:`helpers.inputs.exports.read_export`); Stata cuts variable
labels at 80 bytes, so a label that starts exactly one longer header stands
for it. A record's line is its line in a delimited file, its row in a sheet,
and its case number plus one in a ``.sav`` or ``.dta`` file.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import InputError
from helpers.inputs.ingest import LINE_COLUMN, RawTable, decode, fit_records, sniff_separator, split_records
from helpers.inputs.profiles import KEY_JOIN, Header, Layout

__all__ = ["FORMATS", "STATA_LABEL_LENGTH", "Grid", "keyed_table", "read_export_table", "read_grid"]

FORMATS = {".csv": "delimited", ".tsv": "delimited", ".txt": "delimited", ".xlsx": "xlsx", ".sav": "sav",
           ".dta": "dta"}
STATA_LABEL_LENGTH = 80
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


@dataclass(frozen=True)
class Grid:
    """Every row of an export as text cells, header rows included.

    Attributes
    ----------
    path, format
        The file and its format (a value of :data:`FORMATS`).
    rows, lines
        The rows, and the line (see the module's docstring) where each starts.
    encoding, separator, sheet
        What was found or chosen, where the format has one ("" otherwise).
    labelled
        Whether the file holds one header row of variable labels (``.sav``,
        ``.dta``), which stands for every header row of a profile.
    missing_labels
        Header -> the value labels of its user-missing codes (``.sav``) or
        extended missing values (``.dta``, ``.a`` to ``.z``).
    """

    path: Path
    format: str
    rows: list[list[str]]
    lines: list[int]
    encoding: str = ""
    separator: str = ""
    sheet: str = ""
    labelled: bool = False
    missing_labels: dict[str, frozenset[str]] = field(default_factory=dict)


def _text(value: object, datetime_format: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime(datetime_format)
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value)


def _delimited(path: Path, encoding: str | None) -> Grid:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from error
    if not raw.strip():
        raise InputError(path, "the file is empty: expected a header line and records")
    if encoding:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise InputError(path, f"does not decode as {encoding!r}, the wave's raw.encoding ({error})") from error
    else:
        text, encoding = decode(path, raw)
    lines = io.StringIO(text, newline="").readlines()
    separator = "\t" if path.suffix == ".tsv" else sniff_separator(path, lines[0])
    records = list(split_records(path, lines, separator, quoting=csv.QUOTE_MINIMAL))
    return Grid(path, "delimited", [record for _, record in records], [line for line, _ in records],
                encoding, separator)


def _xlsx(path: Path, sheet: str | None, datetime_format: str) -> Grid:
    from python_calamine import CalamineWorkbook

    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception as error:  # calamine raises its own exception types for a file that is not a workbook
        raise InputError(path, f"cannot be read as an Excel workbook ({error})") from error
    chosen = sheet if sheet is not None else names[0]
    if chosen not in names:
        raise InputError(path, f"no sheet {chosen!r} (raw.sheet): the workbook has {names}")
    cells = pd.read_excel(path, sheet_name=chosen, header=None, dtype=object, engine="calamine")
    rows = [[_text(value, datetime_format) for value in row] for row in cells.itertuples(index=False)]
    return Grid(path, "xlsx", rows, list(range(1, len(rows) + 1)), sheet=chosen)


def _labelled(path: Path, kind: str, datetime_format: str) -> Grid:
    import pyreadstat

    reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    try:
        data, meta = reader(str(path), user_missing=True)
    except Exception as error:  # pyreadstat raises ReadstatError or PyreadstatError for a malformed file
        raise InputError(path, f"cannot be read as a {kind.upper()} file ({error})") from error
    labels = meta.column_names_to_labels
    value_labels = meta.variable_value_labels
    ranges_of = meta.missing_ranges or {}
    extended_of = getattr(meta, "missing_user_values", None) or {}  # Stata's .a to .z, read as "a" to "z"
    header, columns, missing_labels = [], [], {}
    for name in data.columns:
        header.append(labels.get(name) or name)
        values = data[name]
        if name in value_labels:
            mapping = value_labels[name]
            ranges, extended = ranges_of.get(name, []), set(extended_of.get(name, []))

            def is_missing(code, ranges=ranges, extended=extended):
                if isinstance(code, str):
                    return code in extended
                return any(r["lo"] <= code <= r["hi"] for r in ranges)

            missing_labels[header[-1]] = frozenset(text for code, text in mapping.items() if is_missing(code))

            def label(value, mapping=mapping, is_missing=is_missing):
                if isinstance(value, str) and is_missing(value):
                    return mapping.get(value, "")
                if isinstance(value, float | int) and not pd.isna(value):
                    if value in mapping:
                        return mapping[value]
                    if is_missing(value):
                        return ""
                return _text(value, datetime_format)

            columns.append([label(value) for value in values])
        else:
            columns.append([_text(value, datetime_format) for value in values])
    rows = [header, *map(list, zip(*columns))]
    return Grid(path, kind, rows, list(range(1, len(rows) + 1)), labelled=True,
                missing_labels={key: labels for key, labels in missing_labels.items() if labels})


def read_grid(path: str | Path, *, sheet: str | None = None, encoding: str | None = None,
              datetime_format: str = "%d/%m/%Y %H:%M:%S") -> Grid:
    """Read every row of an export, in the format its extension names.

    Parameters
    ----------
    path
        The export.
    sheet
        Sheet of an ``.xlsx`` file (default the first).
    encoding
        Encoding of a delimited file (default: detected, as
        :func:`helpers.inputs.ingest.decode` does).
    datetime_format
        How date cells of a workbook or an SPSS/Stata file are written as text.

    Returns
    -------
    Grid

    Raises
    ------
    InputError
        If the extension is not one of :data:`FORMATS`, a sheet or encoding
        option does not apply to the format, the file is missing, unreadable
        or empty, or the sheet does not exist (naming the sheets there are).
    """
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(path, f"unknown export format {path.suffix!r}: expected one of {sorted(FORMATS)}")
    if not path.is_file():
        raise InputError(path, "cannot be read (file not found)")
    if sheet is not None and kind != "xlsx":
        raise InputError(path, f"raw.sheet is {sheet!r} but a {path.suffix} file has no sheets")
    if encoding is not None and kind != "delimited":
        raise InputError(path, f"raw.encoding is {encoding!r} but a {path.suffix} file declares its own encoding")
    if kind == "delimited":
        return _delimited(path, encoding)
    if kind == "xlsx":
        return _xlsx(path, sheet, datetime_format)
    return _labelled(path, kind, datetime_format)


def keyed_table(grid: Grid, header: Header, *, drop_short: bool = False) -> RawTable:
    """The records of ``grid`` under its header rows, each column named by its key.

    Parameters
    ----------
    grid
        The rows read.
    header
        The profile's header rows (a labelled file has one, standing for them all).
    drop_short
        Leave a record with fewer fields than the header out (listed in
        ``rejected``) instead of stopping.

    Returns
    -------
    RawTable
        Its columns named by their key (the key rows' cells joined by
        :data:`helpers.inputs.profiles.KEY_JOIN`).

    Raises
    ------
    InputError
        If the file holds fewer rows than the header, a header row does not
        match its pattern (the file has another number of header rows than the
        profile), two columns share a key, or a record has more fields than
        the header (or fewer, unless ``drop_short``).
    """
    if grid.labelled:
        header = Header()
    path = grid.path
    if len(grid.rows) < header.rows:
        raise InputError(path, f"{len(grid.rows)} row(s) where the profile expects {header.rows} header rows")
    top = [list(row) for row in grid.rows[:header.rows]]
    width = max(len(row) for row in top)
    while width and not any(row[width - 1].strip() for row in top if len(row) >= width):
        width -= 1
    top = [[cell.strip().lstrip("\ufeff") for cell in row[:width]] + [""] * (width - len(row)) for row in top]
    for row in header.carry_forward:
        cells = top[row - 1]
        for k in range(1, width):
            cells[k] = cells[k] or cells[k - 1]
    for row, pattern in header.patterns.items():
        bad = [cell for cell in top[row - 1] if cell and not re.fullmatch(pattern, cell)]
        if bad:
            raise InputError(path, f"header row {row} holds {bad[0][:60]!r} where every cell should match "
                                   f"{pattern!r}: the file does not have the profile's {header.rows} header rows",
                             row=grid.lines[row - 1])
    keys = [KEY_JOIN.join(top[row - 1][k] for row in header.keys if top[row - 1][k]) for k in range(width)]
    duplicated = sorted({key for key in keys if key and keys.count(key) > 1})
    if duplicated:
        raise InputError(path, f"column header(s) appear twice: {duplicated}", row=grid.lines[0])
    records = zip(grid.lines[header.rows:], grid.rows[header.rows:])
    rows, starts, rejected = fit_records(path, records, width, drop_short=drop_short,
                                         shown=lambda _, record: grid.separator.join(record))
    data = pd.DataFrame(rows, columns=keys, dtype=object) if rows else pd.DataFrame(columns=keys, dtype=object)
    data[LINE_COLUMN] = np.asarray(starts, dtype=np.int64)
    return RawTable(path, grid.encoding, grid.separator, data, grid.lines[header.rows - 1] if grid.lines else 1,
                    rejected=tuple(rejected))


def _stata_keys(names: Sequence[str], expected: Sequence[str]) -> dict[str, str]:
    """The renaming of Stata labels cut at 80 bytes to the one longer expected key each starts."""
    renames = {}
    long = [key for key in expected if len(key.encode("utf-8")) > STATA_LABEL_LENGTH]
    for name in names:
        if name and name not in expected:
            starting = [key for key in long if key.startswith(name)]
            if len(starting) == 1:
                renames[name] = starting[0]
    return renames


def _serial_dates(data: pd.DataFrame, column: str, datetime_format: str) -> None:
    """Excel serial numbers in a workbook's submission-time column, as date-times in ``datetime_format``."""
    numbers = pd.to_numeric(data[column], errors="coerce")
    serial = numbers.notna()
    data.loc[serial, column] = [(EXCEL_EPOCH + dt.timedelta(days=float(n))).strftime(datetime_format)
                                for n in numbers[serial]]


def read_export_table(path: str | Path, layout: Layout, *, sheet: str | None = None, encoding: str | None = None,
                      drop_short: bool = False) -> tuple[RawTable, Grid]:
    """Read an export laid out as ``layout`` says: its records under their keys.

    Returns
    -------
    (RawTable, Grid)

    Raises
    ------
    InputError
        As :func:`read_grid` and :func:`keyed_table` do.
    """
    grid = read_grid(path, sheet=sheet, encoding=encoding, datetime_format=layout.datetime_format)
    table = keyed_table(grid, layout.profile.header, drop_short=drop_short)
    data = table.data
    if grid.format == "dta":
        renames = _stata_keys(data.columns, [column.key for column in layout.columns])
        data = data.rename(columns=renames)
        grid = dataclasses.replace(grid, missing_labels={renames.get(key, key): labels
                                                         for key, labels in grid.missing_labels.items()})
    submitted = layout.by_role("submitted_at").key
    if grid.format == "xlsx" and submitted in data.columns:
        _serial_dates(data, submitted, layout.datetime_format)
    table = RawTable(table.path, table.encoding, table.separator, data, table.header_line, table.found,
                     table.rejected)
    return table, grid
