"""The demo export as another survey tool would deliver it: laid out by an export profile, in any file format.

:func:`lay_out` inverts :meth:`helpers.inputs.profiles.Layout.canonical`: from
the export in the project's own layout (the codebook's headers and labels) it
builds the header rows and the cells a tool's profile describes.
:func:`write_export` writes them as delimited text, an Excel workbook (the
submission time as an Excel date), an SPSS ``.sav`` or a Stata ``.dta`` file
(one variable per column, the header as its variable label, closed answers as
numbers with value labels, "don't know" and "not applicable" as labelled
user-missing codes in SPSS), so that reading the file back with the same profile
gives the same processed files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.demo.export import export_bytes
from helpers.inputs.ingest import parse_numbers
from helpers.inputs.profiles import ColumnLayout, Layout
from helpers.inputs.readers import STATA_LABEL_LENGTH

FORMATS = ("csv", "xlsx", "sav", "dta")
SPECIAL_CODES = (98, 99)  # value-labelled user-missing codes of "don't know" and "not applicable" labels
WORKBOOK_DATE = "dd/mm/yyyy hh:mm:ss"


def _tokens_back(column: ColumnLayout) -> dict[str, str]:
    return {canonical: token for token, canonical in column.tokens.items()}


def lay_out(export: pd.DataFrame, layout: Layout) -> tuple[list[list[str]], pd.DataFrame, dict[str, ColumnLayout]]:
    """The header rows and the cells of ``export`` (default layout, text cells) as ``layout``'s tool writes them.

    Returns
    -------
    (header rows, cells, column of each cell)
        Cells are text except the submission time (date-times) and numeric
        answers (floats, NaN when blank), which each format writes in its own way.
    """
    profile = layout.profile
    cells: dict[str, pd.Series] = {}
    kinds: dict[str, ColumnLayout] = {}
    headers: list[tuple[str, ...]] = []
    checked = layout.codebook.export.multi_checked_label
    for column in layout.columns:
        if column.kind == "multi_cell":
            ticked = [(token, export[option] == checked) for token, option in column.tokens.items()]
            values = pd.Series([profile.multi.separator.join(token for token, mask in ticked if mask.iloc[k])
                                for k in range(len(export))], index=export.index)
        else:
            source = export[column.canonical]
            if column.role == "submitted_at":
                values = pd.to_datetime(source, format=layout.codebook.export.datetime_format)
            elif column.kind == "numeric":
                values = parse_numbers(source)
            elif column.tokens:
                back = _tokens_back(column)
                values = source.map(lambda value, back=back: back.get(value, value))
            else:
                values = source
        cells[column.key] = values
        kinds[column.key] = column
        headers.append(column.headers)
    for key, (rule, header_cells) in layout.drop_columns.items():
        cells[key] = pd.Series(rule.written, index=export.index)
        headers.append(header_cells)
    rows = [list(row) for row in zip(*headers)]
    for row in profile.header.carry_forward:
        cells_of_row = rows[row - 1]
        rows[row - 1] = [cell if k == 0 or cell != cells_of_row[k - 1] else "" for k, cell in enumerate(cells_of_row)]
    return rows, pd.DataFrame(cells, index=export.index), kinds


def _as_text(values: pd.Series, column: ColumnLayout | None, layout: Layout) -> list[str]:
    if column is not None and column.role == "submitted_at":
        return [value.strftime(layout.datetime_format) for value in values]
    if column is not None and column.kind == "numeric":
        decimal = layout.profile.decimal
        return ["" if pd.isna(v) else (f"{v:.1f}".rstrip("0").rstrip(".")).replace(".", decimal) for v in values]
    return values.astype(str).tolist()


def _delimited(rows, cells, kinds, layout: Layout) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.profile.separator, lineterminator="\r\n")
    writer.writerows(rows)
    columns = [_as_text(cells[key], kinds.get(key), layout) for key in cells]
    writer.writerows(zip(*columns))
    return buffer.getvalue().encode("utf-8")


def _workbook(rows, cells, kinds, layout: Layout) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": dt.datetime(2000, 1, 1)})
    sheet = book.add_worksheet("Export")
    date = book.add_format({"num_format": WORKBOOK_DATE})
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    for c, key in enumerate(cells):
        column = kinds.get(key)
        for r, value in enumerate(cells[key], start=len(rows)):
            if column is not None and column.role == "submitted_at":
                sheet.write_datetime(r, c, value.to_pydatetime(), date)
            elif column is not None and column.kind == "numeric":
                if not pd.isna(value):
                    sheet.write_number(r, c, float(value))
            elif value != "":
                sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def _labelled(rows, cells, kinds, layout: Layout, kind: str) -> bytes:
    import pyreadstat

    codebook = layout.codebook
    data, labels, value_labels, missing = {}, {}, {}, {}
    for k, key in enumerate(cells, start=1):
        name = f"v{k:03d}"
        column = kinds.get(key)
        label = key if kind == "sav" else key.encode("utf-8")[:STATA_LABEL_LENGTH].decode("utf-8", "ignore")
        labels[name] = label
        values = cells[key]
        if column is not None and column.role == "submitted_at":
            data[name] = [value.to_pydatetime() for value in values]
        elif column is not None and column.kind == "numeric":
            data[name] = values.astype(float)
        elif column is not None and column.kind == "option":
            (token,) = column.tokens
            data[name] = np.where(values == token, 1.0, np.nan)
            value_labels[name] = {1: token}
        elif column is not None and column.kind == "single" and layout.profile.answers == "labels":
            scale = codebook.questions[column.question].scale
            specials = [*scale.dont_know, *scale.not_applicable]
            code_of = {label: code for label, code in scale.labels.items()}
            code_of.update({label: SPECIAL_CODES[min(k, 1)] for k, label in enumerate(specials)})
            back = _tokens_back(column)
            data[name] = [float(code_of[column.tokens[v]]) if v else np.nan for v in values]
            value_labels[name] = {code: back[label] for label, code in code_of.items()}
            if specials and kind == "sav":
                missing[name] = sorted({code_of[label] for label in specials})
        else:
            data[name] = values.astype(str).tolist()
    frame = pd.DataFrame(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{kind}"
        if kind == "sav":
            pyreadstat.write_sav(frame, str(path), column_labels=labels, variable_value_labels=value_labels,
                                 missing_ranges=missing)
        else:
            pyreadstat.write_dta(frame, str(path), column_labels=labels, variable_value_labels=value_labels)
        return path.read_bytes()


def export_file_bytes(export: pd.DataFrame, year: int, layout: Layout, file_format: str) -> bytes:
    """The demo export laid out by ``layout`` in ``file_format`` (one of :data:`FORMATS`).

    The default profile as ``csv`` gives the bytes of ``export.csv``
    (:func:`helpers.demo.export.export_bytes`); other profiles' delimited files
    are UTF-8 with the profile's separator.

    Raises
    ------
    ValueError
        If ``file_format`` is not one of :data:`FORMATS`.
    """
    if file_format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {file_format!r}")
    if file_format == "csv" and layout.name == "default":
        return export_bytes(export, year)
    rows, cells, kinds = lay_out(export, layout)
    if file_format == "csv":
        return _delimited(rows, cells, kinds, layout)
    if file_format == "xlsx":
        return _workbook(rows, cells, kinds, layout)
    return _labelled(rows, cells, kinds, layout, file_format)
