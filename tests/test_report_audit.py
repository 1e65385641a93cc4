"""A report reviewers can audit and reuse: numbers traced to their results key and cell, notebook pages with code,
tables as CSV and one accessible workbook, figures with their data, contents, methods annex, paged PDF, and
secondary suppression of small cells."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from helpers import report
from helpers.errors import InputError

YEAR = 2012
NUMBER = re.compile(r"(?<![\w.,])[−+]?\d(?:[\d\u202f]*\d)?(?:[.,]\d+)?")
# An address on the network, once embedded data (base64 may hold "//") is left out.
NETWORK = re.compile(r"https?:|(?<![\w:/])//[\w-]+\.[\w.-]+", re.IGNORECASE)
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def network_addresses(page: str) -> list[str]:
    return NETWORK.findall(DATA_URI.sub("", page))


# --- secondary suppression -------------------------------------------------------------------------------------

def derivable(hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells whose value follows from the shown cells and the row and column totals (linear algebra)."""
    rows, columns = hidden.shape
    cells = list(zip(*np.nonzero(hidden)))
    if not cells:
        return []
    constraints = np.array([[1.0 if (axis == 0 and r == line) or (axis == 1 and c == line) else 0.0
                             for r, c in cells]
                            for axis, count in ((0, rows), (1, columns)) for line in range(count)])
    rank = np.linalg.matrix_rank(constraints)
    found = []
    for position, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[position] = 1.0
        if np.linalg.matrix_rank(np.vstack([constraints, unit])) == rank:
            found.append(tuple(int(i) for i in cell))
    return found


def test_a_suppressed_cell_cannot_be_derived_from_the_totals():
    counts = pd.DataFrame([[3, 10, 12, 25], [8, 9, 20, 14], [15, 7, 30, 2], [40, 22, 11, 18]])
    primary = counts.to_numpy() < 5
    assert derivable(primary) == [(0, 0), (2, 3)], "primary suppression alone gives the small cells away"
    hidden = report.secondary_suppression(counts, primary)
    assert (hidden | ~primary).all() and hidden[primary].all(), "the small cells stay hidden"
    assert derivable(hidden) == []
    assert set(hidden.sum(axis=0)) <= {0, 2, 3, 4} and set(hidden.sum(axis=1)) <= {0, 2, 3, 4}
    assert hidden.sum() < counts.size, "not everything is hidden"


def test_complements_are_the_smallest_cells_and_not_zeros():
    counts = pd.DataFrame([[2, 0, 9, 30], [6, 0, 7, 40]])
    hidden = report.secondary_suppression(counts, counts.to_numpy() == 2)
    # Row 0: the smallest non-zero complement is 9; column 0: 6; then row 1 needs one more (7) and column 2 has two.
    assert hidden.tolist() == [[True, False, True, False], [True, False, True, False]]
    with pytest.raises(ValueError, match="expected the counts' shape"):
        report.secondary_suppression(counts, np.zeros((3, 4), dtype=bool))


def test_a_table_of_respondents_by_type_hides_a_complement():
    table = pd.DataFrame({"type": list("abcd"), "respondents": ["3", "12", "40", "9"], "rate": ["x"] * 4})
    shown, small, complementary = report.suppress_with_complements(table, "respondents", ["rate"], 5)
    assert (small, complementary) == (1, 1)
    assert shown["respondents"].tolist() == ["s", "12", "40", "s"] and shown["rate"].tolist() == ["s", "x", "x", "s"]
    note = report.small_cell_note(small, 5, "fr", complementary)
    assert "1 ligne(s) complémentaire(s)" in note and "déduite du total" in note


def test_a_figure_leaves_out_the_rows_its_table_hides():
    # Respondents by type add up to a stated total: the small row's complement (the next smallest) goes too.
    assert report.shown_rows([3, 12, 40, 9], 5).tolist() == [False, True, True, False]
    assert report.shown_rows([30, 12], 5).tolist() == [True, True]


# --- numbers traced to their key -------------------------------------------------------------------------------

def test_formats_of_traced_numbers_name_their_keys():
    results = report.traced({"rates": {"RR2": {"rate": 0.248, "low": 0.21, "high": 0.29}}, "n": [3, 4],
                             "when": "2012-11-16", "demo": True})
    rate = results["rates"]["RR2"]["rate"]
    assert rate == 0.248 and rate.key == "rates/RR2/rate" and results["n"][1].key == "n/1"
    assert results["demo"] is True
    text = report.percent(rate, "fr")
    assert text == "24,8\u00a0%" and text.keys == ("rates/RR2/rate",)
    interval = report.bracket(results["rates"]["RR2"]["low"], results["rates"]["RR2"]["high"], "en")
    assert interval.keys == ("rates/RR2/low", "rates/RR2/high") and interval.values == (0.21, 0.29)
    assert report.long_date(results["when"], "en").keys == ("when",)
    assert not isinstance(report.percent(0.248), report.TracedText), "an untraced number gives plain text"
    assert not isinstance(text + " !", report.TracedText), "joining texts drops the trace"
    span = report.html_text(text)
    assert span == ('<span class="traced" data-key="rates/RR2/rate" data-value="[0.248]">24,8\u00a0%</span>')
    assert report.html_text("a < b") == "a &lt; b"


def test_a_section_of_traced_results_writes_spans():
    context = {"bias": report.traced({"rates": {"RR2": {"rate": 0.25, "wilson_low": 0.21, "wilson_high": 0.29}}},
                                     "response_bias"), "level": 0.95}
    text = report.render_section("response", context, "fr", "rates")
    assert '<span class="traced" data-key="response_bias/rates/RR2/rate" data-value="[0.25]">25,0\u00a0%</span>' \
        in text


def executed_notebook(path: Path, cells: list[tuple[str, str | None]]) -> Path:
    """An executed notebook whose cells (id, section written or None) carry the results writer's record."""
    notebook = nbformat.v4.new_notebook()
    for cell_id, section in cells:
        cell = nbformat.v4.new_code_cell(f"write_section(folder, {section!r}, payload)" if section else "x = 1")
        cell.id = cell_id
        if section:
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                report.WRITER_MIME: {"section": section}, "text/plain": f"results.json: section {section!r}"})]
        notebook.cells.append(cell)
    nbformat.write(notebook, path)
    return path


def test_the_writer_of_each_section_is_read_from_the_executed_notebooks(tmp_path):
    executed_notebook(tmp_path / "01_clean.ipynb", [("cell-01", None), ("cell-18", "cleaning")])
    executed_notebook(tmp_path / "02_response_bias.ipynb", [("cell-33", "response_bias")])
    assert report.writers(tmp_path) == {"cleaning": {"notebook": "01_clean.ipynb", "cell": "cell-18"},
                                        "response_bias": {"notebook": "02_response_bias.ipynb", "cell": "cell-33"}}
    executed_notebook(tmp_path / "03_other.ipynb", [("cell-02", "cleaning")])
    with pytest.raises(InputError, match="section 'cleaning' of results.json written by cell cell-02"):
        report.writers(tmp_path)


def test_write_section_records_its_cell_in_a_notebook(tmp_path):
    """Executed by a kernel, the cell that writes a section holds the record :func:`report.writers` reads."""
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                 "language": "python"}})
    cell = nbformat.v4.new_code_cell(f"from helpers.report.results import write_section\n"
                                     f"write_section({str(tmp_path)!r}, 'cleaning', {{'frame_units': 3}})")
    cell.id = "writes"
    notebook.cells = [nbformat.v4.new_code_cell("x = 1"), cell]
    nbformat.write(notebook, tmp_path / "01_clean.ipynb")
    from nbclient import NotebookClient

    executed = NotebookClient(nbformat.read(tmp_path / "01_clean.ipynb", as_version=4), timeout=120,
                              kernel_name="python3").execute()
    nbformat.write(executed, tmp_path / "01_clean.ipynb")
    assert report.writers(tmp_path) == {"cleaning": {"notebook": "01_clean.ipynb", "cell": "writes"}}
    assert json.loads((tmp_path / "results.json").read_text())["cleaning"] == {"frame_units": 3}


def test_numbers_become_links_to_their_cell_and_notes():
    results = {"response_bias": {"rates": {"RR2": {"rate": 0.25}}}}
    writers = {"response_bias": {"notebook": "02_response_bias.ipynb", "cell": "cell-33"}}
    span = report.html_text(report.percent(report.traced(results)["response_bias"]["rates"]["RR2"]["rate"], "fr"))
    soup = BeautifulSoup(f"<main><p>RR2 {span}, encore {span}</p></main>", "html.parser")
    notes = report.link_numbers(soup, results, writers, "fr")
    assert notes == [("response_bias/rates/RR2/rate",)]
    links = soup.find_all("a", class_="traced")
    assert [link["href"] for link in links] == ["02_response_bias.html#cell-id=cell-33"] * 2
    assert "response_bias/rates/RR2/rate" in links[0]["title"] and "cell-33" in links[0]["title"]
    assert [sup.get_text() for sup in soup.find_all("sup", class_="ref")] == ["1", "1"]
    annex = report.notes_html(notes, writers, "fr")
    assert 'id="note-1"' in annex and 'href="results.html#key-response_bias/rates/RR2/rate"' in annex
    unknown = BeautifulSoup('<span class="traced" data-key="response_bias/rates/RR9/rate">1</span>', "html.parser")
    with pytest.raises(InputError, match="RR9"):
        report.link_numbers(unknown, results, writers, "fr")
    unwritten = BeautifulSoup('<span class="traced" data-key="trend/available">1</span>', "html.parser")
    with pytest.raises(InputError, match="no executed notebook records writing section 'trend'"):
        report.link_numbers(unwritten, {**results, "trend": {"available": 1}}, writers, "fr")


# --- notebook pages --------------------------------------------------------------------------------------------

def test_an_executed_notebook_becomes_a_page_with_its_code_and_cell_anchors(tmp_path):
    notebook = nbformat.v4.new_notebook()
    markdown = nbformat.v4.new_markdown_cell("See [the cleaning](01_clean.ipynb) and $x^2$.")
    code = nbformat.v4.new_code_cell("total = 40 + 2\ntotal")
    code.id = "cell-07"
    code.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=1)]
    figure = nbformat.v4.new_code_cell("figures.show(fig)")
    figure.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="},
                                             metadata={"image/png": {"alt": "Response rate by type, 2012"}})]
    notebook.cells = [markdown, code, figure]
    nbformat.write(notebook, tmp_path / "02_step.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "01_clean.ipynb")
    pages = report.write_notebook_pages(tmp_path)
    assert [page.name for page in pages] == ["01_clean.html", "02_step.html"]
    page = pages[1].read_text(encoding="utf-8")
    assert "total" in page and "42" in page and 'id="cell-id=cell-07"' in page
    assert 'href="01_clean.html"' in page, "links between notebooks go to their pages"
    assert 'alt="Response rate by type, 2012"' in page, "a figure keeps its text alternative"
    assert network_addresses(page) == [] and "<script" not in page


# --- tables for reuse ------------------------------------------------------------------------------------------

def crafted_page() -> str:
    results = report.traced({"s": {"a": {"rate": 0.25, "low": 0.2, "high": 0.31, "n": 40},
                                   "b": {"rate": 0.5, "low": 0.4, "high": 0.6, "n": 3}}}, "response_bias")
    rows = [(name, report.count(row["n"], "fr"), report.percent(row["rate"], "fr"),
             report.bracket(row["low"], row["high"], "fr")) for name, row in results["s"].items()]
    table = pd.DataFrame(rows, columns=["Type", "n", "Taux", "Intervalle"])
    shown, _ = report.suppress_small_cells(table, "n", ["Taux", "Intervalle"], 5)
    shown.loc[2] = ["c", "–", "–", "–"]
    return f"<main><h2 id='x'>2. Réponse</h2>{report.table_html(shown, 'Une note.', name='rates')}</main>"


def test_a_table_of_the_report_becomes_numbers(tmp_path):
    [table] = report.tables_of(crafted_page(), "fr")
    assert (table.name, table.title, table.note) == ("rates", "2. Réponse", "Une note.")
    assert list(table.data.columns) == ["Type", "n", "Taux", "Intervalle, borne basse", "Intervalle, borne haute"]
    assert table.data["n"].tolist() == [40, 3, "[x]"]
    assert table.data["Taux"].tolist() == [0.25, "[c]", "[x]"]
    assert table.data["Intervalle, borne haute"].tolist() == [0.31, "[c]", "[x]"]
    assert table.percent_columns == ["Taux", "Intervalle, borne basse", "Intervalle, borne haute"]
    with pytest.raises(ValueError, match="table name 'a b'"):
        report.table_html(pd.DataFrame({"x": [1]}), name="a b")


def read_sheet(path: Path, sheet: str) -> pd.DataFrame:
    """A gptables sheet as a table: its header is the first full row, after the title, subtitles and source.

    Read with openpyxl, cell by cell, so that a header such as ``2012`` stays the text it is stored as.
    """
    rows = [list(row) for row in openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True)]
    width = max(len(row) for row in rows)
    start = next(i for i, row in enumerate(rows) if len(row) == width and all(v is not None for v in row))
    table = pd.DataFrame(rows[start + 1:], columns=rows[start])
    return table.dropna(how="all")


def same_as_csv(sheet: pd.DataFrame, csv: Path) -> None:
    expected = pd.read_csv(csv, dtype=object, keep_default_na=False)
    assert list(sheet.columns) == list(expected.columns), csv.name
    for column in expected:
        for got, want in zip(sheet[column], expected[column]):
            try:
                assert float(got) == pytest.approx(float(want), rel=1e-12), (csv.name, column)
            except ValueError:
                assert str(got) == want, (csv.name, column)


def test_the_workbook_holds_a_cover_and_each_table_as_numbers(tmp_path):
    tables = report.tables_of(crafted_page(), "fr")
    csv = report.write_csv(tables[0], tmp_path)
    options = dict(title="Baromètre 2012", source="results.json", demo_warning="Données synthétiques",
                   threshold=5, run_date="2012-11-16", lang="fr")
    path = report.write_workbook(tables, tmp_path / "report.xlsx", **options)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == "Couverture" and workbook.sheetnames[-1] == "rates"
    cover = " ".join(str(cell.value) for row in workbook["Couverture"].iter_rows() for cell in row if cell.value)
    assert "Baromètre 2012" in cover and "Données synthétiques" in cover and "[c]" in cover
    numbers = [cell for row in workbook["rates"].iter_rows() for cell in row if isinstance(cell.value, float)]
    assert numbers and all(cell.data_type == "n" for cell in numbers), "cells hold numbers, not text"
    assert any(cell.number_format == "0.0%" for cell in numbers)
    same_as_csv(read_sheet(path, "rates"), csv)
    again = report.write_workbook(tables, tmp_path / "again.xlsx", **options)
    assert again.read_bytes() == path.read_bytes(), "a rerun writes the same workbook"


# --- the run's report ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wave_reports(demo_run_2012) -> Path:
    return demo_run_2012 / "reports" / str(YEAR)


@pytest.fixture(scope="module")
def results(wave_reports) -> dict:
    return json.loads((wave_reports / "results.json").read_text(encoding="utf-8"))


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_executed_notebook_has_its_page_linked_from_the_report_and_the_index(wave_reports, demo_run_2012):
    notebooks = sorted(path.stem for path in wave_reports.glob("*.ipynb"))
    assert len(notebooks) == 6
    page = (wave_reports / "report.html").read_text(encoding="utf-8")
    index = (demo_run_2012 / "reports" / "index.html").read_text(encoding="utf-8")
    for name in notebooks:
        html_page = wave_reports / f"{name}.html"
        assert html_page.is_file(), f"{name}.ipynb has no HTML page"
        text = html_page.read_text(encoding="utf-8")
        assert network_addresses(text) == [], name
        assert "jp-InputArea" in text, f"{name}.html shows the code"
        assert "No description has been provided" not in text, f"{name}.html has a figure without description"
        assert f'href="{name}.html"' in page and f'href="{YEAR}/{name}.html"' in index
    executed = (wave_reports / "04_report.ipynb").read_text(encoding="utf-8")
    assert 'href=\\"01_clean.html\\"' in executed, "the executed report notebook links to the pages"
    for name in ("report.html", "report.en.html", "results.html"):
        assert network_addresses((wave_reports / name).read_text(encoding="utf-8")) == [], name


@pytest.mark.parametrize("name", ["report.html", "report.en.html"])
def test_every_stated_number_links_to_its_key_and_cell(wave_reports, results, name):
    soup = soup_of(wave_reports / name)
    anchors: dict[str, set[str]] = {}
    links = soup.find_all("a", class_="traced")
    assert len(links) > 100
    notes = {li["id"]: li for li in soup.select("ol.notes li")}
    result_keys = {tr["id"] for tr in soup_of(wave_reports / "results.html").find_all("tr", id=True)}
    for link in links:
        keys = link["data-key"].split(report.KEY_SEPARATOR)
        for key in keys:
            report.lookup(results, key)  # raises if the key is not in results.json
        page, _, anchor = link["href"].partition("#")
        if page not in anchors:
            anchors[page] = {element["id"] for element in soup_of(wave_reports / page).find_all(id=True)}
        assert anchor in anchors[page], f"{link['href']} does not exist"
        assert 1 <= len(NUMBER.findall(link.get_text())) <= len(keys) + 1, link
        note = notes[link.find_next_sibling("sup", class_="ref").a["href"][1:]]
        for key in keys:
            assert f"key-{key}" in result_keys
            assert note.find("a", href=f"results.html#key-{key}") is not None


# Numbers that definitions state, not results: "1" (an R-indicator's maximum, δ = 1, an odds ratio of 1), the
# AUC of chance (0.5), the frame's population limit, the power asked for, the 2 × 2 table, a section's number, the
# year before a wave without results, SHA-256, the year of a reference cited in the text (Kish, 1965).
CONSTANTS = {"1", "0,5", "0.5", "50", "000", "50,000", "80", "2", "5", "2011", "256", "1965"}
EXEMPT_SECTIONS = ("9.", "10.", "11.")  # provenance (checksums, versions), notebooks, methods and references


def untraced_numbers(soup: BeautifulSoup) -> list[tuple[str, str]]:
    main = soup.main
    for element in main.select("nav.contents, ol.notes, thead, caption, sup.ref, a.traced, span.sourced, code, p.note"):
        element.decompose()
    for row in main.select("table tr"):
        cells = row.find_all("td")
        if cells:
            cells[0].decompose()  # a row's label
    found, section = [], ""
    for element in main.find_all(string=True):
        heading = element.find_parent(["h1", "h2", "h3"])
        if heading is not None:
            if heading.name == "h2":
                section = heading.get_text().strip()
            continue
        if section.startswith(EXEMPT_SECTIONS) or element.find_parent(id="notes"):
            continue
        for number in NUMBER.findall(str(element)):
            if number not in CONSTANTS:
                found.append((number, str(element).strip()[:80]))
    return found


@pytest.mark.parametrize("name", ["report.html", "report.en.html"])
def test_no_number_of_the_report_is_untraced(wave_reports, name):
    assert untraced_numbers(soup_of(wave_reports / name)) == []


def test_report_tables_are_csv_files_and_sheets_of_one_workbook(wave_reports):
    soup = soup_of(wave_reports / "report.html")
    names = [table.get("data-name") for table in soup.main.find_all("table")]
    assert None not in names, "every table of the report is named, hence downloadable"
    path = wave_reports / "report.xlsx"
    sheets = openpyxl.load_workbook(path).sheetnames
    assert sheets == ["Couverture", "Sommaire", *names]
    assert set(pd.read_excel(path, sheet_name=None)) == set(sheets)
    for name in names:
        same_as_csv(read_sheet(path, name), wave_reports / "tables" / f"{name}.csv")
    indicators = pd.read_csv(wave_reports / "tables" / "indicators.csv")
    assert pd.api.types.is_numeric_dtype(indicators["Pondéré"]), "shares are numbers"
    assert pd.api.types.is_integer_dtype(indicators["n"]), "counts are whole numbers"


def test_every_figure_has_a_description_and_its_data(wave_reports):
    soup = soup_of(wave_reports / "report.html")
    images = soup.main.find_all("img")
    assert len(images) >= 3
    for image in images:
        title, _, description = image["alt"].partition(". ")
        assert len(description) > 40, image["alt"]
        details = image.find_next("details", class_="figure-data")
        table = details.find("table")
        assert table["data-name"].startswith("figure-")
        assert (wave_reports / "tables" / f"{table['data-name']}.csv").is_file()


def test_contents_and_methods_annex(wave_reports):
    soup = soup_of(wave_reports / "report.html")
    contents = soup.select_one("nav.contents")
    targets = [link["href"][1:] for link in contents.find_all("a")]
    headings = [h2["id"] for h2 in soup.main.find_all("h2") if h2.get("id") and h2["id"] != "contents"]
    assert targets == headings and len(targets) >= 11
    text = soup.main.get_text()
    for reference in ("AAPOR", "Kish", "Korn", "Deville", "Schouten", "Firth", "VanderWeele", "Modèle de variance"):
        assert reference in text, reference


def test_every_pdf_page_has_its_number_the_running_title_and_the_demo_warning(wave_reports):
    if report.find_chromium() is None or shutil.which("pdftotext") is None:
        pytest.skip("Chromium or pdftotext is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(wave_reports / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) > 3
    title = report.report_title({"cleaning": {"wave": {"title": "Baromètre annuel"}}}, "fr")
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"Page {number} / {len(pages)}\b", page), page[-300:]
        assert title in page and "Données synthétiques de démonstration : ne pas citer" in page


def test_the_fieldwork_section_shows_its_tables_and_figures(wave_reports, results):
    soup = soup_of(wave_reports / "report.html")
    names = {table.get("data-name") for table in soup.main.find_all("table")}
    assert {"fieldwork_gains", "effort_levels", "effort_trend", "early_late", "break_offs", "figure-response_curve",
            "figure-cumulative"} <= names
    levels = pd.read_csv(wave_reports / "tables" / "effort_levels.csv")
    final = levels.groupby("Indicateur", sort=False).tail(1).set_index("Indicateur")["Pondéré"]
    weighted = results["response_bias"]["estimates"]["weighted"]
    labels = {report.start(YEAR, reports_dir=wave_reports).labels[i]: i for i in results["response_bias"]["headline"]}
    for label, share in final.items():
        assert share == pytest.approx(weighted[labels[label]]["estimate"], rel=1e-12), \
            "the last effort level is the whole response, as the text says"
    gains = pd.read_csv(wave_reports / "tables" / "fieldwork_gains.csv")
    assert gains["Réponses obtenues"].sum() == results["cleaning"]["respondents"]
