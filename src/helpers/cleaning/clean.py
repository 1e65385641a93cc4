"""The cleaning step: from the raw export and the frame to typed, linked, de-identified files.

Order of operations (each recorded in the cleaning log):

1. read the frame and the export, whatever their format, encoding and
   separator, as the wave's export profile lays it out, and check every
   column and value of the export against the profile and the codebook
   (:func:`helpers.inputs.exports.read_export`), dropping the preview and test
   rows the tool marks;
2. drop test submissions (a test marker as a whole word in the authority's
   name or the respondent's name or e-mail);
3. recode answers to typed values (:mod:`helpers.cleaning.recode`);
4. link each submission to a frame unit (:mod:`helpers.cleaning.linkage`) and drop the
   unmatched;
5. resolve duplicates: when one unit submitted more than once, keep the
   submission the tool marked complete, then the latest (a later submission
   is taken as the respondent's correction); drop the others;
6. give every frame unit an AAPOR disposition;
7. drop personal data: names, job titles, e-mails, phones and free text never
   leave this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.cleaning.linkage import link_submissions
from helpers.cleaning.recode import MISSING_SUFFIX, last_answered, recode_answers, value_columns
from helpers.cleaning.times import check_fieldwork, parse_submission_times
from helpers.cleaning.typed import TYPED_CHECKS
from helpers.errors import InputError
from helpers.frame.reader import read_frame, reference_date
from helpers.inputs.codebook import Codebook
from helpers.inputs.exports import read_export
from helpers.inputs.ingest import LINE_COLUMN, read_table
from helpers.inputs.textnorm import fold
from helpers.masking import mask
from helpers.survey.aapor import DISPOSITIONS as AAPOR_CLASSES
from helpers.vocabulary import MISSING_REASON_LABELS

# The dispositions this step gives, in AAPOR's classes (I complete, P partial, R refusal and
# break-off, NC non-contact, UO unknown eligibility, IE ineligible).
DISPOSITIONS = {d: AAPOR_CLASSES[d] for d in ("complete", "partial", "refusal", "non_contact",
                                              "unknown_eligibility", "ineligible")}
NO_SUBMISSION = {"invited": ("unknown_eligibility", "no_reply"), "bounced": ("non_contact", "email_bounced"),
                 "declined": ("refusal", "declined"), "ineligible": ("ineligible", "out_of_scope")}
LOG_COLUMNS = ["step", "line", "column", "response_id", "unit_id", "action", "detail"]
# Log actions that change, reinterpret or drop one value (the others concern whole submissions).
VALUE_ACTIONS = {"recovered": ("label_recovered", "number_recovered", "datetime_recovered", "identifier_cleaned"),
                 "reinterpreted": ("number_reinterpreted", "population_unknown", "other_text_dropped"),
                 "dropped": ("value_invalid", "routing_discarded", "type_unrecognised", "user_missing_blanked")}


@dataclass
class CleanedWave:
    """Everything the cleaning step produces, free of personal data.

    Attributes
    ----------
    units
        One row per frame unit: frame variables, disposition, AAPOR class,
        the retained submission's id, how it was linked, its completeness, its day
        (``submitted_at``, empty when the export gives no time) and the last question it answered
        (``last_answered``, where a break-off stopped).
    answers
        One row per responding unit (complete or partial): typed answers and
        their missing reasons.
    log
        Every row dropped, merged, matched by name or recovered, and why.
    summary
        Counts at each step, for the notebook and the results file.
    """

    units: pd.DataFrame
    answers: pd.DataFrame
    log: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def _unknown_columns(data: pd.DataFrame, codebook: Codebook) -> list[str]:
    """Columns the codebook does not know (dropped, as they may hold personal data)."""
    expected = set(codebook.export.columns.values()) | set(codebook.question_columns())
    return [c for c in data.columns if c != LINE_COLUMN and c not in expected]


def _log(rows: list[dict], step: str, frame: pd.DataFrame, action: str, detail: pd.Series | str,
         column: str | None = None) -> None:
    details = detail if isinstance(detail, pd.Series) else pd.Series(detail, index=frame.index)
    for index, row in frame.iterrows():
        rows.append({"step": step, "line": int(row[LINE_COLUMN]), "column": column,
                     "response_id": row["response_id"], "unit_id": row.get("unit_id"), "action": action,
                     "detail": details[index]})


def _test_submissions(raw: pd.DataFrame, codebook: Codebook) -> pd.Series:
    markers = "|".join(re.escape(fold(m)) for m in codebook.export.test_markers)
    pattern = re.compile(rf"\b(?:{markers})\b")
    roles = ("authority_name", "last_name", "first_name", "email")
    columns = [codebook.export.columns[role] for role in roles]
    return raw[columns].apply(lambda col: col.map(lambda text: bool(pattern.search(fold(text))))).any(axis=1)


def _submissions(raw: pd.DataFrame, codebook: Codebook, path: Path, fieldwork: dict,
                 recoveries: list[dict]) -> pd.DataFrame:
    """The submissions' metadata, typed: date-times read as typed and checked against the fieldwork.

    Response ids, statuses and date-times were checked with the export (:data:`helpers.cleaning.typed.TYPED_CHECKS`).
    """
    export = codebook.export
    columns = export.columns
    response_ids = raw[columns["response_id"]].str.strip()
    status = raw[columns["status"]].str.strip().map(export.status_labels)
    bad_status = status.isna()
    if bad_status.any():
        first = bad_status.idxmax()
        raise InputError(path, f"status {mask(raw.at[first, columns['status']])} is not one of "
                               f"{list(export.status_labels)}; {int(bad_status.sum())} such",
                         row=int(raw.at[first, LINE_COLUMN]), column=columns["status"])
    submitted, recovered = parse_submission_times(raw[columns["submitted_at"]], raw[LINE_COLUMN], path,
                                                  columns["submitted_at"], export.datetime_format)
    check_fieldwork(submitted, raw[LINE_COLUMN], path, columns["submitted_at"], fieldwork)
    recoveries.extend(recovered)
    typed_type = raw[columns["authority_type"]].str.strip()
    type_labels = {fold(label): code for label, code in export.authority_type_labels.items()}
    for index in typed_type.index[(typed_type != "") & ~typed_type.map(fold).isin(list(type_labels))]:
        recoveries.append({"line": int(raw.at[index, LINE_COLUMN]), "column": columns["authority_type"],
                           "action": "type_unrecognised",
                           "detail": f"{mask(typed_type[index])} is not one of {list(export.authority_type_labels)}; "
                                     "the unit is looked up among every type"})
    return pd.DataFrame({
        LINE_COLUMN: raw[LINE_COLUMN],
        "response_id": response_ids,
        "submitted_at": submitted,
        "tool_status": status,
        "raw_unit_id": raw[columns["unit_id"]],
        "authority_name": raw[columns["authority_name"]],
        "authority_type": typed_type.map(lambda text: type_labels.get(fold(text))),
    }, index=raw.index)


def _resolve_duplicates(linked: pd.DataFrame, log: list[dict]) -> pd.DataFrame:
    ranked = linked.assign(_complete=linked["tool_status"] == "complete").sort_values(
        ["unit_id", "_complete", "submitted_at", LINE_COLUMN], ascending=[True, False, False, False])
    dropped = ranked.duplicated("unit_id", keep="first")
    kept_ids = ranked.drop_duplicates("unit_id").set_index("unit_id")["response_id"]
    duplicates = ranked[dropped]
    _log(log, "duplicates", duplicates, "dropped_duplicate",
         duplicates["unit_id"].map(lambda unit: f"unit also submitted {kept_ids[unit]}, kept by the rule "
                                                "(marked complete by the tool, then latest)"))
    return ranked[~dropped].drop(columns="_complete")


def _dispositions(frame: pd.DataFrame, retained: pd.DataFrame, settings: dict, log: list[dict]) -> pd.DataFrame:
    units = frame.copy()
    by_unit = retained.set_index("unit_id")
    units = units.join(by_unit[["response_id", "match_method", "completeness", "submitted_at", "last_answered"]],
                       how="left")
    no_reply = units["invitation"].map(NO_SUBMISSION)
    units["disposition"] = no_reply.str[0]
    units["disposition_detail"] = no_reply.str[1]
    has = units["response_id"].notna() & (units["invitation"] != "ineligible")
    completeness = units["completeness"]
    complete = has & (completeness >= settings["complete_threshold"])
    partial = has & ~complete & (completeness >= settings["partial_threshold"])
    break_off = has & ~complete & ~partial
    units.loc[complete, ["disposition", "disposition_detail"]] = ["complete", "complete"]
    units.loc[partial, ["disposition", "disposition_detail"]] = ["partial", "partial"]
    units.loc[break_off, ["disposition", "disposition_detail"]] = ["refusal", "break_off"]
    conflict = units["response_id"].notna() & (units["invitation"] == "ineligible")
    for unit_id in units.index[conflict]:
        log.append({"step": "dispositions", "line": None, "response_id": units.at[unit_id, "response_id"],
                    "unit_id": unit_id, "action": "submission_ignored",
                    "detail": "the frame records this unit as ineligible (out of scope)"})
    units["aapor_class"] = units["disposition"].map(DISPOSITIONS)
    units["respondent"] = units["aapor_class"].isin(["I", "P"])
    units["completeness"] = units["completeness"].round(4)
    units["submitted_at"] = units["submitted_at"].dt.strftime("%Y-%m-%d")
    units["last_answered"] = units["last_answered"].fillna("")
    return units


def _frame(frame_path: Path, settings: dict, fieldwork: dict, log: list[dict]) -> pd.DataFrame:
    """The frame, checked against the wave: its stated year, and blank values the weighting uses."""
    stated = reference_date(frame_path)
    if stated is not None and stated.year != fieldwork["start"].year:
        raise InputError(frame_path, f"this frame is at {stated} (its build report says so) but the wave's fieldwork "
                                     f"starts on {fieldwork['start']}: is it the frame of another wave?")
    frame = read_frame(frame_path, population_unknown=settings["population_unknown"])
    if settings["population_unknown"]:
        # The log's line column holds export lines: a frame value's line goes into its detail.
        rows = read_table(frame_path).data
        lines = dict(zip(rows["unit_id"].str.strip(), rows[LINE_COLUMN]))
    for unit_id in settings["population_unknown"]:
        log.append({"step": "frame", "line": None, "column": "population", "response_id": None, "unit_id": unit_id,
                    "action": "population_unknown", "detail": f"no population on line {lines[unit_id]} of "
                    f"{Path(frame_path).name}; listed in the wave's cleaning.population_unknown, so counted in the "
                    "smallest size band, with the frame's smallest population for the models' log population"})
    return frame


def clean_wave(frame_path: Path, export_path: Path, codebook: Codebook, settings: dict,
               fieldwork: dict, raw_settings: dict | None = None) -> CleanedWave:
    """Run the whole cleaning step on one wave.

    Parameters
    ----------
    frame_path
        The sampling frame (see :func:`helpers.frame.reader.read_frame`).
    export_path
        The survey tool's export.
    codebook
        The questionnaire (:func:`helpers.inputs.codebook.load_codebook`).
    settings
        The ``cleaning`` section of the wave configuration.
    fieldwork
        The ``fieldwork`` section: ``start``, ``end`` and ``tolerance_days``.
    raw_settings
        The ``raw`` section (export profile, sheet, encoding, what to do with
        short records); default the project's own format, detected encoding,
        short records refused.

    Returns
    -------
    CleanedWave

    Raises
    ------
    InputError
        For an unreadable file, an export that is not as its profile says
        (every missing column and unexpected label listed at once), a short
        record, a malformed or ambiguous number, a malformed date, status or
        response id, submissions outside the fieldwork, a frame of another
        year or with blank values the weighting uses, or an export with no
        submission. Values quoted from the export are masked unless they match
        what the field expects.
    """
    reading = {"profile": "default", "sheet": None, "encoding": None, "short_records": "error",
               **(raw_settings or {})}
    log: list[dict] = []
    frame = _frame(Path(frame_path), settings, fieldwork, log)
    export = read_export(export_path, codebook, profile=reading["profile"], sheet=reading["sheet"],
                         encoding=reading["encoding"], drop_short=reading["short_records"] == "drop",
                         typed=TYPED_CHECKS)
    table, raw, path = export.table, export.data, export.path
    if raw.empty:
        raise InputError(path, "the export holds a header but no submission")
    extra = _unknown_columns(raw, codebook)
    read = len(raw)
    log.extend({"step": "read", "line": row.line, "column": None, "response_id": None, "unit_id": None,
                "action": "dropped_row", "detail": row.reason} for row in export.dropped)
    log.extend({"step": "read", "line": cell.line, "column": cell.column, "response_id": None, "unit_id": None,
                "action": "user_missing_blanked",
                "detail": f"{cell.label!r} is a user-missing code's label, not an answer: read as blank"}
               for cell in export.blanked)
    log.extend({"step": "read", "line": other.line, "column": other.column, "response_id": None, "unit_id": None,
                "action": "other_text_dropped",
                "detail": f"{mask(other.text)} typed in the {other.option!r} box: read as {other.option!r} ticked, "
                          "the text left out"}
               for other in export.others)
    log.extend({"step": "read", "line": None, "column": key, "response_id": None, "unit_id": None,
                "action": "column_absent",
                "detail": "the export has no submission times: the fieldwork analysis is left out and duplicate "
                          "submissions are resolved by their order in the file"} for key in export.absent)
    read_recoveries: list[dict] = []
    submissions = _submissions(raw, codebook, path, fieldwork, read_recoveries)
    duplicated_ids = submissions["response_id"].duplicated(keep=False)
    if duplicated_ids.any():
        first = duplicated_ids.idxmax()
        raise InputError(path, f"response id {submissions.at[first, 'response_id']!r} appears more than once",
                         row=int(submissions.at[first, LINE_COLUMN]), column=codebook.export.columns["response_id"])

    is_test = _test_submissions(raw, codebook)
    _log(log, "test_submissions", submissions[is_test], "dropped_test", "a test marker in the name or e-mail")
    submissions, raw = submissions[~is_test], raw[~is_test]

    recoded = recode_answers(raw, codebook, path)
    line_to_response = submissions.set_index(LINE_COLUMN)["response_id"]
    kept_lines = set(raw[LINE_COLUMN])
    for step, entries in (("read", read_recoveries), ("recode", recoded.recoveries.to_dict("records"))):
        for entry in entries:
            if entry["line"] in kept_lines:
                log.append({"step": step, "line": entry["line"], "column": entry["column"],
                            "response_id": line_to_response[entry["line"]], "unit_id": None,
                            "action": entry["action"], "detail": entry["detail"]})
    submissions = submissions.assign(completeness=recoded.completeness,
                                     last_answered=last_answered(recoded.answers, codebook))

    links = link_submissions(submissions, frame, settings["fuzzy_name_cutoff"])
    linked = submissions.join(links)
    by_name = linked[linked["match_method"].isin(["name", "name_fuzzy"])]
    _log(log, "linkage", by_name, "matched_by_name", by_name["match_detail"])
    unmatched = linked[linked["match_method"] == "unmatched"]
    _log(log, "linkage", unmatched, "dropped_unmatched", unmatched["match_detail"])
    corrected = linked[(linked["match_method"] == "identifier") & (linked["match_detail"] != "")]
    _log(log, "linkage", corrected, "identifier_cleaned", corrected["match_detail"],
         codebook.export.columns["unit_id"])
    linked = linked[linked["match_method"] != "unmatched"]

    retained = _resolve_duplicates(linked, log)
    units = _dispositions(frame, retained, settings, log)

    responding = units.index[units["respondent"]]
    answer_columns = [c for q in codebook.questions.values() for c in value_columns(q) + (
        [q.id + MISSING_SUFFIX] if q.type != "text" else [])]
    answers = (recoded.answers.loc[retained.index, answer_columns]
               .set_axis(retained["unit_id"].to_numpy()).loc[sorted(responding)])
    answers.index.name = "unit_id"

    log_frame = pd.DataFrame(log, columns=LOG_COLUMNS)
    log_frame["line"] = log_frame["line"].astype("Int64")
    log_frame = log_frame.sort_values(["line", "step"], na_position="last", kind="stable").reset_index(drop=True)
    summary = {
        "export": {"file": path.name, "format": export.format, "profile": export.layout.name,
                   "encoding": table.encoding, "separator": table.separator,
                   "submissions": read, "rows_dropped_on_reading": len(export.dropped),
                   "short_records_dropped": len(table.rejected),
                   "columns_dropped": extra,
                   "free_text_columns_dropped": [q.column for q in codebook.questions.values() if q.type == "text"]},
        "steps": {
            "submissions_read": read,
            "test_submissions_dropped": int(is_test.sum()),
            "unmatched_dropped": int(len(unmatched)),
            "duplicates_dropped": int(len(linked) - len(retained)),
            "submissions_retained": int(len(retained)),
        },
        "linkage": {method: int((linked["match_method"] == method).sum())
                    for method in ("identifier", "name", "name_fuzzy")},
        "labels_recovered": int((recoded.recoveries["action"] == "label_recovered").sum()),
        "values_logged": _value_counts(log_frame),
        "frame_units": int(len(units)),
        "dispositions": {d: int((units["disposition"] == d).sum()) for d in DISPOSITIONS},
        "respondents": int(units["respondent"].sum()),
    }
    return CleanedWave(units.reset_index(), answers.reset_index(), log_frame, summary)


def _value_counts(log: pd.DataFrame) -> dict[str, int]:
    """How many values the log says were recovered, reinterpreted or dropped, and their total."""
    counts = {kind: int(log["action"].isin(actions).sum()) for kind, actions in VALUE_ACTIONS.items()}
    return {**counts, "total": sum(counts.values())}


def data_dictionary(codebook: Codebook) -> pd.DataFrame:
    """One row per column of the processed answers file: its question, type, codes and labels."""
    rows = [{"column": "unit_id", "question": "", "type": "identifier", "fr": "Identifiant de l'unité",
             "en": "Unit identifier", "codes": ""}]
    for question in codebook.questions.values():
        if question.type == "text":
            continue
        if question.type == "multi":
            for option in question.options:
                rows.append({"column": f"{question.id}__{option.code}", "question": question.id,
                             "type": "tick (1 ticked, 0 not)", "fr": f"{question.fr} : {option.fr}",
                             "en": f"{question.en}: {option.en}", "codes": "1 = ticked; 0 = not ticked"})
        else:
            codes = ""
            if question.scale is not None:
                codes = "; ".join(f"{code} = {label}" for label, code in question.scale.labels.items())
            elif question.unit:
                codes = f"number ({question.unit})"
            rows.append({"column": question.id, "question": question.id, "type": question.type,
                         "fr": question.fr, "en": question.en, "codes": codes})
        rows.append({"column": question.id + MISSING_SUFFIX, "question": question.id, "type": "missing reason",
                     "fr": f"Motif de non-réponse : {question.fr}", "en": f"Missing reason: {question.en}",
                     "codes": "; ".join(["empty = answered", *MISSING_REASON_LABELS])})
    return pd.DataFrame(rows)


def write_cleaned(cleaned: CleanedWave, codebook: Codebook, out_dir: Path) -> dict[str, Path]:
    """Write the cleaning step's files under ``out_dir``.

    Returns
    -------
    dict
        File role -> path: ``units``, ``answers``, ``cleaning_log``,
        ``data_dictionary``, ``cleaning_summary``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {name: out_dir / f"{name}.csv" for name in ("units", "answers", "cleaning_log", "data_dictionary")}
    cleaned.units.to_csv(files["units"], index=False, lineterminator="\n")
    cleaned.answers.to_csv(files["answers"], index=False, lineterminator="\n")
    cleaned.log.to_csv(files["cleaning_log"], index=False, lineterminator="\n")
    data_dictionary(codebook).to_csv(files["data_dictionary"], index=False, lineterminator="\n")
    files["cleaning_summary"] = out_dir / "cleaning_summary.json"
    files["cleaning_summary"].write_text(json.dumps(cleaned.summary, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    return files
