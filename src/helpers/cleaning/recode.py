"""Recoding raw answer labels into typed values with distinct missing reasons.

Each question of the codebook becomes one column (two or more for a
multiple-choice question) holding a typed value, plus a ``<id>__missing``
column that says why a value is missing: ``not_asked`` (routed out),
``not_answered`` (left blank or never reached), ``dont_know``,
``not_applicable`` or ``invalid`` (a number outside the codebook's range).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.masking import mask
from helpers.cleaning.numbers import parse_answers
from helpers.errors import InputError
from helpers.inputs.codebook import Codebook, Question, Scale, asked, value_columns
from helpers.inputs.ingest import LINE_COLUMN
from helpers.inputs.textnorm import fold

MISSING_SUFFIX = "__missing"


@dataclass(frozen=True)
class Recoded:
    """Typed answers of every submission, and the recoveries made on the way.

    Attributes
    ----------
    answers
        Same index as the export; for each question its value column(s) and
        its ``__missing`` column.
    completeness
        Per submission, the share of applicable core questions answered
        (a "ne sait pas" counts as an answer, as AAPOR counts item responses).
    recoveries
        One row per label matched only after case, accent or spacing
        normalisation, or per answer discarded by the routing:
        ``line``, ``column``, ``action``, ``detail``.
    """

    answers: pd.DataFrame
    completeness: pd.Series
    recoveries: pd.DataFrame


def _label_lookup(scale: Scale) -> dict[str, tuple[int | None, str | None]]:
    lookup: dict[str, tuple[int | None, str | None]] = {label: (code, None) for label, code in scale.labels.items()}
    lookup.update({label: (None, "dont_know") for label in scale.dont_know})
    lookup.update({label: (None, "not_applicable") for label in scale.not_applicable})
    return lookup


def _match_labels(raw: pd.Series, lookup: dict, path: Path, column: str, lines: pd.Series,
                  recoveries: list[dict]) -> pd.Series:
    """Map each raw label to its entry of ``lookup``, tolerating case, accents and spacing."""
    folded_lookup = {fold(label): label for label in lookup}
    text = raw.fillna("").astype(str).str.strip()
    canonical = text.where(text.isin(list(lookup)) | (text == ""))
    unresolved = canonical.isna()
    unknown = [index for index in text.index[unresolved] if fold(text[index]) not in folded_lookup]
    if unknown:
        # Masked: a free-typed answer in the wrong column may hold personal data.
        more = [int(lines[i]) for i in unknown[1:]]
        others = f" (and {len(more)} more, lines {more[:5]}{' ...' if len(more) > 5 else ''})" if more else ""
        raise InputError(path, f"answer {mask(text[unknown[0]])} is not a label of this question{others}; expected "
                               f"one of {list(lookup)} or blank", row=int(lines[unknown[0]]), column=column)
    for index in text.index[unresolved]:
        label = folded_lookup[fold(text[index])]
        canonical[index] = label
        recoveries.append({"line": int(lines[index]), "column": column, "action": "label_recovered",
                           "detail": f"{text[index]!r} read as {label!r}"})
    return canonical.fillna("")


def _recode_single(question: Question, raw: pd.DataFrame, path: Path, recoveries: list[dict]) -> pd.DataFrame:
    lookup = _label_lookup(question.scale)
    labels = _match_labels(raw[question.column], lookup, path, question.column, raw[LINE_COLUMN], recoveries)
    codes = labels.map(lambda label: lookup[label][0] if label else None)
    reasons = labels.map(lambda label: lookup[label][1] if label else "not_answered")
    return pd.DataFrame({question.id: pd.array(codes, dtype="Int64"),
                         question.id + MISSING_SUFFIX: reasons.astype(object)}, index=raw.index)


def _recode_multi(question: Question, raw: pd.DataFrame, checked: str, path: Path,
                  recoveries: list[dict]) -> pd.DataFrame:
    columns = {}
    for option in question.options:
        labels = _match_labels(raw[option.column], {checked: None}, path, option.column, raw[LINE_COLUMN],
                               recoveries)
        columns[f"{question.id}__{option.code}"] = (labels == checked).astype("Int64")
    ticks = pd.DataFrame(columns, index=raw.index)
    unanswered = ticks.sum(axis=1) == 0
    ticks.loc[unanswered] = pd.NA
    ticks[question.id + MISSING_SUFFIX] = np.where(unanswered, "not_answered", None)
    return ticks


def _recode_numeric(question: Question, raw: pd.DataFrame, path: Path, recoveries: list[dict]) -> pd.DataFrame:
    low = question.minimum if question.minimum is not None else -np.inf
    high = question.maximum if question.maximum is not None else np.inf
    values, recovered = parse_answers(raw[question.column], raw[LINE_COLUMN], path, question.column,
                                      question.unit, (low, high))
    recoveries.extend(recovered)
    invalid = values.notna() & ~values.between(low, high)
    for index in values.index[invalid]:
        recoveries.append({"line": int(raw.at[index, LINE_COLUMN]), "column": question.column,
                           "action": "value_invalid",
                           "detail": f"{values[index]:g} outside [{low:g}, {high:g}]; set missing"})
    reasons = np.where(invalid, "invalid", np.where(values.isna(), "not_answered", None))
    return pd.DataFrame({question.id: values.mask(invalid), question.id + MISSING_SUFFIX: reasons},
                        index=raw.index)


def _apply_routing(question: Question, answers: pd.DataFrame, lines: pd.Series, recoveries: list[dict]) -> None:
    # A gate left unanswered keeps the question: the export cannot tell whether the tool showed it.
    routed_out = ~asked(question, answers).fillna(True).astype(bool)
    columns = value_columns(question)
    answered = answers.loc[routed_out, columns].fillna(0).ne(0).any(axis=1)
    if question.type != "multi":
        answered = answers.loc[routed_out, columns].notna().any(axis=1)
    for index in answered.index[answered]:
        recoveries.append({"line": int(lines[index]), "column": " | ".join(question.export_columns),
                           "action": "routing_discarded",
                           "detail": "answered although the routing did not ask it; set to not_asked"})
    answers.loc[routed_out, columns] = pd.NA
    answers.loc[routed_out, question.id + MISSING_SUFFIX] = "not_asked"


def recode_answers(raw: pd.DataFrame, codebook: Codebook, path: Path) -> Recoded:
    """Recode every question of ``raw`` (an export read by :func:`helpers.inputs.exports.read_export`).

    Parameters
    ----------
    raw
        The export's records, all cells as text, with the ``_line`` column.
    codebook
        The questionnaire.
    path
        The export file, named in errors.

    Returns
    -------
    Recoded

    Raises
    ------
    InputError
        For a label that matches no label of its question even after
        normalisation, or a numeric answer that is not a number.
    """
    recoveries: list[dict] = []
    parts = []
    for question in codebook.questions.values():
        if question.type == "single":
            parts.append(_recode_single(question, raw, path, recoveries))
        elif question.type == "multi":
            parts.append(_recode_multi(question, raw, codebook.export.multi_checked_label, path, recoveries))
        elif question.type == "numeric":
            parts.append(_recode_numeric(question, raw, path, recoveries))
    answers = pd.concat(parts, axis=1)
    reason_columns = [c for c in answers.columns if c.endswith(MISSING_SUFFIX)]
    answers[reason_columns] = answers[reason_columns].astype("string")
    for question in codebook.questions.values():
        if question.asked_if and question.type != "text":
            _apply_routing(question, answers, raw[LINE_COLUMN], recoveries)

    core = [q.id for q in codebook.questions.values() if q.core and q.type != "text"]
    reasons = answers[[q + MISSING_SUFFIX for q in core]].fillna("")
    applicable = (reasons != "not_asked").sum(axis=1)
    answered_count = reasons.isin(["", "dont_know", "not_applicable"]).sum(axis=1)
    completeness = (answered_count / applicable.where(applicable > 0)).fillna(0.0)
    log = pd.DataFrame(recoveries, columns=["line", "column", "action", "detail"])
    return Recoded(answers, completeness.rename("completeness"), log)


def last_answered(answers: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """The last question (in questionnaire order) each submission answered: where a break-off stopped.

    A question counts as answered when it holds an answer, "ne sait pas" or "non concerné"; questions the
    routing did not ask and free-text questions are skipped.

    Parameters
    ----------
    answers
        :attr:`Recoded.answers`.
    codebook
        The questionnaire.

    Returns
    -------
    pandas.Series
        The question id per row of ``answers``, empty when nothing was answered.
    """
    questions = [q.id for q in codebook.questions.values() if q.type != "text"]
    reasons = answers[[q + MISSING_SUFFIX for q in questions]].fillna("")
    answered = reasons.isin(["", "dont_know", "not_applicable"]).to_numpy()
    last = np.where(answered.any(axis=1), len(questions) - 1 - np.argmax(answered[:, ::-1], axis=1), -1)
    ids = np.array([*questions, ""], dtype=object)
    return pd.Series(ids[last], index=answers.index, name="last_answered")
