"""Export profiles: how one survey tool lays out its export (``config/exports/<name>.yaml``).

The codebook describes the questionnaire once, with the headers and labels of
the project's own export format (the ``default`` profile). A profile says how
another tool delivers the same answers: how many header rows sit above the
records and which of them name the columns; each question's and option's
column, by a template such as ``Q{number}[SQ{option_number:03d}]`` or
explicitly; whether answers come as labels or codes, with the codebook label
-> export token map where they differ; how a multiple-choice question is laid
out (one column per option holding a "ticked" token, or one cell joining the
ticked options); the date format; the rows to drop (previews, tests).

:func:`layout` resolves a profile against a codebook into one
:class:`ColumnLayout` per column of the export; :func:`canonical` turns an
export read with it (:func:`helpers.inputs.readers.read_export`) into the
default layout the cleaning step reads, and the demo generator writes exports
through the same layout, so that reading inverts writing.

Template variables: for every question ``id``, ``number`` (its 1-based place in
the codebook), ``column`` (its header in the default layout; for a
multiple-choice question the ``stem`` its options' headers share), ``stem``,
``fr``, ``en``; for an option also ``option`` (its code), ``option_number``,
``option_fr``, ``option_en`` and ``option_column``. Literal braces are doubled
(``{{"ImportId":"QID{number}"}}``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from helpers.errors import InputError
from helpers.inputs.codebook import EXPORT_ROLES, Codebook, Question
from helpers.inputs.validation import check, read_yaml
from helpers.paths import CONFIG_DIR

__all__ = ["EXPORTS_DIR", "KEY_JOIN", "ColumnLayout", "DropRule", "Header", "Layout", "Multi", "Profile",
           "QuestionColumns", "Templates", "layout", "load_profile", "profile_names", "profile_path"]

EXPORTS_DIR = CONFIG_DIR / "exports"
KEY_JOIN = " - "

Role = Literal[EXPORT_ROLES]  # type: ignore[valid-type]
Cells = Annotated[str | list[str], Field(description="the column's header: one template, or one per header row")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Header(_Strict):
    """The header rows above the first record."""

    rows: int = Field(1, ge=1, le=5, description="number of header rows above the first record")
    keys: list[int] = Field([1], min_length=1, description="header rows (1-based) whose cells, joined by ' - ', "
                                                           "name a column")
    carry_forward: list[int] = Field([], description="header rows where a blank cell repeats the one to its "
                                                     "left (a question spanning its options' columns)")
    patterns: dict[int, str] = Field({}, description="header row -> regular expression that every non-blank cell "
                                                     "of that row matches (Qualtrics' ImportId row)")

    @model_validator(mode="after")
    def _rows_exist(self) -> Header:
        named = [*self.keys, *self.carry_forward, *self.patterns]
        outside = sorted({row for row in named if not 1 <= row <= self.rows})
        if outside:
            raise ValueError(f"header row(s) {outside} outside 1..{self.rows}")
        for row, pattern in self.patterns.items():
            re.compile(pattern)
        return self


class Templates(_Strict):
    """Column templates by kind of column."""

    single: Cells = "{column}"
    numeric: Cells = "{column}"
    text: Cells = "{column}"
    option: Cells = Field("{option_column}", description="one column per option (multi.layout: columns)")
    multi: Cells = Field("{stem}", description="the one column of a multiple-choice question (multi.layout: cell)")


class QuestionColumns(_Strict):
    """Explicit headers of one question, overriding the templates."""

    column: Cells | None = None
    options: dict[str, Cells] = {}


class Multi(_Strict):
    """How a multiple-choice question is laid out."""

    layout: Literal["columns", "cell"] = Field("columns", description="one column per option, or one cell "
                                                                      "joining the ticked options")
    ticked: str | None = Field(None, description="template of a ticked option's cell (columns layout); default "
                                                 "the codebook's multi_checked_label")
    separator: str = Field(", ", min_length=1, description="separator of the ticked options (cell layout)")
    tokens: Literal["option_fr", "option_en", "option", "option_number"] = Field(
        "option_fr", description="what names a ticked option in the cell (cell layout)")
    other: str | None = Field(None, description="the option whose box respondents type into (cell layout; Google "
                                                "Forms' 'Autre'), named as in the cell: a part of the cell that is "
                                                "no option is that typed text, read as this option ticked, the text "
                                                "left out and logged")


class DropRule(_Strict):
    """Rows the tool writes that are no submissions (previews, tests)."""

    column: Cells = Field(description="the column's header (written by the tool, unknown to the codebook)")
    values: list[str] = Field(min_length=1, description="values marking a row to drop")
    written: str = Field(description="value of this column in a genuine row (the demo generator writes it)")
    reason: str = Field(description="why such rows are dropped, for the cleaning log")


class Profile(_Strict):
    """One survey tool's export layout: the model of ``config/exports/<name>.yaml``."""

    tool: str = Field(description="the survey tool and export option this profile describes")
    description: str = ""
    header: Header = Header()
    separator: Literal[";", ",", "\t"] = Field(";", description="field separator of its delimited text exports "
                                                                "(reading detects it)")
    decimal: Literal[",", "."] = Field(",", description="decimal mark of numeric answers")
    datetime_format: str | None = Field(None, description="strftime format of the submission time; default the "
                                                          "codebook's")
    roles: dict[Role, Cells] = Field({}, description="metadata role -> header; default the codebook's")
    columns: Templates = Templates()
    questions: dict[str, QuestionColumns] = Field({}, description="question id -> explicit headers")
    answers: Literal["labels", "codes"] = Field("labels", description="closed answers as labels or as codes")
    scales: dict[str, dict[str, str]] = Field({}, description="scale id -> codebook label -> export token, where "
                                                              "they differ from the label (labels) or the "
                                                              "codebook's code (codes)")
    status: dict[str, str] = Field({}, description="codebook status label -> export token, where they differ")
    authority_types: dict[str, str] = Field({}, description="codebook authority-type label -> export token, where "
                                                            "they differ")
    multi: Multi = Multi()
    drop: list[DropRule] = []

    @field_validator("datetime_format")
    @classmethod
    def _has_directives(cls, value: str | None) -> str | None:
        if value is not None and "%" not in value:
            raise ValueError(f"{value!r} holds no strftime directive (e.g. %d/%m/%Y %H:%M:%S)")
        return value


def profile_path(name: str) -> Path:
    """``config/exports/<name>.yaml``."""
    return EXPORTS_DIR / f"{name}.yaml"


def profile_names() -> list[str]:
    """The shipped profiles."""
    return sorted(path.stem for path in EXPORTS_DIR.glob("*.yaml"))


def load_profile(name: str | os.PathLike[str]) -> tuple[Path, Profile]:
    """Read and validate a profile, by name (``config/exports/<name>.yaml``) or path.

    Returns
    -------
    (path, Profile)

    Raises
    ------
    InputError
        If the file is missing or not YAML, or if keys are unknown, missing,
        of the wrong type or outside their range: one message listing every
        such key (:func:`helpers.inputs.validation.check`).
    """
    text = str(name)
    path = Path(text) if text.endswith((".yaml", ".yml")) else profile_path(text)
    if not path.is_file():
        raise InputError(path, f"no export profile {text!r}: expected this file (shipped: {profile_names()})")
    return path, check(Profile, read_yaml(path, "export profile") or {}, path)


@dataclass(frozen=True)
class ColumnLayout:
    """One column of an export laid out by a profile.

    Attributes
    ----------
    canonical
        Its header in the default layout (the codebook's); for a
        multiple-choice question in one cell, the question id.
    kind
        ``role``, ``single``, ``numeric``, ``text``, ``option`` or ``multi_cell``.
    headers
        Its cell in each header row.
    key
        The cells of the key rows joined by :data:`KEY_JOIN` (blank ones left out).
    tokens
        Export token -> canonical value, for closed answers (an option's
        ticked token -> the codebook's ticked label; a cell's option token ->
        the option's default-layout header).
    role
        The metadata role, for ``kind == "role"``.
    question
        The question id, for a question's column.
    """

    canonical: str
    kind: str
    headers: tuple[str, ...]
    key: str
    tokens: dict[str, str] = field(default_factory=dict)
    role: str | None = None
    question: str | None = None


@dataclass(frozen=True)
class Layout:
    """A profile resolved against a codebook."""

    name: str
    path: Path
    profile: Profile
    codebook: Codebook
    columns: tuple[ColumnLayout, ...]

    @property
    def datetime_format(self) -> str:
        """The export's date-time format."""
        return self.profile.datetime_format or self.codebook.export.datetime_format

    def by_role(self, role: str) -> ColumnLayout:
        """The column of a metadata role."""
        return next(column for column in self.columns if column.role == role)

    @property
    def drop_columns(self) -> dict[str, tuple[DropRule, tuple[str, ...]]]:
        """Key of each drop rule's column -> the rule and the column's header cells."""
        columns = {}
        for k, rule in enumerate(self.profile.drop):
            cells = _cells(self.profile, rule.column, {}, self.path, f"drop[{k}].column")
            columns[_key(self.profile, cells)] = (rule, cells)
        return columns

    def cell_parts(self, cell: str) -> set[str]:
        """The parts of a multiple-choice cell (cell layout), stripped."""
        return {part.strip() for part in cell.split(self.profile.multi.separator) if part.strip()}

    def other_option(self, column: ColumnLayout) -> str | None:
        """The token of the option typed into (``multi.other``) when ``column``, a one-cell question, has it."""
        other = self.profile.multi.other
        return other if column.kind == "multi_cell" and other in column.tokens else None

    def typed_other(self, column: ColumnLayout, cell: str) -> set[str]:
        """The parts of ``cell`` that are text typed in the "other" box of ``column`` (empty without one)."""
        return self.cell_parts(cell) - set(column.tokens) if self.other_option(column) else set()

    def canonical(self, data: pd.DataFrame) -> pd.DataFrame:
        """An export read with this layout (columns named by :attr:`ColumnLayout.key`), in the default layout.

        Closed answers become the codebook's labels (tokens that are not
        exactly a known one are left as written, for the cleaning step to
        match or refuse), the submission time is rewritten in the codebook's
        format, decimal points stay (the cleaning step reads both marks),
        multiple-choice cells become one ticked/blank column per option, an
        optional column the export lacks is blank (text typed in the "other"
        box of a one-cell question ticks that option), and columns the layout does
        not know are kept as they are. Validate first
        (:func:`helpers.inputs.exportcheck.validate_export`).
        """
        out: dict[str, pd.Series] = {}
        known = set()
        checked = self.codebook.export.multi_checked_label
        for column in self.columns:
            known.add(column.key)
            if column.key not in data:  # an optional column the export lacks: blank, as the tool left it
                out[column.canonical] = pd.Series("", index=data.index)
                continue
            values = data[column.key].fillna("").astype(str)
            if column.kind == "multi_cell":
                other = self.other_option(column)
                parts = values.map(lambda cell, column=column, other=other: self.cell_parts(cell) | (
                    {other} if self.typed_other(column, cell) else set()))
                for token, option_header in column.tokens.items():
                    out[option_header] = parts.map(lambda ticked, token=token: checked if token in ticked else "")
                continue
            if column.role == "submitted_at":
                times = pd.to_datetime(values.str.strip(), format=self.datetime_format, errors="coerce")
                values = times.dt.strftime(self.codebook.export.datetime_format).fillna(values)
            elif column.tokens:
                stripped = values.str.strip()
                values = stripped.map(column.tokens).fillna(values)
            out[column.canonical] = values
        extra = {name: data[name] for name in data.columns if name not in known}
        return pd.DataFrame({**out, **extra}, index=data.index)


def _stem(question: Question) -> str:
    if question.type != "multi":
        return question.column or ""
    prefix = os.path.commonprefix([option.column for option in question.options])
    return prefix.rsplit("[", 1)[0].strip() if "[" in prefix else prefix.strip()


def _variables(question: Question, number: int) -> dict[str, object]:
    return {"id": question.id, "number": number, "column": _stem(question), "stem": _stem(question),
            "fr": question.fr, "en": question.en}


def _cells(profile: Profile, spec: str | list[str], variables: dict, path: Path, where: str) -> tuple[str, ...]:
    templates = [spec] if isinstance(spec, str) else list(spec)
    if len(templates) == 1 and profile.header.rows > 1:
        # One template names the first key row; the other rows are blank.
        cells = [""] * profile.header.rows
        cells[profile.header.keys[0] - 1] = templates[0]
        templates = cells
    if len(templates) != profile.header.rows:
        raise InputError(path, f"{where}: {len(templates)} header cell(s) for {profile.header.rows} header rows",
                         column=where)
    try:
        return tuple(template.format(**variables) for template in templates)
    except (KeyError, IndexError, ValueError) as error:
        raise InputError(path, f"{where}: template {spec!r} cannot be filled ({error!r}); variables: "
                               f"{sorted(variables)}", column=where) from error


def _key(profile: Profile, headers: tuple[str, ...]) -> str:
    return KEY_JOIN.join(headers[row - 1] for row in profile.header.keys if headers[row - 1])


def _closed_tokens(profile: Profile, question: Question, path: Path) -> dict[str, str]:
    """Export token -> codebook label, for a single-choice question."""
    scale = question.scale
    mapped = profile.scales.get(scale.id, {})
    labels = [*scale.labels, *scale.dont_know, *scale.not_applicable]
    tokens = {}
    for label in labels:
        if label in mapped:
            token = mapped[label]
        elif profile.answers == "labels":
            token = label
        elif label in scale.labels:
            token = str(scale.labels[label])
        else:
            raise InputError(path, f"scales.{scale.id}: answers are codes but {label!r} has none; give its code "
                                   f"under scales.{scale.id}", column=f"scales.{scale.id}")
        tokens[token] = label
    return tokens


def _mapped(path: Path, where: str, labels: dict[str, str], override: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(override) - set(labels))
    if unknown:
        raise InputError(path, f"{where}: {unknown} not label(s) of the codebook; expected some of {list(labels)}",
                         column=where)
    return {override.get(label, label): label for label in labels}


def _check_references(profile: Profile, codebook: Codebook, path: Path) -> None:
    unknown = sorted(set(profile.questions) - set(codebook.questions))
    if unknown:
        raise InputError(path, f"questions: {unknown} are not questions of the codebook", column="questions")
    for qid, spec in profile.questions.items():
        question = codebook.questions[qid]
        codes = {option.code for option in question.options}
        if sorted(set(spec.options) - codes):
            raise InputError(path, f"questions.{qid}.options: {sorted(set(spec.options) - codes)} are not options "
                                   f"of {qid!r}", column=f"questions.{qid}")
    unknown = sorted(set(profile.scales) - set(codebook.scales))
    if unknown:
        raise InputError(path, f"scales: {unknown} are not scales of the codebook", column="scales")
    for sid, mapping in profile.scales.items():
        scale = codebook.scales[sid]
        outside = sorted(set(mapping) - {*scale.labels, *scale.dont_know, *scale.not_applicable})
        if outside:
            raise InputError(path, f"scales.{sid}: {outside} are not labels of this scale", column=f"scales.{sid}")


def layout(profile_name: str | os.PathLike[str], codebook: Codebook) -> Layout:
    """Resolve a profile against a codebook: every column of the export it describes.

    Parameters
    ----------
    profile_name
        A shipped profile's name or a profile file (:func:`load_profile`).
    codebook
        The questionnaire.

    Returns
    -------
    Layout

    Raises
    ------
    InputError
        If the profile is invalid, names questions, options, scales or labels
        the codebook does not have, gives a code to no label in a codes
        profile, holds a template that cannot be filled, or lays two columns
        out under the same header.
    """
    path, profile = load_profile(profile_name)
    _check_references(profile, codebook, path)
    export = codebook.export
    columns: list[ColumnLayout] = []
    status = _mapped(path, "status", {label: label for label in export.status_labels}, profile.status)
    types = _mapped(path, "authority_types", {label: label for label in export.authority_type_labels},
                    profile.authority_types)
    for role in EXPORT_ROLES:
        cells = _cells(profile, profile.roles.get(role, export.columns[role]), {}, path, f"roles.{role}")
        tokens = status if role == "status" else types if role == "authority_type" else {}
        columns.append(ColumnLayout(export.columns[role], "role", cells, _key(profile, cells), tokens, role=role))
    templates = profile.columns
    for number, question in enumerate(codebook.questions.values(), start=1):
        variables = _variables(question, number)
        explicit = profile.questions.get(question.id, QuestionColumns())
        where = f"questions.{question.id}"
        if question.type != "multi":
            spec = explicit.column or getattr(templates, question.type)
            cells = _cells(profile, spec, variables, path, where)
            tokens = _closed_tokens(profile, question, path) if question.type == "single" else {}
            columns.append(ColumnLayout(question.column, question.type, cells, _key(profile, cells), tokens,
                                        question=question.id))
            continue
        option_variables = [{**variables, "option": option.code, "option_number": k, "option_fr": option.fr,
                             "option_en": option.en, "option_column": option.column}
                            for k, option in enumerate(question.options, start=1)]
        if profile.multi.layout == "cell":
            cells = _cells(profile, explicit.column or templates.multi, variables, path, where)
            tokens = {str(v[profile.multi.tokens]): option.column for v, option in zip(option_variables,
                                                                                       question.options)}
            columns.append(ColumnLayout(question.id, "multi_cell", cells, _key(profile, cells), tokens,
                                        question=question.id))
            continue
        for option, option_vars in zip(question.options, option_variables):
            spec = explicit.options.get(option.code, templates.option)
            cells = _cells(profile, spec, option_vars, path, f"{where}.options.{option.code}")
            ticked = (profile.multi.ticked or export.multi_checked_label).format(**option_vars)
            columns.append(ColumnLayout(option.column, "option", cells, _key(profile, cells),
                                        {ticked: export.multi_checked_label}, question=question.id))
    keys = [column.key for column in columns]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated or "" in keys:
        raise InputError(path, f"two columns share the header(s) {duplicated or ['(blank)']}: expected one header "
                               "per column")
    return Layout(Path(path).stem, path, profile, codebook, tuple(columns))
