"""A small codebook, frame and export written in the delivered formats, for unit tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from helpers.frame.reader import FRAME_COLUMNS
from helpers.inputs.codebook import load_codebook
from helpers.paths import CODEBOOK_PATH

QUESTIONS = [
    {"id": "projects", "section": "s", "type": "single", "scale": "oui_non", "column": "Q1. Projets ?",
     "fr": "Projets", "en": "Projects"},
    {"id": "driver", "section": "s", "type": "multi", "fr": "Porteur", "en": "Driver", "options": [
        {"code": "elected", "column": "Q2. Porteur [Élus]", "fr": "Élus", "en": "Elected"},
        {"code": "it", "column": "Q2. Porteur [DSI]", "fr": "DSI", "en": "IT department"}]},
    {"id": "savings", "section": "s", "type": "single", "scale": "oui_non", "column": "Q3. Économies ?",
     "fr": "Économies", "en": "Savings", "asked_if": {"question": "projects", "codes": [1]}},
    {"id": "civil", "section": "s", "type": "single", "scale": "demat", "column": "Q4. État civil",
     "fr": "État civil", "en": "Civil status"},
    {"id": "staff", "section": "s", "type": "numeric", "column": "Q5. ETP informatiques", "fr": "ETP",
     "en": "IT staff", "unit": "FTE", "min": 0, "max": 500},
    {"id": "comments", "section": "s", "type": "text", "column": "Commentaires", "fr": "Commentaires",
     "en": "Comments", "core": False},
]
HEADER_ROLES = ["response_id", "submitted_at", "status", "unit_id", "authority_name", "authority_type",
                "last_name", "first_name", "job_title", "email", "phone"]

FRAME_ROWS = [
    # unit_id, insee, name, type, prefecture, region, region_code, population, nuance, group, invitation
    ("200000001", "", "Communauté d'agglomération du Grand Évreux", "communaute_agglomeration", "0",
     "Haute-Normandie", "23", "83000", "SOC", "left", "invited"),
    ("200000002", "", "Communauté d'agglomération de Saint-Quentin", "communaute_agglomeration", "0",
     "Picardie", "22", "74000", "UMP", "right", "invited"),
    ("210000003", "27229", "Évreux", "commune", "1", "Haute-Normandie", "23", "51000", "UMP", "right",
     "invited"),
    ("210000004", "93066", "Saint-Denis", "commune", "0", "Île-de-France", "11", "106000", "COM", "left",
     "bounced"),
    ("220000005", "59", "Nord", "departement", "0", "Nord-Pas-de-Calais", "31", "2571936", "SOC", "left",
     "declined"),
    ("230000006", "11", "Île-de-France", "region", "0", "Île-de-France", "11", "11709222", "SOC", "left",
     "ineligible"),
    ("210000007", "97411", "Saint-Pierre", "commune", "0", "La Réunion", "04", "", "", "unknown", "invited"),
]


def write_codebook(folder: Path) -> Path:
    """A codebook with the shipped export section and the small questionnaire above."""
    spec = yaml.safe_load(CODEBOOK_PATH.read_text(encoding="utf-8"))
    spec["sections"] = {"s": {"fr": "Section", "en": "Section"}}
    spec["scales"] = {
        "oui_non": {"labels": {"Oui": 1, "Non": 0}, "dont_know": ["Ne sait pas"], "en": {1: "Yes", 0: "No"}},
        "demat": {"labels": {"Non dématérialisé": 0, "Partiellement": 1, "Totalement": 2},
                  "not_applicable": ["Non concerné"], "en": {0: "Not", 1: "Partially", 2: "Fully"}},
    }
    spec["questions"] = QUESTIONS
    spec["indicators"] = [{"id": "savings", "question": "savings", "codes": [1], "fr": "Économies",
                           "en": "Savings", "headline": True, "published_2012": 0.21}]
    path = folder / "codebook.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def mini_codebook(folder: Path):
    """The loaded small codebook."""
    return load_codebook(write_codebook(folder))


def write_frame(folder: Path, rows=FRAME_ROWS) -> Path:
    """The small frame, UTF-8, comma-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FRAME_COLUMNS)
    writer.writerows(rows)
    path = folder / "frame.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def export_header(codebook) -> list[str]:
    """Metadata columns then question columns, as the survey tool lays them out."""
    return [codebook.export.columns[role] for role in HEADER_ROLES] + codebook.question_columns()


def write_export(folder: Path, codebook, records: list[dict], encoding: str = "cp1252") -> Path:
    """An export with one row per record; keys are roles or question column headers, others blank."""
    header = export_header(codebook)
    role_to_column = codebook.export.columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for record in records:
        cells = {role_to_column.get(key, key): value for key, value in record.items()}
        writer.writerow([cells.get(column, "") for column in header])
    path = folder / "export.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def submission(response_id: str, unit_id: str, name: str, unit_type: str, *, status: str = "Complète",
               when: str = "15/10/2012 10:00:00", last_name: str = "Durand", email: str = "a.durand@ville.example",
               answers: dict | None = None) -> dict:
    """One export record with typical personal data and complete answers unless given."""
    record = {"response_id": response_id, "submitted_at": when, "status": status, "unit_id": unit_id,
              "authority_name": name, "authority_type": unit_type, "last_name": last_name, "first_name": "Anne",
              "job_title": "DSI", "email": email, "phone": "01 23 45 67 89"}
    record.update(answers if answers is not None else {
        "Q1. Projets ?": "Oui", "Q2. Porteur [Élus]": "Oui", "Q3. Économies ?": "Non",
        "Q4. État civil": "Partiellement", "Q5. ETP informatiques": "12,5", "Commentaires": "RAS ; « merci »"})
    return record
