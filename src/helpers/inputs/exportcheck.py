"""Checking an export against its profile and codebook in one pass, with pandera.

:func:`export_schema` turns a :class:`helpers.inputs.profiles.Layout` into a
:class:`pandera.pandas.DataFrameSchema`: every column the profile lays out is
required, and each closed answer, tick and status must be one the layout
knows (a codebook label up to case, accents and spacing, which the cleaning
step recovers and logs; a tool's own tokens exactly). Typed fields (numbers,
the submission time, the response id) are read by the cleaning step's own
grammars (:mod:`helpers.cleaning.numbers`, :mod:`helpers.cleaning.times`), which
it hands to the check as :class:`TypedCheck` s, so that a value no grammar reads
is listed in the same pass; what needs a whole column (an ambiguous thousands
mark) or the fieldwork stays with the cleaning step.
:func:`validate_export` runs it lazily, so
that one message lists every problem of the file, each with its line, column,
the value found and what was expected (the first :data:`MAX_PROBLEMS`, with the
count of the rest).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandera.pandas as pa
from rapidfuzz import fuzz, process

from helpers.errors import InputError
from helpers.inputs.ingest import LINE_COLUMN, RawTable
from helpers.inputs.profiles import ColumnLayout, Layout
from helpers.inputs.textnorm import fold
from helpers.masking import mask, quoted

__all__ = ["MAX_PROBLEMS", "OPTIONAL_ROLES", "TypedCheck", "export_schema", "validate_export"]

MAX_PROBLEMS = 20
# Metadata an export may lack: without submission times the run goes on without the fieldwork analysis.
OPTIONAL_ROLES = frozenset({"submitted_at"})
RENAMED_SCORE = 60  # rapidfuzz token-sort score above which an unknown column is offered as a renaming


@dataclass(frozen=True)
class TypedCheck:
    """The grammar of a typed field, from the step that reads it.

    Attributes
    ----------
    reads
        ``reads(text, column, layout)``: whether the cell (as written, blank
        included) is one the step reads.
    expected
        ``expected(column, layout)``: what the message says was expected.
    shape
        Values of this shape are quoted whole in the message (others masked).
    """

    reads: Callable[[str, ColumnLayout, Layout], bool]
    expected: Callable[[ColumnLayout, Layout], str]
    shape: re.Pattern[str] | None = None


def _one_of(tokens: dict[str, str], *, folded: bool) -> Callable[[str], bool]:
    # Only a codebook label written as such may differ in case, accents or spacing: the cleaning step recovers
    # and logs it. A tool's own token (Y, A1, an option's text in its tick column) must be exact.
    exact = set(tokens)
    loose = {fold(token) for token, canonical in tokens.items() if token == canonical} if folded else set()
    return lambda value: (not value.strip() or value.strip() in exact or fold(value) in loose)


def _expected(tokens: list[str]) -> str:
    shown = ", ".join(repr(token) for token in tokens[:8])
    return f"one of {shown}{', ...' if len(tokens) > 8 else ''} or blank"


def _check(column: ColumnLayout, layout: Layout, typed: Mapping[str, TypedCheck]) -> pa.Check | None:
    folded = layout.profile.answers == "labels"
    grammar = typed.get(column.role or column.kind)
    if grammar is not None:
        return pa.Check(lambda value: grammar.reads(value, column, layout), element_wise=True,
                        error=grammar.expected(column, layout))
    if column.role == "status":
        return pa.Check(lambda value: value.strip() in column.tokens, element_wise=True,
                        error=_expected(list(column.tokens)).removesuffix(" or blank"))
    if column.kind in ("single", "option"):
        return pa.Check(_one_of(column.tokens, folded=folded or column.kind == "option"), element_wise=True,
                        error=_expected(list(column.tokens)))
    if column.kind == "multi_cell" and layout.other_option(column):
        return None  # any part that is no option is the text typed in the "other" box
    if column.kind == "multi_cell":
        separator = layout.profile.multi.separator
        ticks = _one_of(column.tokens, folded=False)
        return pa.Check(lambda cell: all(ticks(part) for part in cell.split(separator)), element_wise=True,
                        error=f"options among {list(column.tokens)} joined by {separator!r}, or blank")
    return None


def export_schema(layout: Layout, typed: Mapping[str, TypedCheck] | None = None) -> pa.DataFrameSchema:
    """The schema of an export laid out by ``layout``, its columns named by their keys.

    ``typed`` maps a column's role (``submitted_at``, ``response_id``) or kind
    (``numeric``) to the grammar its values must follow.

    Columns the layout does not know are allowed (the cleaning step drops
    them, as they may hold personal data); so is an export without the
    submission time (:data:`OPTIONAL_ROLES`), which some tools leave out.
    """
    columns = {}
    for column in layout.columns:
        check = _check(column, layout, typed or {})
        columns[column.key] = pa.Column(None, checks=[check] if check else [], nullable=True,
                                        required=column.role not in OPTIONAL_ROLES, coerce=False)
    for key in layout.drop_columns:
        columns[key] = pa.Column(None, nullable=True, required=True)
    return pa.DataFrameSchema(columns, strict=False)


def _shown(value: object, shape: re.Pattern[str] | None) -> str:
    return quoted(str(value), shape) if shape is not None else mask(str(value))


def _renamed(name: str, unknown: list[str]) -> str:
    """A hint naming the unknown column that looks like the missing one, if any does."""
    best = process.extractOne(name, unknown, scorer=fuzz.token_sort_ratio, score_cutoff=RENAMED_SCORE)
    return f" (renamed {best[0]!r}?)" if best else ""


def _header_hint(layout: Layout, grid_rows: list[list[str]], missing: list[str]) -> str:
    """Where the expected headers are, when the file's header rows are not the profile's."""
    keys = {column.key for column in layout.columns}
    rows = layout.profile.header.rows
    for index, row in enumerate(grid_rows[:10]):
        found = sum(cell.strip() in keys for cell in row)
        if found >= len(keys) // 2 and index + 1 != rows:
            return (f" The file's headers look like they are on row {index + 1}, while profile {layout.name!r} "
                    f"expects {rows} header row(s) with its keys on row(s) {layout.profile.header.keys}: "
                    "is this export from another tool or export option (raw.profile)?")
    if len(missing) > len(keys) // 2:
        return f" Most headers are missing: is this export laid out as profile {layout.name!r} (raw.profile)?"
    return ""


def _labels_hint(layout: Layout, values) -> str:
    """Where a codes profile finds the codebook's answer labels instead (an export "with full answers")."""
    if layout.profile.answers != "codes" or values.empty:
        return ""
    labels = {column.key: {fold(label) for label in column.tokens.values()}
              for column in layout.columns if column.kind == "single"}
    found = [(case.column, str(case.failure_case)) for case in values.itertuples()
             if fold(str(case.failure_case)) in labels.get(case.column, ())]
    if len(found) <= len(values) / 2:
        return ""
    column, label = found[0]
    return (f" {len(found)} of the {len(values)} values refused are the codebook's answer labels (such as {label!r} "
            f"in column {column!r}) where profile {layout.name!r} expects answer codes: was the export written with "
            "full answers? Read it with a profile whose answers are labels (answers: labels; raw.profile).")


def validate_export(table: RawTable, layout: Layout, *, grid_rows: list[list[str]] | None = None,
                    typed: Mapping[str, TypedCheck] | None = None) -> None:
    """Check every column and value of an export at once.

    Parameters
    ----------
    table
        The export under its keys (:func:`helpers.inputs.readers.read_export_table`).
    layout
        Its profile resolved against the codebook.
    grid_rows
        The rows as read, header rows included, for the hint given when the
        headers are not where the profile says.
    typed
        The grammars of the typed fields (see :func:`export_schema`).

    Raises
    ------
    InputError
        One message listing every missing column and every value that is not
        what its column expects, each with its line, column, the value found
        and what was expected: the first :data:`MAX_PROBLEMS`, then the
        count of the rest.
    """
    data = table.data.drop(columns=LINE_COLUMN).fillna("").astype(str)
    try:
        export_schema(layout, typed).validate(data, lazy=True)
        return
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    lines = table.data[LINE_COLUMN]
    missing = cases.loc[cases["check"] == "column_in_dataframe", "failure_case"].astype(str).tolist()
    unknown = [name for name in data.columns if name not in {column.key for column in layout.columns}]
    problems = [f"column {name!r}: missing (expected by profile {layout.name!r}){_renamed(name, unknown)}"
                for name in missing]
    values = cases[cases["index"].notna() & (cases["check"] != "column_in_dataframe")].copy()
    values["line"] = [int(lines.loc[label]) for label in values["index"]]
    shapes = {column.key: grammar.shape for column in layout.columns
              if (grammar := (typed or {}).get(column.role or column.kind)) is not None}
    for case in values.sort_values(["line", "column"], kind="stable").itertuples():
        problems.append(f"line {case.line}, column {case.column!r}: found "
                        f"{_shown(case.failure_case, shapes.get(case.column))}; expected {case.check}")
    shown = problems[:MAX_PROBLEMS]
    rest = len(problems) - len(shown)
    hint = (_header_hint(layout, grid_rows or [], missing) if missing else "") or _labels_hint(layout, values)
    singles = {column.key for column in layout.columns if column.kind == "single"}
    closed = len(singles)
    failing = values[values["column"].isin(singles)].groupby("index")["column"].nunique()
    first = int(failing.get(data.index[0], 0)) if len(data) else 0
    others = (failing.drop(data.index[0], errors="ignore") > closed // 2).sum() if len(data) else 0
    if not hint and closed and first > closed // 2 and others < (len(data) - 1) / 2:
        hint = (f" The first record fails in {first} of the {closed} closed questions: is it another header row "
                f"(profile {layout.name!r} expects {layout.profile.header.rows}; raw.profile)?")
    listing = "\n  ".join(shown) + (f"\n  ... and {rest} more problem(s)" if rest else "")
    raise InputError(table.path, f"{len(problems)} problem(s) with the export (profile {layout.name!r}):{hint}"
                                 f"\n  {listing}")
