"""Executed report notebook -> self-contained HTML page (no script, no network address), and the wave's rendering.

Imports neither matplotlib, seaborn nor IPython: the runner loads this module at render time only, and
nbconvert and BeautifulSoup are imported inside the functions that use them.
"""

from __future__ import annotations

import base64
import html
import json
import mimetypes
import re
from collections.abc import Sequence
from pathlib import Path

from helpers import atomic
from helpers.errors import InputError
from helpers.report.exports import TABLES_DIR, WORKBOOK, tables_of, write_csv, write_workbook
from helpers.report.formatting import LANGUAGES
from helpers.report.links import RESULTS_PAGE, link_numbers, notes_html, results_page
from helpers.report.pdf import print_pdf
from helpers.report.results import RESULTS_NAME, load_results, write_writers
from helpers.report.texts import report_title, run_date_of

REPORT_NOTEBOOK = "04_report"
SKIP_TAG = "report-skip"

CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a; margin: 0;
       line-height: 1.5; font-size: 15px; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.7em; margin: 0.4em 0; } h2 { font-size: 1.3em; margin-top: 1.6em;
     border-bottom: 1px solid #ccc; } h3 { font-size: 1.1em; }
a.anchor-link { display: none; }
img { max-width: 100%; height: auto; display: block; margin: 0.6em 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; } td { font-variant-numeric: tabular-nums; }
ul.summary li { margin: 0.3em 0; }
p.note { font-size: 0.85em; color: #444; margin-top: 0; }
.prompt, .input_prompt, .output_prompt { display: none; }
.output_stderr, .output_error { display: none; }
pre { white-space: pre-wrap; font-size: 0.85em; }
a.traced { color: inherit; text-decoration: underline dotted #888; }
sup.ref { display: none; font-size: 0.65em; vertical-align: baseline; position: relative; top: -0.45em;
          line-height: 0; }
sup.ref a { color: #555; text-decoration: none; }
ol.notes { font-size: 0.8em; } ol.notes code { font-size: 0.95em; }
nav.contents ol { columns: 2; font-size: 0.92em; list-style: none; padding-left: 0; }
details.figure-data summary { cursor: pointer; color: #333; font-size: 0.9em; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } img, table { break-inside: avoid; }
               sup.ref { display: inline; } details.figure-data { display: none; } }
@page { size: A4; margin: 18mm 14mm; }
"""
# The note numbers are raised by position, not vertical-align: super, with which Chromium 156 laid out the long
# report a fraction of a point differently from one print to the next (the PDF must be the same on a rerun).
CONTENTS = {"fr": "Sommaire", "en": "Contents"}
DEMO_WARNING = {"fr": "Données synthétiques de démonstration : ne pas citer",
                "en": "Synthetic demonstration data: do not quote"}
PAGE = {"fr": "Page", "en": "Page"}
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


def notebook_body(notebook_path: Path) -> str:
    """The executed notebook's outputs as an HTML fragment: no code, no cells tagged ``report-skip``.

    The parameters cells (and so papermill's injected cell with its run-specific id) are dropped.
    """
    # Imported here, not at the top: nbformat and nbconvert take about two seconds to import, which a
    # run that renders nothing (``--only``) or a kernel that imports the package should not pay.
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if not {SKIP_TAG, "parameters", "injected-parameters"} & set(cell.metadata.get("tags", []))]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(notebook)
    return body


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def make_offline(page: str, base_dir: Path) -> str:
    """Make an HTML page self-contained: no script, local images inlined, no network address in an attribute.

    Every ``<script>`` goes (the report needs none; nbconvert's templates load require.js, MathJax and mermaid
    from CDNs), ``<link>`` elements pointing at the network go, images referenced by a local path are embedded
    as base64, and any other ``src``/``href`` holding an ``http(s)`` address is dropped (the element's text stays).

    Parameters
    ----------
    page
        The HTML.
    base_dir
        Folder that relative image paths are resolved from.

    Raises
    ------
    InputError
        If an image the page references locally does not exist.
    """
    from bs4 import BeautifulSoup  # a dependency of nbconvert; imported here for the same reason

    soup = BeautifulSoup(page, "html.parser")
    for script in soup.find_all("script"):
        script.decompose()
    for link in soup.find_all("link"):
        if REMOTE.match(link.get("href", "")):
            link.decompose()
    for image in soup.find_all("img"):
        source = image.get("src", "")
        if source and not source.startswith("data:") and not REMOTE.match(source):
            path = Path(base_dir) / source
            if not path.is_file():
                raise InputError(path, "image referenced by the report is missing")
            image["src"] = _data_uri(path)
    for element in soup.find_all(True):
        for attribute in ("src", "href", "srcset", "action", "data"):
            if REMOTE.match(str(element.get(attribute, ""))):
                del element[attribute]
    text = str(soup)
    return re.sub(r"url\(\s*['\"]?https?:[^)]*\)", "none", text, flags=re.IGNORECASE)


def html_page(body: str, title: str, lang: str) -> str:
    """A whole HTML document around ``body`` with the report's inline CSS."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
            f"</body>\n</html>\n")


def report_name(lang: str, primary: str) -> str:
    """``report.html`` in the primary language, ``report.<lang>.html`` in the other."""
    return "report.html" if lang == primary else f"report.{lang}.html"


def report_notebook_name(lang: str, primary: str) -> str:
    """``04_report.ipynb`` in the primary language, ``04_report.<lang>.ipynb`` in the other."""
    return f"{REPORT_NOTEBOOK}.ipynb" if lang == primary else f"{REPORT_NOTEBOOK}.{lang}.ipynb"


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def print_css(title: str, demo: bool, lang: str) -> str:
    """The printed page's margins: the running title on top, the page number (and the demo warning) below.

    Chromium (from version 131) prints CSS ``@page`` margin boxes, so the PDF needs no stamping afterwards.
    """
    warning = (f"  @bottom-left {{ content: {_css_string(DEMO_WARNING[lang])}; font-size: 8pt; color: #D55E00; }}\n"
               if demo else "")
    return ("@page {\n"
            f"  @top-center {{ content: {_css_string(title)}; font-size: 8pt; color: #444; }}\n{warning}"
            f'  @bottom-right {{ content: "{PAGE[lang]} " counter(page) " / " counter(pages); font-size: 8pt; }}\n'
            "}\n")


def with_contents(soup, lang: str) -> None:
    """Insert a table of contents of the page's ``h2`` sections before the first one, in place."""
    headings = [heading for heading in soup.find_all("h2") if heading.get("id")]
    if not headings:
        return
    items = []
    for heading in headings:
        for anchor in heading.find_all("a", class_="anchor-link"):
            anchor.decompose()
        items.append(f'<li><a href="#{html.escape(heading["id"])}">{html.escape(heading.get_text().strip())}</a></li>')
    from bs4 import BeautifulSoup  # a dependency of nbconvert (see make_offline)

    nav = BeautifulSoup(f'<nav class="contents" aria-labelledby="contents"><h2 id="contents">{CONTENTS[lang]}</h2>'
                        f'<ol>{"".join(items)}</ol></nav>', "html.parser")
    headings[0].insert_before(nav)


def traced_page(page: str, results: dict, writers: dict, lang: str) -> str:
    """The report page with its numbers linked to their keys and cells, the notes and the table of contents."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    notes = link_numbers(soup, results, writers, lang)
    soup.main.append(BeautifulSoup(notes_html(notes, writers, lang), "html.parser"))
    with_contents(soup, lang)
    return str(soup)


def write_html(notebook_path: Path, output: Path, title: str, lang: str, results: dict | None = None,
               writers: dict | None = None) -> Path:
    """Render an executed report notebook to a self-contained HTML file.

    With the wave's ``results`` and their ``writers`` (:func:`helpers.report.results.writers`), every traced
    number links to its key and cell (:func:`traced_page`) and the printed page carries the running title,
    the page numbers and, for a demo wave, the demo warning.
    """
    page = make_offline(html_page(notebook_body(notebook_path), title, lang), notebook_path.parent)
    if results is not None:
        demo = bool(results["cleaning"]["wave"].get("demo"))
        page = traced_page(page, results, writers or {}, lang).replace(
            "</style>", print_css(title, demo, lang) + "</style>", 1)
    output.write_text(page, encoding="utf-8")
    return output


def write_tables(reports: Path, results: dict, lang: str) -> list[Path]:
    """Every named table of ``report.html`` to ``tables/<name>.csv`` and all of them to ``report.xlsx``."""
    tables = tables_of((reports / report_name(lang, lang)).read_text(encoding="utf-8"), lang)
    folder = reports / TABLES_DIR
    folder.mkdir(exist_ok=True)
    written = [write_csv(table, folder) for table in tables]
    wave = results["cleaning"]["wave"]
    source = {"fr": f"baromètre e-services {wave['year']}, results.json",
              "en": f"e-services barometer {wave['year']}, results.json"}[lang]
    written.append(write_workbook(tables, reports / WORKBOOK, title=report_title(results, lang), source=source,
                                  demo_warning=DEMO_WARNING[lang] if wave.get("demo") else "",
                                  threshold=wave["report"]["small_cell_threshold"],
                                  run_date=run_date_of(results, ""), lang=lang))
    return written


def render_wave(reports: Path, primary: str, languages: Sequence[str] = LANGUAGES) -> list[Path]:
    """Render a wave's executed report notebooks to HTML, its tables to CSV and xlsx, and to PDF with Chromium.

    Also writes ``results.sources.json`` (which cell wrote each section of the results) and ``results.html``
    (every key with its value and cell), which the report's numbers link to.

    Parameters
    ----------
    reports
        The wave's (staged) reports folder holding ``results.json`` and the executed report notebooks.
    primary
        Language of ``report.html`` and ``report.pdf``; the others go to ``report.<lang>.html``.
    languages
        Languages rendered.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    results = load_results(reports)
    written = [write_writers(reports)]
    writers = json.loads(written[0].read_text(encoding="utf-8"))
    for lang in languages:
        notebook = reports / report_notebook_name(lang, primary)
        if not notebook.is_file():
            raise InputError(notebook, "executed report notebook not found")
        written.append(write_html(notebook, reports / report_name(lang, primary), report_title(results, lang), lang,
                                  results, writers))
    page = html_page(results_page(results, writers, primary), f"{RESULTS_NAME} — {report_title(results, primary)}",
                     primary)
    written.append(atomic.write_text(reports / RESULTS_PAGE, page))
    written += write_tables(reports, results, primary)
    pdf = reports / "report.pdf"
    if print_pdf(reports / report_name(primary, primary), pdf, run_date_of(results, "")):
        written.append(pdf)
    return written
