"""The raw export of a demo wave: submissions, respondents' identities, rendered rows and the file's bytes.

As a survey tool delivers it: ``;`` separator, French headers and labels from
``config/codebook.yaml``, 2012 in Windows-1252 with CRLF, 2013 in UTF-8 with a
BOM; French date-times, decimal commas, routing ("not asked" left blank), item
non-response, partial submissions, duplicates, test rows, respondents outside
the frame, authority names typed loosely and identifiers blank or malformed.
The planted rows are listed in the truth (:mod:`helpers.demo.truth`).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from helpers.demo.frame import french_of, luhn_id
from helpers.demo.model import DONT_KNOW, NOT_ANSWERED, NOT_APPLICABLE, PROMPTNESS_SCALE, fieldwork, stream
from helpers.demo.population import route
from helpers.demo.response import draw_days
from helpers.inputs.codebook import Codebook, Question, value_columns

# The survey tool's export: Windows-1252 with CRLF in 2012, UTF-8 with a BOM and LF from 2013.
ENCODINGS = {2012: "cp1252", 2013: "utf-8-sig"}
LINE_ENDINGS = {2012: "\r\n", 2013: "\n"}


def export_encoding(year: int) -> tuple[str, str]:
    """The encoding and line ending of the export of ``year`` (:data:`ENCODINGS`, later years as 2013)."""
    known = min(year, max(ENCODINGS))
    return ENCODINGS[known], LINE_ENDINGS[known]

FIRST_NAMES = ("Camille", "Dominique", "Claude", "Marie", "Jean", "Sophie", "Nicolas", "Isabelle",
               "Frédéric", "Hélène", "Stéphane", "Céline", "Jérôme", "Anne-Laure", "François",
               "Nathalie", "Benoît", "Élodie", "Thierry", "Valérie")
LAST_NAMES = ("Exemple", "Fictif", "Durand-Exemple", "Martin-Fictif", "Lefèvre-Exemple", "Modèle",
              "Spécimen", "Dupont-Factice", "Bernard-Exemple", "Leroy-Fictif", "Petitjean-Modèle",
              "Moreau-Factice", "Lemaître-Exemple", "Gauthier-Fictif", "Rousseau-Spécimen")
JOB_TITLES = ("Directeur des systèmes d'information", "DSI", "Chargée de mission e-administration",
              "Chef de projet administration électronique", "DGA ressources",
              "Responsable du pôle numérique", "Directrice de la modernisation",
              "Directeur général des services", "Chef de service informatique")
COMMENTS = (
    "Projet de GRU en cours ; lancement du portail « mes démarches » prévu en 2013.",
    'Le "guichet unique" n\'est pas encore opérationnel.\nNous attendons le nouveau schéma directeur.',
    "Difficile de répondre pour l'ensemble des services ; réponses données pour la DSI mutualisée.",
    "Les économies sont réelles sur le courrier, mais pas encore mesurées.",
    'Réponses validées par la DGS.\nLa question sur le "coffre-fort" n\'est pas claire pour nous.',
    "Mutualisation avec la ville-centre en 2013 ; le budget indiqué est celui de l'agglo.",
    "Beaucoup d'élus très impliqués, mais peu de moyens côté services…",
    "Questionnaire long ; certaines réponses sont des estimations (ETP, budget).",
    'Nous utilisons une plateforme régionale ; "signature électronique" = actes au contrôle de légalité.',
    "RAS.",
)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typed_name(rng: np.random.Generator, name: str, unit_type: str) -> str:
    """The authority's name as a respondent types it."""
    if unit_type == "region":
        forms = [name, f"Région {name}", f"Conseil régional {french_of(name)}"]
    elif unit_type == "departement":
        forms = [name, f"Conseil général {french_of(name)}", f"Dépt {name}", f"Département {french_of(name)}"]
    elif unit_type == "communaute_agglomeration":
        rest = name.removeprefix("Communauté d'agglomération ")
        forms = [name, f"CA {rest}", f"Cté d'agglo {rest}", f"Communauté d'agglo. {rest}"]
    elif unit_type == "communaute_urbaine":
        forms = [name, name.replace("Communauté urbaine", "CU"), name.replace("Communauté", "Cté")]
    elif unit_type == "commune":
        forms = [name, f"Ville {french_of(name)}", f"Mairie {french_of(name)}", name]
    else:
        forms = [name, name.replace("Métropole", "Metropole")]
    typed = str(rng.choice(forms))
    if rng.random() < 0.5:
        typed = typed.replace("Sainte-", "Ste-").replace("Saint-", "St-")
    if rng.random() < 0.3:
        typed = _strip_accents(typed)
    case = rng.random()
    if case < 0.15:
        typed = typed.upper()
    elif case < 0.25:
        typed = typed.lower()
    return typed


def _malform_id(rng: np.random.Generator, unit_id: str, kind: str) -> str:
    if kind == "spaces":
        return f"{unit_id[:3]} {unit_id[3:6]} {unit_id[6:]}"
    if kind == "eight_digits":
        return unit_id[:-1]
    if "0" in unit_id:  # letter O typed for the digit 0
        return unit_id.replace("0", "O", 1)
    position = int(rng.integers(1, 9))
    return unit_id[:position] + "I" + unit_id[position + 1:]


def _person(rng: np.random.Generator, domain: str) -> dict[str, str]:
    first, last = str(rng.choice(FIRST_NAMES)), str(rng.choice(LAST_NAMES))
    slug = _strip_accents(f"{first}.{last}").lower().replace(" ", "")
    digits = " ".join(f"{int(x):02d}" for x in rng.integers(0, 100, 2))
    return {"last_name": last, "first_name": first, "job_title": str(rng.choice(JOB_TITLES)),
            "email": f"{slug}@{domain}.example", "phone": f"01 99 00 {digits}"}


def _domain(name: str) -> str:
    slug = _strip_accents(name).lower()
    return "".join(c if c.isalnum() else "-" for c in slug)[:30].strip("-") or "collectivite"


@dataclass
class _Submission:
    """One export row before rendering."""

    unit: int | None  # frame row, None outside the frame
    status: str
    when: datetime
    stop: int | None = None  # index of the first question left empty (partials)
    name: str = ""
    unit_id_typed: str = ""
    unit_type: str = ""
    tag: str = ""


def _opening(year: int) -> datetime:
    """The first invitation: the start of the first day of fieldwork."""
    return datetime.combine(fieldwork(year)["start"], datetime.min.time())


def _at(year: int, days: float) -> datetime:
    """The date-time of ``days`` after the first invitation, each day of the model spread over office hours.

    Day ``k + f`` (``0 <= f < 1``) of the model is ``f`` of the way through 08:00-19:00 of fieldwork day ``k``,
    so that a contact sent at the start of its day comes before every answer of that day.
    """
    whole = int(np.floor(days))
    return _opening(year) + timedelta(days=whole, hours=8, seconds=int((days - whole) * 11 * 3600))


def _plan_submissions(rng: np.random.Generator, year: int, frame: pd.DataFrame, outcome: np.ndarray,
                      days: np.ndarray, n_questions: int) -> tuple[list[_Submission], dict]:
    """Genuine, duplicated, test and out-of-frame submissions, and the list of planted rows."""
    subs = []
    for unit in np.flatnonzero(outcome != "none"):
        partial = outcome[unit] == "partial"
        subs.append(_Submission(int(unit), "partial" if partial else "complete", _at(year, days[unit]),
                                stop=int(rng.integers(3, n_questions - 3)) if partial else None))
    completes = [s for s in subs if s.status == "complete"]
    first, second = (completes[int(k)] for k in rng.choice(len(completes), 2, replace=False))
    # Duplicate 1: a partial, then the complete (at least 3 days in, so the partial falls within fieldwork).
    # Duplicate 2: two completes, the later one kept.
    first.when = max(first.when, _at(year, 3.5))
    first.tag = second.tag = "duplicate_kept"
    subs.append(_Submission(first.unit, "partial", first.when - timedelta(days=2, hours=3),
                            stop=int(rng.integers(3, n_questions // 2)), tag="duplicate_partial"))
    second.when = max(second.when, _at(year, 20.5))
    subs.append(_Submission(second.unit, "complete", second.when - timedelta(days=int(rng.integers(5, 15))),
                            tag="duplicate_revised"))
    outside = draw_days(rng, year, np.full(2, PROMPTNESS_SCALE))  # out-of-frame respondents: average promptness
    subs += [_Submission(None, "partial", _opening(year) + timedelta(hours=9, minutes=12), stop=5,
                         name="TEST", tag="test"),
             _Submission(None, "complete", _opening(year) + timedelta(hours=9, minutes=40),
                         name="essai questionnaire", tag="test"),
             _Submission(None, "complete", _opening(year) + timedelta(days=20, hours=16),
                         name="Test DSI - ne pas tenir compte", tag="test"),
             _Submission(None, "complete", _at(year, outside[0]), name="Ville de Montreuil-la-Forêt",
                         unit_id_typed=luhn_id(rng, "219", set(frame["unit_id"])), unit_type="Commune",
                         tag="out_of_frame_commune"),
             _Submission(None, "complete", _at(year, outside[1]),
                         name="Syndicat mixte Numérique Val d'Essonne",
                         unit_id_typed=luhn_id(rng, "25", set(frame["unit_id"])), tag="out_of_frame_syndicat")]
    subs.sort(key=lambda s: (s.when, s.unit if s.unit is not None else -1, s.tag))
    return subs, {"duplicates": [{"unit_id": frame["unit_id"].iloc[first.unit], "kind": "partial_then_complete"},
                                 {"unit_id": frame["unit_id"].iloc[second.unit], "kind": "two_completes"}]}


def _fill_identity(rng: np.random.Generator, subs: list[_Submission], frame: pd.DataFrame,
                   type_labels: dict[str, str]) -> None:
    """Typed names, types and identifiers (some blank or malformed) of genuine submissions."""
    genuine = [s for s in subs if s.unit is not None]
    kinds = np.array(["ok"] * len(genuine), dtype=object)
    # Duplicates keep a correct identifier so that each planted row has one reason to be planted.
    picks = rng.permutation([k for k, s in enumerate(genuine) if not s.tag])
    n_blank = max(3, int(round(0.08 * len(genuine))))
    kinds[picks[:n_blank]] = "blank"
    kinds[picks[n_blank:n_blank + 6]] = ["spaces", "spaces", "eight_digits", "eight_digits", "letters", "letters"]
    for sub, kind in zip(genuine, kinds):
        unit = frame.iloc[sub.unit]
        sub.name = _typed_name(rng, unit["name"], unit["type"])
        sub.unit_type = type_labels[unit["type"]]
        typed = {"ok": unit["unit_id"], "blank": ""}
        sub.unit_id_typed = typed[kind] if kind in typed else _malform_id(rng, unit["unit_id"], kind)
        sub.tag = sub.tag or ("" if kind == "ok" else f"id_{kind}")


def _revise(rng: np.random.Generator, answers: dict, questions: list[Question]) -> dict:
    """An earlier, since revised, complete answer: a few yes/no answers flipped."""
    revised = dict(answers)
    flips = [q.id for q in questions if q.scale is not None and q.scale.id == "oui_non" and q.id != "projects_underway"]
    for qid in rng.choice(flips, 3, replace=False):
        if revised[qid] in (0, 1):
            revised[qid] = 1 - revised[qid]
    return revised


def _entered(rng: np.random.Generator, sub: _Submission, truth: pd.DataFrame, questions: list[Question],
             missing: dict[str, np.ndarray]) -> dict:
    """What the respondent entered before routing and break-off: true answers, item non-response, comment."""
    row = sub.unit if sub.unit is not None else int(rng.integers(len(truth)))
    answers = truth.iloc[row].to_dict()
    if sub.tag == "duplicate_revised":
        answers = _revise(rng, answers, questions)
    for q in questions:
        code = missing[q.id][row] if q.id in missing else 0
        if code == 0 or (q.type == "single" and answers[q.id] == NOT_APPLICABLE):
            continue
        for key in value_columns(q):
            answers[key] = np.nan if q.type == "numeric" else code
    answers["comments"] = ""
    if sub.stop is None and rng.random() < 0.3:
        answers["comments"] = str(rng.choice(COMMENTS))
    return answers


def _break_off(answers: pd.DataFrame, subs: list[_Submission], questions: list[Question]) -> pd.DataFrame:
    """Partial submissions leave every question from their stopping point on empty (row k is ``subs[k]``)."""
    for position, sub in enumerate(subs):
        if sub.stop is None:
            continue
        later = questions[sub.stop:]
        answers.loc[position, [c for q in later if q.type == "numeric" for c in value_columns(q)]] = np.nan
        answers.loc[position, [c for q in later if q.type != "numeric" for c in value_columns(q)]] = NOT_ANSWERED
    return answers


def _render_value(q: Question, value, checked: str) -> str:
    if q.type == "numeric":
        if pd.isna(value):
            return ""
        return (f"{value:.1f}".rstrip("0").rstrip(".")).replace(".", ",")
    if q.type == "multi":
        return checked if value == 1 else ""
    value = int(value)
    if value >= 0:
        return q.scale.fr_label(value)
    if value == DONT_KNOW:
        return q.scale.dont_know[0]
    if value == NOT_APPLICABLE:
        return q.scale.not_applicable[0]
    return ""


def _render_row(sub: _Submission, response_id: int, answers: dict, codebook: Codebook,
                person: dict[str, str]) -> dict[str, str]:
    cols = codebook.export.columns
    status = {v: k for k, v in codebook.export.status_labels.items()}[sub.status]
    row = {cols["response_id"]: str(response_id),
           cols["submitted_at"]: sub.when.strftime(codebook.export.datetime_format),
           cols["status"]: status, cols["unit_id"]: sub.unit_id_typed, cols["authority_name"]: sub.name,
           cols["authority_type"]: sub.unit_type, **{cols[k]: v for k, v in person.items()}}
    for q in codebook.questions.values():
        if q.type == "text":
            row[q.column] = answers[q.id]
        elif q.type == "multi":
            for option in q.options:
                row[option.column] = _render_value(q, answers[f"{q.id}__{option.code}"],
                                                   codebook.export.multi_checked_label)
        else:
            row[q.column] = _render_value(q, answers[q.id], "")
    return row


def export_bytes(export: pd.DataFrame, year: int) -> bytes:
    """The export file's bytes: ``;``, the year's line ending and encoding (:func:`export_encoding`)."""
    encoding, line_ending = export_encoding(year)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=line_ending)
    writer.writerow(export.columns)
    writer.writerows(export.itertuples(index=False))
    return buffer.getvalue().encode(encoding)


def build_export(seed: int, year: int, frame: pd.DataFrame, outcome: np.ndarray, days: np.ndarray,
                 truth: pd.DataFrame, missing: dict[str, np.ndarray], codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The raw export of a wave: one row per submission, as the survey tool writes it.

    Parameters
    ----------
    seed, year
        The wave (stream 6 of the year).
    frame
        The frame, with ``invitation``.
    outcome
        Response outcome per unit (:func:`helpers.demo.response.draw_response`).
    days
        When each unit answers, in days since the first invitation
        (:func:`helpers.demo.response.draw_days`; ignored for units that do not answer).
    truth
        True codes per unit (:func:`helpers.demo.population.true_codes`).
    missing
        Item non-response per unit (:func:`helpers.demo.response.item_missing`).
    codebook
        The codebook the export is written from.

    Returns
    -------
    pandas.DataFrame
        The export: every cell a string.
    pandas.DataFrame
        The codes each row reports (routing, item non-response and break-off
        applied), indexed by response id, with the row's frame unit, status, tag and submission time.
    dict
        The planted messy rows: duplicates, tests, out-of-frame, blank and malformed identifiers.
    """
    rng = stream(seed, 6, year)
    questions = list(codebook.questions.values())
    subs, planted = _plan_submissions(rng, year, frame, outcome, days, len(questions))
    type_labels = {v: k for k, v in codebook.export.authority_type_labels.items()}
    _fill_identity(rng, subs, frame, type_labels)
    entered, persons, response_ids, next_id = [], [], [], 1
    for sub in subs:
        next_id += int(rng.choice([0, 0, 0, 1, 2]))  # ids of abandoned, never-saved sessions
        entered.append(_entered(rng, sub, truth, questions, missing))
        persons.append(_person(rng, _domain(sub.name) if sub.tag != "test" else "test"))
        response_ids.append(next_id)
        next_id += 1
    answers = _break_off(route(pd.DataFrame(entered), questions), subs, questions)
    rows = [_render_row(sub, response_id, row, codebook, person)
            for sub, response_id, row, person in zip(subs, response_ids, answers.to_dict("records"), persons)]
    export = pd.DataFrame(rows, columns=[*codebook.export.columns.values(), *codebook.question_columns()])
    reported = answers.assign(_id=response_ids, _unit=[s.unit for s in subs], _status=[s.status for s in subs],
                              _tag=[s.tag for s in subs], _when=[s.when for s in subs],
                              _typed_id=[s.unit_id_typed for s in subs]).set_index("_id")
    planted.update(_planted_lists(reported, frame))
    for duplicate in planted["duplicates"]:
        duplicate["response_ids"] = [int(r) for r, u in planted["responses"].items() if u == duplicate["unit_id"]]
        duplicate["keep"] = duplicate["response_ids"][-1]
    return export, reported, planted


def _planted_lists(reported: pd.DataFrame, frame: pd.DataFrame) -> dict:
    ids = reported.index.to_series()
    tags = reported["_tag"]
    unit_ids = reported["_unit"].map(lambda u: frame["unit_id"].iloc[int(u)] if pd.notna(u) else None)
    malformed = [{"response_id": int(rid), "kind": tag.removeprefix("id_"), "typed": reported.at[rid, "_typed_id"],
                  "unit_id": unit_ids[rid]} for rid, tag in tags.items() if tag.startswith("id_")]
    return {
        "test": [int(r) for r in ids[tags == "test"]],
        "out_of_frame": [{"response_id": int(r), "kind": tags[r].removeprefix("out_of_frame_")}
                         for r in ids[tags.str.startswith("out_of_frame")]],
        "malformed_id": [m for m in malformed if m["kind"] != "blank"],
        "blank_id": [m["response_id"] for m in malformed if m["kind"] == "blank"],
        "responses": {str(int(r)): unit_ids[r] for r in ids},
    }
