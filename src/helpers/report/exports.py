"""The report's tables for reuse: one CSV per table and figure, and all of them in one accessible ``report.xlsx``.

Read from the rendered report page, so that each file holds what the report shows: every ``table`` that the
report notebook named (:func:`helpers.report.display.table_html` with ``name``), figures' data included. A
cell stating one traced number (:mod:`helpers.report.tracing`) becomes that number as ``results.json`` holds
it (shares as proportions between 0 and 1, not percentages), an interval becomes two columns (its bounds), a
suppressed cell ``[c]`` and a cell left empty in the report (``–``) ``[x]``, as the UK Analysis Function's
guidance for accessible spreadsheets writes them. The workbook is written with ``gptables`` (a cover sheet with
the title, the source, the notes and the demo warning, a contents sheet, then one sheet per table, each with
its title, source and notes above it), numbers stored as numbers and shown as percentages where the report
shows percentages.
"""

from __future__ import annotations

import datetime
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import atomic
from helpers.report.suppression import SUPPRESSED

TABLES_DIR = "tables"
WORKBOOK = "report.xlsx"
CONFIDENTIAL, NOT_APPLICABLE = "[c]", "[x]"
BOUNDS = {"fr": ("borne basse", "borne haute"), "en": ("lower bound", "upper bound")}
UNBOUNDED = {"fr": "non borné", "en": "unbounded"}  # as helpers.report.formatting.bracket writes a missing bound
TEXTS = {
    "fr": {"figure": "Données de la figure", "contents": "Sommaire", "cover": "Couverture",
           "source": "Source : {source}.",
           "about": ["Chaque feuille reprend un tableau du rapport ou les données d'une figure, et le fichier "
                     "CSV du même nom dans le dossier tables/.",
                     "Les parts sont écrites en proportions (entre 0 et 1), affichées en pourcentages ; les écarts "
                     "en points sont des différences de proportions.",
                     "[c] : valeur non diffusée, moins de {threshold} répondants, ou valeur complémentaire masquée "
                     "pour qu'aucune valeur ne puisse être déduite d'un total. [x] : sans objet.",
                     "Chaque nombre provient de results.json ; le rapport HTML renvoie chacun à sa clé et à la "
                     "cellule du carnet qui l'a écrit."]},
    "en": {"figure": "Data of the figure", "contents": "Contents", "cover": "Cover",
           "source": "Source: {source}.",
           "about": ["Each sheet holds one table of the report or the data of one figure, as does the CSV file "
                     "of the same name in the tables/ folder.",
                     "Shares are written as proportions (between 0 and 1), shown as percentages; differences in "
                     "points are differences of proportions.",
                     "[c]: not shown, fewer than {threshold} respondents, or a complementary value hidden so that "
                     "no value can be derived from a total. [x]: not applicable.",
                     "Every number comes from results.json; the HTML report links each one to its key and to the "
                     "notebook cell that wrote it."]},
}


@dataclass
class ExportTable:
    """One table of the report as data.

    Attributes
    ----------
    name
        Its file name (``tables/<name>.csv``, sheet ``<name>``).
    title
        What it is: the heading of its section, or the figure's title.
    note
        The note under it in the report.
    data
        Numbers as numbers, text as text.
    percent_columns
        Columns the report shows as percentages.
    """

    name: str
    title: str
    note: str
    data: pd.DataFrame
    percent_columns: list[str] = field(default_factory=list)


def _cell(cell: Any) -> tuple[list[float] | None, str, bool]:
    """A ``td``'s traced values (``None`` if it states none alone), its text and whether it shows a percentage."""
    text = cell.get_text().strip()
    traced = cell.find_all(["a", "span"], class_=["traced", "sourced"])
    if len(traced) != 1 or traced[0].get_text().strip() != text:
        return None, text, False
    values = json.loads(traced[0].get("data-value", "[]"))
    return values, text, "%" in text


def _column(name: str, cells: list[Any], lang: str) -> tuple[dict[str, list[Any]], bool]:
    """One column of a table as one column (numbers or text) or two (an interval's bounds)."""
    parsed = [_cell(cell) for cell in cells]
    width = max((len(values) for values, _, _ in parsed if values is not None), default=0)
    stated = [values is not None or text in (SUPPRESSED, "–", "") for values, text, _ in parsed]
    percent = any(is_percent for _, _, is_percent in parsed)
    if width == 0 or not all(stated) or width > 2:
        return {name: [NOT_APPLICABLE if text in ("–", "") else text for _, text, _ in parsed]}, False

    def value(values: list[float] | None, text: str, position: int) -> Any:
        if values is None:
            return CONFIDENTIAL if text == SUPPRESSED else NOT_APPLICABLE
        if len(values) == width:
            return values[position]
        # An interval with an unbounded side ("[0,58 ; non borné]"): its one value is on the other side.
        unbounded = [UNBOUNDED[lang] in part for part in text.strip("[]").split(";" if lang == "fr" else ",", 1)]
        if unbounded[position]:
            return UNBOUNDED[lang]
        return values[0]

    if width == 1:
        return {name: [value(values, text, 0) for values, text, _ in parsed]}, percent
    return {f"{name}, {bound}": [value(values, text, k) for values, text, _ in parsed]
            for k, bound in enumerate(BOUNDS[lang])}, percent


def tables_of(page: str, lang: str) -> list[ExportTable]:
    """Every named table of a rendered report page (``table[data-name]``), in the page's order."""
    from bs4 import BeautifulSoup  # a dependency of nbconvert, imported here as in render.make_offline

    soup = BeautifulSoup(page, "html.parser")
    for reference in soup.select("sup.ref"):  # the numbers' notes are the report's, not the table's
        reference.decompose()
    found = []
    for element in soup.find_all("table", attrs={"data-name": True}):
        headers = [th.get_text().strip() for th in element.find("thead").find_all("th")]
        rows = [row.find_all("td") for row in element.find("tbody").find_all("tr")]
        columns: dict[str, list[Any]] = {}
        percent_columns = []
        for position, header in enumerate(headers):
            made, percent = _column(header, [row[position] for row in rows], lang)
            columns.update(made)
            percent_columns += list(made) if percent else []
        caption = element.find("caption")
        heading = element.find_previous(["h2", "h3"])
        title = (caption or heading).get_text().strip() if (caption or heading) else element["data-name"]
        note = element.find_next_sibling("p", class_="note")
        found.append(ExportTable(element["data-name"], title, note.get_text().strip() if note else "",
                                 pd.DataFrame(columns), percent_columns))
    return found


def write_csv(table: ExportTable, folder: Path) -> Path:
    """``<folder>/<name>.csv``: UTF-8, comma-separated, numbers at full precision."""
    return atomic.write_text(Path(folder) / f"{table.name}.csv", table.data.to_csv(index=False, lineterminator="\n"))


def write_workbook(tables: list[ExportTable], path: Path, *, title: str, source: str, demo_warning: str,
                   threshold: int, run_date: str, lang: str) -> Path:
    """Write every table to one accessible workbook: a cover, a contents sheet, then a sheet per table.

    Parameters
    ----------
    tables
        :func:`tables_of` the report.
    path
        The ``.xlsx`` to write.
    title, source
        The report's title and its data source.
    demo_warning
        Shown first on the cover and under every table's title; empty for a real wave.
    threshold
        The small-cell threshold, for the cover's notes.
    run_date
        ISO date stored as the workbook's creation date (so reruns write the same file).
    lang
        ``fr`` or ``en``.
    """
    import gptables

    words = TEXTS[lang]
    sheets = {}
    for table in tables:
        data = table.data.copy()
        formats = [{"column": {"columns": [column], "format": {"num_format": "0.0%"}}}
                   for column in table.percent_columns]
        subtitles = [demo_warning] if demo_warning else []
        notes = [table.note] if table.note else []
        sheets[table.name] = gptables.GPTable(
            table=data, table_name=table.name.replace("-", "_"), title=table.title,
            subtitles=subtitles + notes, source=words["source"].format(source=source),
            index_columns={2: 0}, additional_formatting=formats)
    about = [text.format(threshold=threshold) for text in words["about"]]
    cover = gptables.Cover(title=title, intro=[demo_warning] if demo_warning else [],
                           about=[words["source"].format(source=source), *about], cover_label=words["cover"])
    created = datetime.datetime.fromisoformat(run_date)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    partial = Path(path).with_name(f".{Path(path).name}.partial")
    with warnings.catch_warnings():
        # The tables' notes are written under their titles, so there is no notes sheet to warn about.
        warnings.filterwarnings("ignore", message="No note text provided")
        workbook = gptables.produce_workbook(str(partial), sheets=sheets, cover=cover,
                                             contentsheet_label=words["contents"])
    workbook.set_properties({"title": title, "created": created})
    workbook.close()
    partial.replace(path)
    return Path(path)
