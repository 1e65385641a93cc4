"""Reading a survey export as its profile lays it out, checked, into the default layout the cleaning step reads."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.inputs.codebook import Codebook
from helpers.inputs.ingest import LINE_COLUMN, RawTable
from helpers.inputs.profiles import Layout, layout
from helpers.inputs.readers import Grid, read_export_table
from helpers.inputs.textnorm import fold
from helpers.inputs.exportcheck import TypedCheck, validate_export

__all__ = ["BlankedValue", "DroppedRow", "ExportRead", "OtherText", "read_export"]


@dataclass(frozen=True)
class DroppedRow:
    """A row of the export left out before cleaning: a preview or test row the tool marks, or a short record."""

    line: int
    reason: str


@dataclass(frozen=True)
class BlankedValue:
    """A cell read as blank: the label of a user-missing code (SPSS) or extended missing value (Stata) that is no
    answer of its question."""

    line: int
    column: str
    label: str


@dataclass(frozen=True)
class OtherText:
    """Text typed in the "other" box of a one-cell multiple-choice question, read as that option ticked."""

    line: int
    column: str
    text: str
    option: str


@dataclass(frozen=True)
class ExportRead:
    """An export read, checked and laid out as the default profile.

    Attributes
    ----------
    path, format, layout
        The file, its format (see :data:`helpers.inputs.readers.FORMATS`) and its profile's layout.
    table
        The export as read: columns named by their keys in the profile, every cell text.
    data
        The submissions in the default layout (the codebook's headers and
        labels), with the ``_line`` column: ``table`` less ``dropped``.
    dropped
        Rows left out, in file order.
    absent
        The optional columns (:data:`helpers.inputs.exportcheck.OPTIONAL_ROLES`) the export lacks, by their
        keys in the profile; they are blank in ``data``.
    blanked
        Cells holding the label of a user-missing code (SPSS) or extended
        missing value (Stata) that is no answer of their question ("Sans
        réponse", "Non affiché"), read as blank.
    others
        Text typed in the "other" box of a one-cell question (the profile's
        ``multi.other``), read as that option ticked and left out.
    """

    path: Path
    format: str
    layout: Layout
    table: RawTable
    data: pd.DataFrame
    dropped: tuple[DroppedRow, ...]
    absent: tuple[str, ...] = ()
    blanked: tuple[BlankedValue, ...] = ()
    others: tuple[OtherText, ...] = ()


def _user_missing(table: RawTable, grid: Grid, resolved: Layout) -> tuple[RawTable, list[BlankedValue]]:
    """Blank the cells holding the label of a user-missing code that is not one of their column's answers."""
    data = table.data.copy()
    blanked = []
    for column in resolved.columns:
        answers = {fold(token) for token in column.tokens}
        labels = {label for label in grid.missing_labels.get(column.key, ()) if fold(label) not in answers}
        if not labels or column.key not in data:
            continue
        hit = data[column.key].isin(labels)
        blanked += [BlankedValue(int(line), column.key, label)
                    for line, label in zip(data.loc[hit, LINE_COLUMN], data.loc[hit, column.key])]
        data.loc[hit, column.key] = ""
    return dataclasses.replace(table, data=data), blanked


def read_export(path: str | os.PathLike[str], codebook: Codebook, *, profile: str = "default",
                sheet: str | None = None, encoding: str | None = None, drop_short: bool = False,
                typed: Mapping[str, TypedCheck] | None = None) -> ExportRead:
    """Read a survey export as profile ``profile`` lays it out and check it against the profile and the codebook.

    Parameters
    ----------
    path
        The export; its format comes from its extension.
    codebook
        The questionnaire.
    profile
        A profile name (``config/exports/<profile>.yaml``) or file.
    sheet, encoding
        The sheet of a workbook, the encoding of a delimited file (default
        the first sheet, and the encoding detected).
    drop_short
        Leave records with fewer fields than the header out, listed in
        ``dropped``, instead of stopping.
    typed
        The grammars of the typed fields, checked in the same pass
        (:func:`helpers.inputs.exportcheck.export_schema`).

    Returns
    -------
    ExportRead

    Raises
    ------
    InputError
        For an unreadable file, a sheet that does not exist, header rows that
        are not the profile's, a short record (unless ``drop_short``), or, in
        one message, every missing column and every value its column does not
        expect (or its grammar in ``typed`` does not read).
    """
    resolved = layout(profile, codebook)
    table, grid = read_export_table(path, resolved, sheet=sheet, encoding=encoding, drop_short=drop_short)
    table, blanked = _user_missing(table, grid, resolved)
    validate_export(table, resolved, grid_rows=grid.rows, typed=typed)
    data = table.data
    dropped = [DroppedRow(r.line, f"{r.fields} fields where the header has {len(data.columns) - 1}; "
                                  "record dropped (raw.short_records: drop)") for r in table.rejected]
    keep = pd.Series(True, index=data.index)
    for key, (rule, _) in resolved.drop_columns.items():
        marked = data[key].fillna("").astype(str).str.strip().isin(rule.values)
        dropped += [DroppedRow(int(line), f"{key} is {value!r}: {rule.reason}")
                    for line, value in zip(data.loc[marked & keep, LINE_COLUMN], data.loc[marked & keep, key])]
        keep &= ~marked
    kept = data[keep].reset_index(drop=True)
    others = [OtherText(int(line), column.key, text, resolved.other_option(column))
              for column in resolved.columns if resolved.other_option(column) and column.key in kept
              for line, cell in zip(kept[LINE_COLUMN], kept[column.key].fillna("").astype(str))
              for text in sorted(resolved.typed_other(column, cell))]
    canonical = resolved.canonical(kept.drop(columns=LINE_COLUMN)).assign(**{LINE_COLUMN: kept[LINE_COLUMN]})
    absent = tuple(column.key for column in resolved.columns if column.key not in data)
    return ExportRead(Path(path), grid.format, resolved, table, canonical,
                      tuple(sorted(dropped, key=lambda row: row.line)), absent, tuple(blanked),
                      tuple(sorted(others, key=lambda other: other.line)))
