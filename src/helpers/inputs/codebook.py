"""The questionnaire's codebook: questions, raw answer labels and their codes.

``config/codebook.yaml`` is the single description of the survey export. The
demo generator writes exports from it, the cleaning step reads exports with it,
and the report takes its French and English labels from it. :func:`asked` is
the questionnaire's routing (``asked_if``), applied by both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.errors import InputError
from helpers.paths import CODEBOOK_PATH

QUESTION_TYPES = ("single", "multi", "numeric", "text")
EXPORT_ROLES = (
    "response_id", "submitted_at", "status", "unit_id", "authority_name", "authority_type",
    "last_name", "first_name", "job_title", "email", "phone",
)
PERSONAL_ROLES = ("last_name", "first_name", "job_title", "email", "phone")


@dataclass(frozen=True)
class Scale:
    """Answer labels of a closed question mapped to integer codes."""

    id: str
    labels: dict[str, int]
    dont_know: tuple[str, ...] = ()
    not_applicable: tuple[str, ...] = ()
    en: dict[int, str] = field(default_factory=dict)

    def fr_label(self, code: int) -> str:
        """French label of ``code``."""
        return next(label for label, value in self.labels.items() if value == code)


@dataclass(frozen=True)
class Option:
    """One tick box of a multiple-choice question."""

    code: str
    column: str
    fr: str
    en: str


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire and how the export holds it."""

    id: str
    section: str
    type: str
    fr: str
    en: str
    column: str | None = None
    scale: Scale | None = None
    options: tuple[Option, ...] = ()
    asked_if: dict[str, Any] | None = None
    core: bool = True
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def export_columns(self) -> tuple[str, ...]:
        """Headers of the export columns holding this question."""
        if self.type == "multi":
            return tuple(option.column for option in self.options)
        return (self.column,)


@dataclass(frozen=True)
class Indicator:
    """A published-style share computed from one question."""

    id: str
    question: str
    codes: tuple[int, ...]
    fr: str
    en: str
    option: str | None = None
    headline: bool = False
    published_2012: float | None = None
    published_note: str = ""

    @property
    def column(self) -> str:
        """Column of the processed answers that the indicator reads."""
        return f"{self.question}__{self.option}" if self.option else self.question


@dataclass(frozen=True)
class Export:
    """How the survey tool lays out its export."""

    columns: dict[str, str]
    status_labels: dict[str, str]
    authority_type_labels: dict[str, str]
    multi_checked_label: str
    datetime_format: str
    test_markers: tuple[str, ...]

    @property
    def personal_columns(self) -> tuple[str, ...]:
        """Headers of the columns holding respondents' personal data."""
        return tuple(self.columns[role] for role in PERSONAL_ROLES)


@dataclass(frozen=True)
class Codebook:
    """The whole codebook: export layout, scales, questions and indicators."""

    path: Path
    export: Export
    scales: dict[str, Scale]
    questions: dict[str, Question]
    indicators: dict[str, Indicator]
    sections: dict[str, dict[str, str]]

    def question_columns(self) -> list[str]:
        """Every export header of every question, in questionnaire order."""
        return [column for q in self.questions.values() for column in q.export_columns]

    def label(self, item_id: str, lang: str = "fr") -> str:
        """Label of a question, an indicator or a section in ``lang`` (``fr`` or ``en``)."""
        for catalogue in (self.indicators, self.questions):
            if item_id in catalogue:
                return getattr(catalogue[item_id], lang)
        if item_id in self.sections:
            return self.sections[item_id][lang]
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
    if not rule:
        return pd.Series(True, index=answers.index, dtype="boolean")
    if "option" in rule:
        value = answers[f"{rule['question']}__{rule['option']}"]
        opens = value.eq(1)
    else:
        value = answers[rule["question"]]
        opens = value.isin(rule["codes"])
    return opens.astype("boolean").mask(value.isna())


def _check_routing(question: Question, questions: dict[str, Question], path: Path) -> None:
    """The ``asked_if`` rule names an earlier question and, as its type requires, an option or codes."""
    where = f"questions.{question.id}.asked_if"
    rule = question.asked_if
    if not isinstance(rule, dict) or rule.get("question") not in questions:
        raise InputError(path, f"{where}: expected {{question: ID, codes: [..]}} or {{question: ID, option: CODE}} "
                               f"naming a question of the codebook, got {rule!r}")
    gate = questions[rule["question"]]
    order = list(questions)
    if order.index(gate.id) >= order.index(question.id):
        raise InputError(path, f"{where}: the gate {gate.id!r} must come before the question it routes")
    if gate.type == "multi":
        _check_keys(rule, {"question", "option"}, path, where)
        if rule.get("option") not in {option.code for option in gate.options}:
            raise InputError(path, f"{where}.option: {rule.get('option')!r} is not an option of {gate.id!r}")
    elif gate.type == "single":
        _check_keys(rule, {"question", "codes"}, path, where)
        codes = _require(rule, "codes", path, where)
        if not isinstance(codes, list) or not set(codes) <= set(gate.scale.labels.values()):
            raise InputError(path, f"{where}.codes: {codes!r} is not a list of codes of scale {gate.scale.id!r}")
    else:
        raise InputError(path, f"{where}: the gate {gate.id!r} is a {gate.type} question; expected single or multi")


def _require(mapping: dict, key: str, path: Path, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise InputError(path, f"{where}: missing key {key!r}")
    return mapping[key]


def _check_keys(mapping: dict, allowed: set[str], path: Path, where: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise InputError(path, f"{where}: unknown key(s) {unknown}; expected some of {sorted(allowed)}")


def _parse_scale(scale_id: str, spec: dict, path: Path) -> Scale:
    where = f"scales.{scale_id}"
    _check_keys(spec, {"labels", "dont_know", "not_applicable", "en"}, path, where)
    labels = _require(spec, "labels", path, where)
    if not labels or not all(isinstance(code, int) for code in labels.values()):
        raise InputError(path, f"{where}.labels: expected a mapping of answer labels to integer codes")
    en = {int(code): text for code, text in (spec.get("en") or {}).items()}
    missing_en = sorted(set(labels.values()) - set(en))
    if missing_en:
        raise InputError(path, f"{where}.en: no English label for code(s) {missing_en}")
    return Scale(scale_id, dict(labels), tuple(spec.get("dont_know", ())),
                 tuple(spec.get("not_applicable", ())), en)


def _parse_question(spec: dict, scales: dict[str, Scale], path: Path) -> Question:
    qid = _require(spec, "id", path, "questions[]")
    where = f"questions.{qid}"
    _check_keys(spec, {"id", "section", "type", "fr", "en", "column", "scale", "options",
                       "asked_if", "core", "unit", "min", "max"}, path, where)
    qtype = _require(spec, "type", path, where)
    if qtype not in QUESTION_TYPES:
        raise InputError(path, f"{where}.type: {qtype!r} is not one of {QUESTION_TYPES}")
    scale = None
    if qtype == "single":
        scale_id = _require(spec, "scale", path, where)
        if scale_id not in scales:
            raise InputError(path, f"{where}.scale: {scale_id!r} is not a defined scale")
        scale = scales[scale_id]
    options: tuple[Option, ...] = ()
    if qtype == "multi":
        options = tuple(
            Option(_require(o, "code", path, where), _require(o, "column", path, where),
                   _require(o, "fr", path, where), _require(o, "en", path, where))
            for o in _require(spec, "options", path, where)
        )
    elif "column" not in spec:
        raise InputError(path, f"{where}: missing key 'column'")
    return Question(
        id=qid, section=_require(spec, "section", path, where), type=qtype,
        fr=_require(spec, "fr", path, where), en=_require(spec, "en", path, where),
        column=spec.get("column"), scale=scale, options=options,
        asked_if=spec.get("asked_if"), core=bool(spec.get("core", True)), unit=spec.get("unit"),
        minimum=spec.get("min"), maximum=spec.get("max"),
    )


def _parse_indicator(spec: dict, questions: dict[str, Question], path: Path) -> Indicator:
    iid = _require(spec, "id", path, "indicators[]")
    where = f"indicators.{iid}"
    _check_keys(spec, {"id", "question", "option", "codes", "fr", "en", "headline",
                       "published_2012", "published_note"}, path, where)
    qid = _require(spec, "question", path, where)
    if qid not in questions:
        raise InputError(path, f"{where}.question: {qid!r} is not a question of the codebook")
    question = questions[qid]
    option = spec.get("option")
    if question.type == "multi":
        if option not in {o.code for o in question.options}:
            raise InputError(path, f"{where}.option: {option!r} is not an option of {qid!r}")
        codes = (1,)
    else:
        codes = tuple(_require(spec, "codes", path, where))
        unknown = sorted(set(codes) - set(question.scale.labels.values())) if question.scale else []
        if unknown:
            raise InputError(path, f"{where}.codes: {unknown} are not codes of scale {question.scale.id!r}")
    return Indicator(iid, qid, codes, _require(spec, "fr", path, where), _require(spec, "en", path, where),
                     option, bool(spec.get("headline", False)), spec.get("published_2012"),
                     spec.get("published_note", ""))


def load_codebook(path: Path = CODEBOOK_PATH) -> Codebook:
    """Read and validate the codebook.

    Parameters
    ----------
    path
        The YAML codebook; ``config/codebook.yaml`` by default.

    Returns
    -------
    Codebook

    Raises
    ------
    InputError
        If a key is missing or unknown, a scale or question reference does not
        resolve, a routing rule names a later question or codes outside its
        gate's scale, or two questions share an identifier or an export column.
    """
    path = Path(path)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InputError(path, f"cannot read the codebook: {error}") from error
    _check_keys(spec, {"version", "export", "sections", "scales", "questions", "indicators"}, path, "top level")

    export_spec = _require(spec, "export", path, "top level")
    _check_keys(export_spec, {"columns", "status_labels", "authority_type_labels", "multi_checked_label",
                              "datetime_format", "test_markers"}, path, "export")
    columns = _require(export_spec, "columns", path, "export")
    missing_roles = [role for role in EXPORT_ROLES if role not in columns]
    if missing_roles:
        raise InputError(path, f"export.columns: missing role(s) {missing_roles}")
    export = Export(dict(columns), dict(_require(export_spec, "status_labels", path, "export")),
                    dict(_require(export_spec, "authority_type_labels", path, "export")),
                    _require(export_spec, "multi_checked_label", path, "export"),
                    _require(export_spec, "datetime_format", path, "export"),
                    tuple(export_spec.get("test_markers", ())))

    scales = {sid: _parse_scale(sid, s, path) for sid, s in _require(spec, "scales", path, "top level").items()}
    questions: dict[str, Question] = {}
    for qspec in _require(spec, "questions", path, "top level"):
        question = _parse_question(qspec, scales, path)
        if question.id in questions:
            raise InputError(path, f"questions: identifier {question.id!r} appears twice")
        questions[question.id] = question
    sections = dict(_require(spec, "sections", path, "top level"))
    for question in questions.values():
        if question.section not in sections:
            raise InputError(path, f"questions.{question.id}.section: {question.section!r} is not a section")
        if question.asked_if:
            _check_routing(question, questions, path)
    headers = list(columns.values()) + [c for q in questions.values() for c in q.export_columns]
    duplicated = sorted({h for h in headers if headers.count(h) > 1})
    if duplicated:
        raise InputError(path, f"export column(s) used twice: {duplicated}")

    indicators: dict[str, Indicator] = {}
    for ispec in spec.get("indicators", []):
        indicator = _parse_indicator(ispec, questions, path)
        if indicator.id in indicators:
            raise InputError(path, f"indicators: identifier {indicator.id!r} appears twice")
        indicators[indicator.id] = indicator
    return Codebook(path, export, scales, questions, indicators, sections)
