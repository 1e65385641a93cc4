"""The questionnaire's codebook: questions, raw answer labels and their codes.

``config/codebook.yaml`` (or the codebook a wave names, ``codebook:`` in its
wave file) is the single description of the survey export. The demo generator
writes exports from it, the cleaning step reads exports with it, and the report
takes its French and English labels from it. :func:`asked` is the
questionnaire's routing (``asked_if``), applied by both.

:class:`CodebookFile` and the entries it holds (:class:`Scale`,
:class:`Question`, :class:`Indicator` ...) are pydantic models: their JSON
Schema (``python -m helpers schema codebook``, committed as
``config/codebook.schema.json``) lets an editor complete and check the file.
:func:`load_codebook` checks the shape of the file with them, then the
references between entries, and reports every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from helpers.inputs.validation import Problem, check, problems_error, read_yaml
from helpers.paths import CODEBOOK_PATH

QUESTION_TYPES = ("single", "multi", "numeric", "text")
EXPORT_ROLES = (
    "response_id", "submitted_at", "status", "unit_id", "authority_name", "authority_type",
    "last_name", "first_name", "job_title", "email", "phone",
)
PERSONAL_ROLES = ("last_name", "first_name", "job_title", "email", "phone")
IDENTIFIER = r"^[a-z][a-z0-9_]*$"


class Entry(BaseModel):
    """A mapping of the codebook: unknown keys refused, values of exactly the declared type."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class Labels(Entry):
    """French and English wording."""

    fr: str = Field(min_length=1, description="French wording")
    en: str = Field(min_length=1, description="English wording")


class Scale(Entry):
    """Answer labels of a closed question mapped to integer codes."""

    labels: dict[str, int] = Field(min_length=1, description="answer label as the export holds it -> integer code")
    dont_know: list[str] = Field([], description="labels recoded to missing, reason dont_know")
    not_applicable: list[str] = Field([], description="labels recoded to missing, reason not_applicable")
    en: dict[int, str] = Field(description="English label of each code")
    _id: str = PrivateAttr("")

    @property
    def id(self) -> str:
        """The scale's key in the codebook's ``scales``."""
        return self._id

    @model_validator(mode="after")
    def _english_for_every_code(self) -> Scale:
        missing = sorted(set(self.labels.values()) - set(self.en))
        if missing:
            raise ValueError(f"no English label (en) for code(s) {missing}")
        return self

    def fr_label(self, code: int) -> str:
        """French label of ``code``."""
        return next(label for label, value in self.labels.items() if value == code)


class Option(Entry):
    """One tick box of a multiple-choice question."""

    code: str = Field(pattern=IDENTIFIER, description="the option's identifier, stable across waves")
    column: str = Field(min_length=1, description="header of the option's export column")
    fr: str = Field(min_length=1, description="French wording")
    en: str = Field(min_length=1, description="English wording")


class Routing(Entry):
    """Who is asked a question: those whose answer to an earlier (gate) question opens it."""

    question: str = Field(description="the gate: an earlier single- or multiple-choice question")
    codes: list[int] | None = Field(None, min_length=1, description="codes of a single-choice gate that open it")
    option: str | None = Field(None, description="option of a multiple-choice gate whose tick opens it")

    @model_validator(mode="after")
    def _codes_or_option(self) -> Routing:
        if (self.codes is None) == (self.option is None):
            raise ValueError("expected either codes (a single-choice gate) or option (a multiple-choice gate)")
        return self


_REQUIRED_BY_TYPE = {"single": ["column", "scale"], "multi": ["options"], "numeric": ["column"], "text": ["column"]}


class Question(Entry):
    """One question of the questionnaire and how the export holds it."""

    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"if": {"properties": {"type": {"const": kind}}}, "then": {"required": required}}
        for kind, required in _REQUIRED_BY_TYPE.items()]})

    id: str = Field(pattern=IDENTIFIER, description="the question's identifier, stable across waves")
    section: str = Field(description="a key of the codebook's sections")
    type: Literal[QUESTION_TYPES] = Field(description="single (one scale), multi (one tick-box column per option), "
                                                      "numeric or text (free text, never carried past cleaning)")
    fr: str = Field(min_length=1, description="French wording")
    en: str = Field(min_length=1, description="English wording")
    column: str | None = Field(None, min_length=1, description="header of the export column (not for multi)")
    scale_id: str | None = Field(None, alias="scale", description="a key of the codebook's scales (single only)")
    options: list[Option] = Field([], description="the tick boxes (multi only)")
    asked_if: Routing | None = Field(None, description="routing; respondents outside it are not_asked")
    core: bool = Field(True, description="counts in the completeness share that sets complete / partial / "
                                         "break-off dispositions")
    unit: str | None = Field(None, description="unit of a numeric answer")
    minimum: float | None = Field(None, alias="min", description="smallest valid numeric answer")
    maximum: float | None = Field(None, alias="max", description="largest valid numeric answer")
    _scale: Scale | None = PrivateAttr(None)

    @property
    def scale(self) -> Scale | None:
        """The question's scale (single-choice questions), resolved when the codebook loads."""
        return self._scale

    @model_validator(mode="after")
    def _keys_of_its_type(self) -> Question:
        given = {"column": self.column, "scale": self.scale_id, "options": self.options or None}
        missing = [key for key in _REQUIRED_BY_TYPE[self.type] if given[key] is None]
        if missing:
            raise ValueError(f"a {self.type} question needs {' and '.join(missing)}")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"min ({self.minimum:g}) exceeds max ({self.maximum:g})")
        return self

    @property
    def export_columns(self) -> tuple[str, ...]:
        """Headers of the export columns holding this question."""
        if self.type == "multi":
            return tuple(option.column for option in self.options)
        return (self.column,)


class Indicator(Entry):
    """A published-style share computed from one question."""

    id: str = Field(pattern=IDENTIFIER, description="the indicator's identifier, stable across waves")
    question: str = Field(description="the question it reads")
    codes: list[int] = Field([], description="codes counted as 'yes' (single-choice questions); [1] for an option")
    fr: str = Field(min_length=1, description="French wording")
    en: str = Field(min_length=1, description="English wording")
    option: str | None = Field(None, description="the ticked option counted (multiple-choice questions)")
    headline: bool = Field(False, description="one of the headline indicators of the report")
    published_2012: float | None = Field(None, ge=0, le=1, description="share the 2012 barometer published")
    published_note: str = Field("", description="how the 2012 barometer worded it")

    @property
    def column(self) -> str:
        """Column of the processed answers that the indicator reads."""
        return f"{self.question}__{self.option}" if self.option else self.question


class Export(Entry):
    """How the survey tool lays out its export."""

    columns: dict[str, str] = Field(description=f"header of each metadata column, by role: {', '.join(EXPORT_ROLES)}")
    status_labels: dict[str, str] = Field(description="status label -> complete or partial")
    authority_type_labels: dict[str, str] = Field(description="authority type label -> unit type")
    multi_checked_label: str = Field(min_length=1, description="what a ticked box of a multi question holds")
    datetime_format: str = Field(min_length=1, description="strftime format of submission times")
    test_markers: list[str] = Field([], description="words marking a test submission in the authority name")

    @field_validator("columns")
    @classmethod
    def _every_role(cls, columns: dict[str, str]) -> dict[str, str]:
        missing = [role for role in EXPORT_ROLES if role not in columns]
        if missing:
            raise ValueError(f"missing role(s) {missing}")
        return columns

    @property
    def personal_columns(self) -> tuple[str, ...]:
        """Headers of the columns holding respondents' personal data."""
        return tuple(self.columns[role] for role in PERSONAL_ROLES)


class CodebookFile(Entry):
    """The questionnaire of the baromètre e-services and the layout of its export (``config/codebook.yaml``)."""

    model_config = ConfigDict(title="Codebook of the baromètre e-services")

    version: int = Field(1, ge=1, description="version of the codebook format")
    export: Export = Field(description="the survey tool's metadata columns and label vocabularies")
    sections: dict[str, Labels] = Field(min_length=1, description="sections of the questionnaire")
    scales: dict[str, Scale] = Field(description="closed-answer scales, by identifier")
    questions: list[Question] = Field(min_length=1, description="the questions, in questionnaire order")
    indicators: list[Indicator] = Field([], description="published-style shares, one question each")


@dataclass(frozen=True)
class Codebook:
    """The whole codebook, its references resolved: export layout, scales, questions and indicators by id."""

    path: Path
    export: Export
    scales: dict[str, Scale]
    questions: dict[str, Question]
    indicators: dict[str, Indicator]
    sections: dict[str, Labels]

    def question_columns(self) -> list[str]:
        """Every export header of every question, in questionnaire order."""
        return [column for q in self.questions.values() for column in q.export_columns]

    def label(self, item_id: str, lang: str = "fr") -> str:
        """Label of a question, an indicator or a section in ``lang`` (``fr`` or ``en``)."""
        for catalogue in (self.indicators, self.questions, self.sections):
            if item_id in catalogue:
                return getattr(catalogue[item_id], lang)
        raise KeyError(f"{item_id!r} is neither a question, an indicator nor a section of {self.path}")


def value_columns(question: Question) -> list[str]:
    """Columns of a table of answers holding ``question``'s values (none for free text).

    A multiple-choice question has one column per option, ``<id>__<option>``;
    a single-choice or numeric question has the column ``<id>``.
    """
    if question.type == "multi":
        return [f"{question.id}__{option.code}" for option in question.options]
    return [] if question.type == "text" else [question.id]


def asked(question: Question, answers: pd.DataFrame) -> pd.Series:
    """Whether each row of ``answers`` was asked ``question``, by its routing rule ``asked_if``.

    The rule names a gate question and either the codes that open it
    (``{question: ID, codes: [..]}``) or, for a multiple-choice gate, the
    option whose tick opens it (``{question: ID, option: CODE}``).

    Parameters
    ----------
    question
        The routed question; a question without ``asked_if`` is asked of everyone.
    answers
        A table with the gate's value column (see :func:`value_columns`)
        holding codes: 1 for a ticked option, the scale's codes for a
        single-choice answer, NA for no value. Other values (the demo
        generator's negative special codes, say) do not open the gate.

    Returns
    -------
    pandas.Series
        Nullable boolean, same index as ``answers``: True where the gate opens,
        False where it holds another value, NA where it holds no value (whether
        the survey tool showed the question is then unknown; the caller decides).
    """
    rule = question.asked_if
    if rule is None:
        return pd.Series(True, index=answers.index, dtype="boolean")
    if rule.option is not None:
        value = answers[f"{rule.question}__{rule.option}"]
        opens = value.eq(1)
    else:
        value = answers[rule.question]
        opens = value.isin(rule.codes)
    return opens.astype("boolean").mask(value.isna())


def _routing_problems(question: Question, order: dict[str, int], questions: dict[str, Question]) -> list[Problem]:
    """The ``asked_if`` rule names an earlier question and, as its gate's type requires, an option or codes."""
    where = f"questions.{question.id}.asked_if"
    rule = question.asked_if
    gate = questions.get(rule.question)
    if gate is None:
        return [(where, f"{where}: expected {{question: ID, codes: [..]}} or {{question: ID, option: CODE}} naming "
                        f"a question of the codebook, got question {rule.question!r}")]
    if order[gate.id] >= order[question.id]:
        return [(where, f"{where}: the gate {gate.id!r} must come before the question it routes")]
    if gate.type == "multi":
        if rule.option is None:
            return [(where, f"{where}: unknown key 'codes' for the multiple-choice gate {gate.id!r}; expected option")]
        if rule.option not in {option.code for option in gate.options}:
            return [(f"{where}.option", f"{where}.option: {rule.option!r} is not an option of {gate.id!r}")]
    elif gate.type == "single":
        if rule.codes is None:
            return [(where, f"{where}: unknown key 'option' for the single-choice gate {gate.id!r}; expected codes")]
        scale = gate.scale
        if scale is not None and not set(rule.codes) <= set(scale.labels.values()):
            return [(f"{where}.codes", f"{where}.codes: {rule.codes!r} is not a list of codes of scale "
                                       f"{scale.id!r}")]
    else:
        return [(where, f"{where}: the gate {gate.id!r} is a {gate.type} question; expected single or multi")]
    return []


def _indicator_problems(indicator: Indicator, questions: dict[str, Question]) -> list[Problem]:
    where = f"indicators.{indicator.id}"
    question = questions.get(indicator.question)
    if question is None:
        return [(f"{where}.question", f"{where}.question: {indicator.question!r} is not a question of the codebook")]
    if question.type == "multi":
        if indicator.option not in {option.code for option in question.options}:
            return [(f"{where}.option", f"{where}.option: {indicator.option!r} is not an option of "
                                        f"{question.id!r}")]
        return []
    if not indicator.codes:
        return [(f"{where}.codes", f"{where}: missing key 'codes' (the codes of {question.id!r} counted as yes)")]
    unknown = sorted(set(indicator.codes) - set(question.scale.labels.values())) if question.scale else []
    if unknown:
        return [(f"{where}.codes", f"{where}.codes: {unknown} are not codes of scale {question.scale.id!r}")]
    return []


def _duplicates(values: list[str]) -> list[str]:
    return sorted({value for value in values if values.count(value) > 1})


def _resolve(spec: CodebookFile) -> tuple[dict[str, Question], list[Problem]]:
    """Attach each question's scale; the questions by id and every reference that does not resolve."""
    problems: list[Problem] = []
    for scale_id, scale in spec.scales.items():
        scale._id = scale_id
    for question in spec.questions:
        where = f"questions.{question.id}"
        if question.section not in spec.sections:
            problems.append((f"{where}.section", f"{where}.section: {question.section!r} is not a section; expected "
                                                 f"one of {sorted(spec.sections)}"))
        if question.scale_id is not None:
            if question.type != "single":
                problems.append((f"{where}.scale", f"{where}.scale: only a single question has a scale"))
            elif question.scale_id not in spec.scales:
                problems.append((f"{where}.scale", f"{where}.scale: {question.scale_id!r} is not a defined scale; "
                                                   f"expected one of {sorted(spec.scales)}"))
            else:
                question._scale = spec.scales[question.scale_id]
    problems += [("questions", f"questions: identifier {qid!r} appears twice")
                 for qid in _duplicates([q.id for q in spec.questions])]
    questions = {question.id: question for question in spec.questions}
    order = {question.id: position for position, question in enumerate(spec.questions)}
    for question in spec.questions:
        if question.asked_if is not None:
            problems += _routing_problems(question, order, questions)
    headers = list(spec.export.columns.values()) + [c for q in spec.questions for c in q.export_columns]
    duplicated = _duplicates(headers)
    if duplicated:
        problems.append(("questions", f"export column(s) used twice: {duplicated}"))
    problems += [("indicators", f"indicators: identifier {iid!r} appears twice")
                 for iid in _duplicates([i.id for i in spec.indicators])]
    for indicator in spec.indicators:
        problems += _indicator_problems(indicator, questions)
    return questions, problems


def _item_names(spec: Any) -> dict[tuple, str]:
    """``questions.<id>`` and ``indicators.<id>`` for the list items of the file, to name them in messages."""
    names = {}
    for kind in ("questions", "indicators"):
        items = spec.get(kind) if isinstance(spec, dict) else None
        for position, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                names[(kind, position)] = f"{kind}.{item['id']}"
    return names


def load_codebook(path: Path = CODEBOOK_PATH) -> Codebook:
    """Read and validate a codebook.

    Parameters
    ----------
    path
        The YAML codebook; ``config/codebook.yaml`` by default (a wave's is :attr:`helpers.inputs.Wave.codebook_path`).

    Returns
    -------
    Codebook

    Raises
    ------
    InputError
        Listing every problem: a key missing, unknown or of the wrong type, a scale, section or question
        reference that does not resolve, a routing rule naming a later question or codes outside its gate's
        scale, two questions or indicators sharing an identifier, two questions sharing an export column.
    """
    path = Path(path)
    spec = read_yaml(path, "codebook")
    names = _item_names(spec)
    parsed = check(CodebookFile, spec, path, names=names)
    questions, problems = _resolve(parsed)
    if problems:
        raise problems_error(path, problems)
    indicators = {indicator.id: indicator.model_copy(update={"codes": [1]}) if questions[indicator.question].type
                  == "multi" else indicator for indicator in parsed.indicators}
    return Codebook(path, parsed.export, dict(parsed.scales), questions, indicators, dict(parsed.sections))
